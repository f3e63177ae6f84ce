"""The meeting mode's slides (会议模式): what each slide says, computed from the functions the
working pages use (members, plan tracking, indicator analysis, reporting completeness, ledgers,
the meetings' own actions), so the projector never disagrees with the screens behind it.

Every figure is a group total of approved data: a slide never shows one unit's unapproved
values, so the deck may be shown on a meeting room's screen.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session, func, select

from core.auth import CurrentUser, require_role
from core.group import members as group_members
from core.indicators import analysis, completeness
from core.indicators.years import default_year
from core.ledgers import query as ledger_query
from core.ledgers.kinds import KINDS
from core.meetings import actions as meeting_actions
from core.meetings.meetings import READERS
from core.meetings.models import Meeting
from core.models import CouncilTerm, MemberStatus, MemberUnit, PlanArea
from core.plan import tracking
from core.settings import get_setting, reporting_year
from core.timeutil import china_today, to_china

SLIDES = ("glance", "plan", "indicators", "reporting", "ledgers", "actions")
DEFAULT_ORDER = list(SLIDES)
# What a meeting room's screen may show anyone in the room: group totals only (the follow-ups
# name owners and are the council's working list).
PUBLIC_SLIDES = ("glance", "plan", "indicators", "reporting", "ledgers")
# Six headline KPIs of the case study's indicator set (orders, apprentices, teacher practice,
# staff trained, technical services, employment inside the group).
HEADLINE = ("S01", "S02", "S07", "S09", "S11", "D01")


@dataclass
class Slide:
    code: str
    data: dict = field(default_factory=dict)


@dataclass
class Deck:
    group_zh: str
    group_en: str
    year: int
    as_of: str
    meeting: str
    slides: list[Slide]


def _glance(session: Session, year: int) -> dict:
    by_type = dict(session.exec(select(MemberUnit.unit_type, func.count())
                                .where(MemberUnit.status == MemberStatus.ACTIVE)
                                .group_by(MemberUnit.unit_type)).all())
    growth = group_members.growth(session)
    term = session.exec(select(CouncilTerm).where(CouncilTerm.ended_on.is_(None))
                        .order_by(CouncilTerm.number.desc())).first()
    return {"members": sum(by_type.values()), "by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
            "growth": [(int(r.year), int(r.members)) for r in growth.itertuples()][-8:],
            "term": term.name if term else "", "term_en": (term.name_en or term.name) if term else ""}


def _plan(session: Session) -> dict:
    plan = tracking.current_plan(session)
    if plan is None:
        return {"plan": "", "areas": [], "overall": None}
    frame = tracking.milestones(session, plan.id, as_of=china_today())
    areas = tracking.rollup(frame, ["area_seq", "area"]) if not frame.empty else pd.DataFrame()
    whole = tracking.overall(frame)
    english = dict(session.exec(select(PlanArea.seq, PlanArea.title_en).where(PlanArea.plan_id == plan.id)).all())
    return {"plan": plan.title, "plan_en": plan.title_en or plan.title,
            "areas": [{"label": f"{r.area_seq}. {r.area}", "label_en": f"{r.area_seq}. {english.get(r.area_seq) or r.area}",
                       "progress": float(r.progress), "rag": r.rag, "overdue": int(r.overdue)}
                      for r in areas.itertuples()],
            "overall": {"progress": whole.progress, "expected": whole.expected, "rag": whole.rag,
                        "milestones": whole.milestones, "overdue": whole.overdue,
                        "done": int((frame["status"] == "done").sum()) if not frame.empty else 0}}


def _indicators(session: Session, current: CurrentUser, year: int) -> dict:
    # The newest complete year up to the one asked for: a year still being reported would read as
    # a collapse against the last (the analysis pages follow the same rule).
    year = default_year(session, current, [y for y in analysis.years(session) if y <= year]) or year
    card = analysis.scorecard(session, current, year=year)  # approved values only
    if card.empty:
        return {"kpis": [], "year": year}
    chosen = card[card["code"].isin(HEADLINE)]
    if len(chosen) < 6:
        chosen = pd.concat([chosen, card[~card["code"].isin(HEADLINE) & card["target"].notna()]]).head(6)
    order = {code: i for i, code in enumerate(HEADLINE)}
    chosen = chosen.sort_values("code", key=lambda c: c.map(lambda x: order.get(x, 99)))
    kpis = []
    for r in chosen.itertuples():
        value = None if pd.isna(r.value) else float(r.value)
        last = None if pd.isna(r.last_year) else float(r.last_year)
        kpis.append({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "unit_zh": r.unit_zh,
                     "unit_en": r.unit_en, "decimals": int(r.decimals or 0), "value": value, "last_year": last,
                     "target": None if pd.isna(r.target) else float(r.target),
                     "progress": None if pd.isna(r.progress) else float(r.progress), "rag": r.rag,
                     "change": None if value is None or not last else (value - last) / last * 100})
    return {"kpis": kpis, "year": year}


def _reporting(session: Session, current: CurrentUser, year: int) -> dict:
    frame = completeness.matrix(session, current, [year - 1, year])
    rates = completeness.rates(frame)
    this = rates[rates["year"] == year]
    if this.empty:
        return {"expected": 0}
    row = this.iloc[0]
    units = frame[frame["year"] == year]
    statuses = units["status"].value_counts().to_dict()
    reported = units[units["status"].isin(completeness.REPORTED)]
    # on time among the reports that are in (a draft or a send-back is not yet on time or late)
    on_time = 100.0 * int((reported["on_time"] == True).sum()) / len(reported) if len(reported) else 0.0
    before = rates[rates["year"] == year - 1]
    return {"expected": int(row["expected"]), "reported": int(row["reported"]), "approved": int(row["approved"]),
            "rate": float(row["reporting_rate"]), "on_time_rate": on_time,
            "last_rate": float(before.iloc[0]["reporting_rate"]) if not before.empty else None,
            "statuses": {str(k): int(v) for k, v in statuses.items()}}


def _ledgers(session: Session, current: CurrentUser, year: int) -> dict:
    summary = ledger_query.summary(session, current)
    confirmed = summary[summary["year"] == year].sort_values("count", ascending=False)
    before = summary[summary["year"] == year - 1].set_index("kind")["count"].to_dict()
    rows = [{"kind": r.kind, "zh": KINDS[r.kind].zh if r.kind in KINDS else r.kind,
             "en": KINDS[r.kind].en if r.kind in KINDS else r.kind, "count": int(r.count),
             "last_year": int(before.get(r.kind, 0))} for r in confirmed.itertuples()]
    return {"total": int(confirmed["count"].sum()) if not confirmed.empty else 0, "kinds": rows[:6]}


def _actions(session: Session, current: CurrentUser) -> dict:
    last, rows = meeting_actions.latest_council_actions(session, current)
    today = china_today()
    return {"meeting": last.title if last else "",
            "held": to_china(last.starts_at).strftime("%Y-%m-%d") if last else "",
            "actions": [{"title": r.title, "owner": r.owner, "due": r.due_on.isoformat() if r.due_on else "",
                         "overdue": bool(r.overdue), "status": r.status} for r in rows.itertuples()],
            "today": today.isoformat()}


def build(session: Session, current: CurrentUser | None, *, meeting_id: int | None = None,
          year: int | None = None, slides: list[str] | None = None) -> Deck:
    """The slides for a meeting (its chosen slides and order) or the default deck."""
    require_role(current, *READERS)
    meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
    order = [c for c in (slides or (meeting.slides if meeting and meeting.slides else DEFAULT_ORDER)) if c in SLIDES]
    year = year or reporting_year(session)
    makers = {"glance": lambda: _glance(session, year), "plan": lambda: _plan(session),
              "indicators": lambda: _indicators(session, current, year),
              "reporting": lambda: _reporting(session, current, year),
              "ledgers": lambda: _ledgers(session, current, year), "actions": lambda: _actions(session, current)}
    return Deck(group_zh=str(get_setting(session, "group_name_zh") or ""),
                group_en=str(get_setting(session, "group_name_en") or ""), year=year,
                as_of=china_today().isoformat(), meeting=meeting.title if meeting else "",
                slides=[Slide(code, makers[code]()) for code in order])
