"""The implementation plan (实施方案): plan -> area -> task -> milestone, roll-ups, updates.

Progress rolls up by milestone weight (cancelled milestones do not count). A milestone linked to
an indicator takes its progress from approved data: the group total of the indicator in the
year the milestone is due, against the milestone's target value. Red/amber/green compares
progress with the share of the planned time that has elapsed at the "as of" date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session, func, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import update_versioned
from core.display import bilingual
from core.errors import NotFound, ValidationFailed
from core.i18n import translate
from core.models import (
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneHistory,
    MilestoneStatus,
    Plan,
    PlanArea,
    PlanTask,
    StaffMember,
    ValueStatus,
)
from core.timeutil import china_today, utcnow

CLOSED = (MilestoneStatus.DONE, MilestoneStatus.CANCELLED)
UPDATE_FIELDS = ("status", "percent", "planned_start", "planned_due", "actual_done_on",
                 "owner_staff_id", "evidence", "indicator_id", "target_value", "title", "title_en", "weight")
MILESTONE_COLUMNS = ["id", "area_seq", "area", "task_seq", "task", "seq", "title", "owner_staff_id",
                     "owner", "planned_start", "planned_due", "actual_done_on", "status", "percent",
                     "weight", "evidence", "indicator_id", "target_value", "version", "title_zh", "title_en"]


def plans(session: Session) -> list[Plan]:
    return session.exec(select(Plan).order_by(Plan.start_year.desc())).all()


def current_plan(session: Session) -> Plan | None:
    return session.exec(select(Plan).where(Plan.is_current)).first() or \
        session.exec(select(Plan).order_by(Plan.start_year.desc())).first()


# ---------------------------------------------------------------- reading and rolling up
def milestones(session: Session, plan_id: int, *, as_of: date, lang: str = "zh") -> pd.DataFrame:
    """Every milestone of the plan with its place in the tree and its computed state.

    `area`, `task` and `title` read in `lang` (the other language, marked, where an item has no
    name in it: core.display.bilingual); `title_zh` and `title_en` are the milestone's names as
    stored, for editing."""
    rows = session.exec(
        select(Milestone, PlanTask.seq, PlanTask.title, PlanTask.title_en, PlanArea.seq, PlanArea.title,
               PlanArea.title_en, StaffMember.name)
        .join(PlanTask, PlanTask.id == Milestone.task_id)
        .join(PlanArea, PlanArea.id == PlanTask.area_id)
        .join(StaffMember, StaffMember.id == Milestone.owner_staff_id, isouter=True)
        .where(PlanArea.plan_id == plan_id)
        .order_by(PlanArea.seq, PlanTask.seq, Milestone.seq)).all()
    records = []
    for m, task_seq, task, task_en, area_seq, area, area_en, owner in rows:
        records.append({"id": m.id, "area_seq": area_seq, "area": bilingual(area, area_en, lang),
                        "task_seq": task_seq, "task": bilingual(task, task_en, lang), "seq": m.seq,
                        "title": bilingual(m.title, m.title_en, lang), "title_zh": m.title, "title_en": m.title_en,
                        "owner_staff_id": m.owner_staff_id, "owner": owner or "",
                        "planned_start": m.planned_start, "planned_due": m.planned_due,
                        "actual_done_on": m.actual_done_on, "status": m.status,
                        "percent": m.percent, "weight": m.weight, "evidence": m.evidence,
                        "indicator_id": m.indicator_id, "target_value": m.target_value,
                        "version": m.version})
    frame = pd.DataFrame(records, columns=MILESTONE_COLUMNS)
    linked = _linked_progress(session, frame)
    frame["progress"] = [linked.get(row.id, float(row.percent)) for row in frame.itertuples()]
    frame["expected"] = [expected_progress(row.planned_start, row.planned_due, as_of)
                         for row in frame.itertuples()]
    frame["overdue"] = [(row.planned_due < as_of) and row.status not in CLOSED
                        for row in frame.itertuples()]
    # One verdict per milestone, the same in every view: past its due date and not closed is
    # overdue, and overdue is red, however far it got (90% due last year is late, not on track).
    frame["rag"] = ["" if row.status == MilestoneStatus.CANCELLED else "red" if row.overdue
                    else rag(row.progress, row.expected) for row in frame.itertuples()]
    return frame


def _linked_progress(session: Session, frame: pd.DataFrame) -> dict[int, float]:
    """Progress of milestones tied to an indicator: approved group total vs target, in SQL."""
    linked = frame.dropna(subset=["indicator_id", "target_value"])
    out: dict[int, float] = {}
    for row in linked.itertuples():
        total = session.exec(select(func.coalesce(func.sum(IndicatorValue.value), 0.0)).where(
            IndicatorValue.indicator_id == int(row.indicator_id),
            IndicatorValue.year == row.planned_due.year,
            IndicatorValue.status == ValueStatus.APPROVED)).one()
        out[row.id] = round(min(100.0, 100.0 * float(total) / float(row.target_value)), 1) \
            if row.target_value else 0.0
    return out


def expected_progress(start: date, due: date, as_of: date) -> float:
    """The share of the planned time elapsed at as_of, in percent."""
    if as_of >= due:
        return 100.0
    if as_of <= start:
        return 0.0
    return round(100.0 * (as_of - start).days / max(1, (due - start).days), 1)


def rag(progress: float, expected: float) -> str:
    if progress >= 100 or progress >= expected - 10:
        return "green"
    if progress >= expected - 30:
        return "amber"
    return "red"


def rollup(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Weighted progress and expected progress per group (cancelled milestones left out)."""
    live = frame[frame["status"] != MilestoneStatus.CANCELLED].copy()
    if live.empty:
        return pd.DataFrame(columns=[*by, "progress", "expected", "milestones", "overdue", "rag"])
    live["w_progress"] = live["progress"] * live["weight"]
    live["w_expected"] = live["expected"] * live["weight"]
    grouped = live.groupby(by, sort=False).agg(
        w_progress=("w_progress", "sum"), w_expected=("w_expected", "sum"), weight=("weight", "sum"),
        milestones=("id", "count"), overdue=("overdue", "sum")).reset_index()
    grouped["progress"] = (grouped["w_progress"] / grouped["weight"]).round(1)
    grouped["expected"] = (grouped["w_expected"] / grouped["weight"]).round(1)
    grouped["rag"] = [rag(p, e) for p, e in zip(grouped["progress"], grouped["expected"])]
    return grouped[[*by, "progress", "expected", "milestones", "overdue", "rag"]]


@dataclass(frozen=True)
class Overall:
    progress: float
    expected: float
    rag: str
    milestones: int
    overdue: int


def overall(frame: pd.DataFrame) -> Overall:
    whole = rollup(frame.assign(_all=1), ["_all"])
    if whole.empty:
        return Overall(0.0, 0.0, "green", 0, 0)
    row = whole.iloc[0]
    return Overall(float(row["progress"]), float(row["expected"]), row["rag"],
                   int(row["milestones"]), int(row["overdue"]))


def lists(frame: pd.DataFrame, *, as_of: date, staff_id: int | None = None) -> dict[str, pd.DataFrame]:
    """The working lists: overdue, due in the next 30 days, recently completed, mine."""
    open_ = frame[~frame["status"].isin(CLOSED)]
    soon = open_[(open_["planned_due"] >= as_of) & (open_["planned_due"] <= as_of + timedelta(days=30))]
    done = frame[(frame["status"] == MilestoneStatus.DONE) & frame["actual_done_on"].notna()]
    recent = done[done["actual_done_on"].map(lambda d: as_of - timedelta(days=30) <= d <= as_of)]
    return {"overdue": frame[frame["overdue"]].sort_values("planned_due"),
            "due_soon": soon.sort_values("planned_due"),
            "recent": recent.sort_values("actual_done_on", ascending=False),
            "mine": frame[(frame["owner_staff_id"] == staff_id) & ~frame["status"].isin(CLOSED)]
            if staff_id is not None else frame.iloc[0:0]}


def history(session: Session, milestone_id: int) -> pd.DataFrame:
    from core.models import User

    rows = session.exec(select(MilestoneHistory, User.display_name)
                        .join(User, User.id == MilestoneHistory.actor_user_id, isouter=True)
                        .where(MilestoneHistory.milestone_id == milestone_id)
                        .order_by(MilestoneHistory.at.desc(), MilestoneHistory.id.desc())).all()
    return pd.DataFrame([{"at": h.at, "who": who or "", "changes": h.changes, "comment": h.comment}
                         for h, who in rows], columns=["at", "who", "changes", "comment"])


def staff_id_of(session: Session, user_id: int) -> int | None:
    return session.exec(select(StaffMember.id).where(StaffMember.user_id == user_id)).first()


def owners(session: Session) -> list[tuple[int, str]]:
    return session.exec(select(StaffMember.id, StaffMember.name).where(StaffMember.active)
                        .order_by(StaffMember.sort_order)).all()


def indicators(session: Session) -> list[tuple[int, str, str]]:
    return session.exec(select(Indicator.id, Indicator.code, Indicator.name_zh)
                        .where(Indicator.active).order_by(Indicator.sort_order)).all()


# ---------------------------------------------------------------- updating
def check_milestone(session: Session, values: dict) -> None:
    """Every rule a milestone's values must keep (the first broken one is raised)."""
    if values.get("status") not in set(MilestoneStatus):
        raise ValidationFailed("plan.bad_status")
    percent = values.get("percent")
    if not isinstance(percent, (int, float)) or isinstance(percent, bool) or not 0 <= percent <= 100:
        raise ValidationFailed("plan.bad_percent")
    if values["status"] == MilestoneStatus.DONE and percent < 100:
        raise ValidationFailed("plan.done_needs_100")
    start, due = values.get("planned_start"), values.get("planned_due")
    if start is None or due is None:
        raise ValidationFailed("plan.dates_required")
    if due < start:
        raise ValidationFailed("plan.due_before_start")
    done_on = values.get("actual_done_on")
    if done_on is not None and done_on < start:
        raise ValidationFailed("plan.done_before_start")
    owner = values.get("owner_staff_id")
    if owner is not None:
        staff = session.get(StaffMember, owner)
        if staff is None or not staff.active:
            raise ValidationFailed("plan.owner_not_staff")
    indicator = values.get("indicator_id")
    if indicator is not None and session.get(Indicator, indicator) is None:
        raise ValidationFailed("plan.unknown_indicator")
    target = values.get("target_value")
    if indicator is not None and (target is None or target <= 0):
        raise ValidationFailed("plan.target_required")
    if not (values.get("title") or "").strip():
        raise ValidationFailed("plan.title_required")
    weight = values.get("weight", 1.0)
    if not isinstance(weight, (int, float)) or weight <= 0:
        raise ValidationFailed("plan.bad_weight")


def update_milestone(session: Session, current: CurrentUser, milestone_id: int,
                     expected_version: int, changes: dict, *, comment: str = "") -> dict:
    """Save changed fields with a comment; every update is kept as history. Returns the diff."""
    require_role(current, *STAFF_ROLES)
    milestone = session.get(Milestone, milestone_id)
    if milestone is None:
        raise NotFound("plan.milestone_not_found")
    merged = {name: getattr(milestone, name) for name in UPDATE_FIELDS}
    merged.update({name: value for name, value in changes.items() if name in UPDATE_FIELDS})
    if merged["status"] == MilestoneStatus.DONE:
        merged["percent"] = 100 if changes.get("percent") is None else merged["percent"]
        merged["actual_done_on"] = merged["actual_done_on"] or china_today()
    elif changes.get("status") and merged["status"] != MilestoneStatus.DONE:
        merged["actual_done_on"] = None if "actual_done_on" not in changes else merged["actual_done_on"]
    check_milestone(session, merged)
    diff = {name: [_plain(getattr(milestone, name)), _plain(merged[name])] for name in UPDATE_FIELDS
            if getattr(milestone, name) != merged[name]}
    if not diff:
        return {}
    update_versioned(session, Milestone, milestone_id, expected_version,
                     {**{name: merged[name] for name in diff}, "updated_at": utcnow()})
    session.add(MilestoneHistory(milestone_id=milestone_id, actor_user_id=current.id,
                                 changes=diff, comment=(comment or "").strip()[:2000]))
    audit.record(session, action="milestone_updated", actor_id=current.id,
                 actor_name=current.username, entity="milestone", entity_id=milestone_id,
                 before={k: v[0] for k, v in diff.items()}, after={k: v[1] for k, v in diff.items()},
                 detail=(comment or "")[:200])
    return diff


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# ---------------------------------------------------------------- plans are data
def add_plan(session: Session, current: CurrentUser, *, code: str, title: str, start_year: int,
             end_year: int, description: str = "", make_current: bool = False, title_en: str = "") -> Plan:
    require_role(current, *STAFF_ROLES)
    code, title = (code or "").strip(), (title or "").strip()
    if not code or not title:
        raise ValidationFailed("plan.code_title_required")
    if end_year < start_year:
        raise ValidationFailed("plan.years_reversed")
    if session.exec(select(Plan).where(Plan.code == code)).first():
        raise ValidationFailed("plan.code_taken", code=code)
    plan = Plan(code=code, title=title, title_en=(title_en or "").strip(), start_year=start_year,
                end_year=end_year, description=description.strip())
    session.add(plan)
    session.flush()
    if make_current:
        set_current(session, current, plan.id)
    audit.record(session, action="plan_added", actor_id=current.id, actor_name=current.username,
                 entity="plan", entity_id=plan.id, after={"code": code, "title": title})
    return plan


def set_current(session: Session, current: CurrentUser, plan_id: int) -> None:
    require_role(current, *STAFF_ROLES)
    for plan in session.exec(select(Plan)):
        plan.is_current = plan.id == plan_id
        session.add(plan)


def add_area(session: Session, current: CurrentUser, plan_id: int, title: str, title_en: str = "") -> PlanArea:
    require_role(current, *STAFF_ROLES)
    if not (title or "").strip():
        raise ValidationFailed("plan.title_required")
    seq = (session.exec(select(func.max(PlanArea.seq)).where(PlanArea.plan_id == plan_id)).one() or 0) + 1
    area = PlanArea(plan_id=plan_id, seq=seq, title=title.strip(), title_en=(title_en or "").strip())
    session.add(area)
    session.flush()
    audit.record(session, action="plan_area_added", actor_id=current.id, actor_name=current.username,
                 entity="plan_area", entity_id=area.id, after={"title": area.title})
    return area


def add_task(session: Session, current: CurrentUser, area_id: int, title: str,
             description: str = "", title_en: str = "") -> PlanTask:
    require_role(current, *STAFF_ROLES)
    if not (title or "").strip():
        raise ValidationFailed("plan.title_required")
    seq = (session.exec(select(func.max(PlanTask.seq)).where(PlanTask.area_id == area_id)).one() or 0) + 1
    task = PlanTask(area_id=area_id, seq=seq, title=title.strip(), title_en=(title_en or "").strip(),
                    description=description.strip())
    session.add(task)
    session.flush()
    audit.record(session, action="plan_task_added", actor_id=current.id, actor_name=current.username,
                 entity="plan_task", entity_id=task.id, after={"title": task.title})
    return task


def add_milestone(session: Session, current: CurrentUser, task_id: int, values: dict) -> Milestone:
    require_role(current, *STAFF_ROLES)
    merged = {"status": MilestoneStatus.NOT_STARTED, "percent": 0, "actual_done_on": None,
              "owner_staff_id": None, "evidence": "", "indicator_id": None, "target_value": None,
              "weight": 1.0, "title_en": ""}
    merged.update(values)
    check_milestone(session, merged)
    seq = (session.exec(select(func.max(Milestone.seq)).where(Milestone.task_id == task_id)).one() or 0) + 1
    milestone = Milestone(task_id=task_id, seq=seq, **{k: merged[k] for k in UPDATE_FIELDS})
    session.add(milestone)
    session.flush()
    audit.record(session, action="milestone_added", actor_id=current.id, actor_name=current.username,
                 entity="milestone", entity_id=milestone.id, after={"title": milestone.title})
    return milestone


def tree_options(session: Session, plan_id: int,
                 lang: str = "zh") -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(areas, tasks) of a plan as (id, label in `lang`), for pickers."""
    areas = session.exec(select(PlanArea.id, PlanArea.seq, PlanArea.title, PlanArea.title_en)
                         .where(PlanArea.plan_id == plan_id).order_by(PlanArea.seq)).all()
    tasks = session.exec(select(PlanTask.id, PlanArea.seq, PlanTask.seq, PlanTask.title, PlanTask.title_en)
                         .join(PlanArea, PlanArea.id == PlanTask.area_id)
                         .where(PlanArea.plan_id == plan_id).order_by(PlanArea.seq, PlanTask.seq)).all()
    return ([(a_id, f"{seq}. {bilingual(title, title_en, lang)}") for a_id, seq, title, title_en in areas],
            [(t_id, f"{a_seq}.{t_seq} {bilingual(title, title_en, lang)}")
             for t_id, a_seq, t_seq, title, title_en in tasks])


def plan_title(plan: Plan, lang: str) -> str:
    """A plan's name in `lang` (the other language, marked, when it has none in `lang`)."""
    return bilingual(plan.title, plan.title_en, lang)


def plan_choice_label(plan: Plan, lang: str, *, today: date | None = None) -> str:
    """A plan as every plan picker lists it: its name, and unless it is the current plan, whether
    it is over (archived) or not in force (e.g. the next one, prepared ahead)."""
    title = plan_title(plan, lang)
    if plan.is_current:
        return title
    ended = plan.end_year < (today or china_today()).year
    return title + translate("plan.archived_mark" if ended else "plan.not_current_mark", lang)


# Milestone evidence: the secretariat attaches it; everyone who sees the plan may read it.
attachments.register_owner(
    "milestone", may_attach=lambda session, user, milestone_id: user.role in STAFF_ROLES
    and session.get(Milestone, milestone_id) is not None,
    may_read=lambda session, user, milestone_id: session.get(Milestone, milestone_id) is not None)
