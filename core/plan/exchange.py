"""The plan as Excel: the council meeting pack (progress by area, task, milestone) and the
milestone-update template, read back through the shared dry-run import."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import UserFacingError
from core.excel import importer
from core.excel.reader import Limits, day, number, text
from core.excel.writer import Column, Sheet, write_workbook
from core.i18n import translate
from core.models import Milestone, MilestoneStatus
from core.plan import tracking as plan_service
from core.settings import excel_limits
from core.timeutil import china_today

KIND = "milestones"
# (key, zh, en, kind, width)
UPDATE_COLUMNS = [
    ("id", "里程碑编号", "Milestone no.", "id", 10),
    ("area", "建设领域", "Area", "text", 22),
    ("task", "建设任务", "Task", "text", 24),
    ("title", "里程碑", "Milestone", "text", 34),
    ("owner", "责任人", "Owner", "text", 10),
    ("planned_due", "计划完成日期", "Planned due", "date", 13),
    ("status", "状态", "Status", "text", 10),
    ("percent", "完成百分比", "Percent done", "int", 11),
    ("actual_done_on", "实际完成日期", "Actual done", "date", 13),
    ("evidence", "佐证材料", "Evidence", "text", 30),
    ("comment", "更新说明", "Update comment", "text", 30),
]
ALIASES = {key: [zh, en, key] for key, zh, en, _, _ in UPDATE_COLUMNS}
REQUIRED = {"id", "status", "percent"}


def _status_labels(lang: str) -> list[str]:
    return [translate(f"milestone_status.{code}", lang) for code in MilestoneStatus]


def _columns(lang: str, spec) -> list[Column]:
    return [Column(key, zh if lang == "zh" else en, kind, width,
                   tuple(_status_labels(lang)) if key == "status" else ())
            for key, zh, en, kind, width in spec]


def _labelled(frame, lang: str) -> list[dict]:
    rows = frame.to_dict("records")
    for row in rows:
        if "status" in row:
            row["status"] = translate(f"milestone_status.{row['status']}", lang)
        row["rag"] = translate(f"rag.{row['rag']}", lang) if row.get("rag") else ""
    return rows


def export_pack(session: Session, plan_id: int, *, as_of: date, lang: str) -> bytes:
    """Progress by area and task, then every milestone: the council meeting pack."""
    frame = plan_service.milestones(session, plan_id, as_of=as_of, lang=lang)
    areas = plan_service.rollup(frame, ["area_seq", "area"])
    tasks = plan_service.rollup(frame, ["area_seq", "area", "task_seq", "task"])
    heading = lambda key: translate(key, lang)
    summary_cols = [Column("area", heading("plan.col_area"), width=30),
                    Column("task", heading("plan.col_task"), width=34),
                    Column("progress", heading("plan.col_progress"), "number", 12),
                    Column("expected", heading("plan.col_expected"), "number", 12),
                    Column("milestones", heading("plan.col_milestones"), "int", 10),
                    Column("overdue", heading("plan.col_overdue"), "int", 10),
                    Column("rag", heading("plan.col_rag"), width=10)]
    milestone_cols = _columns(lang, UPDATE_COLUMNS[:-1]) + [
        Column("progress", heading("plan.col_progress"), "number", 12),
        Column("rag", heading("plan.col_rag"), width=10)]
    title = translate("plan.pack_title", lang, date=as_of.isoformat())
    return write_workbook([
        Sheet(heading("plan.sheet_areas"), summary_cols[:1] + summary_cols[2:], _labelled(areas, lang),
              title=title),
        Sheet(heading("plan.sheet_tasks"), summary_cols, _labelled(tasks, lang), title=title),
        Sheet(heading("plan.sheet_milestones"), milestone_cols, _labelled(frame, lang), title=title),
    ])


def milestone_sheet(session: Session, plan_id: int, *, lang: str) -> Sheet:
    """Every milestone of the plan, pre-filled, in the update sheet's columns."""
    frame = plan_service.milestones(session, plan_id, as_of=china_today(), lang=lang)
    return Sheet(translate("plan.sheet_updates", lang), _columns(lang, UPDATE_COLUMNS),
                 _labelled(frame, lang), locked_header=True)


def update_template(session: Session, plan_id: int, *, lang: str) -> bytes:
    """The update sheet for the secretariat to fill in offline and import back."""
    return write_workbook([milestone_sheet(session, plan_id, lang=lang)])


# ---------------------------------------------------------------- import of updates
def _status_code(value: str) -> str | None:
    wanted = value.strip().lower()
    for code in MilestoneStatus:
        if wanted in {code.value, translate(f"milestone_status.{code}", "zh"),
                      translate(f"milestone_status.{code}", "en").lower()}:
            return code.value
    return None


def _parse_row(session: Session, raw: dict, table, row: int):
    found = []
    values: dict = {}
    try:
        values["id"] = int(number(raw.get("id")) or 0)
    except ValueError:
        values["id"] = 0
    milestone = session.get(Milestone, values["id"]) if values["id"] else None
    if milestone is None:
        found.append(importer.column_problem(table, row, "id", "plan.unknown_milestone",
                                             value=text(raw.get("id"))))
        return {"id": str(values["id"])}, found
    status = _status_code(text(raw.get("status")))
    if status is None:
        found.append(importer.column_problem(table, row, "status", "plan.bad_status"))
    try:
        percent = number(raw.get("percent"))
    except ValueError:
        percent = -1
    if percent is None or not 0 <= percent <= 100:
        found.append(importer.column_problem(table, row, "percent", "plan.bad_percent"))
    try:
        done_on = day(raw.get("actual_done_on")) if "actual_done_on" in raw else milestone.actual_done_on
    except ValueError:
        done_on = None
        found.append(importer.column_problem(table, row, "actual_done_on", "excel.bad_date",
                                             value=text(raw.get("actual_done_on"))))
    if found:
        return {"id": str(values["id"])}, found
    values = {"id": str(milestone.id), "title": milestone.title, "status": status,
              "percent": int(percent), "actual_done_on": done_on,
              "evidence": text(raw.get("evidence")) if "evidence" in raw else milestone.evidence,
              "comment": text(raw.get("comment"))}
    merged = {name: getattr(milestone, name) for name in plan_service.UPDATE_FIELDS}
    merged.update({k: v for k, v in values.items() if k in plan_service.UPDATE_FIELDS})
    if status == MilestoneStatus.DONE and merged["actual_done_on"] is None:
        merged["actual_done_on"] = china_today()
        values["actual_done_on"] = merged["actual_done_on"]
    try:
        plan_service.check_milestone(session, merged)
    except UserFacingError as error:
        column = {"plan.done_needs_100": "percent", "plan.done_before_start": "actual_done_on"}
        found.append(importer.column_problem(table, row, column.get(error.key, "status"), error.key))
    return values, found


def _find_existing(session: Session, key: str):
    milestone = session.get(Milestone, int(key))
    if milestone is None:
        return None
    return milestone.id, {"status": milestone.status, "percent": milestone.percent,
                          "actual_done_on": milestone.actual_done_on, "evidence": milestone.evidence}


MILESTONE_IMPORT = importer.register(importer.ImportKind(
    name=KIND, aliases=ALIASES, required=REQUIRED, key_column="id", parse_row=_parse_row,
    find_existing=_find_existing, label_column="title"))


def plan_updates(session: Session, current: CurrentUser, content: bytes, filename: str,
                 limits: Limits | None = None) -> importer.ImportPlan:
    """The dry run; the reader's limits are the platform settings' unless given."""
    require_role(current, *STAFF_ROLES)
    return importer.plan_import(session, MILESTONE_IMPORT, content, filename,
                                limits or excel_limits(session))


def _apply(session: Session, current: CurrentUser, planned: importer.PlannedRow) -> None:
    if planned.existing_id is None:  # the import only updates milestones; it never adds one
        raise UserFacingError("plan.unknown_milestone", value=planned.key)
    milestone = session.get(Milestone, planned.existing_id)
    if any(getattr(milestone, name) != old for name, (old, _) in planned.changes.items()):
        raise UserFacingError("excel.changed_since_preview", row=planned.row)
    plan_service.update_milestone(session, current, milestone.id, milestone.version,
                                  {name: new for name, (_, new) in planned.changes.items()},
                                  comment=planned.values.get("comment") or "Excel")


def commit_updates(session: Session, current: CurrentUser, planned: importer.ImportPlan, *,
                   only_valid: bool = False):
    require_role(current, *STAFF_ROLES)
    return importer.commit(session, current, planned, only_valid=only_valid, apply_row=_apply)
