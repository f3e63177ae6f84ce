"""Read models for the portal (public) and the home dashboard: plain values and DataFrames."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, func, select

from core.auth import STAFF_ROLES, CurrentUser, require_own_unit_or_overseer, require_role
from core.display import bilingual
from core.ledgers.kinds import PUBLIC_STATUSES
from core.messages import inbox
from core.models import (
    AuditLog,
    CouncilTerm,
    IndicatorValue,
    LedgerEntry,
    MemberStatus,
    MemberUnit,
    Role,
    Submission,
    User,
    ValueStatus,
)
from core.settings import all_settings
from core.timeutil import utcnow


@dataclass(frozen=True)
class Headline:
    active_members: int  # "members" everywhere means active units; the others are in by_status
    by_status: dict[str, int]
    members_by_type: dict[str, int]
    council_term: str
    cooperation_projects: int
    founded_on: str


def headline(session: Session, lang: str = "zh") -> Headline:
    """The group's figures; the council term named in `lang` (core.display.bilingual)."""
    by_type = dict(session.exec(
        select(MemberUnit.unit_type, func.count())
        .where(MemberUnit.status == MemberStatus.ACTIVE).group_by(MemberUnit.unit_type)).all())
    term = session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))
                        .order_by(CouncilTerm.number.desc())).first()
    # The public portal counts the records that stand (recorded, or confirmed by the partner):
    # drafts, disputes and entries waiting for the partner are not the group's figures yet.
    projects = session.exec(select(func.count()).select_from(LedgerEntry)
                            .where(LedgerEntry.status.in_(PUBLIC_STATUSES))).one()
    by_status = dict(session.exec(select(MemberUnit.status, func.count()).group_by(MemberUnit.status)).all())
    return Headline(active_members=sum(by_type.values()), members_by_type=by_type,
                    by_status={status: int(by_status.get(status, 0)) for status in MemberStatus},
                    council_term=bilingual(term.name, term.name_en, lang) if term else "", cooperation_projects=projects,
                    founded_on=str(all_settings(session)["founded_on"]))


def public_members(session: Session) -> pd.DataFrame:
    """Active units for the portal's member list: name, type, city (no contacts)."""
    rows = session.exec(
        select(MemberUnit.name, MemberUnit.unit_type, MemberUnit.city, MemberUnit.is_lead)
        .where(MemberUnit.status == MemberStatus.ACTIVE)).all()
    frame = pd.DataFrame(rows, columns=["name", "unit_type", "city", "is_lead"])
    return frame.sort_values(["is_lead", "name"], ascending=[False, True], key=_sort_key,
                             ignore_index=True)


def _sort_key(column: pd.Series) -> pd.Series:
    # Chinese names sort by their GBK bytes, which follows pinyin order for common characters.
    if column.dtype == object:
        return column.map(lambda text: str(text).encode("gbk", errors="replace"))
    return column


def public_notices(session: Session, limit: int = 5) -> list[dict]:
    """Public notices published now (see core.messages.notices)."""
    return inbox.public_notices(session, limit)


# ---------------------------------------------------------------- reporting
def reporting_status(session: Session, current: CurrentUser | None, year: int,
                     member_id: int | None = None) -> dict[str, int]:
    """The year's reports by status: the group's counts (every logged-in role), or one unit's."""
    if member_id is None:
        require_role(current, *Role)
    else:
        require_own_unit_or_overseer(current, member_id)
    query = select(Submission.status, func.count()).where(Submission.year == year)
    if member_id is not None:
        query = query.where(Submission.member_id == member_id)
    counts = dict(session.exec(query.group_by(Submission.status)).all())
    # The same units the reporting-progress page expects (members that year whose type reports).
    from core.indicators.completeness import expected_units
    expected = len(expected_units(session, year))
    reported = sum(counts.get(s, 0) for s in (ValueStatus.SUBMITTED, ValueStatus.APPROVED))
    return {"expected": expected if member_id is None else 1, "reported": reported,
            "approved": counts.get(ValueStatus.APPROVED, 0),
            "submitted": counts.get(ValueStatus.SUBMITTED, 0),
            "rejected": counts.get(ValueStatus.REJECTED, 0),
            "draft": counts.get(ValueStatus.DRAFT, 0)}


def indicator_summary(session: Session, current: CurrentUser | None) -> dict | None:
    """The home's indicator figures: the newest complete year (core.indicators.years) against its
    targets, as counts of met / close / missed, so a year still being reported never leads."""
    from core.indicators import analysis, years as year_rule

    years = list(session.exec(select(IndicatorValue.year).distinct()).all())
    states = year_rule.year_states(session, current, years)
    year = year_rule.newest_complete(states)
    if year is None:
        return None
    state = states[year]
    rag = analysis.scorecard(session, current, year=year)["rag"].value_counts()
    return {"year": year, "in_progress": state.in_progress, "approved": state.approved,
            "expected": state.expected,
            "rag": {code: int(rag.get(code, 0)) for code in ("green", "amber", "red", "no_data")}}


def unit_submissions(session: Session, current: CurrentUser | None, member_id: int) -> pd.DataFrame:
    """One unit's yearly reports, for its liaison, the council and the secretariat."""
    require_own_unit_or_overseer(current, member_id)
    rows = session.exec(select(Submission.year, Submission.status, Submission.on_time,
                               Submission.review_reason)
                        .where(Submission.member_id == member_id)
                        .order_by(Submission.year.desc())).all()
    return pd.DataFrame(rows, columns=["year", "status", "on_time", "review_reason"])


# ---------------------------------------------------------------- messages for the user
def notices_for(session: Session, user: CurrentUser, limit: int = 6) -> tuple[list[dict], int]:
    """The newest messages addressed to the user, and how many addressed are unread."""
    return inbox.latest_for(session, user, limit)


# ---------------------------------------------------------------- meetings
def meeting_queue(session: Session, current: CurrentUser | None) -> dict[str, int]:
    """What meetings ask of the caller: open follow-ups they own (and how many are overdue), and
    invitations their unit has not answered."""
    from core.meetings import actions, meetings

    mine = actions.my_open_actions(session, current)
    return {"actions": len(mine), "overdue": int(mine["overdue"].sum()) if not mine.empty else 0,
            "invitations": len(meetings.pending_answers(session, current))}


# ---------------------------------------------------------------- administration
def account_summary(session: Session, current: CurrentUser | None) -> dict[str, int]:
    require_role(current, *STAFF_ROLES)
    now = utcnow()
    by_role = dict(session.exec(select(User.role, func.count()).where(User.active)
                                .group_by(User.role)).all())
    locked = session.exec(select(func.count()).select_from(User)
                          .where(User.locked_until.is_not(None), User.locked_until > now)).one()
    return {"users": sum(by_role.values()), "locked": locked,
            "members": by_role.get(Role.MEMBER, 0)}


def recent_audit(session: Session, current: CurrentUser | None, limit: int = 8) -> pd.DataFrame:
    require_role(current, *STAFF_ROLES)
    rows = session.exec(select(AuditLog.at, AuditLog.actor_name, AuditLog.action,
                               AuditLog.entity, AuditLog.detail)
                        .order_by(AuditLog.id.desc()).limit(limit)).all()
    return pd.DataFrame(rows, columns=["at", "actor", "action", "entity", "detail"])


def member_card(session: Session, current: CurrentUser | None, member_id: int) -> dict | None:
    """A unit's card with its contacts, for its liaison, the council and the secretariat."""
    require_own_unit_or_overseer(current, member_id)
    unit = session.get(MemberUnit, member_id)
    if unit is None:
        return None
    return {"name": unit.name, "unit_type": unit.unit_type, "city": unit.city,
            "status": unit.status, "joined_on": unit.joined_on, "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone, "contact_email": unit.contact_email,
            "credit_code": unit.credit_code}
