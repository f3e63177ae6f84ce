"""One rule for numbers (core.numbers) and one theme for charts (core.charts), as every view uses them."""
from __future__ import annotations

import math

import pandas as pd

from core import charts, numbers
from core.ui.formats import by_row


def test_a_figure_reads_with_separators_and_its_own_decimals():
    assert numbers.text(1458.0, 0) == "1,458"  # a headcount, never 1,458.00
    assert numbers.text(12.5, 1) == "12.5" and numbers.text(1234.5, 2) == "1,234.50"
    assert [numbers.text(v) for v in (None, math.nan, pd.NA, "")] == ["—"] * 4
    assert numbers.excel_format(0) == "#,##0" and numbers.excel_format(2) == "#,##0.00"
    assert numbers.d3_format(1) == ",.1f"
    assert numbers.decimals_needed([3, 4.0, None]) == 0 and numbers.decimals_needed([1.5, 2.25, 3.125]) == 2


def test_a_table_of_indicators_shows_each_row_with_its_decimals():
    table = pd.DataFrame({"2020": [1458.0, 12.5], "2021": [None, 13.0]}, index=["S01", "D02"])
    html = by_row(table, [0, 1]).to_html()
    assert ">1,458<" in html and ">12.5<" in html and ">13.0<" in html and ">—<" in html
    assert "1,458.0" not in html


def test_charts_label_names_whole_large_and_dark():
    name = "Industry association members and partners of the group"
    assert charts.wrap_label(name).replace("\n", " ") == name  # wrapped, nothing cut
    assert max(len(line) for line in charts.wrap_label(name).split("\n")) <= charts.LINE_WIDTH
    assert "\n" in charts.wrap_label("完善职教集团管理运行体系建设与机制创新研究")
    frame = pd.DataFrame({"k": [name, "学校"], "n": [1234, 5]})
    spec = charts.bar_counts(frame, category="k", value="n", category_title="t", value_title="v").to_dict()
    config = spec["config"]
    for part in ("axis", "legend"):
        assert config[part]["labelLimit"] == 0 and config[part]["labelFontSize"] >= 14
        assert config[part]["labelColor"] == charts.INK
    axis = spec["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelExpr"] == charts.LINES and axis["labelLimit"] == 0
    assert spec["layer"][1]["encoding"]["text"]["format"] == ",.0f"  # a count's label: 1,234


def test_a_legend_on_top_wraps_into_rows_on_a_narrow_chart():
    legend = charts.top_legend(3).to_dict()
    assert legend["orient"] == "top" and "width <" in legend["columns"]["expr"]  # one row when it fits
