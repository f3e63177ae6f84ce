"""Indicator values as Excel (指标数据交换): a unit's yearly template, the secretariat's bulk
workbook in long format (which imports back), and the import of either.

The import reads two layouts: a unit's sheet (credit code and year in its title, one row per
indicator with this year's value) and the long format (credit code, year, indicator code, value
per row; the credit code or year may also come from the title). Every row is checked the way
the data entry page checks a unit's form (indicator_entry: number, range, part ≤ whole), with
column operations rather than row by row, so 50,000 rows take about a second; the commit is one
transaction of bulk upserts on the natural key (unit, indicator, year). Imported values are
drafts: the unit checks and submits them on the data entry page.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from python_calamine import CalamineWorkbook
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from core import audit, credit_code
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.errors import NotFound, PermissionDenied, UserFacingError
from core.excel import importer
from core.excel.reader import (
    HEADER_SCAN_ROWS,
    Limits,
    WorkbookRejected,
    check_bytes,
    find_table,
    header_key,
    number,
    text,
)
from core.excel.writer import Column, Sheet, write_workbook
from core.i18n import Text, translate
from core.indicators.catalogue import GROUP_REPORTER, reported_for, reporting_years, reports
from core.indicators.entry import CROSS_RULES, LOCKED
from core.models import ImportBatch, Indicator, IndicatorValue, MemberStatus, MemberUnit, Role, Submission, ValueStatus
from core.settings import excel_limits, reporting_year
from core.timeutil import utcnow

KIND = "values"
IMPORT_ROLES = (*STAFF_ROLES, Role.MEMBER)
# (key, zh header, en header, kind, width); "{year}" / "{last}" are filled in.
UNIT_COLUMNS = [
    ("code", "指标代码", "Indicator code", "text", 12),
    ("indicator", "指标名称", "Indicator", "text", 36),
    ("measure", "计量单位", "Unit of measure", "text", 12),
    ("last_year", "上年数值（{last}）", "Last year's value ({last})", "number", 16),
    ("value", "本年数值（{year}）", "This year's value ({year})", "number", 16),
    ("comment", "说明", "Comment", "text", 40),
]
LONG_COLUMNS = [
    ("credit_code", "统一社会信用代码", "Unified social credit code", "text", 22),
    ("unit_name", "单位名称", "Unit name", "text", 32),
    ("year", "年度", "Year", "id", 8),
    ("code", "指标代码", "Indicator code", "text", 12),
    ("indicator", "指标名称", "Indicator", "text", 30),
    ("measure", "计量单位", "Unit of measure", "text", 12),
    ("value", "数值", "Value", "number", 16),
    ("comment", "说明", "Comment", "text", 36),
]
EXPORT_ONLY = [("status", "状态", "Status", "text", 10)]
# What the import reads; other columns (names, units, last year, status) are for people.
ALIASES = {
    "credit_code": ["统一社会信用代码", "Unified social credit code", "credit_code"],
    "year": ["年度", "Year", "year"],
    "code": ["指标代码", "Indicator code", "code"],
    "value": ["本年数值", "This year's value", "数值", "Value", "value"],
    "comment": ["说明", "Comment", "comment", "备注"],
}
REQUIRED = {"code", "value"}
TO_FILL = ("value", "comment")  # the columns of a template a person fills in
# The unit and year written in a unit sheet's title (any language, full- or half-width colon).
TITLE_CODE = re.compile(r"(?:统一社会信用代码|credit\s*code)\s*[:：]\s*([0-9A-Za-z]{18})", re.IGNORECASE)
TITLE_YEAR = re.compile(r"(?:年度|year)\s*[:：]\s*(\d{4})", re.IGNORECASE)
MAX_COMMENT = 1000
CHUNK = 5000  # rows per bulk statement


default_year = reporting_year  # the year the templates and exports start from


# ---------------------------------------------------------------- templates and exports
def _columns(spec, lang: str, codes=(), **fill) -> list[Column]:
    """The sheet's columns; `codes` become the indicator code column's drop-down list."""
    # Values carry their indicator's decimals (core.numbers): a headcount reads 458, not 458.00.
    # The columns a person fills in are shaded, with a note on their header (the others are
    # given for reference and are not read).
    return [Column(key, (zh if lang == "zh" else en).format(**fill), kind, width,
                   tuple(codes) if key == "code" else (), decimals_key="decimals" if kind == "number" else "",
                   fill_note=translate(f"values_import.fill_{key}", lang) if key in TO_FILL else "")
            for key, zh, en, kind, width in spec]


def _guide(lang: str, prefix: str, count: int) -> Sheet:
    return Sheet(translate("values_import.sheet_guide", lang), [],
                 notes=[translate(f"values_import.{prefix}{n}", lang) for n in range(1, count + 1)],
                 title=translate(f"values_import.{prefix}_title", lang))


def _values_of(session: Session, year: int, member_ids: list[int] | None = None) -> pd.DataFrame:
    query = select(IndicatorValue.member_id, IndicatorValue.indicator_id, IndicatorValue.value,
                   IndicatorValue.comment, IndicatorValue.status).where(IndicatorValue.year == year)
    if member_ids is not None:
        query = query.where(IndicatorValue.member_id.in_(member_ids))
    return pd.DataFrame(session.exec(query).all(),
                        columns=["member_id", "indicator_id", "value", "comment", "status"])


def template(session: Session, current: CurrentUser, *, member_id: int, year: int, lang: str) -> bytes:
    """One unit's sheet for one year: its type's indicators, last year's and this year's values."""
    require_own_unit(current, member_id)
    unit = session.get(MemberUnit, member_id)
    if unit is None:
        raise NotFound("member.not_found")
    indicators = reported_for(session, member_id)
    now = {r.indicator_id: r for r in _values_of(session, year, [member_id]).itertuples()}
    last = {r.indicator_id: r.value for r in _values_of(session, year - 1, [member_id]).itertuples()}
    rows = [{"code": i.code, "indicator": i.name_zh if lang == "zh" else i.name_en,
             "measure": i.unit_zh if lang == "zh" else i.unit_en, "last_year": last.get(i.id),
             "value": now[i.id].value if i.id in now else None,
             "comment": now[i.id].comment if i.id in now else "", "decimals": i.decimals} for i in indicators]
    title = translate("values_import.unit_title", lang, unit=unit.name, code=unit.credit_code, year=year)
    return write_workbook([
        _guide(lang, "unit_note", 5),
        Sheet(translate("values_import.sheet_values", lang, year=year),
              _columns(UNIT_COLUMNS, lang, codes=[i.code for i in indicators], year=year, last=year - 1),
              rows, title=title,
              notes=[translate("values_import.unit_hint", lang)], locked_header=True),
    ])


def _reporters(indicators: list[Indicator]) -> dict[tuple[str, bool], list[Indicator]]:
    """Which indicators each kind of unit reports (its type; the lead unit also the group's)."""
    kinds = {t for i in indicators for t in i.reporter_types} | {GROUP_REPORTER}
    return {(kind, lead): [i for i in indicators if reports(i, kind, lead)]
            for kind in kinds for lead in (False, True)}


def long_sheet(records: list[dict] | pd.DataFrame, lang: str, *, export: bool = False) -> Sheet:
    """Rows in the long format (the bulk template, the export and what the import reads)."""
    spec = LONG_COLUMNS + (EXPORT_ONLY if export else [])
    rows = records.to_dict("records") if isinstance(records, pd.DataFrame) else records
    codes = sorted({row["code"] for row in rows if row.get("code")})
    return Sheet(translate("values_import.sheet_long", lang), _columns(spec, lang, codes=codes), rows,
                 locked_header=not export)


def export_workbook(session: Session, current: CurrentUser, *, year: int, types: list[str] | tuple = (),
                    lang: str) -> bytes:
    """Every reporting unit × its indicators for one year, with the values stored (blank where
    none): the secretariat's bulk template and export, in the format the import reads."""
    require_role(current, *STAFF_ROLES)
    return write_workbook([_guide(lang, "bulk_note", 5),
                           long_sheet(export_rows(session, current, year=year, types=types, lang=lang), lang,
                                      export=True)])


def export_rows(session: Session, current: CurrentUser | None, *, year: int, types=(), lang: str) -> list[dict]:
    """Every reporting unit's values of a year as rows (the secretariat's)."""
    require_role(current, *STAFF_ROLES)
    stored = _values_of(session, year)
    with_values = set(stored["member_id"])
    units = [u for u in session.exec(select(MemberUnit).order_by(MemberUnit.is_lead.desc(),
                                                                  MemberUnit.name)).all()
             if (not types or u.unit_type in types)
             and (u.status == MemberStatus.ACTIVE or u.id in with_values)]
    by_kind = _reporters(session.exec(select(Indicator).order_by(Indicator.sort_order,
                                                                 Indicator.code)).all())
    values = {(r.member_id, r.indicator_id): r for r in stored.itertuples()}
    rows = []
    for unit in units:
        for indicator in by_kind.get((unit.unit_type, unit.is_lead), []):
            found = values.get((unit.id, indicator.id))
            rows.append({"credit_code": unit.credit_code, "unit_name": unit.name, "year": year,
                         "code": indicator.code,
                         "indicator": indicator.name_zh if lang == "zh" else indicator.name_en,
                         "measure": indicator.unit_zh if lang == "zh" else indicator.unit_en,
                         "value": None if found is None or pd.isna(found.value) else found.value,
                         "comment": found.comment if found is not None else "",
                         "status": translate(f"value_status.{found.status}", lang) if found is not None else "",
                         "decimals": indicator.decimals})
    return rows


# ---------------------------------------------------------------- reading
@dataclass
class ValuesPlan(importer.ImportPlan):
    """The dry run, plus the rows to write as columns (for the bulk commit)."""

    writes: pd.DataFrame = field(default_factory=pd.DataFrame)


def _cached(values, fn) -> np.ndarray:
    """fn of every cell, computed once per distinct cell (a column holds few distinct codes)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    done = np.asarray([fn(value) for value in uniques] + [fn(None)], dtype=object)
    return done[codes]  # a missing cell's code is -1: fn(None), the last entry


def _numbers(values) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(number, blank, not a number) for each cell; numbers typed as text read as reader.number."""
    parsed, blank, bad = [], [], []
    for value in values:
        kind = value.__class__
        if kind is float or kind is int:
            empty = value != value
            infinite = not empty and kind is float and (value == np.inf or value == -np.inf)
            parsed.append(np.nan if empty or infinite else value)
            blank.append(empty)
            bad.append(infinite)
            continue
        try:
            result = number(value)
        except (ValueError, TypeError):
            parsed.append(np.nan), blank.append(False), bad.append(True)
            continue
        parsed.append(np.nan if result is None else result)
        blank.append(result is None)
        bad.append(False)
    return (np.asarray(parsed, dtype=float), np.asarray(blank, dtype=bool), np.asarray(bad, dtype=bool))


def _read_sheets(content: bytes, limits: Limits) -> dict[str, pd.DataFrame]:
    """reader.read_sheets, read straight from python-calamine: the same cells (an empty cell is
    ""), rows numbered as in Excel, the same row cap, without pandas' conversion cell by cell
    (two thirds of the reading time at 50,000 rows). Call check_bytes first."""
    cap = limits.max_rows + HEADER_SCAN_ROWS
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheets = {name: pd.DataFrame(book.get_sheet_by_name(name).to_python(skip_empty_area=False,
                                                                             nrows=cap + 1), dtype=object)
                  for name in book.sheet_names}
    except Exception as exc:  # CalamineError, XmlError, zip and value errors: the file is broken
        raise WorkbookRejected("excel.corrupt") from exc
    if any(len(frame) > cap for frame in sheets.values()):
        raise WorkbookRejected("excel.too_many_rows", max_rows=limits.max_rows)
    return sheets


def _locate(sheets: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, str, dict[str, str], str]:
    """The values table (columns by key, with the Excel row as `row`), its sheet, the header
    texts found, and the text above the header (a unit sheet's title)."""
    heads = {name: frame.head(HEADER_SCAN_ROWS) for name, frame in sheets.items()}
    table = find_table(heads, ALIASES, REQUIRED)
    if table is None:
        for other in importer.known_kinds():
            if other.name != KIND and find_table(heads, other.aliases, other.required):
                raise UserFacingError("excel.wrong_kind", found=Text(other.title_key),
                                      expected=Text(f"import_kind.{KIND}"))
        raise UserFacingError("excel.wrong_template",
                              columns="、".join(ALIASES[key][0] for key in sorted(REQUIRED)))
    frame = sheets[table.sheet]
    wanted = {header_key(alias): key for key, names in ALIASES.items() for alias in names}
    positions: dict[str, int] = {}
    for col, cell in enumerate(frame.iloc[table.header_row - 1].tolist()):
        key = wanted.get(header_key(cell))
        if key and key not in positions:
            positions[key] = col
    above = " ".join(text(cell) for row in frame.iloc[:table.header_row - 1].itertuples(index=False)
                     for cell in row if text(cell))
    body = frame.iloc[table.header_row:, list(positions.values())]
    body.columns = list(positions)
    body = body.assign(row=np.arange(table.header_row + 1, table.header_row + 1 + len(body)))
    return body.reset_index(drop=True), table.sheet, table.columns, above


@dataclass
class _Rejects:
    """Rejected rows, one reason each (the first check a row fails)."""

    sheet: str
    columns: dict[str, str]
    frame: pd.DataFrame
    problems: list[importer.RowProblem] = field(default_factory=list)

    def add(self, mask, column: str, key: str, params=None) -> None:
        """Reject the rows of `mask` still open; params(row) gives each row's message values."""
        mask = np.asarray(mask) & self.frame["ok"].to_numpy()
        if not mask.any():
            return
        label = self.columns.get(column, "")
        for row in self.frame.loc[mask].itertuples():
            self.problems.append(importer.RowProblem(self.sheet, int(row.row), label, key,
                                                     params(row) if params else {}))
        self.frame.loc[mask, "ok"] = False


def _check(session: Session, only_unit: int | None, body: pd.DataFrame, sheet: str,
           columns: dict[str, str], above: str) -> tuple[pd.DataFrame, list[importer.RowProblem]]:
    """Every row checked; returns the rows that pass (member_id, indicator_id, year, value,
    comment, existing value/comment/id, ...) and the problems of the others."""
    n = len(body)
    get = lambda key: body[key].to_numpy(dtype=object) if key in body else np.full(n, None, dtype=object)
    value, blank_value, bad_value = _numbers(get("value"))
    code = _cached(get("code"), lambda v: text(v).upper())
    comment = _cached(get("comment"), lambda v: text(v)[:MAX_COMMENT])
    credit = _cached(get("credit_code"), lambda v: credit_code.normalise(text(v)))
    year_text = _cached(get("year"), text)
    folded = unicodedata.normalize("NFKC", above)
    title_code = TITLE_CODE.search(folded)
    title_year = TITLE_YEAR.search(folded)
    if title_code:
        credit = np.where(credit == "", credit_code.normalise(title_code.group(1)), credit)
    if title_year:
        year_text = np.where(year_text == "", title_year.group(1), year_text)
    frame = pd.DataFrame({"row": body["row"].to_numpy(), "credit": credit, "year_text": year_text,
                          "code": code, "value": value, "bad_value": bad_value,
                          "raw_value": get("value"), "comment": comment})
    # A row without a value says nothing (an unfilled line of a template): it is skipped.
    frame = frame.loc[~blank_value].reset_index(drop=True)
    frame["ok"] = True
    rejects = _Rejects(sheet, columns, frame)

    units = pd.DataFrame(session.exec(select(MemberUnit.credit_code, MemberUnit.id, MemberUnit.name,
                                             MemberUnit.unit_type, MemberUnit.is_lead)).all(),
                         columns=["credit", "member_id", "unit", "unit_type", "is_lead"])
    frame = frame.merge(units, on="credit", how="left")
    rejects.frame = frame
    rejects.add(frame["credit"] == "", "credit_code", "values_import.no_unit")
    rejects.add(frame["member_id"].isna(), "credit_code", "values_import.unknown_unit",
                lambda r: {"value": r.credit})

    years = {v: _year(v) for v in pd.unique(frame["year_text"])}
    frame["year"] = frame["year_text"].map(years)
    rejects.add(frame["year_text"] == "", "year", "values_import.no_year")
    rejects.add(frame["year"].isna(), "year", "values_import.bad_year", lambda r: {"value": r.year_text})

    indicators = session.exec(select(Indicator)).all()
    catalogue = pd.DataFrame([{"code": i.code, "indicator_id": i.id, "min_value": i.min_value,
                               "max_value": i.max_value, "decimals": i.decimals, "name_zh": i.name_zh,
                               "name_en": i.name_en} for i in indicators],
                             columns=["code", "indicator_id", "min_value", "max_value", "decimals", "name_zh",
                                      "name_en"])
    frame = frame.merge(catalogue, on="code", how="left")
    rejects.frame = frame
    rejects.add(frame["code"] == "", "code", "values_import.no_indicator")
    rejects.add(frame["indicator_id"].isna(), "code", "values_import.unknown_indicator",
                lambda r: {"value": r.code})

    if only_unit is not None:
        rejects.add(frame["member_id"] != only_unit, "credit_code", "values_import.other_unit",
                    lambda r: {"unit": r.unit})
        # A liaison reports the years open for reporting, as on the entry form; past years are
        # the secretariat's to correct.
        open_years = reporting_years(session)
        rejects.add(frame["year"].notna() & ~frame["year"].isin(open_years), "year", "values_import.year_not_open",
                    lambda r: {"year": int(r.year), "open": "、".join(map(str, open_years))})

    allowed = {(kind, lead, i.id) for (kind, lead), rows in _reporters(indicators).items() for i in rows}
    reported = pd.MultiIndex.from_arrays([frame["unit_type"].astype(object),
                                          frame["is_lead"].astype(object).fillna(False).astype(bool),
                                          frame["indicator_id"].fillna(0).astype("int64")]).isin(list(allowed))
    rejects.add(~reported, "code", "values_import.not_reported",
                lambda r: {"code": r.code, "type": Text(f"member_type.{r.unit_type}")})

    # The data entry page's rules (indicator_entry.check), on whole columns.
    rejects.add(frame["bad_value"], "value", "indicator.not_a_number",
                lambda r: {"code": r.code, "value": str(r.raw_value)[:40]})
    low, high, val = frame["min_value"], frame["max_value"], frame["value"]
    rejects.add((val < 0) & (low.isna() | (low >= 0)), "value", "indicator.negative",
                lambda r: {"code": r.code})
    rejects.add(low.notna() & (val < low), "value", "indicator.below_min",
                lambda r: {"code": r.code, "min": r.min_value})
    rejects.add(high.notna() & (val > high), "value", "indicator.above_max",
                lambda r: {"code": r.code, "max": r.max_value})

    # The same unit, indicator and year twice: the first row counts, the others are refused.
    keys = ["member_id", "indicator_id", "year"]
    open_rows = frame.loc[frame["ok"]]
    repeated = open_rows.duplicated(keys, keep="first")
    if repeated.any():
        first = open_rows.drop_duplicates(keys, keep="first").set_index(keys)["row"]
        later = open_rows.loc[repeated]
        first_rows = dict(zip(later.index, first.reindex(pd.MultiIndex.from_frame(later[keys])).to_numpy()))
        mask = frame.index.isin(later.index)
        rejects.add(mask, "code", "excel.duplicate_key", lambda r: {"first_row": int(first_rows[r.Index])})

    good = frame.loc[frame["ok"]].copy()
    for key in keys:
        good[key] = good[key].astype("int64")
    # Rounded to the indicator's decimals as the entry page saves them (Python's round).
    whole = (good["decimals"] == 0).to_numpy()
    rounded = np.round(good["value"].to_numpy(dtype=float))
    rounded[~whole] = [round(v, int(d)) for v, d in zip(good["value"].to_numpy()[~whole],
                                                        good["decimals"].to_numpy()[~whole])]
    good["value"] = rounded
    stored = _stored(session, good)
    good = good.merge(stored, on=keys, how="left")
    old, new = good["old_value"], good["value"]
    good["value_changed"] = ~((old == new) | (old.isna() & new.isna()))
    good["comment_changed"] = (good["comment"] != "") & (good["comment"] != good["old_comment"].fillna(""))
    good["changed"] = good["value_changed"] | good["comment_changed"]
    rejects.frame = frame = frame.merge(good[["row", "changed", "submission_status"]], on="row", how="left")

    # A submitted or approved report is locked: a row that would change it is refused.
    for status in LOCKED:
        rejects.add((frame["submission_status"] == status) & (frame["changed"] == True),
                    "value", f"values_import.locked_{status}",
                    lambda r: {"unit": r.unit, "year": int(r.year)})
    _cross_rules(session, frame, good, rejects)
    good = good.loc[good["row"].isin(frame.loc[frame["ok"], "row"])]
    return good, rejects.problems


def _year(value: str) -> int | float:
    try:
        year = number(value)
    except (ValueError, TypeError):
        return np.nan
    if year is None or not float(year).is_integer() or not 2000 <= year <= 2100:
        return np.nan
    return int(year)


def _stored(session: Session, good: pd.DataFrame) -> pd.DataFrame:
    """The values and report statuses stored for the unit-years of these rows, and the year
    before's value (`last_year`), which the preview shows beside the new one."""
    columns = ["member_id", "indicator_id", "year", "existing_id", "old_value", "old_comment",
               "last_year", "submission_status"]
    years = sorted(int(y) for y in good["year"].unique())
    if not years:
        return pd.DataFrame(columns=columns).astype({"member_id": "int64", "indicator_id": "int64",
                                                     "year": "int64"})
    stored = pd.DataFrame(session.exec(select(
        IndicatorValue.member_id, IndicatorValue.indicator_id, IndicatorValue.year, IndicatorValue.id,
        IndicatorValue.value, IndicatorValue.comment).where(
            IndicatorValue.year.in_(sorted({*years, *(y - 1 for y in years)})))).all(),
        columns=columns[:6])
    keys = ["member_id", "indicator_id", "year"]
    wanted = good[keys]
    values = wanted.merge(stored, how="left", on=keys)
    before = stored[keys + ["old_value"]].rename(columns={"old_value": "last_year"}).assign(year=stored["year"] + 1)
    values = values.merge(before, how="left", on=keys)
    reports = pd.DataFrame(session.exec(select(Submission.member_id, Submission.year, Submission.status)
                                        .where(Submission.year.in_(years))).all(),
                           columns=["member_id", "year", "submission_status"])
    return values.merge(reports, how="left", on=["member_id", "year"]).drop_duplicates(
        ["member_id", "indicator_id", "year"])


def _cross_rules(session: Session, frame: pd.DataFrame, good: pd.DataFrame, rejects: _Rejects) -> None:
    """Part ≤ whole (indicator_entry.CROSS_RULES) on what each unit-year would hold after the
    import: the rows still accepted over the values stored. Both rows of a broken pair that
    are in the file are refused, so importing only the valid rows cannot break the rule."""
    codes = {i.code: i.id for i in session.exec(select(Indicator)).all()}
    rules = [(codes[part], codes[whole], part, whole) for part, whole in CROSS_RULES
             if part in codes and whole in codes]
    open_good = good.loc[good["row"].isin(frame.loc[frame["ok"], "row"])]
    if not rules or open_good.empty:
        return
    ids = {i for rule in rules for i in rule[:2]}
    touched = open_good[["member_id", "year"]].drop_duplicates()
    years = sorted(int(y) for y in touched["year"].unique())
    stored = pd.DataFrame(session.exec(select(
        IndicatorValue.member_id, IndicatorValue.year, IndicatorValue.indicator_id, IndicatorValue.value)
        .where(IndicatorValue.year.in_(years), IndicatorValue.indicator_id.in_(ids))).all(),
        columns=["member_id", "year", "indicator_id", "value"])
    stored = stored.merge(touched, on=["member_id", "year"])
    mine = open_good.loc[open_good["indicator_id"].isin(ids), ["member_id", "year", "indicator_id", "value", "row"]]
    after = pd.concat([stored.assign(row=np.nan), mine]).drop_duplicates(
        ["member_id", "year", "indicator_id"], keep="last")
    wide = after.pivot(index=["member_id", "year"], columns="indicator_id", values="value")
    rows = after.pivot(index=["member_id", "year"], columns="indicator_id", values="row")
    for part_id, whole_id, part, whole in rules:
        if part_id not in wide or whole_id not in wide:
            continue
        broken = wide[part_id] > wide[whole_id]
        found = pd.concat([rows.loc[broken, part_id], rows.loc[broken, whole_id]]).dropna()
        if found.empty:
            continue
        rejects.add(frame["row"].isin(found.astype(int)), "value", "indicator.part_above_whole",
                    lambda r: {"code": r.code, "part": part, "whole": whole})


class _Rows(Sequence):
    """Planned rows kept as columns: a PlannedRow is built only when someone looks at it (the
    preview tables), not for each of 50,000 rows that are only counted and written."""

    COLUMNS = ("row", "unit", "credit", "code", "year", "value", "comment", "existing_id", "old_value",
               "old_comment", "value_changed", "comment_changed", "name_zh", "name_en", "last_year")

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame.loc[:, list(self.COLUMNS)].reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.frame)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(_Rows(self.frame.iloc[index]))
        return next(iter(_Rows(self.frame.iloc[[index]])))

    def __iter__(self):
        columns = [self.frame[name].tolist() for name in self.COLUMNS]
        for row, unit, credit, code, year, new, comment, existing, old, old_comment, value_changed, \
                comment_changed, name_zh, name_en, last_year in zip(*columns):
            # Besides what is written: the indicator's names and last year's value, for the preview.
            planned = importer.PlannedRow(row, f"{credit}/{code}/{year}", unit,
                                          {"code": code, "year": year, "value": new, "comment": comment,
                                           "name_zh": name_zh, "name_en": name_en,
                                           "last_year": None if last_year != last_year else last_year})
            if existing == existing:  # not NaN: the value is stored already
                planned.existing_id = int(existing)
                if value_changed:
                    planned.changes["value"] = (None if old != old else old, new)
                if comment_changed:
                    planned.changes["comment"] = (old_comment, comment)
            yield planned


def _plan(session: Session, only_unit: int | None, content: bytes, filename: str,
          limits: Limits) -> ValuesPlan:
    importer.report("reading", 0.0)
    check_bytes(content, filename, limits)
    importer.report("reading", 0.1)
    sheets = _read_sheets(content, limits)
    importer.report("validating", 0.3)
    body, sheet, columns, above = _locate(sheets)
    plan = ValuesPlan(kind=KIND, filename=filename, sheet=sheet,
                      sha256=hashlib.sha256(content).hexdigest())
    if body.empty:
        raise UserFacingError("excel.no_rows", sheet=sheet)
    good, plan.rejects = _check(session, only_unit, body, sheet, columns, above)
    importer.report("validating", 0.7)
    plan.rejects.sort(key=lambda p: p.row)
    good = good.sort_values("row")
    is_new = good["existing_id"].isna()
    plan.adds = _Rows(good.loc[is_new])
    plan.changes = _Rows(good.loc[~is_new & good["changed"]])
    plan.unchanged = _Rows(good.loc[~is_new & ~good["changed"]])
    writes = good.loc[good["existing_id"].isna() | good["changed"]]
    plan.writes = writes.assign(comment=np.where(writes["comment"] == "",
                                                 writes["old_comment"].fillna(""), writes["comment"]))[
        ["member_id", "indicator_id", "year", "value", "comment", "submission_status"]]
    return plan


def plan(session: Session, current: CurrentUser, content: bytes, filename: str,
         limits: Limits | None = None, *, member_id: int | None = None) -> ValuesPlan:
    """The dry run: adds, changes (old → new), unchanged, rejected rows; writes nothing.

    The secretariat imports any unit's rows (only `member_id`'s when given: the data entry
    page's upload); a liaison only its own unit's. Rows of other units are refused one by one,
    with the unit named, so the rest of the file can still be imported."""
    require_role(current, *IMPORT_ROLES)
    only_unit = member_id
    if current.role == Role.MEMBER:
        if current.member_id is None:
            raise PermissionDenied("auth.not_your_unit")
        if member_id is not None:
            require_own_unit(current, member_id)
        only_unit = current.member_id
    return _plan(session, only_unit, content, filename, limits or excel_limits(session))


# ---------------------------------------------------------------- writing
def _upsert(session: Session):
    """INSERT ... ON CONFLICT (unit, indicator, year) DO UPDATE, in the session's dialect.

    The update branch leaves the foreign keys (import batch, user) alone: on SQLite, setting
    them there makes every row four times slower, even rows that are only inserted; they are
    set on the changed rows by id afterwards."""
    table = IndicatorValue.__table__
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.member_id, table.c.indicator_id, table.c.year],
        set_={"value": stmt.excluded.value, "comment": stmt.excluded.comment,
              "status": stmt.excluded.status, "updated_at": stmt.excluded.updated_at,
              "version": table.c.version + 1})


def commit(session: Session, current: CurrentUser, planned: ValuesPlan, *, only_valid: bool = False) -> ImportBatch:
    """Write the plan in the caller's transaction (all or nothing), or refuse.

    Values are upserted on (unit, indicator, year) as drafts; each unit-year touched gets a
    draft report (a rejected one goes back to draft; its version moves on, so a form opened
    before the import cannot silently overwrite it); one import batch and one audit entry."""
    require_role(current, *IMPORT_ROLES)
    if planned.rejects and not only_valid:
        raise UserFacingError("excel.has_rejects", rows=planned.rejected_rows)
    if planned.nothing_to_do:
        raise UserFacingError("excel.nothing_to_do", unchanged=len(planned.unchanged))
    writes = planned.writes
    batch = ImportBatch(kind=KIND, filename=planned.filename[:300], sha256=planned.sha256,
                        user_id=current.id, rows_added=len(planned.adds),
                        rows_changed=len(planned.changes), rows_unchanged=len(planned.unchanged),
                        rows_rejected=planned.rejected_rows,
                        errors=[{"sheet": p.sheet, "row": p.row, "column": p.column, "reason": p.key,
                                 **{k: str(v) for k, v in p.params.items()}}
                                for p in planned.rejects][:500])
    session.add(batch)
    session.flush()
    columns = {"member_id": writes["member_id"].tolist(), "indicator_id": writes["indicator_id"].tolist(),
               "year": writes["year"].tolist(), "value": writes["value"].tolist(),
               "comment": writes["comment"].tolist(), "status": ValueStatus.DRAFT.value,
               "import_batch_id": batch.id, "updated_by": current.id, "updated_at": utcnow(), "version": 1}
    _executemany(session, _upsert(session), columns, count=len(writes))
    table = IndicatorValue.__table__
    changed = [row.existing_id for row in planned.changes]
    for start in range(0, len(changed), 500):
        session.execute(sa.update(table).where(table.c.id.in_(changed[start:start + 500]))
                        .values(import_batch_id=batch.id, updated_by=current.id))
    _refresh_reports(session, writes)
    # Every value the import overwrote, old and new (added values carry the batch's id).
    before = {row.key: {name: old for name, (old, _) in row.changes.items()} for row in planned.changes}
    after = {row.key: {name: new for name, (_, new) in row.changes.items()} for row in planned.changes}
    audit.record(session, action="import_committed", actor_id=current.id, actor_name=current.username,
                 entity="import_batch", entity_id=batch.id, before=before or None,
                 after={**planned.summary(), "changes": after} if after else planned.summary())
    session.flush()
    importer.report("writing", 1.0)
    return batch


def _executemany(session: Session, statement, columns: dict[str, Any], *, count: int) -> None:
    """`statement` once per row, through the driver's executemany, CHUNK rows at a time.

    `columns` maps each column to its values (a list) or to one value for every row. Each value
    is bound with its column type's processor, as SQLAlchemy would; skipping SQLAlchemy's
    per-row parameter handling makes a 50,000-row upsert about four times faster."""
    connection = session.connection()
    dialect = connection.dialect
    table = statement.table
    compiled = statement.compile(dialect=dialect, column_keys=list(columns), for_executemany=True)
    sql = str(compiled)
    bound: dict[str, Any] = {}
    for key, data in columns.items():
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        if isinstance(data, list):
            bound[key] = [process(v) for v in data] if process else data
        else:
            bound[key] = [process(data) if process else data] * count
    for name, value in compiled.params.items():
        if name not in bound:  # constants of the statement itself (version + 1)
            bound[name] = [value] * count
    names = list(compiled.positiontup) if compiled.positional else list(bound)
    for start in range(0, count, CHUNK):
        importer.report("writing", 0.8 + 0.15 * start / max(1, count))
        rows = zip(*(bound[name][start:start + CHUNK] for name in names))
        connection.exec_driver_sql(sql, list(rows) if compiled.positional
                                   else [dict(zip(names, row)) for row in rows])


def _refresh_reports(session: Session, writes: pd.DataFrame) -> None:
    """Each unit-year written has a draft report afterwards."""
    reports = writes[["member_id", "year", "submission_status"]].drop_duplicates(["member_id", "year"])
    table = Submission.__table__
    existing = reports.loc[reports["submission_status"].notna()]
    for (year, seen), group in existing.groupby(["year", "submission_status"]):
        ids = group["member_id"].astype(int).tolist()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            # Only reports still as the plan saw them: a liaison who submitted meanwhile (the
            # UPDATE waits for that transaction, then finds the new status) makes the whole import
            # roll back instead of turning the submitted report back into a draft.
            done = session.execute(sa.update(table).where(table.c.year == int(year), table.c.member_id.in_(chunk),
                                                          table.c.status == seen)
                                   .values(status=ValueStatus.DRAFT.value, version=table.c.version + 1)).rowcount
            if done != len(chunk):
                raise UserFacingError("excel.changed_since_preview")
    reopened = existing.loc[existing["submission_status"] != ValueStatus.DRAFT]
    values = IndicatorValue.__table__
    for member_id, year in zip(reopened["member_id"].tolist(), reopened["year"].tolist()):
        session.execute(sa.update(values).where(values.c.member_id == int(member_id),
                                                values.c.year == int(year),
                                                values.c.status != ValueStatus.DRAFT.value)
                        .values(status=ValueStatus.DRAFT.value))
    new = reports.loc[reports["submission_status"].isna()]
    if not new.empty:
        session.execute(sa.insert(table), [
            {"member_id": int(m), "year": int(y), "status": ValueStatus.DRAFT.value, "review_reason": "",
             "version": 1} for m, y in zip(new["member_id"].tolist(), new["year"].tolist())])


# ---------------------------------------------------------------- the registered kind
def _parse_row(session: Session, raw: dict, table, row: int):
    """One row through the same checks, for the shared row-by-row importer (the pages and the
    CLI use `plan`, which checks the whole file at once). The key is "unit/indicator/year"."""
    body = pd.DataFrame([{**{key: raw.get(key) for key in ALIASES}, "row": row}])
    good, problems = _check(session, None, body, table.sheet, table.columns, "")
    if good.empty:
        return {"code": ""}, problems
    first = good.iloc[0]
    key = f"{int(first['member_id'])}/{int(first['indicator_id'])}/{int(first['year'])}"
    return {"code": key, "value": float(first["value"]), "comment": first["comment"]}, problems


def _find_existing(session: Session, key: str):
    if not key:
        return None
    member_id, indicator_id, year = (int(part) for part in key.split("/"))
    row = session.exec(select(IndicatorValue).where(
        IndicatorValue.member_id == member_id, IndicatorValue.indicator_id == indicator_id,
        IndicatorValue.year == year)).first()
    return None if row is None else (row.id, {"value": row.value, "comment": row.comment})


VALUES_IMPORT = importer.register(importer.ImportKind(
    name=KIND, aliases=ALIASES, required=REQUIRED, key_column="code", parse_row=_parse_row,
    find_existing=_find_existing, label_column="code"))


def summary_params(batch: ImportBatch) -> dict[str, Any]:
    return {"added": batch.rows_added, "changed": batch.rows_changed}
