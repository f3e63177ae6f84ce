"""Platform workbooks on the demo group: cells from the summary, the workbook reopened with openpyxl
and compared with the database, submissions frozen and changes since shown."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlmodel import func, select

from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.group import committees
from core.indicators import analysis
from core.models import Indicator, IndicatorValue, LedgerEntry, MemberUnit, ValueStatus
from core.reports import platform, submissions
from core.reports.models import ReportSubmission
from tests.pages_support import session_scope, user_for


def _single(book, sheet) -> dict:
    return {row[0]: row[2] for row in book[sheet].iter_rows(min_row=4, values_only=True) if row[0]}


def test_the_national_workbook_holds_the_databases_figures(demo_db_url):
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        cells = platform.cells(session, staff, year=2021, code="national")
        content = platform.workbook(cells, title="national 2021")
        s01 = analysis.scorecard(session, staff, year=2021).set_index("code").loc["S01", "value"]
    book = openpyxl.load_workbook(io.BytesIO(content))
    basic, yearly = _single(book, "集团基本信息"), _single(book, "年度数据")
    assert basic["jtmc"] == "山东省机械行业职业培训教育集团" and basic["qtdwmc"] == "山东劳动职业技术学院"
    assert yearly["ddpyrs"] == s01 and yearly["tjnd"] == 2021
    # the year's end from the registry's history, by type, adding up
    assert yearly["cydwzs"] == sum(yearly[c] for c in ("zfbms", "hyxhs", "yxs", "qys", "kyyss", "qtdws")) > 0
    assert yearly["qyzb"] == pytest.approx(round(100 * yearly["qys"] / yearly["cydwzs"], 1))
    # committees active at the year's end, from the registry (the demo dissolved one in 2022)
    with session_scope(demo_db_url) as session:
        assert yearly["zmwyhs"] == committees.active_count(session, staff, day=date(2021, 12, 31)) == 4


def test_provincial_cooperation_rows_sum_the_schools_counted_ledger_entries(demo_db_url):
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        content = platform.workbook(platform.cells(session, staff, year=2021, code="provincial"), title="p")
        book = openpyxl.load_workbook(io.BytesIO(content))
        rows = list(book["产学合作"].iter_rows(min_row=3, values_only=True))
        header, data = rows[0], rows[1:]
        assert header[:2] == ("学校代码", "学校名称") and data
        school_code, partner_code, students = data[0][0], data[0][2], data[0][header.index("订单培养人数")]
        school = session.exec(select(MemberUnit).where(MemberUnit.credit_code == school_code)).one()
        expected = 0
        for entry in session.exec(select(LedgerEntry).where(LedgerEntry.member_id == school.id, LedgerEntry.year == 2021,
                                                            LedgerEntry.kind == "order_class",
                                                            LedgerEntry.status.in_(("confirmed", "recorded"))
                                                            )).all():
            from core.models import LedgerPartner
            codes = {p.credit_code or (session.get(MemberUnit, p.member_id).credit_code if p.member_id else "")
                     for p in session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == entry.id)).all()}
            if partner_code in codes:
                expected += entry.extra.get("students") or 0
        assert students == expected


def test_a_submission_is_frozen_and_later_changes_show_cell_by_cell(demo_db_url):
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        before = session.exec(select(func.count()).select_from(ReportSubmission)).one()
        first = submissions.submit(session, staff, year=2021, code="national")
    assert len(first.sha256) == 64 and first.figures["年度数据!1!cydwzs"] > 0
    with session_scope(demo_db_url) as session:
        assert submissions.changed_since_submitted(session, staff, year=2021).empty
        value = session.exec(select(IndicatorValue).join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                             .where(IndicatorValue.year == 2021, IndicatorValue.status == ValueStatus.APPROVED,
                                    Indicator.code == "S01")).first()
        value.value = (value.value or 0) + 7
        session.add(value)
    with session_scope(demo_db_url) as session:
        changed = submissions.changed_since_submitted(session, staff, year=2021)
        assert list(changed["code"]) == ["ddpyrs"] and changed.iloc[0]["now"] == changed.iloc[0]["submitted"] + 7
        submissions.submit(session, staff, year=2021, code="national", note="更正")
    with session_scope(demo_db_url) as session:
        assert session.exec(select(func.count()).select_from(ReportSubmission)).one() == before + 2
        assert submissions.changed_since_submitted(session, staff, year=2021).empty


def test_profiles_are_saved_validated_versioned_and_round_trip_as_json(demo_db_url):
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        national = platform.profile_def(session, staff, code="national")
        bad = [*national.columns, {**national.columns[0]}]
        with pytest.raises(ValidationFailed) as error:
            platform.save(session, staff, code="national", name=national.name, columns=bad, expected_version=0)
        assert error.value.key == "report_mapping.duplicate_code"
        columns = [*national.columns, {"sheet": "年度数据", "rows": "single", "code": "hj", "label": "合计",
                                       "source": "= {count.members} * 2", "scale": "", "decimals": 0}]
        platform.save(session, staff, code="national", name=national.name, columns=columns, expected_version=0)
    with session_scope(demo_db_url) as session:
        with pytest.raises(StaleEditError):
            platform.save(session, staff, code="national", name="x", columns=columns, expected_version=0)
        exported = platform.to_json(session, staff, code="national")
        assert platform.import_json(session, staff, content=exported.replace(b'"national"', b'"mine"', 1)) == "mine"
        with pytest.raises(ValidationFailed):
            platform.import_json(session, staff, content=b"not json")
    with session_scope(demo_db_url) as session:
        cells = platform.cells(session, staff, year=2021, code="mine").set_index("code")
        assert cells.loc["hj", "value"] == 2 * cells.loc["cydwzs", "value"] > 0


def test_council_and_liaisons_may_not_make_or_submit_workbooks(demo_db_url):
    for role in ("council", "member"):
        user = user_for(demo_db_url, role)
        with session_scope(demo_db_url) as session:
            for call in (lambda: platform.cells(session, user, year=2021, code="national"),
                         lambda: submissions.submit(session, user, year=2021, code="national")):
                with pytest.raises(PermissionDenied):
                    call()
