"""The values import as a person checks it: the preview names each indicator beside last year's
value, the change and the comment typed; a new file leaves nothing of the last one on screen; the
entry page offers Excel above its form; the template shows which columns to fill in."""
from __future__ import annotations

import io

import openpyxl
from sqlmodel import func, select

from core.excel.writer import TO_FILL, TO_FILL_HEADER
from core.i18n import translate
from core.indicators import exchange as vx
from core.models import Indicator, IndicatorValue, MemberUnit
from tests.indicators.test_pages_import import YEAR, _filled_template, _open_year
from tests.pages_support import XLSX, app_as, session_scope, user_for, workbook

HEADER = ["统一社会信用代码", "年度", "指标代码", "数值", "说明"]


def _unit_with_history(url: str):
    """A school, the last year it has an S01 value, that value and the indicator's name."""
    with session_scope(url) as session:
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        last_year = session.exec(select(func.max(IndicatorValue.year))
                                 .where(IndicatorValue.indicator_id == s01.id)).one()
        stored = session.exec(select(IndicatorValue).where(IndicatorValue.indicator_id == s01.id,
                                                           IndicatorValue.year == last_year)).first()
        unit = session.get(MemberUnit, stored.member_id)
        return unit.credit_code, last_year, stored.value, s01.name_zh


def test_the_preview_names_the_indicator_with_last_year_the_change_and_the_comment(demo_db_url):
    code, last_year, last, name = _unit_with_history(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "indicator_import")
    content = workbook([HEADER, [code, last_year + 1, "S01", last * 2, "新增两个订单班"]])
    at.file_uploader[0].set_value(("next-year.xlsx", content, XLSX)).run()
    assert not at.exception
    added = at.dataframe[0].value.iloc[0]
    assert added[translate("indicators.col_indicator")] == f"S01 {name}"
    assert added[translate("indicators.col_last_year")] == last
    assert round(added[translate("indicator_review.col_change")], 1) == 100.0
    assert added[translate("values_import.col_comment")] == "新增两个订单班"


def test_a_new_file_leaves_nothing_of_the_last_one(demo_db_url):
    code, last_year, last, _ = _unit_with_history(demo_db_url)
    at = app_as(demo_db_url, "secretariat", "indicator_import")
    first = workbook([HEADER, [code, last_year + 1, "S01", 1, ""], [code, last_year + 1, "X98", 1, ""]])
    at.file_uploader[0].set_value(("first.xlsx", first, XLSX)).run()
    assert [w.value for w in at.warning] == [translate("excel.has_rejects", rows=1)]
    at.checkbox[0].check().run()  # import only the valid rows of this file
    second = workbook([HEADER, [code, last_year + 1, "S01", 2, ""], [code, last_year + 1, "X99", 1, ""]])
    at.file_uploader[0].set_value(("second.xlsx", second, XLSX)).run()
    reasons = at.dataframe[-1].value.iloc[:, -1].tolist()
    assert reasons == [translate("values_import.unknown_indicator", value="X99")]  # not X98's
    assert at.checkbox[0].value is False  # the tick given to the first file's rejects is asked again
    clean = workbook([HEADER, [code, last_year + 1, "S01", 3, ""]])
    at.file_uploader[0].set_value(("clean.xlsx", clean, XLSX)).run()
    assert not at.warning and not at.checkbox and len(at.dataframe) == 1


def test_the_entry_page_offers_excel_above_its_form(demo_db_url):
    content, _ = _filled_template(demo_db_url)
    at = app_as(demo_db_url, "member", "indicator_entry")
    at.selectbox(key="indicator_entry_year").set_value(YEAR).run()
    assert not at.expander  # not folded away
    order = [node for node in at.main if getattr(node, "type", "") in ("file_uploader", "number_input", "alert")]
    assert order[0].type == "file_uploader"
    at.file_uploader[0].set_value(("template.xlsx", content, XLSX)).run()
    shown = [getattr(node, "type", "") for node in at.main]
    # The file's preview comes before the form and the form's checks of what is stored.
    assert shown.index("metric") < shown.index("number_input")


def test_the_template_marks_the_columns_to_fill_in(demo_db_url):
    _open_year(demo_db_url)
    member = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        content = vx.template(session, member, member_id=member.member_id, year=YEAR, lang="zh")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[1]
    header_row = next(row for row in sheet.iter_rows() if row[0].value == "指标代码")
    by_header = {cell.value: cell for cell in header_row}
    value_head = by_header[f"本年数值（{YEAR}）"]
    assert value_head.fill.fgColor.rgb.endswith(TO_FILL_HEADER[1:])
    assert value_head.comment is not None and "本年数值" in value_head.comment.text
    below = sheet.cell(row=value_head.row + 1, column=value_head.column)
    assert below.fill.fgColor.rgb.endswith(TO_FILL[1:])
    reference = sheet.cell(row=value_head.row + 1, column=by_header[f"上年数值（{YEAR - 1}）"].column)
    assert not reference.fill.fgColor.rgb.endswith(TO_FILL[1:]) and by_header["指标名称"].comment is None
