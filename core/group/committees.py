"""Committees of the council (专门委员会/工作委员会): everyone logged in reads; the secretariat
and admin add, edit and dissolve them. The yearly profile counts those active at the year's end."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
from sqlmodel import Session, func, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, Role, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.group.models import Committee
from core.models import MemberStatus, MemberUnit

FIELDS = ("name", "name_en", "chair_member_id", "established_on", "dissolved_on", "note")


def listing(session: Session, current: CurrentUser | None) -> pd.DataFrame:
    """Every committee, active ones first, with its chair unit's name."""
    require_role(current, *Role)
    rows = session.exec(
        select(Committee.id, Committee.name, Committee.name_en, Committee.chair_member_id,
               MemberUnit.name, Committee.established_on, Committee.dissolved_on, Committee.note,
               Committee.version)
        .outerjoin(MemberUnit, MemberUnit.id == Committee.chair_member_id)
        .order_by(Committee.dissolved_on.is_not(None), Committee.established_on, Committee.id)).all()
    return pd.DataFrame(rows, columns=["id", "name", "name_en", "chair_member_id", "chair_unit",
                                       "established_on", "dissolved_on", "note", "version"])


def active_count(session: Session, current: CurrentUser | None, *, day: date) -> int:
    """Committees established on or before `day` and not dissolved by then."""
    require_role(current, *Role)
    return session.exec(select(func.count()).select_from(Committee).where(
        Committee.established_on <= day,
        (Committee.dissolved_on.is_(None)) | (Committee.dissolved_on > day))).one()


def _checked(session: Session, values: dict, *, own_id: int | None) -> dict:
    values = {key: (value.strip() if isinstance(value, str) else value) for key, value in values.items()}
    values["name_en"] = values.get("name_en") or ""
    values["note"] = values.get("note") or ""
    if not values.get("name"):
        raise ValidationFailed("committee.name_required")
    if not isinstance(values.get("established_on"), date):
        raise ValidationFailed("committee.date_required")
    dissolved = values.get("dissolved_on")
    if dissolved is not None and dissolved < values["established_on"]:
        raise ValidationFailed("committee.dissolved_before_established")
    same = session.exec(select(Committee.id).where(Committee.name == values["name"])).first()
    if same is not None and same != own_id:
        raise ValidationFailed("committee.duplicate_name", name=values["name"])
    if values.get("chair_member_id"):
        unit = session.get(MemberUnit, values["chair_member_id"])
        if unit is None:
            raise NotFound("member.not_found")
        if unit.status == MemberStatus.EXITED and dissolved is None:
            raise ValidationFailed("committee.chair_exited")
    else:
        values["chair_member_id"] = None
    return values


def add(session: Session, current: CurrentUser | None, *, name: str, established_on: date,
        name_en: str = "", chair_member_id: int | None = None, note: str = "") -> Committee:
    require_role(current, *STAFF_ROLES)
    values = _checked(session, {"name": name, "name_en": name_en, "chair_member_id": chair_member_id,
                                "established_on": established_on, "dissolved_on": None, "note": note},
                      own_id=None)
    row = Committee(**values)
    session.add(row)
    session.flush()  # db_guards checks the lengths here, before anything is written
    audit.record(session, action="committee_added", actor_id=current.id, actor_name=current.username,
                 entity="committee", entity_id=row.id, after=values)
    return row


def update(session: Session, current: CurrentUser | None, *, committee_id: int, expected_version: int,
           values: dict) -> dict:
    """Change any of FIELDS (dissolving is setting dissolved_on). An edit after someone else's is
    refused as stale. Returns the diff."""
    require_role(current, *STAFF_ROLES)
    row = session.get(Committee, committee_id)
    if row is None:
        raise NotFound("committee.not_found")
    before = audit.snapshot(row, FIELDS)
    after = _checked(session, {key: values.get(key, getattr(row, key)) for key in FIELDS},
                     own_id=committee_id)
    plain_after = audit.snapshot(SimpleNamespace(**after), FIELDS)
    diff = {key: [before[key], plain_after[key]] for key in FIELDS if before[key] != plain_after[key]}
    if not diff:
        return {}
    # The version check first (atomic), then the values through the ORM so db_guards checks their
    # lengths at the flush like any new row's.
    update_versioned(session, Committee, committee_id, expected_version, {})
    for key, value in after.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    audit.record(session, action="committee_updated", actor_id=current.id, actor_name=current.username,
                 entity="committee", entity_id=committee_id, before=before, after=after)
    return diff


def dissolve(session: Session, current: CurrentUser | None, *, committee_id: int, expected_version: int,
             dissolved_on: date) -> dict:
    return update(session, current, committee_id=committee_id, expected_version=expected_version,
                  values={"dissolved_on": dissolved_on})
