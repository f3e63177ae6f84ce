"""Where each criterion's figure comes from: one registry of sources, each reading a year's
measure per unit from the data the other wings keep (never a second definition of it).

A measure is (value, detail): a category ("on_time"), a ratio 0..1 or a count, with the counts
behind it; None when the criterion does not apply to the unit that year (no meeting invited it,
no notice addressed it), and the scheme's weights are then shared among the criteria that do.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, func, select

from core.indicators.completeness import REPORTED
from core.meetings.models import ActionStatus, Meeting, MeetingAction, MeetingInvitation, MeetingStatus
from core.messages.common import addressed_to
from core.models import (
    AuditLog,
    LedgerEntry,
    LedgerPartner,
    Message,
    MessageCategory,
    Post,
    ReadReceipt,
    Role,
    Submission,
    Topic,
    User,
)

CATEGORY, RATIO, COUNT = "category", "ratio", "count"
Measure = tuple[object, dict]


@dataclass(frozen=True)
class Source:
    code: str
    kind: str                      # CATEGORY, RATIO or COUNT: which rules fit it
    measure: Callable[[Session, int, list[int], dict[int, str]], dict[int, Measure]]
    categories: tuple[str, ...] = ()
    page: str = ""                 # the page holding the rows behind it


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return (datetime.combine(date(year, 1, 1), time.min, UTC),
            datetime.combine(date(year + 1, 1, 1), time.min, UTC))


def _reporting(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """The year's report: submitted or approved by the deadline, late, or not (completeness' rule)."""
    rows = {m: (status, on_time) for m, status, on_time in session.exec(
        select(Submission.member_id, Submission.status, Submission.on_time)
        .where(Submission.year == year, Submission.member_id.in_(ids))).all()}
    out = {}
    for member_id in ids:
        status, on_time = rows.get(member_id, ("missing", None))
        value = ("on_time" if on_time else "late") if status in REPORTED else "missing"
        out[member_id] = (value, {"status": status})
    return out


def _sent_back(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """Times the year's report was sent back for correction (the review's audit trail)."""
    keys = {f"{m}/{year}": m for m in ids}
    found = Counter(keys[e] for e in session.exec(
        select(AuditLog.entity_id).where(AuditLog.entity == "submission", AuditLog.action == "report_rejected",
                                         AuditLog.entity_id.in_(list(keys)))).all())
    return {m: (found.get(m, 0), {"sent_back": found.get(m, 0)}) for m in ids}


def _ledger_partner(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """Other units' entries of the year that this unit confirmed as their partner."""
    found = dict(session.exec(
        select(LedgerPartner.member_id, func.count()).join(LedgerEntry, LedgerEntry.id == LedgerPartner.entry_id)
        .where(LedgerEntry.year == year, LedgerPartner.confirmation == "confirmed",
               LedgerPartner.member_id.in_(ids)).group_by(LedgerPartner.member_id)).all())
    return {m: (found.get(m, 0), {"confirmed_as_partner": found.get(m, 0)}) for m in ids}


def _ledger_entries(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """The unit's own entries of the year confirmed by their partners."""
    found = dict(session.exec(
        select(LedgerEntry.member_id, func.count())
        .where(LedgerEntry.year == year, LedgerEntry.status == "confirmed", LedgerEntry.member_id.in_(ids))
        .group_by(LedgerEntry.member_id)).all())
    return {m: (found.get(m, 0), {"confirmed_entries": found.get(m, 0)}) for m in ids}


def _meetings(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """Held meetings of the year attended ÷ invited to (the attendance the office recorded)."""
    start, end = year_bounds(year)
    invited, came = Counter(), Counter()
    for member_id, attended in session.exec(
            select(MeetingInvitation.member_id, MeetingInvitation.attended)
            .join(Meeting, Meeting.id == MeetingInvitation.meeting_id)
            .where(Meeting.status == MeetingStatus.HELD, Meeting.starts_at >= start, Meeting.starts_at < end,
                   MeetingInvitation.member_id.in_(ids))).all():
        invited[member_id] += 1
        came[member_id] += bool(attended)
    return {m: ((came[m] / invited[m]) if invited[m] else None, {"invited": invited[m], "attended": came[m]})
            for m in ids}


def _follow_ups(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """Follow-ups the unit owns, due in the year: done by their due date ÷ all (cancelled left out)."""
    due, done = Counter(), Counter()
    for member_id, status, due_on, closed_on in session.exec(
            select(MeetingAction.owner_member_id, MeetingAction.status, MeetingAction.due_on, MeetingAction.closed_on)
            .where(MeetingAction.owner_member_id.in_(ids), MeetingAction.due_on >= date(year, 1, 1),
                   MeetingAction.due_on <= date(year, 12, 31),
                   MeetingAction.status != ActionStatus.CANCELLED)).all():
        due[member_id] += 1
        done[member_id] += status == ActionStatus.DONE and (closed_on is None or closed_on <= due_on)
    return {m: ((done[m] / due[m]) if due[m] else None, {"due": due[m], "done_on_time": done[m]}) for m in ids}


def _liaisons(session: Session, ids: list[int]) -> dict[int, list[int]]:
    accounts: dict[int, list[int]] = {}
    for user_id, member_id in session.exec(select(User.id, User.member_id).where(
            User.member_id.in_(ids), User.role == Role.MEMBER, User.active)).all():
        accounts.setdefault(member_id, []).append(user_id)
    return accounts


def _notices_read(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """Notices of the year addressed to the unit that one of its accounts opened ÷ addressed."""
    start, end = year_bounds(year)
    notices = session.exec(select(Message.id, Message.audience).where(
        Message.category != MessageCategory.SYSTEM, Message.published,
        Message.publish_at >= start, Message.publish_at < end)).all()
    accounts = _liaisons(session, ids)
    readers = set(map(tuple, session.exec(select(ReadReceipt.message_id, ReadReceipt.user_id).where(
        ReadReceipt.message_id.in_([n for n, _ in notices]))).all())) if notices else set()
    out = {}
    for m in ids:
        users = accounts.get(m, [])
        mine = [n for n, audience in notices
                if users and any(addressed_to(audience, role=Role.MEMBER, user_id=u, member_id=m,
                                              member_type=types.get(m)) for u in users)]
        read = sum(any((n, u) in readers for u in users) for n in mine)
        out[m] = ((read / len(mine)) if mine else None, {"addressed": len(mine), "read": read})
    return out


def _board_posts(session: Session, year: int, ids: list[int], types: dict[int, str]) -> dict[int, Measure]:
    """Topics and replies the unit's accounts wrote on the discussion boards in the year."""
    start, end = year_bounds(year)
    owner = {u: m for m, users in _liaisons(session, ids).items() for u in users}
    found = Counter()
    for table in (Topic, Post):
        for author in session.exec(select(table.author_user_id).where(
                table.author_user_id.in_(list(owner)), table.created_at >= start, table.created_at < end,
                table.hidden == False)).all():
            found[owner[author]] += 1
    return {m: (found.get(m, 0), {"posts": found.get(m, 0)}) for m in ids}


SOURCES: dict[str, Source] = {s.code: s for s in (
    Source("reporting", CATEGORY, _reporting, ("on_time", "late", "missing"), "indicator_completeness"),
    Source("sent_back", COUNT, _sent_back, page="indicator_review"),
    Source("ledger_partner", COUNT, _ledger_partner, page="ledgers"),
    Source("ledger_entries", COUNT, _ledger_entries, page="ledgers"),
    Source("meetings", RATIO, _meetings, page="meetings"),
    Source("follow_ups", RATIO, _follow_ups, page="meeting_actions"),
    Source("notices_read", RATIO, _notices_read, page="inbox"),
    Source("board_posts", COUNT, _board_posts, page="boards"),
)}
