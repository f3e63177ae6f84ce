"""The secretariat office (秘书处办公室): its director and staff, and the duties each holds.
These people are the owners that plan milestones point to."""
from __future__ import annotations

import re

import pandas as pd
from sqlmodel import Session, func, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.models import DutyArea, Role, StaffMember, User

POSITIONS = ("director", "deputy", "staff")
FIELDS = ("name", "position", "duty_area", "duties", "phone", "email", "user_id", "active")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def office(session: Session, current: CurrentUser | None, *, include_inactive: bool = False) -> pd.DataFrame:
    """The office's people for every logged-in role; former staff and the platform accounts
    they log in with only for the secretariat (a username is half of a login)."""
    require_role(current, *Role)
    is_staff = current.role in STAFF_ROLES
    include_inactive = include_inactive and is_staff
    query = select(StaffMember, User.username).join(User, User.id == StaffMember.user_id, isouter=True)
    if not include_inactive:
        query = query.where(StaffMember.active)
    rows = [{**{name: getattr(staff, name) for name in FIELDS}, "id": staff.id,
             "version": staff.version, "sort_order": staff.sort_order,
             "username": (username or "") if is_staff else ""}
            for staff, username in session.exec(query)]
    frame = pd.DataFrame(rows, columns=["id", *FIELDS, "version", "sort_order", "username"])
    frame["_rank"] = frame["position"].map(lambda p: POSITIONS.index(p) if p in POSITIONS else 9)
    return frame.sort_values(["_rank", "sort_order"]).drop(columns="_rank").reset_index(drop=True)


def _clean(session: Session, values: dict) -> dict:
    values = {key: (value.strip() if isinstance(value, str) else value) for key, value in values.items()}
    if not values.get("name"):
        raise ValidationFailed("staff.name_required")
    if values.get("position") not in POSITIONS:
        raise ValidationFailed("staff.bad_position")
    if values.get("duty_area") not in set(DutyArea):
        raise ValidationFailed("staff.bad_duty")
    if values.get("email") and not EMAIL.match(values["email"]):
        raise ValidationFailed("member.bad_email")
    if values.get("user_id") is not None:
        user = session.get(User, values["user_id"])
        if user is None or user.role not in STAFF_ROLES:
            raise ValidationFailed("staff.user_not_secretariat")
    return values


def _one_director(session: Session, values: dict, staff_id: int | None) -> None:
    if values.get("position") != "director" or not values.get("active", True):
        return
    others = session.exec(select(func.count()).select_from(StaffMember).where(
        StaffMember.position == "director", StaffMember.active, StaffMember.id != (staff_id or 0))).one()
    if others:
        raise ValidationFailed("staff.one_director")


def add(session: Session, current: CurrentUser, values: dict) -> StaffMember:
    require_role(current, *STAFF_ROLES)
    values = _clean(session, {key: values.get(key) for key in FIELDS if key in values})
    values.setdefault("active", True)
    _one_director(session, values, None)
    order = session.exec(select(func.max(StaffMember.sort_order))).one() or 0
    staff = StaffMember(**{k: v for k, v in values.items() if v is not None or k == "user_id"},
                        sort_order=order + 1)
    session.add(staff)
    session.flush()
    audit.record(session, action="staff_added", actor_id=current.id, actor_name=current.username,
                 entity="staff_member", entity_id=staff.id, after=values)
    return staff


def update(session: Session, current: CurrentUser, staff_id: int, expected_version: int,
           values: dict) -> None:
    require_role(current, *STAFF_ROLES)
    staff = session.get(StaffMember, staff_id)
    if staff is None:
        raise NotFound("staff.not_found")
    merged = _clean(session, {key: values.get(key, getattr(staff, key)) for key in FIELDS})
    _one_director(session, merged, staff_id)
    before = audit.snapshot(staff, FIELDS)
    update_versioned(session, StaffMember, staff_id, expected_version, merged)
    audit.record(session, action="staff_updated", actor_id=current.id, actor_name=current.username,
                 entity="staff_member", entity_id=staff_id, before=before, after=merged)


def secretariat_users(session: Session, current: CurrentUser | None) -> list[tuple[int, str]]:
    require_role(current, *STAFF_ROLES)
    return session.exec(select(User.id, User.display_name).where(
        User.role.in_(STAFF_ROLES), User.active).order_by(User.username)).all()
