"""The annual report in real Chromium: the council opens it from the navigation and downloads the
PDF, which reads back (pdftotext) with the chapter titles and the summary's S01 total."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from core import db
from core.auth import acting_as
from core.i18n import translate
from core.models import User
from core.reports import annual, summary, tables
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = [*BROWSER, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]


def _expected(url: str) -> tuple[int, str]:
    from sqlmodel import select

    engine = db.make_engine(f"sqlite:///{SERVED_DB[url]}")
    with db.session_scope(engine, write=False) as session:
        council = acting_as(session.exec(select(User).where(User.username == "demo-council")).one())
        year = summary.default_year(session, council)
        s01 = summary.year_summary(session, council, year=year).indicators.set_index("code").loc["S01"]
    engine.dispose()
    return year, tables.fmt(s01["value"], s01["decimals"])


def test_council_downloads_the_annual_report_as_pdf(page, app_url, tmp_path):
    year, s01 = _expected(app_url)
    log_in(page, app_url, "demo-council")
    wait_heading(page, translate("page.home"))
    go(page, "report_annual")
    with page.expect_download(timeout=TIMEOUT_MS * 2) as download:
        page.get_by_role("button", name=translate("report_annual.download_pdf")).click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename == f"annual-report-{year}.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert all(annual.t(f"report_annual.ch_{chapter}") in text for chapter in annual.CHAPTERS)
    assert s01 in text
