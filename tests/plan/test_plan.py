"""Plan tracking in core: roll-ups, red/amber/green, updates with history, rules, Excel."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import select

from core import auth
from core.db import StaleEditError
from core.errors import PermissionDenied, UserFacingError, ValidationFailed
from core.models import Indicator, IndicatorValue, Milestone, MilestoneHistory, Plan, PlanArea, PlanTask, StaffMember
from core.plan import exchange as plan_exchange, tracking as plan
from core.timeutil import china_today
from tests.conftest import make_member, make_user

AS_OF = date(2020, 7, 1)


def _as(session, role="secretariat"):
    user = make_user(session, role=role)
    return auth.authenticate(session, user.username, "correct-horse").user


@pytest.fixture
def tree(session):
    """One plan, two areas, a task each, milestones with known progress."""
    owner = StaffMember(name="主任", position="director", duty_area="leadership")
    the_plan = Plan(code="P", title="方案", start_year=2019, end_year=2021, is_current=True)
    session.add_all([owner, the_plan])
    session.flush()
    ids = {}
    for seq, (area_title, rows) in enumerate([
        ("甲领域", [("m1", 100, "done", date(2019, 1, 1), date(2019, 12, 31), 1.0),
                   ("m2", 0, "not_started", date(2020, 1, 1), date(2020, 12, 31), 3.0)]),
        ("乙领域", [("m3", 50, "in_progress", date(2020, 1, 1), date(2020, 6, 30), 1.0),
                   ("m4", 0, "cancelled", date(2020, 1, 1), date(2020, 6, 30), 1.0)]),
    ], start=1):
        area = PlanArea(plan_id=the_plan.id, seq=seq, title=area_title)
        session.add(area)
        session.flush()
        task = PlanTask(area_id=area.id, seq=1, title=f"{area_title}任务")
        session.add(task)
        session.flush()
        for m_seq, (title, percent, status, start, due, weight) in enumerate(rows, start=1):
            milestone = Milestone(task_id=task.id, seq=m_seq, title=title, percent=percent,
                                  status=status, planned_start=start, planned_due=due, weight=weight,
                                  owner_staff_id=owner.id,
                                  actual_done_on=due if status == "done" else None)
            session.add(milestone)
            session.flush()
            ids[title] = milestone.id
    return {"plan": the_plan, "owner": owner, **ids}


def test_rollup_is_weighted_and_leaves_out_cancelled(session, tree):
    frame = plan.milestones(session, tree["plan"].id, as_of=AS_OF)
    areas = plan.rollup(frame, ["area"]).set_index("area")
    assert areas.loc["甲领域", "progress"] == 25.0  # (100*1 + 0*3) / 4
    assert areas.loc["乙领域", "progress"] == 50.0  # the cancelled m4 does not count
    assert plan.overall(frame).progress == 30.0  # (100 + 0 + 50) / 5


def test_expected_progress_and_rag_follow_the_as_of_date(session, tree):
    frame = plan.milestones(session, tree["plan"].id, as_of=AS_OF).set_index("title")
    assert frame.loc["m2", "expected"] == pytest.approx(49.9, abs=0.5)
    assert frame.loc["m2", "rag"] == "red"  # nothing done at half time
    assert frame.loc["m3", "overdue"] and frame.loc["m3", "rag"] == "red"  # 50% when due
    assert frame.loc["m1", "rag"] == "green"
    assert (plan.rag(75, 100), plan.rag(92, 100)) == ("amber", "green")


def test_working_lists(session, tree):
    frame = plan.milestones(session, tree["plan"].id, as_of=date(2020, 12, 15))
    lists = plan.lists(frame, as_of=date(2020, 12, 15), staff_id=tree["owner"].id)
    assert list(lists["overdue"]["title"]) == ["m3"]
    assert list(lists["due_soon"]["title"]) == ["m2"]
    assert set(lists["mine"]["title"]) == {"m2", "m3"}


def test_update_keeps_history_and_audit(session, tree):
    secretariat = _as(session)
    diff = plan.update_milestone(session, secretariat, tree["m3"], 1, {"percent": 80},
                                 comment="完成基地验收")
    assert diff == {"percent": [50, 80]}
    entry = session.exec(select(MilestoneHistory).where(MilestoneHistory.milestone_id == tree["m3"])).one()
    assert (entry.changes, entry.comment) == ({"percent": [50, 80]}, "完成基地验收")


def test_marking_done_sets_100_percent_and_the_completion_date(session, tree):
    plan.update_milestone(session, _as(session), tree["m2"], 1, {"status": "done"})
    milestone = session.get(Milestone, tree["m2"])
    assert (milestone.percent, milestone.actual_done_on) == (100, china_today())


@pytest.mark.parametrize("changes, key", [
    ({"percent": 120}, "plan.bad_percent"),
    ({"percent": -1}, "plan.bad_percent"),
    ({"status": "done", "percent": 80}, "plan.done_needs_100"),
    ({"planned_due": date(2019, 1, 1)}, "plan.due_before_start"),
    ({"owner_staff_id": 9999}, "plan.owner_not_staff"),
    ({"indicator_id": 9999, "target_value": 10}, "plan.unknown_indicator"),
])
def test_bad_updates_are_refused(session, tree, changes, key):
    with pytest.raises(ValidationFailed) as refused:
        plan.update_milestone(session, _as(session), tree["m3"], 1, changes)
    assert refused.value.key == key


def test_stale_update_is_refused(session, tree):
    secretariat = _as(session)
    plan.update_milestone(session, secretariat, tree["m3"], 1, {"percent": 60})
    with pytest.raises(StaleEditError):
        plan.update_milestone(session, secretariat, tree["m3"], 1, {"percent": 70})


def test_council_and_members_cannot_update(session, tree):
    for role in ("council", "member"):
        with pytest.raises(PermissionDenied):
            plan.update_milestone(session, _as(session, role), tree["m3"], 1, {"percent": 70})


def test_linked_indicator_drives_progress_from_approved_data(session, tree):
    indicator = Indicator(code="S01", name_zh="订单培养人数", name_en="Order class students")
    session.add(indicator)
    session.flush()
    unit = make_member(session)
    session.add_all([IndicatorValue(member_id=unit.id, indicator_id=indicator.id, year=2020, value=30,
                                    status="approved"),
                     IndicatorValue(member_id=make_member(session).id, indicator_id=indicator.id,
                                    year=2020, value=500, status="submitted")])
    plan.update_milestone(session, _as(session), tree["m3"], 1,
                          {"indicator_id": indicator.id, "target_value": 120})
    frame = plan.milestones(session, tree["plan"].id, as_of=AS_OF).set_index("title")
    assert frame.loc["m3", "progress"] == 25.0  # only approved data counts: 30 / 120


def test_a_new_plan_becomes_current_and_the_old_one_stays(session, tree):
    secretariat = _as(session)
    new = plan.add_plan(session, secretariat, code="2022-2024", title="新方案", start_year=2022,
                        end_year=2024, make_current=True)
    area = plan.add_area(session, secretariat, new.id, "新领域")
    task = plan.add_task(session, secretariat, area.id, "新任务")
    plan.add_milestone(session, secretariat, task.id, {"title": "新里程碑", "planned_start": date(2022, 1, 1),
                                                       "planned_due": date(2022, 6, 30)})
    assert plan.current_plan(session).id == new.id
    assert len(plan.milestones(session, tree["plan"].id, as_of=AS_OF)) == 4


def test_duplicate_plan_code_is_refused(session, tree):
    with pytest.raises(ValidationFailed):
        plan.add_plan(session, _as(session), code="P", title="x", start_year=2022, end_year=2024)


def _sheet_rows(content: bytes) -> list[list]:
    return [list(row) for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_export_pack_has_areas_tasks_and_milestones(session, tree):
    book = openpyxl.load_workbook(io.BytesIO(plan_exchange.export_pack(
        session, tree["plan"].id, as_of=AS_OF, lang="zh")))
    assert book.sheetnames == ["建设领域", "建设任务", "里程碑"]
    assert book["里程碑"].max_row == 3 + 4  # title, blank, header, four milestones


def test_update_template_round_trip_through_the_import(session, tree):
    secretariat = _as(session)
    rows = _sheet_rows(plan_exchange.update_template(session, tree["plan"].id, lang="zh"))
    header, data = rows[0], rows[1:]
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in data:
        if row[0] == tree["m3"]:
            row[header.index("状态")], row[header.index("完成百分比")] = "已完成", 100
            row[header.index("更新说明")] = "Excel 更新"
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    preview = plan_exchange.plan_updates(session, secretariat, buffer.getvalue(), "u.xlsx")
    assert [p.key for p in preview.changes] == [str(tree["m3"])] and not preview.rejects
    plan_exchange.commit_updates(session, secretariat, preview)
    milestone = session.get(Milestone, tree["m3"])
    assert (milestone.status, milestone.percent) == ("done", 100)
    again = plan_exchange.plan_updates(session, secretariat, buffer.getvalue(), "u.xlsx")
    assert again.nothing_to_do


def test_import_rejects_unknown_milestones_and_bad_percent(session, tree):
    book = openpyxl.Workbook()
    book.active.append(["里程碑编号", "状态", "完成百分比"])
    book.active.append([99999, "进行中", 50])
    book.active.append([tree["m3"], "已完成", 60])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = plan_exchange.plan_updates(session, _as(session), buffer.getvalue(), "u.xlsx")
    assert sorted(r.key for r in preview.rejects) == ["plan.done_needs_100", "plan.unknown_milestone"]
    with pytest.raises(UserFacingError):
        plan_exchange.commit_updates(session, _as(session), preview)


def test_an_overdue_milestone_is_red_in_every_view_however_far_it_got(session, tree):
    """Due 2020-06-30 at 90%: listed as overdue, so red, not "on track" (one verdict)."""
    session.get(Milestone, tree["m3"]).percent = 90
    frame = plan.milestones(session, tree["plan"].id, as_of=AS_OF).set_index("title")
    assert frame.loc["m3", "overdue"] and frame.loc["m3", "rag"] == "red"
    assert frame.loc["m1", "rag"] == "green"  # done on time stays green


def test_a_plan_picker_says_which_plans_are_over_and_which_not_in_force():
    day = date(2026, 12, 4)
    current = Plan(code="C", title="现行方案", title_en="Current", start_year=2025, end_year=2027, is_current=True)
    past = Plan(code="P", title="旧方案", title_en="Old", start_year=2019, end_year=2021)
    ahead = Plan(code="N", title="下期方案", start_year=2028, end_year=2030)
    assert plan.plan_choice_label(current, "zh", today=day) == "现行方案"
    assert plan.plan_choice_label(past, "zh", today=day) == "旧方案（已归档）"
    assert plan.plan_choice_label(past, "en", today=day) == "Old (archived)"
    assert plan.plan_choice_label(ahead, "zh", today=day) == "下期方案（未启用）"
