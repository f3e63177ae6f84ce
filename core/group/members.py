"""The member registry: search, profiles, edits with the stale-edit rule, and the lifecycle.

Secretariat and admin keep every unit; a member liaison reads its own unit and edits only its
contact details; council reads. Every change is audited with its before and after.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlmodel import Session, func, or_, select

from core import audit, credit_code
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.models import (
    CouncilSeat,
    CouncilTerm,
    IndicatorValue,
    LedgerEntry,
    LedgerPartner,
    MemberStatus,
    MemberStatusChange,
    MemberType,
    MemberUnit,
    Role,
    SeatRole,
    Submission,
)
from core.reference import CITIES
from core.timeutil import china_today, utcnow

PROFILE_FIELDS = ("credit_code", "name", "short_name", "unit_type", "city", "address", "website",
                  "description")
CONTACT_FIELDS = ("contact_name", "contact_title", "contact_phone", "contact_email")
EDITABLE_FIELDS = PROFILE_FIELDS + CONTACT_FIELDS
AUDIT_FIELDS = EDITABLE_FIELDS + ("status", "joined_on", "exited_on", "status_reason")
MAX_LENGTH = {"credit_code": 18, "name": 200, "short_name": 100, "address": 300, "website": 200,
              "description": 4000, "contact_name": 100, "contact_title": 100,
              "contact_phone": 50, "contact_email": 200}
SEAT_ORDER = [SeatRole.CHAIR, SeatRole.VICE_CHAIR, SeatRole.SECRETARY_GENERAL,
              SeatRole.STANDING_DIRECTOR, SeatRole.DIRECTOR]
TRANSITIONS = {
    MemberStatus.APPLICANT: {MemberStatus.ACTIVE, MemberStatus.EXITED},
    MemberStatus.ACTIVE: {MemberStatus.SUSPENDED, MemberStatus.EXITED},
    MemberStatus.SUSPENDED: {MemberStatus.ACTIVE, MemberStatus.EXITED},
    MemberStatus.EXITED: {MemberStatus.APPLICANT, MemberStatus.ACTIVE},
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\-\s转]*$")
READERS = (Role.COUNCIL, Role.SECRETARIAT, Role.ADMIN)


@dataclass(frozen=True)
class FieldProblem:
    field: str
    key: str
    params: dict = field(default_factory=dict)


@dataclass
class RegistryFilter:
    search: str = ""
    types: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # empty: all but exited
    council_roles: list[str] = field(default_factory=list)
    include_exited: bool = False


# ---------------------------------------------------------------- validation
def clean(values: dict) -> dict:
    """Trimmed strings; the credit code normalised (upper case, half-width)."""
    out = {key: (value.strip() if isinstance(value, str) else value) for key, value in values.items()}
    if "credit_code" in out and out["credit_code"] is not None:
        out["credit_code"] = credit_code.normalise(str(out["credit_code"]))
    return out


def problems(session: Session, values: dict, *, member_id: int | None = None) -> list[FieldProblem]:
    """Every rule the given field values break (only the fields present are checked)."""
    found: list[FieldProblem] = []
    if "name" in values and not values["name"]:
        found.append(FieldProblem("name", "member.name_required"))
    if "credit_code" in values:
        code = values["credit_code"] or ""
        problem = credit_code.problem(code) if code else "member.code_required"
        if problem:
            found.append(FieldProblem("credit_code", problem))
        else:
            owner = session.exec(select(MemberUnit.id).where(MemberUnit.credit_code == code)).first()
            if owner is not None and owner != member_id:
                found.append(FieldProblem("credit_code", "member.code_duplicate", {"code": code}))
    if "unit_type" in values and values["unit_type"] not in set(MemberType):
        found.append(FieldProblem("unit_type", "member.unknown_type", {"value": values["unit_type"]}))
    if "city" in values and values["city"] not in CITIES:
        found.append(FieldProblem("city", "member.unknown_city", {"value": values["city"]}))
    if values.get("contact_email") and not EMAIL.match(values["contact_email"]):
        found.append(FieldProblem("contact_email", "member.bad_email"))
    if values.get("contact_phone") and not PHONE.match(values["contact_phone"]):
        found.append(FieldProblem("contact_phone", "member.bad_phone"))
    for name, limit in MAX_LENGTH.items():
        if isinstance(values.get(name), str) and len(values[name]) > limit:
            found.append(FieldProblem(name, "member.too_long", {"max": limit}))
    return found


def _raise_first(found: list[FieldProblem]) -> None:
    """Refuse with the first problem, carrying the others so the form can show them all."""
    if found:
        error = ValidationFailed(found[0].key, field=found[0].field, **found[0].params)
        error.more = [(problem.key, problem.params) for problem in found[1:]]
        raise error


# ---------------------------------------------------------------- reading
def council_roles(session: Session) -> dict[int, str]:
    """Each unit's highest seat in the current council term."""
    term = current_term(session)
    if term is None:
        return {}
    best: dict[int, str] = {}
    for member_id, role in session.exec(select(CouncilSeat.member_id, CouncilSeat.seat_role)
                                        .where(CouncilSeat.term_id == term.id)):
        if member_id not in best or SEAT_ORDER.index(role) < SEAT_ORDER.index(best[member_id]):
            best[member_id] = role
    return best


def current_term(session: Session) -> CouncilTerm | None:
    return session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))
                        .order_by(CouncilTerm.number.desc())).first()


REGISTRY_COLUMNS = ["id", "credit_code", "name", "short_name", "unit_type", "city", "status",
                    "joined_on", "exited_on", "council_role", "contact_name", "contact_phone",
                    "contact_email", "is_lead", "version"]


def registry(session: Session, current: CurrentUser, filters: RegistryFilter) -> pd.DataFrame:
    """The units the filters select, lead unit first, then by name in pinyin order."""
    require_role(current, *READERS)
    query = select(MemberUnit)
    if filters.search.strip():
        term = f"%{filters.search.strip()}%"
        query = query.where(or_(MemberUnit.name.ilike(term), MemberUnit.short_name.ilike(term),
                                MemberUnit.credit_code.ilike(term.upper())))
    if filters.types:
        query = query.where(MemberUnit.unit_type.in_(filters.types))
    if filters.cities:
        query = query.where(MemberUnit.city.in_(filters.cities))
    if filters.statuses:
        query = query.where(MemberUnit.status.in_(filters.statuses))
    elif not filters.include_exited:
        query = query.where(MemberUnit.status != MemberStatus.EXITED)
    roles = council_roles(session)
    rows = [{**{name: getattr(unit, name) for name in REGISTRY_COLUMNS if name != "council_role"},
             "council_role": roles.get(unit.id, "")} for unit in session.exec(query)]
    frame = pd.DataFrame(rows, columns=REGISTRY_COLUMNS)
    if filters.council_roles:
        frame = frame[frame["council_role"].isin(filters.council_roles)]
    frame = frame.assign(_key=frame["name"].map(lambda n: str(n).encode("gbk", errors="replace")))
    return frame.sort_values(["is_lead", "_key"], ascending=[False, True]) \
        .drop(columns="_key").reset_index(drop=True)


def member(session: Session, current: CurrentUser, member_id: int) -> MemberUnit:
    require_role(current, *Role)
    if current.role not in READERS:
        require_own_unit(current, member_id)
    unit = session.get(MemberUnit, member_id)
    if unit is None:
        raise NotFound("member.not_found")
    return unit


def detail(session: Session, current: CurrentUser, member_id: int) -> dict:
    """A unit's profile, seats, history, and what other modules hold for it."""
    unit = member(session, current, member_id)
    seats = session.exec(select(CouncilTerm.name, CouncilTerm.name_en, CouncilSeat.seat_role, CouncilSeat.person_name,
                                CouncilSeat.person_title)
                         .join(CouncilTerm, CouncilTerm.id == CouncilSeat.term_id)
                         .where(CouncilSeat.member_id == member_id)
                         .order_by(CouncilTerm.number.desc(), CouncilSeat.sort_order)).all()
    history = session.exec(select(MemberStatusChange).where(MemberStatusChange.member_id == member_id)
                           .order_by(MemberStatusChange.effective_on, MemberStatusChange.id)).all()
    ledgers = session.exec(select(func.count()).select_from(LedgerEntry).where(
        or_(LedgerEntry.member_id == member_id, LedgerEntry.id.in_(
            select(LedgerPartner.entry_id).where(LedgerPartner.member_id == member_id))))).one()
    reports = session.exec(select(Submission.year, Submission.status)
                           .where(Submission.member_id == member_id)
                           .order_by(Submission.year.desc())).all()
    values = session.exec(select(func.count()).select_from(IndicatorValue)
                          .where(IndicatorValue.member_id == member_id)).one()
    return {
        "unit": {name: getattr(unit, name) for name in AUDIT_FIELDS + ("id", "version", "is_lead")},
        "seats": pd.DataFrame(seats, columns=["term", "term_en", "seat_role", "person_name", "person_title"]),
        "history": pd.DataFrame([{"effective_on": h.effective_on, "from_status": h.from_status,
                                  "to_status": h.to_status, "reason": h.reason} for h in history],
                                columns=["effective_on", "from_status", "to_status", "reason"]),
        "ledger_entries": ledgers,
        "reports": pd.DataFrame(reports, columns=["year", "status"]),
        "indicator_values": values,
    }


def options(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every unit, for pickers."""
    rows = session.exec(select(MemberUnit.id, MemberUnit.name)).all()
    return sorted(rows, key=lambda row: row[1].encode("gbk", errors="replace"))


# ---------------------------------------------------------------- writing
def create(session: Session, current: CurrentUser, values: dict, *, status: str = MemberStatus.ACTIVE,
           joined_on: date | None = None, reason: str = "") -> MemberUnit:
    """A new unit, as an application or already approved (active, with its join date)."""
    require_role(current, *STAFF_ROLES)
    values = clean({name: values.get(name, "") for name in EDITABLE_FIELDS})
    _raise_first(problems(session, values))
    if status not in (MemberStatus.APPLICANT, MemberStatus.ACTIVE):
        raise ValidationFailed("member.bad_initial_status")
    if status == MemberStatus.ACTIVE:
        joined_on = joined_on or china_today()
    unit = MemberUnit(**values, status=status, joined_on=joined_on if status == MemberStatus.ACTIVE
                      else None, status_reason=reason)
    session.add(unit)
    session.flush()
    session.add(MemberStatusChange(member_id=unit.id, to_status=status, reason=reason,
                                   effective_on=joined_on or china_today(), actor_user_id=current.id))
    audit.record(session, action="member_created", actor_id=current.id,
                 actor_name=current.username, entity="member_unit", entity_id=unit.id,
                 after=audit.snapshot(unit, AUDIT_FIELDS))
    return unit


def update(session: Session, current: CurrentUser, member_id: int, expected_version: int,
           values: dict) -> dict:
    """Save changed fields. A liaison may change only its own unit's contact details.

    Returns the fields that changed as {field: (old, new)}; refuses a stale edit.
    """
    unit = member(session, current, member_id)
    allowed = EDITABLE_FIELDS if current.role in STAFF_ROLES else CONTACT_FIELDS
    if current.role not in STAFF_ROLES:
        require_own_unit(current, member_id)
        if set(values) - set(CONTACT_FIELDS):
            raise ValidationFailed("member.contact_only")
    values = clean({name: value for name, value in values.items() if name in allowed})
    changes = {name: (getattr(unit, name), value) for name, value in values.items()
               if (getattr(unit, name) or "") != (value or "")}
    if not changes:
        return {}
    _raise_first(problems(session, {name: values[name] for name in changes}, member_id=member_id))
    before = audit.snapshot(unit, changes)
    update_versioned(session, MemberUnit, member_id, expected_version,
                     {**{name: new for name, (_, new) in changes.items()}, "updated_at": utcnow()})
    audit.record(session, action="member_updated", actor_id=current.id,
                 actor_name=current.username, entity="member_unit", entity_id=member_id,
                 before=before, after={name: new for name, (_, new) in changes.items()})
    return changes


def change_status(session: Session, current: CurrentUser, member_id: int, expected_version: int,
                  *, to_status: str, effective_on: date, reason: str = "") -> None:
    """Move a unit along its lifecycle: approve, suspend, reinstate, exit, rejoin."""
    require_role(current, *STAFF_ROLES)
    unit = member(session, current, member_id)
    reason = (reason or "").strip()
    if to_status not in TRANSITIONS.get(unit.status, set()):
        raise ValidationFailed("member.bad_transition")
    if to_status in (MemberStatus.SUSPENDED, MemberStatus.EXITED) and not reason:
        raise ValidationFailed("member.reason_required")
    if to_status in (MemberStatus.SUSPENDED, MemberStatus.EXITED) and unit.joined_on \
            and effective_on < unit.joined_on:
        raise ValidationFailed("member.exit_before_join", joined=unit.joined_on.isoformat())
    if unit.status == MemberStatus.EXITED and unit.exited_on and effective_on < unit.exited_on:
        raise ValidationFailed("member.rejoin_before_exit", exited=unit.exited_on.isoformat())
    values: dict = {"status": to_status, "status_reason": reason, "updated_at": utcnow()}
    if to_status == MemberStatus.ACTIVE and unit.status in (MemberStatus.APPLICANT, MemberStatus.EXITED):
        values.update(joined_on=effective_on, exited_on=None)
    if to_status == MemberStatus.EXITED:
        values["exited_on"] = effective_on
    before = audit.snapshot(unit, ("status", "joined_on", "exited_on", "status_reason"))
    update_versioned(session, MemberUnit, member_id, expected_version, values)
    session.add(MemberStatusChange(member_id=member_id, from_status=unit.status, to_status=to_status,
                                   effective_on=effective_on, reason=reason, actor_user_id=current.id))
    audit.record(session, action="member_status_changed", actor_id=current.id,
                 actor_name=current.username, entity="member_unit", entity_id=member_id,
                 before=before, after={k: v for k, v in values.items() if k != "updated_at"})


# ---------------------------------------------------------------- figures
def growth(session: Session, member_ids: list[int] | None = None) -> pd.DataFrame:
    """Units in the group (active or suspended) at the end of each year, from their history."""
    query = select(MemberStatusChange.member_id, MemberStatusChange.effective_on,
                   MemberStatusChange.to_status).order_by(MemberStatusChange.effective_on,
                                                          MemberStatusChange.id)
    if member_ids is not None:
        query = query.where(MemberStatusChange.member_id.in_(member_ids))
    events = session.exec(query).all()
    if not events:
        return pd.DataFrame(columns=["year", "members"])
    counts = []
    for year in range(min(e[1].year for e in events), max(china_today().year, events[-1][1].year) + 1):
        state: dict[int, str] = {}
        for member_id, day, status in events:
            if day.year <= year:
                state[member_id] = status
        counts.append({"year": year, "members": sum(1 for s in state.values()
                                                    if s in (MemberStatus.ACTIVE, MemberStatus.SUSPENDED))})
    return pd.DataFrame(counts)
