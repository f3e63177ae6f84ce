"""What a table screen shows, as a formatted workbook (header, widths, number and date
formats, frozen header) through core.excel.writer. Each builder takes the rows the page shows,
so the download is exactly the table on screen."""
from __future__ import annotations

import pandas as pd

from core import numbers
from core.excel.writer import Column, Sheet, write_workbook
from core.i18n import translate
from core.timeutil import format_china


def _label(prefix: str, lang: str):
    return lambda code: translate(f"{prefix}.{code}", lang) if code else ""


def council_sheet(seats: pd.DataFrame, lang: str, title: str = "") -> Sheet:
    t = lambda key: translate(key, lang)  # noqa: E731
    return Sheet(t("page.council"), [
        Column("seat_role", t("council.col_role"), width=12), Column("person_name", t("council.col_person")),
        Column("person_title", t("council.col_title"), width=20), Column("unit", t("council.col_unit"), width=36),
        Column("unit_type", t("council.col_type"), width=12)],
        seats.assign(seat_role=seats["seat_role"].map(_label("seat_role", lang)),
                     unit_type=seats["unit_type"].map(_label("member_type", lang))
                     if "unit_type" in seats else ""), title=title)


def council(seats: pd.DataFrame, lang: str, title: str = "") -> bytes:
    return write_workbook([council_sheet(seats, lang, title)])


def office_sheet(frame: pd.DataFrame, lang: str) -> Sheet:
    t = lambda key: translate(key, lang)  # noqa: E731
    columns = [Column("name", t("office.col_name")), Column("position", t("office.col_position")),
               Column("duty_area", t("office.col_duty")), Column("duties", t("office.col_duties"), width=40),
               Column("phone", t("office.col_phone")), Column("email", t("office.col_email"), width=26)]
    if "username" in frame:
        columns += [Column("username", t("office.col_account"), width=14),
                    Column("active", t("office.col_active"), width=8)]
    rows = frame.assign(
        position=frame["position"].map(_label("staff_position", lang)),
        duty_area=frame["duty_area"].map(_label("duty_area", lang)),
        active=frame["active"].map(lambda a: t("common.yes" if a else "common.no"))
        if "active" in frame else "")
    return Sheet(t("page.office"), columns, rows)


def office(frame: pd.DataFrame, lang: str) -> bytes:
    return write_workbook([office_sheet(frame, lang)])


def users(frame: pd.DataFrame, lang: str) -> bytes:
    t = lambda key: translate(key, lang)  # noqa: E731
    rows = [{"username": row.username, "display_name": row.display_name,
             "role": t(f"role.{row.role}"), "unit": row.unit or "",
             "status": t("users.state_locked") if row.locked else
             t("users.state_active" if row.active else "users.state_inactive"),
             "last_login": format_china(row.last_login_at) if pd.notna(row.last_login_at) else ""}
            for row in frame.itertuples()]
    return write_workbook([Sheet(t("page.users"), [
        Column("username", t("login.username"), width=16), Column("display_name", t("users.name")),
        Column("role", t("login.col_role"), width=12), Column("unit", t("users.unit"), width=36),
        Column("status", t("users.status"), width=10), Column("last_login", t("users.last_login"), width=18)],
        rows)])


def public_members(frame: pd.DataFrame, lang: str) -> bytes:
    """The portal's public list: name, type and city of each active unit."""
    t = lambda key: translate(key, lang)  # noqa: E731
    return write_workbook([Sheet(t("portal.member_list"), [
        Column("name", t("portal.col_name"), width=40), Column("unit_type", t("portal.col_type"), width=12),
        Column("city", t("portal.col_city"), width=12)],
        frame.assign(unit_type=frame["unit_type"].map(_label("member_type", lang))))])


def plan_lists(lists: dict[str, pd.DataFrame], lang: str) -> bytes:
    """The plan page's working lists (overdue, due soon, recently done, mine), a sheet each."""
    t = lambda key: translate(key, lang)  # noqa: E731
    columns = [Column("no", t("plan.col_no"), "id", 8), Column("task", t("plan.col_task"), width=30),
               Column("title", t("plan.col_milestone"), width=34), Column("owner", t("plan.col_owner"), width=10),
               Column("planned_due", t("plan.col_due"), "date", 12),
               Column("actual_done_on", t("plan.col_done"), "date", 12),
               Column("status", t("plan.col_status"), width=10),
               Column("progress", t("plan.col_progress"), "number", 10), Column("rag", t("plan.col_rag"), width=8)]
    sheets = []
    for name, rows in lists.items():
        records = [{"no": row.id, "task": f"{row.area_seq}.{row.task_seq} {row.task}", "title": row.title,
                    "owner": row.owner, "planned_due": row.planned_due,
                    "actual_done_on": row.actual_done_on if pd.notna(row.actual_done_on) else None,
                    "status": t(f"milestone_status.{row.status}"), "progress": row.progress,
                    "rag": t(f"rag.{row.rag}") if row.rag else ""} for row in rows.itertuples()]
        sheets.append(Sheet(t(f"plan.list_{name}")[:31], columns, records))
    return write_workbook(sheets)


def shown(frame: pd.DataFrame, sheet_name: str, decimals: dict | None = None) -> bytes:
    """A table exactly as a page shows it (headers already in the reader's language): numbers
    as numbers, widths from the longest text, the header frozen. `decimals` names a column's
    decimals, or one per row (a table of indicators); other numeric columns keep the fewest
    that show their values (a count whole)."""
    frame = frame.reset_index() if frame.index.name else frame
    decimals = decimals or {}
    columns, per_row = [], {}
    for name in frame.columns:
        values = frame[name]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        longest = max([len(str(name))] + [len(str(v)) for v in values.head(200)])
        given = decimals.get(name)
        if numeric and given is not None and not isinstance(given, int):
            per_row[f"__places_{name}"] = list(given)
        places = given if isinstance(given, int) else numbers.decimals_needed(values) if numeric else None
        columns.append(Column(str(name), str(name), "number" if numeric else "text", min(48, max(8, longest + 2)),
                              decimals=places, decimals_key=f"__places_{name}" if f"__places_{name}" in per_row else ""))
    rows = [{str(k): (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]
    for key, places in per_row.items():
        for row, count in zip(rows, places):
            row[key] = count
    return write_workbook([Sheet(sheet_name[:31], columns, rows)])
