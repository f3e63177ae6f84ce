"""Formatted workbooks (xlsxwriter): header row, units, widths, number and date formats,
frozen header, and user text that can never become a formula."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Sequence

import pandas as pd
import xlsxwriter

from core import numbers
from core.excel.reader import is_blank as _blank

# Text starting with one of these is a formula (or DDE) in Excel, WPS and LibreOffice.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = "#0A4D8C"
BAND_FILL = "#EEF6FC"
TO_FILL = "#FFF2CC"  # the cells to fill in (a light yellow, as in paper forms' boxes)
TO_FILL_HEADER = "#C55A11"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text / int / number / date / id (a year or a row's number: no separator)
    width: int = 16
    choices: Sequence[str] = ()  # drop-down list in templates
    # Decimals of a "number" column (core.numbers' rule: 458, not 458.00, for a headcount): fixed,
    # or per row from the record's `decimals_key` field (an indicator's decimals). Default 2.
    decimals: int | None = None
    decimals_key: str = ""
    # The column a person fills in (a template's value column): its cells shaded, its header
    # marked and carrying this note, so it stands out from the columns given for reference.
    fill_note: str = ""


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: pd.DataFrame | list[dict] = field(default_factory=list)
    title: str = ""  # a title row above the header, when given
    locked_header: bool = False  # templates: header locked, data cells editable
    notes: list[str] = field(default_factory=list)  # free text rows (instruction sheets)


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, not starting or ending with ', ≤ 31 chars."""
    cleaned = re.sub(r"[\[\]:*?/\\]", "_", str(name)).strip("'")[:31]
    return cleaned or "Sheet1"


def needs_quote(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _records(rows) -> list[dict]:
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict("records")
    return list(rows)


def write_workbook(sheets: list[Sheet]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL,
                              "border": 1, "text_wrap": True, "valign": "vcenter", "locked": True})
    title = book.add_format({"bold": True, "font_size": 14, "font_color": HEADER_FILL})
    fill_header = book.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": TO_FILL_HEADER,
                                   "border": 1, "text_wrap": True, "valign": "vcenter", "locked": True})
    formats = _Formats(book, {
        "text": {"num_format": "@", "locked": False},
        "quoted": {"num_format": "@", "quote_prefix": True, "locked": False},
        "int": {"num_format": numbers.excel_format(0), "locked": False},
        "number": {"num_format": numbers.excel_format(2), "locked": False},
        "date": {"num_format": "yyyy-mm-dd", "locked": False},
        "id": {"num_format": "0", "locked": False},
    })
    lists: list = []  # a hidden sheet holding drop-down lists too long to write in the rule
    for spec in sheets:
        sheet = book.add_worksheet(sheet_name(spec.name))
        row = 0
        if spec.title:
            sheet.write_string(row, 0, spec.title, title)
            row += 2
        for note in spec.notes:
            sheet.write_string(row, 0, note)
            row += 1
        if not spec.columns:
            sheet.set_column(0, 0, 100)
            continue
        header_row = row
        for col, column in enumerate(spec.columns):
            sheet.write_string(header_row, col, column.header, fill_header if column.fill_note else header)
            if column.fill_note:
                sheet.write_comment(header_row, col, column.fill_note, {"x_scale": 2, "y_scale": 1.5})
            sheet.set_column(col, col, column.width, formats.column(column))
            if column.choices:
                sheet.data_validation(header_row + 1, col, header_row + 5000, col, {
                    "validate": "list", "source": _choice_source(book, lists, column.choices),
                    "error_title": column.header[:32], "error_message": " / ".join(column.choices)[:250]})
        sheet.set_row(header_row, 30)
        sheet.freeze_panes(header_row + 1, 0)
        for offset, record in enumerate(_records(spec.rows), start=1):
            for col, column in enumerate(spec.columns):
                _write_cell(sheet, header_row + offset, col, record.get(column.key), column, formats, record)
        if spec.locked_header:
            sheet.protect("", {"format_columns": True, "format_rows": True, "sort": True,
                               "autofilter": True, "insert_rows": True, "delete_rows": True})
    book.close()
    return buffer.getvalue()


LISTS_SHEET = "lists"
MAX_INLINE_LIST = 250  # Excel's limit for a list written in the rule itself is 255 characters


def _choice_source(book, lists: list, choices) -> list | str:
    """A drop-down's source: the list itself, or (too long for that, e.g. every member's name)
    a column of a hidden sheet."""
    if len(",".join(choices)) <= MAX_INLINE_LIST:
        return list(choices)
    if not lists:
        lists.append(book.add_worksheet(LISTS_SHEET))
        lists[0].hide()
        lists.append(0)
    sheet, col = lists[0], lists[1]
    for row, value in enumerate(choices):
        sheet.write_string(row, col, str(value))
    lists[1] += 1
    letters = xlsxwriter.utility.xl_col_to_name(col)
    return f"={LISTS_SHEET}!${letters}$1:${letters}${len(choices)}"


class _Formats(dict):
    """The workbook's cell formats (by name, from their properties), with one number format per
    count of decimals and a shaded copy of each for the cells to fill in, made on demand."""

    def __init__(self, book, base: dict[str, dict]):
        super().__init__()
        self.book, self.props = book, dict(base)

    def __missing__(self, key: str):
        name, _, filled = key.partition("+")
        props = dict(self.props[name])
        if filled:
            props.update({"bg_color": TO_FILL, "border": 1, "border_color": "#BFBFBF"})
        self[key] = self.book.add_format(props)
        return self[key]

    def __contains__(self, key) -> bool:
        return key.partition("+")[0] in self.props

    def decimals(self, count: int, filled: bool = False):
        key = f"number_{numbers.places(count)}"
        if key not in self.props:
            self.props[key] = {"num_format": numbers.excel_format(count), "locked": False}
        return self[key + ("+fill" if filled else "")]

    def column(self, column: Column, record: dict | None = None, filled: bool = False):
        if column.kind == "number":
            if column.decimals_key and record is not None and not _blank(record.get(column.decimals_key)):
                return self.decimals(record.get(column.decimals_key), filled)
            if column.decimals is not None:
                return self.decimals(column.decimals, filled)
        name = column.kind if column.kind in self.props else "text"
        return self[name + ("+fill" if filled else "")]


def _write_cell(sheet, row: int, col: int, value: Any, column: Column, formats: _Formats,
                record: dict | None = None) -> None:
    filled = bool(column.fill_note)
    shade = "+fill" if filled else ""
    if _blank(value) or value == "":
        sheet.write_blank(row, col, None, formats.column(column, record, filled))
    elif column.kind == "date" and isinstance(value, (date, datetime)):
        sheet.write_datetime(row, col, datetime.combine(value, datetime.min.time())
                             if not isinstance(value, datetime) else value.replace(tzinfo=None),
                             formats["date" + shade])
    elif column.kind in ("int", "number", "id") and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        sheet.write_number(row, col, value, formats.column(column, record, filled))
    else:
        text = str(value)
        sheet.write_string(row, col, text, formats[("quoted" if needs_quote(text) else "text") + shade])
