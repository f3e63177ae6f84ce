"""Assessment schemes: the secretariat's rules for a year, edited as data, checked when saved,
adjusted per unit with a reason, and published (scores frozen, a notice to members and council).
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.assessment import rules
from core.assessment.models import AssessmentAdjustment, AssessmentResult, AssessmentScheme, SchemeStatus
from core.assessment.scores import WATCHERS, results
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.errors import NotFound, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.indicators.completeness import expected_units
from core.models import MessageCategory, Role
from core.safe_text import plain
from core.timeutil import utcnow

ADJUSTMENT_LIMIT = 20.0  # points either way; more is a different scheme, not an adjustment

# The scheme a new year starts from when there is none to copy (the secretariat edits it).
DEFAULT_CRITERIA = [
    {"code": "R1", "name_zh": "按时报送年度数据", "name_en": "Yearly data reported on time", "source": "reporting",
     "rule": "levels", "params": {"on_time": 100, "late": 60, "missing": 0}, "weight": 30, "unit_type": ""},
    {"code": "R2", "name_zh": "数据质量（退回修改）", "name_en": "Data quality (sent back)", "source": "sent_back",
     "rule": "penalty", "params": {"per": 50}, "weight": 10, "unit_type": ""},
    {"code": "L1", "name_zh": "作为合作方确认台账", "name_en": "Ledger entries confirmed as partner",
     "source": "ledger_partner", "rule": "capped", "params": {"cap": 3}, "weight": 15, "unit_type": ""},
    {"code": "L2", "name_zh": "本单位台账获合作方确认", "name_en": "Own ledger entries confirmed",
     "source": "ledger_entries", "rule": "capped", "params": {"cap": 5}, "weight": 15, "unit_type": ""},
    {"code": "M1", "name_zh": "会议出席率", "name_en": "Meetings attended", "source": "meetings", "rule": "ratio",
     "params": {"full_at": 1}, "weight": 15, "unit_type": ""},
    {"code": "M2", "name_zh": "督办事项按期办结", "name_en": "Follow-ups done on time", "source": "follow_ups",
     "rule": "ratio", "params": {"full_at": 1}, "weight": 5, "unit_type": ""},
    {"code": "N1", "name_zh": "通知阅读率", "name_en": "Notices read", "source": "notices_read", "rule": "ratio",
     "params": {"full_at": 0.9}, "weight": 10, "unit_type": ""},
]


def schemes(session: Session, current: CurrentUser | None) -> list[AssessmentScheme]:
    require_role(current, *WATCHERS, Role.MEMBER)
    return session.exec(select(AssessmentScheme).order_by(AssessmentScheme.year.desc())).all()


def _text(value, limit: int) -> str:
    """Stored as typed (stripped, cut to the column); escaped where it is shown as Markdown."""
    return str(value or "").replace("\x00", "").strip()[:limit]


def _scheme(session: Session, scheme_id: int) -> AssessmentScheme:
    row = session.get(AssessmentScheme, scheme_id)
    if row is None:
        raise NotFound("assessment.scheme_not_found")
    return row


def _types(session: Session, year: int) -> list[str]:
    """The unit types assessed in `year` (those expected to report it)."""
    return sorted(expected_units(session, year)["unit_type"].unique().tolist())


def create_scheme(session: Session, current: CurrentUser | None, *, year: int, title: str) -> AssessmentScheme:
    """A draft for `year`, starting from the latest earlier scheme's criteria (or the default)."""
    require_role(current, *STAFF_ROLES)
    title = _text(title, 200)
    if not title:
        raise ValidationFailed("assessment.title_required")
    if session.exec(select(AssessmentScheme).where(AssessmentScheme.year == year)).first():
        raise ValidationFailed("assessment.scheme_exists", year=year)
    earlier = session.exec(select(AssessmentScheme).where(AssessmentScheme.year < year)
                           .order_by(AssessmentScheme.year.desc())).first()
    criteria = [dict(c) for c in (earlier.criteria if earlier else DEFAULT_CRITERIA)]
    row = AssessmentScheme(year=year, title=title, criteria=criteria)
    session.add(row)
    session.flush()
    audit.record(session, action="assessment_scheme_created", actor_id=current.id, actor_name=current.username,
                 entity="assessment_scheme", entity_id=row.id, after={"year": year, "title": title})
    return row


def _draft(session: Session, scheme_id: int) -> AssessmentScheme:
    row = _scheme(session, scheme_id)
    if row.status == SchemeStatus.PUBLISHED:
        raise ValidationFailed("assessment.published_frozen", year=row.year)
    return row


def save_criteria(session: Session, current: CurrentUser | None, scheme_id: int, expected_version: int, *,
                  title: str, criteria: list[dict]) -> dict:
    """Replace a draft's criteria after checking them (weights 100 per type, rules with data)."""
    require_role(current, *STAFF_ROLES)
    row = _draft(session, scheme_id)
    title = _text(title, 200)
    if not title:
        raise ValidationFailed("assessment.title_required")
    clean = rules.validate([{**c, "name_zh": _text(c.get("name_zh"), 100),
                             "name_en": _text(c.get("name_en"), 100)} for c in criteria],
                           _types(session, row.year))
    before = {"title": row.title, "criteria": row.criteria}
    if before == {"title": title, "criteria": clean}:
        return {}
    update_versioned(session, AssessmentScheme, scheme_id, expected_version,
                     {"title": title, "criteria": clean, "updated_at": utcnow()})
    audit.record(session, action="assessment_scheme_saved", actor_id=current.id, actor_name=current.username,
                 entity="assessment_scheme", entity_id=scheme_id, before=before,
                 after={"title": title, "criteria": clean})
    return {"criteria": len(clean)}


def set_adjustment(session: Session, current: CurrentUser | None, scheme_id: int, *, member_id: int,
                   points: float, reason: str) -> None:
    """Add or remove points for a unit with a reason (0 removes the adjustment); audited."""
    require_role(current, *STAFF_ROLES)
    _draft(session, scheme_id)
    reason = _text(reason, 1000)
    if abs(points) > ADJUSTMENT_LIMIT:
        raise ValidationFailed("assessment.adjustment_too_large", limit=f"{ADJUSTMENT_LIMIT:g}")
    row = session.exec(select(AssessmentAdjustment).where(AssessmentAdjustment.scheme_id == scheme_id,
                                                          AssessmentAdjustment.member_id == member_id)).first()
    before = {"points": row.points, "reason": row.reason} if row else None
    if points == 0:
        if row:
            session.delete(row)
    else:
        if not reason:
            raise ValidationFailed("assessment.reason_required")
        if row is None:
            row = AssessmentAdjustment(scheme_id=scheme_id, member_id=member_id, points=points, reason=reason)
        row.points, row.reason, row.by_user_id, row.at = points, reason, current.id, utcnow()
        session.add(row)
    session.flush()
    audit.record(session, action="assessment_adjusted", actor_id=current.id, actor_name=current.username,
                 entity="assessment_scheme", entity_id=f"{scheme_id}/{member_id}", before=before,
                 after={"points": points, "reason": reason} if points else None)


def publish(session: Session, current: CurrentUser | None, scheme_id: int, expected_version: int, *,
            lang: str = DEFAULT_LANGUAGE) -> int:
    """Freeze every unit's score as it stands and tell members and council in a notice (which
    names no unit's score: each liaison reads its own). Returns how many units were scored."""
    from core.messages import notices

    require_role(current, *STAFF_ROLES)
    row = _draft(session, scheme_id)
    rules.validate(row.criteria, _types(session, row.year))
    frame = results(session, current, scheme_id)  # a draft's: computed live now
    for r in frame.itertuples():
        session.add(AssessmentResult(scheme_id=row.id, member_id=r.member_id, unit_type=r.unit_type, score=r.score,
                                     adjustment=r.adjustment, adjustment_reason=r.adjustment_reason,
                                     total=r.total, rank=int(r.rank), of=int(r.of), breakdown=_plain(r.breakdown)))
    message = notices.publish(session, current, category=MessageCategory.NOTICE,
                              title=translate("assessment.notice_title", lang, year=row.year),
                              body=translate("assessment.notice_body", lang, year=row.year, title=plain(row.title),
                                             units=len(frame)),
                              audience={"roles": [Role.MEMBER, Role.COUNCIL]})
    update_versioned(session, AssessmentScheme, scheme_id, expected_version, {
        "status": SchemeStatus.PUBLISHED, "published_at": utcnow(), "published_by": current.id,
        "message_id": message.id})
    audit.record(session, action="assessment_published", actor_id=current.id, actor_name=current.username,
                 entity="assessment_scheme", entity_id=scheme_id, after={"year": row.year, "units": len(frame)})
    return len(frame)


def _plain(breakdown: list[dict]) -> list[dict]:
    """JSON-safe breakdown rows (numpy numbers become floats)."""
    return [{k: (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
             for k, v in r.items()} for r in breakdown]


def criteria_frame(criteria: list[dict]) -> pd.DataFrame:
    """The criteria as the editor shows them (parameters as 'k=v; k=v' text)."""
    return pd.DataFrame([{**c, "params": rules.params_text(c["params"])} for c in criteria],
                        columns=["code", "name_zh", "name_en", "source", "rule", "params", "weight", "unit_type"])


def criteria_from_frame(frame: pd.DataFrame) -> list[dict]:
    """Rows back from the editor; parameters parsed (ValidationFailed names a bad one)."""
    rows = []
    for r in frame.to_dict("records"):
        if all(v is None or v == "" or (isinstance(v, float) and pd.isna(v)) for v in r.values()):
            continue  # an empty row the editor added
        rows.append({**r, "params": rules.parse_params(r.get("params") or ""),
                     "unit_type": "" if r.get("unit_type") in (None, "", "all") else r["unit_type"]})
    return rows
