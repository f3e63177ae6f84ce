"""The group's profile (集团基本信息) as the national and provincial systems ask for it.

One row per year: what the secretariat typed for that year. A year not yet edited starts from
the latest earlier year (then from the settings' group name and founding date), so a new year
never begins blank and an old year's record is never changed by editing a new one. Counts
(members by type, council sizes, joins and exits) are never typed: `counts` computes them from
the registry's history, where "members" means active units, as everywhere in the platform.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, func, select

from core import attachments, audit, credit_code
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError, update_versioned
from core.errors import ValidationFailed
from core.group import committees
from core.models import (
    CouncilSeat,
    CouncilTerm,
    MemberStatus,
    MemberStatusChange,
    MemberType,
    MemberUnit,
    Role,
    SeatRole,
    StaffMember,
)
from core.reports.models import GroupProfile
from core.settings import all_settings
from core.timeutil import utcnow

STANDING_SEATS = (SeatRole.CHAIR, SeatRole.VICE_CHAIR, SeatRole.SECRETARY_GENERAL, SeatRole.STANDING_DIRECTOR)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\-\s转]*$")


@dataclass(frozen=True)
class ProfileField:
    key: str
    kind: str = "text"  # text / long / choice / date / number / email / phone / credit_code
    choices: tuple[str, ...] = ()
    max_length: int = 200
    required: bool = False

    @property
    def label_key(self) -> str:
        return f"report_profile.f_{self.key}"


FIELDS: tuple[ProfileField, ...] = (
    ProfileField("name", required=True, max_length=100),
    ProfileField("group_type", "choice", ("industry", "regional")),
    ProfileField("lead_unit_type", "choice", ("government", "association", "enterprise", "secondary_school",
                                              "higher_school", "university", "research", "other")),
    ProfileField("member_scope", "choice", ("international", "cross_province", "province")),
    ProfileField("industries", max_length=300),
    ProfileField("founding_type", "choice", ("approved", "filed", "agreement", "other", "registered")),
    ProfileField("approving_body"),
    ProfileField("approving_level", "choice", ("province", "city", "county")),
    ProfileField("founded_on", "date"),
    ProfileField("legal_type", "choice", ("none", "private_non_enterprise", "association", "enterprise",
                                          "institution")),
    ProfileField("credit_code", "credit_code", max_length=18),
    ProfileField("registered_capital", "number"),
    ProfileField("charter"),
    ProfileField("charter_approved_on", "date"),
    ProfileField("leader_name", max_length=50),
    ProfileField("leader_group_post", max_length=50),
    ProfileField("leader_unit_post", max_length=100),
    ProfileField("leader_phone", "phone", max_length=50),
    ProfileField("leader_email", "email"),
    ProfileField("contact_name", max_length=50),
    ProfileField("contact_group_post", max_length=50),
    ProfileField("contact_unit_post", max_length=100),
    ProfileField("contact_phone", "phone", max_length=50),
    ProfileField("contact_email", "email"),
    ProfileField("secretariat_host"),
    ProfileField("address", max_length=300),
    ProfileField("website"),
    ProfileField("wechat", max_length=100),
    ProfileField("introduction", "long", max_length=4000),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}
# Counts computed from the registry (never typed), the keys `counts` returns.
COUNT_KEYS = ("members", *(f"members_{t}" for t in MemberType), "suspended", "joined", "exited",
              "council_size", "standing_council_size", "committees", "office_staff")


@dataclass(frozen=True)
class ProfileView:
    year: int
    values: dict
    version: int  # 0: this year has no row yet (saving creates it)
    source_year: int | None  # the year the values come from (None: settings only)


def _row(session: Session, year: int) -> GroupProfile | None:
    return session.exec(select(GroupProfile).where(GroupProfile.year == year)).first()


def _starting_values(session: Session) -> dict:
    settings = all_settings(session)
    lead = session.exec(select(MemberUnit.name).where(MemberUnit.is_lead)).first()
    return {"name": settings.get("group_name_zh") or "", "founded_on": str(settings.get("founded_on") or ""),
            "secretariat_host": lead or "", "introduction": settings.get("group_profile_zh") or ""}


def profile_for(session: Session, current: CurrentUser | None, *, year: int) -> ProfileView:
    """The profile of `year`, or what a new one for that year starts from (council and staff: it
    holds the leader's and contact's phones)."""
    require_role(current, Role.COUNCIL, *STAFF_ROLES)
    row = _row(session, year)
    if row is not None:
        return ProfileView(year, {f.key: row.values.get(f.key, "") for f in FIELDS}, row.version, year)
    earlier = session.exec(select(GroupProfile).where(GroupProfile.year < year)
                           .order_by(GroupProfile.year.desc())).first()
    base = earlier.values if earlier is not None else _starting_values(session)
    return ProfileView(year, {f.key: base.get(f.key, "") for f in FIELDS}, 0,
                       earlier.year if earlier is not None else None)


def profile_years(session: Session, current: CurrentUser | None) -> list[int]:
    require_role(current, Role.COUNCIL, *STAFF_ROLES)
    return list(session.exec(select(GroupProfile.year).order_by(GroupProfile.year.desc())).all())


def lead_unit(session: Session, current: CurrentUser | None) -> str:
    """The lead unit's name, from the registry."""
    require_role(current, *Role)
    return session.exec(select(MemberUnit.name).where(MemberUnit.is_lead)).first() or ""


def clean(values: dict) -> dict:
    """Every field as text (numbers as given, stripped); unknown keys dropped."""
    out = {}
    for f in FIELDS:
        value = values.get(f.key, "")
        value = "" if value is None else (value.isoformat() if isinstance(value, date) else str(value).strip())
        if f.kind == "credit_code" and value:
            value = credit_code.normalise(value)
        out[f.key] = value
    return out


def problems(values: dict) -> list[tuple[str, str, dict]]:
    """(field, i18n key, params) for every rule the values break."""
    found = []
    for f in FIELDS:
        value = values.get(f.key, "")
        if f.required and not value:
            found.append((f.key, "report_profile.required", {}))
        if not value:
            continue
        if len(value) > f.max_length:
            found.append((f.key, "report_profile.too_long", {"max": f.max_length}))
        elif f.kind == "choice" and value not in f.choices:
            found.append((f.key, "report_profile.bad_choice", {}))
        elif f.kind == "date" and not _is_date(value):
            found.append((f.key, "report_profile.bad_date", {}))
        elif f.kind == "number" and not _is_number(value):
            found.append((f.key, "report_profile.bad_number", {}))
        elif f.kind == "email" and not EMAIL.match(value):
            found.append((f.key, "member.bad_email", {}))
        elif f.kind == "phone" and not PHONE.match(value):
            found.append((f.key, "member.bad_phone", {}))
        elif f.kind == "credit_code" and (problem := credit_code.problem(value)):
            found.append((f.key, problem, {}))
    return found


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _is_number(value: str) -> bool:
    try:
        return float(value) >= 0
    except ValueError:
        return False


def save_profile(session: Session, current: CurrentUser | None, *, year: int, values: dict,
                 expected_version: int) -> dict:
    """Save the year's profile (creating the year's row on its first save); returns the fields
    that changed as {field: (old, new)}. Refuses a stale edit and values that break a rule."""
    require_role(current, *STAFF_ROLES)
    values = clean(values)
    found = problems(values)
    if found:
        field, key, params = found[0]
        error = ValidationFailed(key, field=field, **params)
        error.more = [(k, {"field": f, **p}) for f, k, p in found[1:]]
        raise error
    row = _row(session, year)
    before = {} if row is None else dict(row.values)
    changes = {k: (before.get(k, ""), v) for k, v in values.items() if before.get(k, "") != v}
    if row is None:
        if expected_version != 0:  # someone deleted it since: not expected, but never overwrite blindly
            raise StaleEditError()
        session.add(GroupProfile(year=year, values=values, updated_by=current.id))
        session.flush()
    elif changes:
        update_versioned(session, GroupProfile, row.id, expected_version,
                         {"values": values, "updated_by": current.id, "updated_at": utcnow()})
    else:
        return {}
    audit.record(session, action="group_profile_saved", actor_id=current.id, actor_name=current.username,
                 entity="group_profile", entity_id=year,
                 before={k: old for k, (old, _) in changes.items()},
                 after={k: new for k, (_, new) in changes.items()})
    return changes


# ---------------------------------------------------------------- computed from the registry
def _status_at(session: Session, day: date) -> dict[int, str]:
    """Each unit's status at the end of `day`, replayed from its lifecycle history."""
    state: dict[int, str] = {}
    for member_id, status in session.exec(
            select(MemberStatusChange.member_id, MemberStatusChange.to_status)
            .where(MemberStatusChange.effective_on <= day)
            .order_by(MemberStatusChange.effective_on, MemberStatusChange.id)).all():
        state[member_id] = status
    return state


def members_at(session: Session, current: CurrentUser | None, *, day: date) -> dict[int, str]:
    """member_id -> unit type of the units that were members (active) at the end of `day`."""
    require_role(current, *Role)
    active = [m for m, status in _status_at(session, day).items() if status == MemberStatus.ACTIVE]
    if not active:
        return {}
    return dict(session.exec(select(MemberUnit.id, MemberUnit.unit_type).where(MemberUnit.id.in_(active))).all())


def _council_term_at(session: Session, day: date) -> CouncilTerm | None:
    return session.exec(select(CouncilTerm).where(CouncilTerm.started_on <= day)
                        .where((CouncilTerm.ended_on.is_(None)) | (CouncilTerm.ended_on >= day))
                        .order_by(CouncilTerm.number.desc())).first()


def counts(session: Session, current: CurrentUser | None, *, year: int) -> dict:
    """Members by type at the year's end, suspended units, joins and exits in the year, council and
    standing council seats of the term in force at the year's end, committees active then, and
    office staff."""
    require_role(current, *Role)
    end = date(year, 12, 31)
    status = _status_at(session, end)
    by_id = members_at(session, current, day=end)
    out: dict = {"members": len(by_id)}
    for unit_type in MemberType:
        out[f"members_{unit_type}"] = sum(1 for t in by_id.values() if t == unit_type)
    out["suspended"] = sum(1 for s in status.values() if s == MemberStatus.SUSPENDED)
    changes = session.exec(select(MemberStatusChange.from_status, MemberStatusChange.to_status)
                           .where(MemberStatusChange.effective_on >= date(year, 1, 1),
                                  MemberStatusChange.effective_on <= end)).all()
    out["joined"] = sum(1 for before, after in changes if after == MemberStatus.ACTIVE
                        and before in ("", MemberStatus.APPLICANT, MemberStatus.EXITED))
    out["exited"] = sum(1 for _, after in changes if after == MemberStatus.EXITED)
    term = _council_term_at(session, end)
    seats = [] if term is None else session.exec(select(CouncilSeat.seat_role)
                                                 .where(CouncilSeat.term_id == term.id)).all()
    out["council_term"] = term.name if term else ""
    out["council_size"] = len(seats)
    out["standing_council_size"] = sum(1 for role in seats if role in STANDING_SEATS)
    out["committees"] = committees.active_count(session, current, day=end)
    out["office_staff"] = session.exec(select(func.count()).select_from(StaffMember)
                                       .where(StaffMember.active)).one()
    return out


# ---------------------------------------------------------------- files of the year's profile
# The charter, the approval or filing document (证明文件), the registration certificate: kept in
# the checked attachment store under the profile's year; staff attach, council and staff read.
OWNER_KIND = "group_profile"


def files(session: Session, current: CurrentUser | None, *, year: int):
    require_role(current, Role.COUNCIL, *STAFF_ROLES)
    return attachments.listing(session, OWNER_KIND, year)


def attach(session: Session, current: CurrentUser | None, *, year: int, filename: str, content: bytes):
    require_role(current, *STAFF_ROLES)
    return attachments.add(session, current, owner_kind=OWNER_KIND, owner_id=year, filename=filename,
                           content=content)


def _may_attach(session: Session, user: CurrentUser, year: int) -> bool:
    return user.role in STAFF_ROLES


def _may_read(session: Session, user: CurrentUser, year: int) -> bool:
    return user.role in (Role.COUNCIL, *STAFF_ROLES)


attachments.register_owner(OWNER_KIND, may_attach=_may_attach, may_read=_may_read)
