"""check_bytes measures a sheet's used area from its cells: the widest cell holding something
counts wherever it is (any chunk of the part, any attribute order), a formatted empty cell does
not, and a refusal names the true width, whichever limits apply."""
from __future__ import annotations

import pytest

from core.excel import reader
from tests.files import make_hostile

NARROW = [[f"单位{n}", n, "数控", "2021.09"] for n in range(40_000)]  # ~2 MB of XML: several chunks


def _book(rows: list[list], extra_rows: str = "") -> bytes:
    return make_hostile.xlsx({"S": make_hostile.sheet_xml(rows, dimension="A1:D1", extra_rows=extra_rows)})


def _refusal(content: bytes, limits: reader.Limits):
    with pytest.raises(reader.WorkbookRejected) as refused:
        reader.check_bytes(content, "s.xlsx", limits)
    return refused.value.key, refused.value.params


def test_a_wide_cell_far_down_counts_and_an_empty_one_does_not():
    far = '<row r="40001"><c s="1" r="AB40001" t="inlineStr"><is><t>x</t></is></c></row>'
    empty = '<row r="40001"><c r="ZZ40001" s="1"/></row>'
    limits = reader.Limits(max_columns=27)
    assert _refusal(_book(NARROW, far), limits)[0] == "excel.too_many_columns"
    reader.check_bytes(_book(NARROW, empty), "s.xlsx", limits)
    assert _refusal(_book(NARROW, far), reader.Limits(max_cells=40_001 * 27)) == (
        "excel.too_many_cells", {"rows": 40_001, "columns": 28, "max_cells": 40_001 * 27})


def test_narrow_cells_count_when_the_limits_are_small():
    assert _refusal(_book(NARROW), reader.Limits(max_cells=40_000 * 4 - 1)) == (
        "excel.too_many_cells", {"rows": 40_000, "columns": 4, "max_cells": 40_000 * 4 - 1})
    reader.check_bytes(_book(NARROW), "s.xlsx", reader.Limits(max_cells=40_000 * 4))
