"""Review (审核) of submitted reports: the queue, values beside last year with flags, decisions.

Approve locks a report; reject sends it back with a reason the liaison sees (in the report and
as a message); reopen unlocks an approved report. Each decision is versioned and audited.
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.indicators.catalogue import reported_for
from core.indicators.entry import check
from core.models import IndicatorValue, MemberUnit, Submission, ValueStatus
from core.settings import get_setting
from core.timeutil import utcnow


def queue(session: Session, current: CurrentUser, *, status: str = ValueStatus.SUBMITTED,
          year: int | None = None) -> pd.DataFrame:
    """Reports waiting for a decision (or in another status), newest submission first."""
    require_role(current, *STAFF_ROLES)
    query = (select(Submission.id, Submission.member_id, MemberUnit.name, MemberUnit.unit_type,
                    Submission.year, Submission.status, Submission.submitted_at, Submission.on_time,
                    Submission.review_reason, Submission.version)
             .join(MemberUnit, MemberUnit.id == Submission.member_id)
             .where(Submission.status == status)
             .order_by(Submission.submitted_at.desc(), Submission.id.desc()))
    if year is not None:
        query = query.where(Submission.year == year)
    return pd.DataFrame(session.exec(query).all(), columns=[
        "id", "member_id", "unit", "unit_type", "year", "status", "submitted_at", "on_time",
        "reason", "version"])


def detail(session: Session, current: CurrentUser, *, member_id: int, year: int) -> pd.DataFrame:
    """The report's values beside last year's, with the change and every flag a reviewer needs."""
    require_role(current, *STAFF_ROLES)
    indicators = reported_for(session, member_id)
    rows = session.exec(select(IndicatorValue).where(IndicatorValue.member_id == member_id,
                                                     IndicatorValue.year.in_([year, year - 1]))).all()
    now = {r.indicator_id: r for r in rows if r.year == year}
    last = {r.indicator_id: r.value for r in rows if r.year == year - 1}
    values = {i.id: (now[i.id].value if i.id in now else None, now[i.id].comment if i.id in now else "")
              for i in indicators}
    limit = float(get_setting(session, "change_comment_pct") or 50)
    flags: dict[int, list] = {}
    for problem in check(indicators, values, last, limit):
        if problem.key != "indicator.needs_comment":  # shown below as a change, comment or not
            flags.setdefault(problem.indicator_id, []).append((problem.key, {"code": problem.code, **problem.params}))
    records = []
    for i in indicators:
        value, before = values[i.id][0], last.get(i.id)
        change = None if value is None or not before else (value - before) / abs(before) * 100
        if change is not None and abs(change) > limit:
            flags.setdefault(i.id, []).append(("review.big_change", {"code": i.code, "pct": round(change)}))
        records.append({"indicator_id": i.id, "code": i.code, "name_zh": i.name_zh, "name_en": i.name_en,
                        "unit_zh": i.unit_zh, "unit_en": i.unit_en, "value": value, "last_year": before,
                        "change_pct": change, "comment": values[i.id][1], "flags": flags.get(i.id, []),
                        "decimals": i.decimals})
    frame = pd.DataFrame(records, columns=["indicator_id", "code", "name_zh", "name_en", "unit_zh",
                                           "unit_en", "value", "last_year", "change_pct", "comment", "flags",
                                           "decimals"])
    for column in ("value", "last_year", "change_pct"):  # numbers, even when a year has none
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def _decide(session: Session, current: CurrentUser, submission_id: int, expected_version: int, *,
            allowed_from: tuple[str, ...], status: str, reason: str, action: str) -> Submission:
    require_role(current, *STAFF_ROLES)
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound("indicator.submission_not_found")
    if submission.status not in allowed_from:
        raise ValidationFailed("indicator.wrong_status", status=submission.status)
    before = submission.status
    update_versioned(session, Submission, submission_id, expected_version, {
        "status": status, "reviewed_at": utcnow(), "reviewed_by": current.id, "review_reason": reason})
    session.execute(IndicatorValue.__table__.update()
                    .where(IndicatorValue.member_id == submission.member_id,
                           IndicatorValue.year == submission.year)
                    .values(status=status))
    audit.record(session, action=action, actor_id=current.id, actor_name=current.username,
                 entity="submission", entity_id=f"{submission.member_id}/{submission.year}",
                 before={"status": before}, after={"status": status, "reason": reason})
    return submission


def approve(session: Session, current: CurrentUser, *, submission_id: int, expected_version: int) -> None:
    """Approve and lock the report; the unit's liaisons are told in their inbox."""
    from core.i18n import translate
    from core.messages import system

    submission = _decide(session, current, submission_id, expected_version, allowed_from=(ValueStatus.SUBMITTED,),
                         status=ValueStatus.APPROVED, reason="", action="report_approved")
    unit = session.get(MemberUnit, submission.member_id)
    system.send_system(session, title=translate("indicator.approved_message_title", year=submission.year, unit=unit.name),
                       body=translate("indicator.approved_message_body", year=submission.year),
                       member_ids=[submission.member_id], sender=current)


def _send_back(session: Session, current: CurrentUser, submission_id: int, expected_version: int,
               reason: str, *, allowed_from: str, action: str, message: tuple[str, str]) -> None:
    """Return a report to the unit with a reason, which it sees on its page and in its inbox."""
    from core.i18n import translate
    from core.messages import system

    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("indicator.reason_required")
    submission = _decide(session, current, submission_id, expected_version, allowed_from=(allowed_from,),
                         status=ValueStatus.REJECTED, reason=reason[:2000], action=action)
    unit = session.get(MemberUnit, submission.member_id)
    # In the platform's default language: the unit's liaisons may each use another.
    title_key, body_key = message
    system.send_system(session, title=translate(title_key, year=submission.year, unit=unit.name),
                         body=translate(body_key, year=submission.year, reason=reason),
                         member_ids=[submission.member_id], sender=current)


def reject(session: Session, current: CurrentUser, *, submission_id: int, expected_version: int,
           reason: str) -> None:
    _send_back(session, current, submission_id, expected_version, reason, allowed_from=ValueStatus.SUBMITTED,
               action="report_rejected", message=("indicator.rejected_message_title", "indicator.rejected_message_body"))


def reopen(session: Session, current: CurrentUser, *, submission_id: int, expected_version: int,
           reason: str) -> None:
    """Unlock an approved report so the unit can correct it (it then goes through review again)."""
    _send_back(session, current, submission_id, expected_version, reason, allowed_from=ValueStatus.APPROVED,
               action="report_reopened", message=("indicator.reopened_message_title", "indicator.reopened_message_body"))
