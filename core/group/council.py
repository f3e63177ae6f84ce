"""The council (理事会): terms and seats. Everyone logged in reads; the secretariat edits."""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, func, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError, update_versioned
from core.errors import NotFound, ValidationFailed
from core.group.members import SEAT_ORDER
from core.models import CouncilSeat, CouncilTerm, MemberStatus, MemberUnit, SeatRole

SEAT_FIELDS = ("member_id", "seat_role", "person_name", "person_title")


def terms(session: Session) -> list[CouncilTerm]:
    return session.exec(select(CouncilTerm).order_by(CouncilTerm.number.desc())).all()


def seats(session: Session, term_id: int) -> pd.DataFrame:
    rows = session.exec(
        select(CouncilSeat.id, CouncilSeat.seat_role, CouncilSeat.person_name,
               CouncilSeat.person_title, CouncilSeat.member_id, MemberUnit.name,
               MemberUnit.unit_type, CouncilSeat.version)
        .join(MemberUnit, MemberUnit.id == CouncilSeat.member_id)
        .where(CouncilSeat.term_id == term_id).order_by(CouncilSeat.sort_order, CouncilSeat.id)).all()
    frame = pd.DataFrame(rows, columns=["id", "seat_role", "person_name", "person_title",
                                        "member_id", "unit", "unit_type", "version"])
    frame["_rank"] = frame["seat_role"].map(lambda role: SEAT_ORDER.index(role))
    return frame.sort_values(["_rank"], kind="stable").drop(columns="_rank").reset_index(drop=True)


def _check_seat(session: Session, values: dict) -> dict:
    values = {key: (value.strip() if isinstance(value, str) else value) for key, value in values.items()}
    if values.get("seat_role") not in set(SeatRole):
        raise ValidationFailed("council.bad_role")
    if not values.get("person_name"):
        raise ValidationFailed("council.person_required")
    unit = session.get(MemberUnit, values.get("member_id") or 0)
    if unit is None:
        raise NotFound("member.not_found")
    if unit.status == MemberStatus.EXITED:
        raise ValidationFailed("council.unit_exited")
    return values


def add_seat(session: Session, current: CurrentUser, term_id: int, values: dict) -> CouncilSeat:
    require_role(current, *STAFF_ROLES)
    if session.get(CouncilTerm, term_id) is None:
        raise NotFound("council.term_not_found")
    values = _check_seat(session, {key: values.get(key) for key in SEAT_FIELDS})
    if values["seat_role"] == SeatRole.CHAIR and session.exec(
            select(func.count()).select_from(CouncilSeat).where(
                CouncilSeat.term_id == term_id, CouncilSeat.seat_role == SeatRole.CHAIR)).one():
        raise ValidationFailed("council.one_chair")
    order = session.exec(select(func.max(CouncilSeat.sort_order))).one() or 0
    seat = CouncilSeat(term_id=term_id, sort_order=order + 1, **values)
    session.add(seat)
    session.flush()
    audit.record(session, action="seat_added", actor_id=current.id, actor_name=current.username,
                 entity="council_seat", entity_id=seat.id, after=values)
    return seat


def update_seat(session: Session, current: CurrentUser, seat_id: int, expected_version: int,
                values: dict) -> None:
    require_role(current, *STAFF_ROLES)
    seat = session.get(CouncilSeat, seat_id)
    if seat is None:
        raise NotFound("council.seat_not_found")
    values = _check_seat(session, {key: values.get(key, getattr(seat, key)) for key in SEAT_FIELDS})
    if values["seat_role"] == SeatRole.CHAIR and seat.seat_role != SeatRole.CHAIR and session.exec(
            select(func.count()).select_from(CouncilSeat).where(
                CouncilSeat.term_id == seat.term_id, CouncilSeat.seat_role == SeatRole.CHAIR)).one():
        raise ValidationFailed("council.one_chair")
    before = audit.snapshot(seat, SEAT_FIELDS)
    update_versioned(session, CouncilSeat, seat_id, expected_version, values)
    audit.record(session, action="seat_updated", actor_id=current.id, actor_name=current.username,
                 entity="council_seat", entity_id=seat_id, before=before, after=values)


def remove_seat(session: Session, current: CurrentUser, seat_id: int, expected_version: int) -> None:
    require_role(current, *STAFF_ROLES)
    seat = session.get(CouncilSeat, seat_id)
    if seat is None:
        raise StaleEditError()
    before = audit.snapshot(seat, SEAT_FIELDS)
    deleted = session.execute(sa.delete(CouncilSeat).where(
        CouncilSeat.id == seat_id, CouncilSeat.version == expected_version)
        .execution_options(synchronize_session="fetch"))
    if deleted.rowcount != 1:
        raise StaleEditError()
    audit.record(session, action="seat_removed", actor_id=current.id, actor_name=current.username,
                 entity="council_seat", entity_id=seat_id, before=before)


def start_term(session: Session, current: CurrentUser, *, name: str, started_on: date,
               name_en: str = "") -> CouncilTerm:
    """A new council term (named in Chinese, and in English when given); the current one ends
    the day before."""
    require_role(current, *STAFF_ROLES)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("council.term_name_required")
    latest = session.exec(select(CouncilTerm).order_by(CouncilTerm.number.desc())).first()
    if latest is not None and started_on <= latest.started_on:
        raise ValidationFailed("council.term_before_previous", previous=latest.started_on.isoformat())
    if latest is not None and latest.ended_on is None:
        latest.ended_on = started_on - timedelta(days=1)
        session.add(latest)
    name_en = (name_en or "").strip()
    term = CouncilTerm(number=(latest.number + 1) if latest else 1, name=name, name_en=name_en,
                       started_on=started_on)
    session.add(term)
    session.flush()
    audit.record(session, action="term_started", actor_id=current.id, actor_name=current.username,
                 entity="council_term", entity_id=term.id,
                 after={"name": name, "name_en": name_en, "started_on": started_on})
    return term


def rename_term(session: Session, current: CurrentUser, term_id: int, expected_version: int, *,
                name: str, name_en: str) -> dict:
    """A term's name in Chinese and English (a term named before English names existed gets
    one here). A rename after someone else's is refused as stale. Returns the diff."""
    require_role(current, *STAFF_ROLES)
    term = session.get(CouncilTerm, term_id)
    if term is None:
        raise NotFound("council.term_not_found")
    name, name_en = (name or "").strip(), (name_en or "").strip()
    if not name:
        raise ValidationFailed("council.term_name_required")
    before = {"name": term.name, "name_en": term.name_en}
    after = {"name": name, "name_en": name_en}
    diff = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not diff:
        return {}
    update_versioned(session, CouncilTerm, term_id, expected_version, after)
    audit.record(session, action="term_renamed", actor_id=current.id, actor_name=current.username,
                 entity="council_term", entity_id=term_id, before=before, after=after)
    return diff
