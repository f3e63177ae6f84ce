"""The demo's calendar and plans: everything dated from the day the demo is loaded.

The demo must look alive on the day it is shown, whatever that day is: the 2019-2021 plan of the
case study is history (closed, every milestone done or carried over), the group's next phase (the
case study's goal: 国家级示范性职教集团) is the current plan, running from the year before today
to the year after, with milestones done, overdue and due soon; and a reporting window is open.

How reporting works here: a year's figures are reported from mid-November of that year (year-end
statistics) to 31 March of the next. So from 1 November the year being reported is this year;
before it, last year (whose window the demo keeps open a month past today if its deadline has
gone, as a secretariat extends a deadline).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from core import demo_data as D
from core.demo_names_en import NAMES_EN, PLAN_TITLE_EN
from core.models import Milestone, MilestoneHistory, MilestoneStatus, Plan, PlanArea, PlanTask, Role

FIRST_YEAR = 2019  # the case study's first reporting year


@dataclass(frozen=True)
class DemoCalendar:
    today: date

    @property
    def reporting_year(self) -> int:
        return self.today.year if self.today >= date(self.today.year, 11, 1) else self.today.year - 1

    @property
    def years(self) -> tuple[int, ...]:
        """Every year with indicator values: the case study's first to the one being reported."""
        return tuple(range(FIRST_YEAR, self.reporting_year + 1))

    def window(self, year: int) -> tuple[date, date]:
        """(opens_on, deadline) of a year's reporting; the year being reported is open today."""
        opens, deadline = date(year, 11, 16), date(year + 1, 3, 31)
        if year == self.reporting_year:
            opens = min(opens, self.today - timedelta(days=18))
            deadline = max(deadline, self.today + timedelta(days=30))
        return opens, deadline

    @property
    def elapsed(self) -> float:
        """How far through its window the year being reported is (0..1)."""
        opens, deadline = self.window(self.reporting_year)
        return min(1.0, max(0.0, (self.today - opens).days / max(1, (deadline - opens).days)))

    @property
    def plan_years(self) -> tuple[int, int]:
        return self.today.year - 1, self.today.year + 1


def _history(builder, milestone: Milestone, status: str, percent: int, comment: str = "进度更新") -> None:
    builder.add(MilestoneHistory(
        milestone_id=milestone.id, actor_user_id=builder.users[Role.SECRETARIAT].id,
        at=milestone.updated_at, comment=comment,
        changes={"status": [MilestoneStatus.NOT_STARTED, status], "percent": [0, percent]}))


def _tasks(builder, plan: Plan, areas: list):
    """Write the plan's areas and tasks; yields each task with its owners and milestone titles."""
    for area_seq, (area_title, tasks) in enumerate(areas, start=1):
        area = builder.add(PlanArea(plan_id=plan.id, seq=area_seq, title=area_title,
                                    title_en=NAMES_EN[area_title]))
        builder.session.flush()
        for task_seq, (title, desc, duty, milestones) in enumerate(tasks, start=1):
            owners = builder.staff[duty]
            task = builder.add(PlanTask(area_id=area.id, seq=task_seq, title=title, title_en=NAMES_EN[title],
                                        description=desc, owner_staff_id=owners[0].id))
            builder.session.flush()
            yield task, owners, milestones


def past_plan(builder) -> None:
    """The case study's 2019-2021 plan, closed: most milestones done, the rest carried over."""
    start, end = builder.calendar.plan_years
    plan = builder.add(Plan(code=D.PLAN_CODE, title=D.PLAN_TITLE, title_en=PLAN_TITLE_EN,
                            start_year=2019, end_year=2021,
                            issued_on=date(2019, 5, 20), description=D.PLAN_GOAL, is_current=False))
    builder.session.flush()
    quarters = [date(2019 + q // 4, 1 + 3 * (q % 4), 1) for q in range(1, 12)]
    rng = builder.rng
    for task, owners, milestones in _tasks(builder, plan, D.PLAN):
        for seq, m_title in enumerate(milestones, start=1):
            slot = min(len(quarters) - 1, int((seq - 1) * len(quarters) / len(milestones)) + rng.randint(0, 1))
            begin = quarters[slot]
            due = min(begin + timedelta(days=rng.choice([90, 120, 180, 270])), date(2021, 12, 31))
            if rng.random() < 0.9:
                status, percent = MilestoneStatus.DONE, 100
                done = due + timedelta(days=rng.randint(-40, 35))
                evidence = "会议纪要、照片与文件已归档"
            else:  # not finished in the plan's time: carried into the next plan
                status, percent, done = MilestoneStatus.CANCELLED, rng.choice([40, 60]), None
                evidence = f"方案期满未完成，已纳入 {start}-{end} 实施方案继续推进"
            milestone = builder.add(Milestone(
                task_id=task.id, seq=seq, title=m_title, title_en=NAMES_EN[m_title],
                owner_staff_id=rng.choice(owners).id,
                planned_start=begin, planned_due=due, actual_done_on=done, status=status,
                percent=percent, evidence=evidence,
                updated_at=builder.utc(done or date(2022, 1, 15))))
            builder.session.flush()
            _history(builder, milestone, status, percent)


def current_plan(builder) -> None:
    """The group's next phase, dated around today: done, overdue, due soon and not yet started."""
    today, rng = builder.calendar.today, builder.rng
    start, end = builder.calendar.plan_years
    plan = builder.add(Plan(code=f"{start}-{end}", title=D.NEXT_PLAN_TITLE.format(start=start, end=end),
                            title_en=D.NEXT_PLAN_TITLE_EN.format(start=start, end=end),
                            start_year=start, end_year=end, issued_on=date(start, 3, 18),
                            description=D.NEXT_PLAN_GOAL.format(start=start, end=end), is_current=True))
    builder.session.flush()
    first, last = date(start, 4, 1), date(end, 12, 31)
    span = (last - first).days
    made: list[Milestone] = []
    for task, owners, milestones in _tasks(builder, plan, D.NEXT_PLAN):
        for seq, m_title in enumerate(milestones, start=1):
            # Spread over the plan, the last of the final task at its very end.
            offset = int(span * (seq - 1 + rng.uniform(0.0, 0.6)) / len(milestones))
            begin = first + timedelta(days=offset)
            due = min(begin + timedelta(days=rng.choice([90, 120, 150, 180])), last)
            made.append(builder.add(Milestone(task_id=task.id, seq=seq, title=m_title,
                                              title_en=NAMES_EN[m_title],
                                              owner_staff_id=rng.choice(owners).id,
                                              planned_start=begin, planned_due=due)))
    _states_as_of_today(builder, made, today)


def _states_as_of_today(builder, made: list[Milestone], today: date) -> None:
    """Done well before today; some overdue; those due within weeks under way; later ones not
    started. At least two overdue and two due within a month, whatever the day."""
    rng = builder.rng
    past = sorted((m for m in made if m.planned_due < today), key=lambda m: m.planned_due)
    late = {id(m) for m in past[-6:] if rng.random() < 0.5} | {id(m) for m in past[-2:]}
    soon = [m for m in made if today <= m.planned_due]
    soon.sort(key=lambda m: m.planned_due)
    for index, m in enumerate(soon[:3]):  # under way and due within weeks, whatever the spread
        m.planned_start = min(m.planned_start, today - timedelta(days=60))
        m.planned_due = today + timedelta(days=8 + 9 * index)
        m.percent = rng.choice([60, 70, 80])  # kept below: nearly there
    for m in made:
        if m.planned_due < today and id(m) not in late:
            m.status, m.percent = MilestoneStatus.DONE, 100
            m.actual_done_on = min(today - timedelta(days=1), m.planned_due + timedelta(days=rng.randint(-30, 20)))
            m.evidence = "会议纪要、照片与文件已归档"
        elif m.planned_due < today:  # overdue: under way or stuck
            blocked = rng.random() < 0.3
            m.status = MilestoneStatus.BLOCKED if blocked else MilestoneStatus.IN_PROGRESS
            m.percent = rng.choice([30, 50] if blocked else [60, 75, 90])
            m.evidence = "等待合作企业确认投入资金" if blocked else ""
        elif m.planned_start <= today:
            m.status, m.percent = MilestoneStatus.IN_PROGRESS, m.percent or rng.choice([20, 40, 60])
        else:
            m.status, m.percent = MilestoneStatus.NOT_STARTED, 0
        m.updated_at = builder.utc(m.actual_done_on or min(today, max(m.planned_start, today - timedelta(days=rng.randint(3, 40)))))
    builder.session.flush()
    for m in made:
        if m.status != MilestoneStatus.NOT_STARTED:
            _history(builder, m, m.status, m.percent)
