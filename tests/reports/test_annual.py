"""The annual report: texts per chapter and year, Word reopened with python-docx, PDF read with
pdftotext and pdffonts (poppler-utils), every figure equal to the summary's, the CLI."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from docx import Document

from core import cli
from core.db import StaleEditError
from core.errors import PermissionDenied
from core.reports import annual, documents, summary, tables
from tests.pages_support import session_scope, user_for

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _report(url, year=2021):
    staff = user_for(url, "secretariat")
    with session_scope(url) as session:
        return annual.build(session, staff, year=year), summary.year_summary(session, staff, year=year)


def _docx_tables(content: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(io.BytesIO(content)).tables]


def test_every_figure_in_the_word_report_is_the_summarys(demo_db_url):
    report, data = _report(demo_db_url)
    content = documents.to_docx(report)
    document = Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h.split("、", 1)[-1] for h in headings[1:9]] == [annual.t(f"report_annual.ch_{c}") for c in annual.CHAPTERS]
    assert any(run.element.xpath(".//pic:pic") for p in document.paragraphs for run in p.runs)  # logo, charts
    indicator_rows = {row[0].split(" ")[0]: row for table in _docx_tables(content) for row in table[1:]
                      if row and row[0][:3] in set(data.indicators["code"])}
    checked = 0
    for card in data.indicators.itertuples():
        row = indicator_rows[card.code]
        assert row[2] == tables.fmt(data.figures[f"indicator.{card.code}"], card.decimals)
        assert row[3] == tables.fmt(data.figures[f"indicator.{card.code}.target"], card.decimals)
        checked += 1
    assert checked == len(data.indicators) > 10
    members = next(t for t in _docx_tables(content) if t[0][0] == annual.t("report_summary.col_item")
                   and t[1][0] == annual.t("report_summary.members_total"))
    assert members[1][1] == str(data.figures["count.members"])


@needs_poppler
def test_the_pdf_embeds_its_chinese_fonts_and_reads_back_chapters_and_totals(demo_db_url, tmp_path):
    report, data = _report(demo_db_url)
    path = tmp_path / "report.pdf"
    path.write_bytes(documents.to_pdf(report))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes yes yes " in f" {' '.join(line.split()[-5:-2])} " for line in cjk), fonts
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for chapter in annual.CHAPTERS:
        assert annual.t(f"report_annual.ch_{chapter}") in text
    s01 = data.indicators.set_index("code").loc["S01"]
    assert tables.fmt(s01["value"], s01["decimals"]) in text  # a known total, as the summary has it


def test_chapter_texts_start_from_the_figures_are_saved_per_year_and_refuse_stale_edits(demo_db_url):
    staff, council = user_for(demo_db_url, "secretariat"), user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        data = summary.year_summary(session, staff, year=2021)
        first = annual.texts(session, staff, year=2021, summary=data)["talent"]
        s01 = data.indicators.set_index("code").loc["S01"]
        assert first.version == 0 and f"{s01['name_zh']} {tables.fmt(s01['value'], 0)} 人" in first.text
        annual.save_text(session, staff, year=2021, chapter="cases", text="案例一：数控订单班", expected_version=0)
    with session_scope(demo_db_url) as session:
        assert annual.texts(session, staff, year=2021)["cases"].text == "案例一：数控订单班"
        assert annual.texts(session, staff, year=2020)["cases"].version == 0
        with pytest.raises(StaleEditError):
            annual.save_text(session, staff, year=2021, chapter="cases", text="x", expected_version=0)
        with pytest.raises(PermissionDenied):
            annual.save_text(session, council, year=2021, chapter="cases", text="x",
                             expected_version=1)
    with session_scope(demo_db_url) as session:
        report = annual.build(session, staff, year=2021)
        assert report.chapters[annual.CHAPTERS.index("cases")].paragraphs == ["案例一：数控订单班"]


def test_cli_writes_both_platform_workbooks_and_the_word_report(demo_db_url, tmp_path, capsys):
    import openpyxl

    for profile in ("national", "provincial"):
        target = tmp_path / f"{profile}.xlsx"
        assert cli.main(["report", "platform", profile, str(target), "--year", "2021"]) == 0
        assert "年度数据" in openpyxl.load_workbook(target).sheetnames
    target = tmp_path / "report.docx"
    assert cli.main(["report", "annual", str(target), "--year", "2021", "--json"]) == 0
    assert Document(str(target)).paragraphs
    assert cli.main(["report", "annual", str(tmp_path / "report.txt")]) == 1
    assert cli.main(["report", "platform", "nope", str(tmp_path / "x.xlsx")]) == 1
