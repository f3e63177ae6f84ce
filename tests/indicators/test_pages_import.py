"""Indicator values through Excel on the pages: a unit's template on the data entry page, the
secretariat's bulk import page, and who may open it."""
from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core import nav
from core.i18n import translate
from core.indicators import exchange as vx
from core.models import Indicator, IndicatorValue, MemberUnit, Submission, ValueStatus
from tests.pages_support import ROOT, XLSX, app_as, button, session_scope, user_for, workbook

YEAR = 2017  # before the demo's data: no report yet, so nothing is locked
PARTS = {"S04": "S03", "S06": "S05", "E02": "E01"}


def _open_year(url: str) -> None:
    """The secretariat opens YEAR for reporting, so the entry page offers it."""
    from datetime import date

    from core.models import ReportingWindow

    with session_scope(url) as session:
        session.add(ReportingWindow(year=YEAR, opens_on=date(YEAR + 1, 1, 1), deadline=date(YEAR + 1, 3, 31)))


def _filled_template(url: str) -> tuple[bytes, int]:
    """The demo liaison's template for YEAR with every value 100 (a part 40)."""
    _open_year(url)
    member = user_for(url, "member")
    with session_scope(url) as session:
        content = vx.template(session, member, member_id=member.member_id, year=YEAR, lang="zh")
    book = openpyxl.load_workbook(io.BytesIO(content))
    for row in book.worksheets[1].iter_rows():
        if row[0].value and row[0].value not in ("指标代码",) and row[1].value and row[0].row > 3:
            row[4].value = 40 if row[0].value in PARTS else 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), member.member_id


def _values(url: str, member_id: int, year: int) -> dict[str, tuple[float, str]]:
    with session_scope(url) as session:
        rows = session.exec(select(Indicator.code, IndicatorValue.value, IndicatorValue.status)
                            .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                            .where(IndicatorValue.member_id == member_id, IndicatorValue.year == year)).all()
    return {code: (value, status) for code, value, status in rows}


def test_liaison_uploads_its_template_on_the_entry_page_and_sees_the_values(demo_db_url):
    content, member_id = _filled_template(demo_db_url)
    at = app_as(demo_db_url, "member", "indicator_entry")
    at.selectbox(key="indicator_entry_year").set_value(YEAR).run()
    assert not at.exception
    at.file_uploader[0].set_value(("template.xlsx", content, XLSX)).run()
    assert not at.exception and not at.error
    added = int(at.metric[0].value)
    assert added > 5 and [m.value for m in at.metric[1:]] == ["0", "0", "0"]
    assert _values(demo_db_url, member_id, YEAR) == {}  # the dry run wrote nothing
    button(at, "member_import.commit").click().run()
    assert not at.exception
    assert [t.value for t in at.toast] == [translate("values_import.done", added=added, changed=0)]
    stored = _values(demo_db_url, member_id, YEAR)
    assert len(stored) == added and stored["S01"] == (100, ValueStatus.DRAFT) and stored["S04"][0] == 40
    inputs = {n.label: n.value for n in at.number_input}
    assert inputs["S01"] == 100 and inputs["S04"] == 40  # the form shows what was imported
    assert at.caption and translate("indicator_entry.status_draft") in [c.value for c in at.caption]
    # the imported draft can be submitted from the form as usual
    button(at, "indicator_entry.save_draft").click().run()
    assert not at.exception and not at.error


def test_entry_page_upload_of_another_units_rows_is_refused_row_by_row(demo_db_url):
    with session_scope(demo_db_url) as session:
        other = session.exec(select(MemberUnit).where(MemberUnit.unit_type == "school",
                                                      ~MemberUnit.is_lead)).first()
    _open_year(demo_db_url)
    at = app_as(demo_db_url, "member", "indicator_entry")
    at.selectbox(key="indicator_entry_year").set_value(YEAR).run()
    content = workbook([["统一社会信用代码", "年度", "指标代码", "数值"], [other.credit_code, YEAR, "S01", 5]])
    at.file_uploader[0].set_value(("other.xlsx", content, XLSX)).run()
    assert [m.value for m in at.metric] == ["0", "0", "0", "1"]
    reasons = at.dataframe[-1].value.iloc[:, -1].tolist()
    assert reasons == [translate("values_import.other_unit", unit=other.name)]


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_bulk_import_page_for_the_secretariat(demo_db_url, role):
    with session_scope(demo_db_url) as session:
        schools = session.exec(select(MemberUnit).where(MemberUnit.unit_type == "school")
                               .order_by(MemberUnit.id)).all()[:2]
    at = app_as(demo_db_url, role, "indicator_import")
    assert not at.exception and [t.value for t in at.title] == [translate("page.indicator_import")]
    content = workbook([["统一社会信用代码", "单位名称", "年度", "指标代码", "数值", "说明"]]
                       + [[unit.credit_code, unit.name, YEAR, "S01", 10 + n, ""] for n, unit in enumerate(schools)])
    at.file_uploader[0].set_value(("bulk.xlsx", content, XLSX)).run()
    assert not at.exception and [m.value for m in at.metric] == ["2", "0", "0", "0"]
    button(at, "member_import.commit").click().run()
    assert [t.value for t in at.toast] == [translate("values_import.done", added=2, changed=0)]
    assert _values(demo_db_url, schools[1].id, YEAR)["S01"] == (11, ValueStatus.DRAFT)
    with session_scope(demo_db_url) as session:
        report = session.exec(select(Submission).where(Submission.member_id == schools[0].id,
                                                       Submission.year == YEAR)).one()
        assert report.status == ValueStatus.DRAFT
    at.file_uploader[0].set_value(("bulk.xlsx", content, XLSX)).run()  # the same file again
    assert [i.value for i in at.info] == [translate("excel.nothing_to_do", unchanged=2)]


def test_bulk_page_names_a_members_workbook(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "indicator_import")
    content = workbook([["统一社会信用代码", "单位名称", "单位类型", "所在城市"], ["x", "y", "企业", "济南市"]])
    at.file_uploader[0].set_value(("members.xlsx", content, XLSX)).run()
    assert [e.value for e in at.error] == [translate(
        "excel.wrong_kind", found=translate("import_kind.members"), expected=translate("import_kind.values"))]


@pytest.mark.parametrize("role", ["council", "member"])
def test_council_and_members_may_not_open_the_bulk_import(demo_db_url, role):
    at = AppTest.from_file(str(ROOT / nav.PAGES_BY_KEY["indicator_import"].path), default_timeout=30)
    at.session_state["auth_user"] = user_for(demo_db_url, role)
    at.run()
    assert [e.value for e in at.error] == [translate("auth.page_forbidden")]
    assert not at.file_uploader and not at.metric


def test_a_value_saved_after_the_preview_refuses_the_import(demo_db_url):
    from core.indicators import entry as indicator_entry

    content, member_id = _filled_template(demo_db_url)
    at = app_as(demo_db_url, "member", "indicator_entry")
    at.selectbox(key="indicator_entry_year").set_value(YEAR).run()
    at.file_uploader[0].set_value(("template.xlsx", content, XLSX)).run()
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:  # the secretariat saves a draft meanwhile
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        indicator_entry.save(session, staff, member_id=member_id, year=YEAR, expected_version=0,
                             values={s01.id: (55, "")})
    button(at, "member_import.commit").click().run()
    assert [e.value for e in at.error] == [translate("excel.changed_since_preview")]
    assert _values(demo_db_url, member_id, YEAR) == {"S01": (55, ValueStatus.DRAFT)}
