"""A unit's yearly report (数据填报): the form, its checks, save as draft, submit.

One Submission row per unit and year carries the workflow (draft → submitted → approved, or
rejected → resubmitted) and the version that makes a stale save fail; the values follow its
status. Submitted and approved reports are locked: the secretariat rejects or reopens them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from core import audit
from core.auth import CurrentUser, require_own_unit
from core.db import StaleEditError, update_versioned
from core.errors import PermissionDenied, ValidationFailed
from core.excel.reader import number
from core.indicators.catalogue import reported_for
from core.models import Indicator, IndicatorValue, MemberUnit, ReportingWindow, Role, Submission, ValueStatus
from core.settings import get_setting, reporting_deadline
from core.timeutil import china_today, utcnow

# Cross-field rules (part ≤ whole), by code; a rule whose codes are not in the catalogue is skipped.
CROSS_RULES = (("S04", "S03"), ("S06", "S05"), ("E02", "E01"))
LOCKED = (ValueStatus.SUBMITTED, ValueStatus.APPROVED)


@dataclass(frozen=True)
class Problem:
    indicator_id: int
    code: str
    key: str
    params: dict = field(default_factory=dict)
    blocks_save: bool = True  # False: only a submit is held back (missing value, missing comment)


@dataclass
class EntryForm:
    member_id: int
    unit_name: str
    unit_type: str
    year: int
    status: str | None
    version: int
    reason: str
    on_time: bool | None
    rows: pd.DataFrame  # indicator_id, code, name_zh, name_en, unit_zh, unit_en, min_value, max_value,
    #                     decimals, value, comment, last_year


def _submission(session: Session, member_id: int, year: int) -> Submission | None:
    return session.exec(select(Submission).where(Submission.member_id == member_id,
                                                 Submission.year == year)).first()


def _values(session: Session, member_id: int, year: int) -> dict[int, IndicatorValue]:
    rows = session.exec(select(IndicatorValue).where(IndicatorValue.member_id == member_id,
                                                     IndicatorValue.year == year)).all()
    return {row.indicator_id: row for row in rows}


def entry_form(session: Session, current: CurrentUser, *, member_id: int, year: int) -> EntryForm:
    require_own_unit(current, member_id)
    unit = session.get(MemberUnit, member_id)
    indicators = reported_for(session, member_id)
    now, last = _values(session, member_id, year), _values(session, member_id, year - 1)
    rows = [{"indicator_id": i.id, "code": i.code, "name_zh": i.name_zh, "name_en": i.name_en,
             "unit_zh": i.unit_zh, "unit_en": i.unit_en, "min_value": i.min_value,
             "max_value": i.max_value, "decimals": i.decimals,
             "value": now[i.id].value if i.id in now else None,
             "comment": now[i.id].comment if i.id in now else "",
             "last_year": last[i.id].value if i.id in last else None} for i in indicators]
    submission = _submission(session, member_id, year)
    return EntryForm(member_id=member_id, unit_name=unit.name, unit_type=unit.unit_type, year=year,
                     status=submission.status if submission else None,
                     version=submission.version if submission else 0,
                     reason=submission.review_reason if submission else "",
                     on_time=submission.on_time if submission else None,
                     rows=pd.DataFrame(rows, columns=[
                         "indicator_id", "code", "name_zh", "name_en", "unit_zh", "unit_en",
                         "min_value", "max_value", "decimals", "value", "comment", "last_year"]))


def parse(raw: object) -> float | None:
    """A typed or imported value as a number; ValueError for text that is not one."""
    return number(raw)


def check(indicators: list[Indicator], values: dict[int, tuple[object, str]],
          last_year: dict[int, float | None], change_pct: float) -> list[Problem]:
    """Every problem of a unit's values: type and range, part ≤ whole, big changes need a comment."""
    problems: list[Problem] = []
    parsed: dict[str, float | None] = {}
    for indicator in indicators:
        raw, comment = values.get(indicator.id, (None, ""))
        try:
            value = parse(raw)
        except (ValueError, TypeError):
            problems.append(Problem(indicator.id, indicator.code, "indicator.not_a_number",
                                    {"value": str(raw)[:40]}))
            continue
        parsed[indicator.code] = value
        if value is None:
            problems.append(Problem(indicator.id, indicator.code, "indicator.missing", blocks_save=False))
            continue
        low, high = indicator.min_value, indicator.max_value
        if value < 0 and (low is None or low >= 0):
            problems.append(Problem(indicator.id, indicator.code, "indicator.negative"))
        elif low is not None and value < low:
            problems.append(Problem(indicator.id, indicator.code, "indicator.below_min", {"min": low}))
        elif high is not None and value > high:
            problems.append(Problem(indicator.id, indicator.code, "indicator.above_max", {"max": high}))
        before = last_year.get(indicator.id)
        if before and not (comment or "").strip() and abs(value - before) / abs(before) * 100 > change_pct:
            problems.append(Problem(indicator.id, indicator.code, "indicator.needs_comment",
                                    {"pct": round(abs(value - before) / abs(before) * 100),
                                     "limit": f"{change_pct:g}"}, blocks_save=False))
    ids = {i.code: i.id for i in indicators}
    for part, whole in CROSS_RULES:
        if parsed.get(part) is not None and parsed.get(whole) is not None and parsed[part] > parsed[whole]:
            problems.append(Problem(ids[part], part, "indicator.part_above_whole",
                                    {"part": part, "whole": whole}))
    return problems


def problems_for(session: Session, current: CurrentUser | None, *, member_id: int, year: int,
                 values: dict[int, tuple[object, str]]) -> list[Problem]:
    """The checks the form shows as the user types (they read the unit's last year)."""
    require_own_unit(current, member_id)
    indicators = reported_for(session, member_id)
    last = {i: row.value for i, row in _values(session, member_id, year - 1).items()}
    return check(indicators, values, last, float(get_setting(session, "change_comment_pct") or 50))


def _raise(problems: list[Problem]) -> None:
    first = problems[0]
    error = ValidationFailed(first.key, code=first.code, **first.params)
    error.more = [(p.key, {"code": p.code, **p.params}) for p in problems[1:]]
    raise error


def save(session: Session, current: CurrentUser, *, member_id: int, year: int,
         values: dict[int, tuple[object, str]], expected_version: int, submit: bool = False) -> str:
    """Save the unit's values as a draft, or submit them; returns the new status, or {} (the
    empty difference) for a draft save that changes nothing.

    All or nothing: any value that breaks a rule refuses the whole save. A submit also needs
    every value and a comment beside every large change.
    """
    require_own_unit(current, member_id)
    submission = _submission(session, member_id, year)
    if submission is not None and submission.status in LOCKED:
        raise ValidationFailed(f"indicator.locked_{submission.status}")
    if (submission.version if submission else 0) != expected_version:
        raise StaleEditError()
    if submit:
        window = session.exec(select(ReportingWindow).where(ReportingWindow.year == year)).first()
        if window is not None and china_today() < window.opens_on:
            raise ValidationFailed("indicator.window_not_open", year=year, opens_on=window.opens_on.isoformat())
    indicators = reported_for(session, member_id)
    allowed = {i.id for i in indicators}
    if set(values) - allowed:
        raise PermissionDenied("indicator.not_reported")
    last = {i: row.value for i, row in _values(session, member_id, year - 1).items()}
    problems = check(indicators, values, last, float(get_setting(session, "change_comment_pct") or 50))
    blocking = [p for p in problems if p.blocks_save or submit]
    if blocking:
        _raise(blocking)
    status = ValueStatus.SUBMITTED if submit else ValueStatus.DRAFT
    existing = _values(session, member_id, year)
    before, after, touched = {}, {}, False
    for indicator in indicators:
        raw, comment = values.get(indicator.id, (None, ""))
        value = parse(raw)
        value = None if value is None else round(value, indicator.decimals)
        comment = (comment or "").strip()[:1000]
        row = existing.get(indicator.id)
        if row is None:
            if value is None and not comment:
                continue
            row = IndicatorValue(member_id=member_id, indicator_id=indicator.id, year=year)
        elif row.value != value:
            before[indicator.code] = row.value
        if row.id is None or row.value != value:
            after[indicator.code] = value
        if row.id is None or row.value != value or row.comment != comment or row.status != status:
            row.value, row.comment, row.status = value, comment, status
            row.updated_by, row.updated_at, row.version = current.id, utcnow(), (row.version or 0) + 1
            session.add(row)
            touched = True
    if not submit and not touched and submission is not None and submission.status == ValueStatus.DRAFT:
        return {}
    changes: dict = {"status": status, "review_reason": "" if submit else
                     (submission.review_reason if submission else "")}
    if submit:
        changes.update(submitted_at=utcnow(), submitted_by=current.id,
                       on_time=china_today() <= reporting_deadline(session, year))
    if submission is None:
        session.add(Submission(member_id=member_id, year=year, **changes))
        try:
            session.flush()
        except IntegrityError as exc:  # another first save of this unit-year won the race
            raise StaleEditError() from exc
    else:  # WHERE version = expected: a save racing this one fails instead of overwriting
        update_versioned(session, Submission, submission.id, expected_version, changes)
    if submit:  # the secretariat's review queue grows: say so in its inbox
        from core.i18n import translate
        from core.messages import system

        unit = session.get(MemberUnit, member_id)
        system.send_system(session, title=translate("indicator.submitted_message_title", year=year, unit=unit.name),
                           body=translate("indicator.submitted_message_body", year=year, unit=unit.name),
                           roles=[Role.SECRETARIAT, Role.ADMIN], sender=current)
    if after or submit:
        audit.record(session, action="values_submitted" if submit else "values_saved",
                     actor_id=current.id, actor_name=current.username, entity="submission",
                     entity_id=f"{member_id}/{year}", before=before, after=after)
    return status
