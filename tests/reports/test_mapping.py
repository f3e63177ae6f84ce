"""Export profiles as data: validation of sources, formulas, codes (no database)."""
from __future__ import annotations

import pytest

from core.reports import mapping
from core.reports.builtin import BUILTIN

CODES = {"S01", "S11", "D01", "E04", "E05", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10",
         "G02", "G03"}


def _col(source, code="x", sheet="s", rows="single", **more):
    return mapping.clean_columns([{"sheet": sheet, "rows": rows, "code": code, "source": source, **more}])[0]


@pytest.mark.parametrize("code", list(BUILTIN))
def test_the_shipped_profiles_validate(code):
    assert mapping.problems(mapping.clean_columns(BUILTIN[code][1]), CODES) == []


@pytest.mark.parametrize("source, key", [
    ("indicator.ZZ9", "report_mapping.unknown_source"), ("profile.nickname", "report_mapping.unknown_source"),
    ("ledger_sum:order_class.major", "report_mapping.unknown_source"),  # a text field has no sum
    ("row.school_code", "report_mapping.unknown_source"),  # only in cooperation sheets
    ("= {count.members} +", "report_mapping.bad_formula"), ("= __import__('os')", "report_mapping.bad_formula"),
    ("= {count.nothing} * 2", "report_mapping.unknown_source")])
def test_a_bad_source_is_refused_with_its_reason(source, key):
    assert [p.key for p in mapping.problems([_col(source)], CODES)] == [key]


def test_duplicate_codes_mixed_rows_and_bad_scale_are_each_named_with_their_line():
    columns = [_col("year"), _col("year"), _col("year", code="y", rows="cooperation"), _col("year", code="z", scale="x")]
    found = {(p.line, p.key) for p in mapping.problems(columns, CODES)}
    assert found == {(2, "report_mapping.duplicate_code"), (3, "report_mapping.mixed_rows"),
                     (4, "report_mapping.bad_scale")}


def test_formulas_compute_and_leave_the_cell_empty_rather_than_invent_a_zero():
    values = {"count.members": 60, "count.members_enterprise": 33, "indicator.S01": None}
    assert mapping.evaluate_formula("= {count.members_enterprise} / {count.members} * 100", values.get) == pytest.approx(55.0)
    assert mapping.evaluate_formula("= {indicator.S01} + 1", values.get) is None
    assert mapping.evaluate_formula("= {count.members} / ({count.members} - 60)", values.get) is None
