"""The archive's generated and kept documents on an in-memory database: minutes (as Word, under the
meeting's rule), published briefings (under the briefing rule), submitted platform workbooks
(bytes exactly as frozen, under the reports' rule), retention review days, and the yearly package
holding them all."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from docx import Document

from core.archive import archive
from core.auth import acting_as
from core.errors import NotFound, PermissionDenied
from core.i18n import translate
from core.meetings import briefings, meetings, minutes as minutes_service
from core.messages import notices
from core.reports.models import ReportSubmission
from core.timeutil import CHINA_TZ
from tests.conftest import make_member, make_user

WORKBOOK = b"PK\x03\x04 frozen platform workbook bytes"


@pytest.fixture
def people(session):
    unit, other = make_member(session), make_member(session)
    return {"office": acting_as(make_user(session, role="secretariat")),
            "council": acting_as(make_user(session, role="council")),
            "liaison": acting_as(make_user(session, role="member", member_id=unit.id)),
            "stranger": acting_as(make_user(session, role="member", member_id=other.id))}


def _minutes(session, office, invited: list[int], *, year: int = 2025) -> int:
    meeting = meetings.create_meeting(session, office, kind="council", title="第二届理事会第三次会议",
                                      starts_at=datetime(year, 6, 18, 9, tzinfo=CHINA_TZ), place="第一会议室")
    if invited:
        meetings.invite(session, office, meeting.id, member_ids=invited)
    minutes_service.publish_minutes(session, office, meeting.id, minutes="审议通过集团年度工作报告。")
    return meeting.id


def _briefing(session, office) -> int:
    row = briefings.create_briefing(session, office, title="集团活动简报 2025年第2期", start=date(2025, 4, 1),
                                    end=date(2025, 6, 30))
    briefings.update_briefing(session, office, row.id, row.version, title=row.title,
                              items=[{"kind": "text", "title": "订单班开班", "body": "三家企业冠名订单班开班。"}])
    briefings.publish_briefing(session, office, row.id)
    return row.id


def _submission(session, office) -> int:
    row = ReportSubmission(year=2025, profile_code="national", filename="national_2025.xlsx",
                           sha256=hashlib.sha256(WORKBOOK).hexdigest(), figures={}, content=WORKBOOK,
                           submitted_by=office.id)
    session.add(row)
    session.flush()
    return row.id


def test_minutes_are_a_word_document_for_those_the_meeting_rule_lets_see_it(session, people):
    office, liaison, stranger = people["office"], people["liaison"], people["stranger"]
    meeting_id = _minutes(session, office, [liaison.member_id])
    found = archive.search(session, liaison, category="minutes")
    assert found["key"].tolist() == [f"minutes:{meeting_id}"] and found["year"].tolist() == [2025]
    assert found["origin_kind"].tolist() == ["meeting"] and found["origin_id"].tolist() == [meeting_id]
    assert archive.search(session, liaison, text="年度工作报告")["key"].tolist() == [f"minutes:{meeting_id}"]
    name, _mime, content = archive.download(session, liaison, f"minutes:{meeting_id}")
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert name.endswith(".docx") and "第二届理事会第三次会议" in text and "审议通过集团年度工作报告。" in text
    assert not archive.search(session, people["council"], category="minutes").empty
    assert archive.search(session, stranger, category="minutes").empty  # its unit was not invited
    with pytest.raises(PermissionDenied):
        archive.download(session, stranger, f"minutes:{meeting_id}")


def test_minutes_published_again_are_archived_as_their_newest_version(session, people):
    office = people["office"]
    meeting_id = _minutes(session, office, [people["liaison"].member_id])
    minutes_service.publish_minutes(session, office, meeting_id, minutes="审议通过集团年度工作报告（修订稿）。")
    assert len(archive.search(session, office, category="minutes")) == 1
    text = [p.text for p in Document(io.BytesIO(archive.download(session, office, f"minutes:{meeting_id}")[2])).paragraphs]
    assert "审议通过集团年度工作报告（修订稿）。" in text and "审议通过集团年度工作报告。" not in text
    assert text[-1].startswith("本纪要第 2 版")


def test_an_issued_notice_is_a_document_for_those_the_inbox_lets_read_it(session, people):
    office, liaison, stranger = people["office"], people["liaison"], people["stranger"]
    sent = notices.publish(session, office, category="notice", title="关于报送年度台账的通知",
                           body="### 报送要求\n- 十二月底前完成台账确认", audience={"member_ids": [liaison.member_id]})
    later = notices.publish(session, office, category="notice", title="预约发布的通知", body="x",
                            audience={"everyone": True}, publish_at=datetime(2099, 1, 1, tzinfo=CHINA_TZ))
    found = archive.search(session, liaison, category="notice")
    assert found["key"].tolist() == [f"notice:{sent.id}"] and found["origin_kind"].tolist() == ["message"]
    document = Document(io.BytesIO(archive.download(session, liaison, f"notice:{sent.id}")[2]))
    assert [p.text for p in document.paragraphs][1:4] == ["关于报送年度台账的通知", "报送要求", "十二月底前完成台账确认"]
    assert archive.search(session, stranger, category="notice").empty  # not addressed to its unit
    with pytest.raises(PermissionDenied):
        archive.download(session, stranger, f"notice:{sent.id}")
    assert archive.search(session, office, category="notice")["key"].tolist() == [f"notice:{sent.id}"]
    with pytest.raises(PermissionDenied):  # scheduled: not issued yet, for no one
        archive.download(session, office, f"notice:{later.id}")


def test_a_published_briefing_is_found_and_read_under_the_briefing_rule(session, people):
    office = people["office"]
    draft = briefings.create_briefing(session, office, title="集团活动简报 草稿", start=date(2025, 7, 1),
                                      end=date(2025, 9, 30))
    issue = _briefing(session, office)
    found = archive.search(session, office, category="briefing_issue")
    assert found["key"].tolist() == [f"briefing:{issue}"] and found["year"].tolist() == [2025]
    assert found["origin_kind"].tolist() == ["briefing"]
    content = archive.download(session, office, f"briefing:{issue}")[2]
    assert "集团活动简报 2025年第2期" in [p.text for p in Document(io.BytesIO(content)).paragraphs]
    with pytest.raises(NotFound):
        archive.download(session, office, f"briefing:{draft.id}")  # a draft is not a document yet
    for who in ("council", "liaison"):  # the briefing module keeps its files to the office
        assert archive.search(session, people[who], category="briefing_issue").empty
        with pytest.raises(PermissionDenied):
            archive.download(session, people[who], f"briefing:{issue}")


def test_a_submitted_workbook_downloads_exactly_as_frozen_for_the_secretariat_only(session, people):
    office = people["office"]
    ident = _submission(session, office)
    found = archive.search(session, office, category="submission")
    assert found["key"].tolist() == [f"submission:{ident}"] and found["size_bytes"].tolist() == [len(WORKBOOK)]
    assert found["origin_kind"].tolist() == ["report_submission"] and found["year"].tolist() == [2025]
    name, _mime, content = archive.download(session, office, f"submission:{ident}")
    assert name == "national_2025.xlsx" and hashlib.sha256(content).hexdigest() == hashlib.sha256(WORKBOOK).hexdigest()
    for who in ("council", "liaison"):  # the reports module hands the bytes to the office only
        assert archive.search(session, people[who], category="submission").empty
        with pytest.raises(PermissionDenied):
            archive.download(session, people[who], f"submission:{ident}")


def test_an_annual_report_written_is_a_word_document_for_the_council_and_office(session, people):
    from core.reports import annual

    assert archive.search(session, people["office"], category="annual_report").empty  # nothing written yet
    annual.save_text(session, people["office"], year=2025, chapter="outlook", text="来年深化产教融合。",
                     expected_version=0)
    for who in ("office", "council"):
        found = archive.search(session, people[who], category="annual_report")
        assert found["key"].tolist() == ["annual:2025"] and found["year"].tolist() == [2025]
    name, _mime, content = archive.download(session, people["council"], "annual:2025")
    assert name.endswith(".docx") and any("来年深化产教融合" in p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert archive.search(session, people["liaison"], category="annual_report").empty
    with pytest.raises(PermissionDenied):
        archive.download(session, people["liaison"], "annual:2025")
    with pytest.raises(NotFound):
        archive.download(session, people["office"], "annual:2024")


@pytest.mark.parametrize("bad", ["", "minutes", "minutes:x", "nothing:1", "file:999"])
def test_a_key_that_names_no_document_is_not_found(session, people, bad):
    with pytest.raises(NotFound):
        archive.download(session, people["office"], bad)


def _filed(session, office, title, year, keep):
    return archive.file_document(session, office, title=title, category="contract", year=year, access="secretariat",
                                 retention_years=keep, files=[(f"{title}.pdf", b"%PDF-1.4 x")])


def test_retention_is_due_at_the_end_of_the_year_plus_its_period(session, people):
    office = people["office"]
    _filed(session, office, "章程", 2018, 0)
    _filed(session, office, "旧协议", 2014, 10)
    _filed(session, office, "新协议", 2024, 10)
    listed = archive.retention_list(session, office, today=date(2026, 12, 1)).set_index("title")
    assert listed.loc["章程", "review_due"] is None and not listed.loc["章程", "past_retention"]
    assert listed.loc["旧协议", "review_due"] == date(2024, 12, 31) and listed.loc["旧协议", "past_retention"]
    assert listed.loc["新协议", "review_due"] == date(2034, 12, 31) and not listed.loc["新协议", "past_retention"]
    assert archive.retention_list(session, office, today=date(2024, 12, 31), past_only=True).empty  # due, not past
    assert archive.retention_list(session, office, today=date(2035, 1, 1), past_only=True)["title"].tolist() == \
        ["旧协议", "新协议"]
    past = archive.search(session, office, past_retention=True, today=date(2026, 12, 1))
    assert past["title"].tolist() == ["旧协议"]
    with pytest.raises(PermissionDenied):
        archive.retention_list(session, people["council"])


def test_the_yearly_package_holds_minutes_briefings_and_workbooks(session, people):
    office = people["office"]
    meeting_id = _minutes(session, office, [people["liaison"].member_id])
    _briefing(session, office)
    _submission(session, office)
    _minutes(session, office, [], year=2024)  # another year's minutes stay out
    package = zipfile.ZipFile(io.BytesIO(archive.year_package(session, office, year=2025)))
    sheet = openpyxl.load_workbook(io.BytesIO(package.read("2025_index.xlsx"))).active
    codes = {translate(f"archive_category.{c}"): c for c in ("minutes", "briefing_issue", "submission")}
    rows = {codes.get(r[1], r[1]): r for r in list(sheet.iter_rows(values_only=True))[1:]}
    assert set(rows) == {"minutes", "briefing_issue", "submission"}
    assert rows["minutes"][5] == f"{translate('archive_origin.meeting')} #{meeting_id}"
    assert "第二届理事会第三次会议" in rows["minutes"][3]
    assert package.read(rows["submission"][2]) == WORKBOOK and rows["submission"][6] == len(WORKBOOK)
    minutes = Document(io.BytesIO(package.read(rows["minutes"][2])))
    assert any("审议通过" in p.text for p in minutes.paragraphs)
    briefing = Document(io.BytesIO(package.read(rows["briefing_issue"][2])))
    assert any("订单班开班" in p.text for p in briefing.paragraphs)
    assert sorted(package.namelist()) == sorted([*(r[2] for r in rows.values()), "2025_index.xlsx"])


def test_the_sources_list_and_package_on_postgresql(pg_engine):
    from sqlmodel import Session

    with Session(pg_engine, expire_on_commit=False) as session:
        office = acting_as(make_user(session, role="secretariat"))
        liaison = acting_as(make_user(session, role="member"))
        meeting_id = _minutes(session, office, [liaison.member_id])
        ident = _submission(session, office)
        found = archive.search(session, office, year=2025).set_index("key")
        assert found.loc[f"submission:{ident}", "size_bytes"] == len(WORKBOOK)  # the bytes' length, in SQL
        assert archive.search(session, liaison)["key"].tolist() == [f"minutes:{meeting_id}"]
        names = zipfile.ZipFile(io.BytesIO(archive.year_package(session, office, year=2025))).namelist()
        assert len(names) == 3


def test_a_voucher_is_filed_under_its_payment_and_marked_when_voided(session, people):
    from core.funds import corrections, funds

    office, unit = people["office"], people["liaison"].member_id
    paid = funds.record_payment(session, office, member_id=unit, year=2025, amount_fen=300_000,
                                paid_on=date(2026, 1, 5), over_ok=True, files=[("回单.pdf", b"%PDF-1.4 x")])
    row = archive.search(session, office, category="fee_payment").iloc[0]
    assert (row["year"], row["member_id"]) == (2025, unit)  # the fee's year and the paying unit, not the upload's
    assert row["title"] == translate("funds.voucher_title", year=2025, amount="3,000.00")
    corrections.void(session, office, kind="payment", row_id=paid.id, expected_version=1, reason="重复录入")
    assert archive.search(session, office, category="fee_payment").iloc[0]["title"].endswith(
        translate("archive.voided_mark"))
    mine = archive.search(session, people["liaison"], category="fee_payment")  # its own unit's voucher
    assert mine["member_id"].tolist() == [unit]
    assert archive.search(session, people["stranger"], category="fee_payment").empty
