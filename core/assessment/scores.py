"""Scores: every assessed unit's score under its year's scheme, computed live from the platform's
data while the scheme is a draft and read from the frozen results once it is published.

Who sees what: council and the office see every unit's score; a liaison only its own unit's,
with its rank band (top 10 %, top quarter…), never another unit's figure.
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core.assessment import rules
from core.assessment.models import AssessmentAdjustment, AssessmentResult, AssessmentScheme, SchemeStatus
from core.assessment.sources import SOURCES, year_bounds
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import NotFound, PermissionDenied
from core.indicators.completeness import expected_units
from core.models import MemberUnit, Role

WATCHERS = (*STAFF_ROLES, Role.COUNCIL)
COLUMNS = ["member_id", "unit", "unit_type", "score", "adjustment", "adjustment_reason", "total", "rank", "of",
           "breakdown"]
BANDS = ((0.10, "top10"), (0.25, "top25"), (0.50, "top50"), (1.01, "rest"))


def _assessed(session: Session, year: int) -> pd.DataFrame:
    """The units a year's assessment covers: those expected to report that year."""
    return expected_units(session, year)


def unit_types(session: Session, current: CurrentUser | None, year: int) -> list[str]:
    require_role(current, *WATCHERS)
    return sorted(_assessed(session, year)["unit_type"].unique().tolist())


def _scheme(session: Session, scheme_id: int) -> AssessmentScheme:
    scheme = session.get(AssessmentScheme, scheme_id)
    if scheme is None:
        raise NotFound("assessment.scheme_not_found")
    return scheme


def _rank(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype=int), of=pd.Series(dtype=int))
    frame = frame.copy()
    frame["rank"] = frame.groupby("unit_type")["total"].rank(method="min", ascending=False).astype(int)
    frame["of"] = frame.groupby("unit_type")["member_id"].transform("count").astype(int)
    return frame.sort_values(["unit_type", "rank", "unit"], ignore_index=True)


def _live(session: Session, scheme: AssessmentScheme) -> pd.DataFrame:
    units = _assessed(session, scheme.year)
    if units.empty:
        return pd.DataFrame(columns=COLUMNS)
    ids = units["member_id"].tolist()
    types = dict(zip(units["member_id"], units["unit_type"]))
    measured = {c["source"]: None for c in scheme.criteria}
    for code in measured:
        measured[code] = SOURCES[code].measure(session, scheme.year, ids, types)
    adjustments = {a.member_id: a for a in session.exec(select(AssessmentAdjustment).where(
        AssessmentAdjustment.scheme_id == scheme.id)).all()}
    rows = []
    for unit in units.itertuples():
        criteria = rules.for_type(scheme.criteria, unit.unit_type)
        if not criteria:
            continue
        score, breakdown = rules.score(criteria, {c["code"]: measured[c["source"]][unit.member_id]
                                                  for c in criteria})
        adjustment = adjustments.get(unit.member_id)
        points = adjustment.points if adjustment else 0.0
        rows.append({"member_id": unit.member_id, "unit": unit.unit, "unit_type": unit.unit_type,
                     "score": round(score, 2), "adjustment": points,
                     "adjustment_reason": adjustment.reason if adjustment else "",
                     "total": round(max(0.0, min(100.0, score + points)), 2), "breakdown": breakdown})
    return _rank(pd.DataFrame(rows, columns=[c for c in COLUMNS if c not in ("rank", "of")]))


def _frozen(session: Session, scheme: AssessmentScheme) -> pd.DataFrame:
    rows = session.exec(select(AssessmentResult, MemberUnit.name).join(
        MemberUnit, MemberUnit.id == AssessmentResult.member_id).where(AssessmentResult.scheme_id == scheme.id)).all()
    frame = pd.DataFrame([{"member_id": r.member_id, "unit": name, "unit_type": r.unit_type, "score": r.score,
                           "adjustment": r.adjustment, "adjustment_reason": r.adjustment_reason,
                           "total": r.total, "rank": r.rank, "of": r.of, "breakdown": r.breakdown}
                          for r, name in rows], columns=COLUMNS)
    return frame.sort_values(["unit_type", "rank", "unit"], ignore_index=True)


def results(session: Session, current: CurrentUser | None, scheme_id: int) -> pd.DataFrame:
    """Every assessed unit: score, adjustment, total, rank within its type and the breakdown."""
    require_role(current, *WATCHERS)
    scheme = _scheme(session, scheme_id)
    return _frozen(session, scheme) if scheme.status == SchemeStatus.PUBLISHED else _live(session, scheme)


def criteria_columns(frame: pd.DataFrame, scheme: AssessmentScheme) -> pd.DataFrame:
    """The results with one column of points per criterion (None where it does not apply)."""
    wide = frame.drop(columns=["breakdown"]).copy()
    for c in scheme.criteria:
        wide[c["code"]] = [next((None if r["points"] is None else round(r["points"], 1) for r in b
                                 if r["code"] == c["code"]), None) for b in frame["breakdown"]]
    return wide


def band(rank: int, of: int) -> str:
    share = rank / of if of else 1.0
    return next(name for limit, name in BANDS if share <= limit)


def unit_scores(session: Session, current: CurrentUser | None, *, member_id: int) -> list[dict]:
    """A unit's score in every year with a scheme, newest first: its own breakdown and rank band,
    and no other unit's figure (a liaison may ask only for its own unit)."""
    require_role(current, *WATCHERS, Role.MEMBER)
    if current.role == Role.MEMBER and current.member_id != member_id:
        raise PermissionDenied("auth.forbidden")
    out = []
    for scheme in session.exec(select(AssessmentScheme).order_by(AssessmentScheme.year.desc())).all():
        frame = _frozen(session, scheme) if scheme.status == SchemeStatus.PUBLISHED else _live(session, scheme)
        mine = frame[frame["member_id"] == member_id]
        if mine.empty:
            continue
        row = mine.iloc[0]
        out.append({"year": scheme.year, "scheme_id": scheme.id, "title": scheme.title, "status": scheme.status,
                    "score": float(row["score"]), "adjustment": float(row["adjustment"]),
                    "adjustment_reason": row["adjustment_reason"], "total": float(row["total"]),
                    "band": band(int(row["rank"]), int(row["of"])), "unit_type": row["unit_type"],
                    "breakdown": row["breakdown"], "criteria": scheme.criteria})
    return out


def to_improve(entry: dict) -> list[dict]:
    """The criteria where the unit lost the most weighted points first: where to act next year."""
    named = {c["code"]: c for c in entry["criteria"]}
    lost = [{"code": r["code"], "source": named[r["code"]]["source"], "name_zh": named[r["code"]]["name_zh"],
             "name_en": named[r["code"]]["name_en"], "points": r["points"],
             "lost": (100 - r["points"]) * r["weight"] / 100}
            for r in entry["breakdown"] if r["points"] is not None and r["points"] < 100]
    return sorted(lost, key=lambda r: -r["lost"])


def rows_behind(session: Session, current: CurrentUser | None, scheme_id: int, *, member_id: int,
                code: str) -> pd.DataFrame:
    """The platform's rows behind one criterion of one unit (its meetings, ledger entries…)."""
    require_role(current, *WATCHERS, Role.MEMBER)
    if current.role == Role.MEMBER and current.member_id != member_id:
        raise PermissionDenied("auth.forbidden")
    scheme = _scheme(session, scheme_id)
    criterion = next((c for c in scheme.criteria if c["code"] == code), None)
    if criterion is None:
        raise NotFound("assessment.criterion_not_found")
    return _ROWS.get(criterion["source"], _no_rows)(session, scheme.year, member_id)


def _no_rows(session, year, member_id) -> pd.DataFrame:
    return pd.DataFrame(columns=["item", "date", "state"])


def _submission_rows(session, year, member_id) -> pd.DataFrame:
    from core.models import AuditLog, Submission

    rows = [{"item": f"{year}", "date": s.submitted_at, "state": s.status}
            for s in session.exec(select(Submission).where(Submission.member_id == member_id,
                                                           Submission.year == year)).all()]
    rows += [{"item": a.detail or a.action, "date": a.at, "state": a.action} for a in session.exec(
        select(AuditLog).where(AuditLog.entity == "submission", AuditLog.entity_id == f"{member_id}/{year}",
                               AuditLog.action == "report_rejected")).all()]
    return pd.DataFrame(rows, columns=["item", "date", "state"])


def _ledger_rows(session, year, member_id) -> pd.DataFrame:
    from core.models import LedgerEntry, LedgerPartner

    own = session.exec(select(LedgerEntry).where(LedgerEntry.member_id == member_id, LedgerEntry.year == year)).all()
    partnered = session.exec(select(LedgerEntry, LedgerPartner.confirmation).join(
        LedgerPartner, LedgerPartner.entry_id == LedgerEntry.id).where(
        LedgerPartner.member_id == member_id, LedgerEntry.year == year)).all()
    rows = [{"item": e.title, "date": e.started_on, "state": e.status} for e in own]
    rows += [{"item": e.title, "date": e.started_on, "state": f"partner:{c}"} for e, c in partnered]
    return pd.DataFrame(rows, columns=["item", "date", "state"])


def _meeting_rows(session, year, member_id) -> pd.DataFrame:
    from core.meetings.models import Meeting, MeetingInvitation

    start, end = year_bounds(year)
    rows = [{"item": m.title, "date": m.starts_at, "state": "attended" if i.attended else (
        "absent" if i.attended is False else i.status)}
        for m, i in session.exec(select(Meeting, MeetingInvitation).join(
            MeetingInvitation, MeetingInvitation.meeting_id == Meeting.id).where(
            MeetingInvitation.member_id == member_id, Meeting.starts_at >= start, Meeting.starts_at < end)).all()]
    return pd.DataFrame(rows, columns=["item", "date", "state"])


def _action_rows(session, year, member_id) -> pd.DataFrame:
    from datetime import date

    from core.meetings.models import MeetingAction

    rows = [{"item": a.title, "date": a.due_on, "state": a.status} for a in session.exec(
        select(MeetingAction).where(MeetingAction.owner_member_id == member_id,
                                    MeetingAction.due_on >= date(year, 1, 1),
                                    MeetingAction.due_on <= date(year, 12, 31))).all()]
    return pd.DataFrame(rows, columns=["item", "date", "state"])


_ROWS = {"reporting": _submission_rows, "sent_back": _submission_rows, "ledger_partner": _ledger_rows,
         "ledger_entries": _ledger_rows, "meetings": _meeting_rows, "follow_ups": _action_rows}
