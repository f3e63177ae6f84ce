"""Awards in real Chromium: the council opens 评优评先 from the navigation and downloads a published
award's certificate, which reads back (pdftotext) with the unit's Chinese name and its number."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlmodel import select

from core import db
from core.assessment.models import AwardNomination
from core.i18n import translate
from core.models import MemberUnit
from tests.browser import BROWSER, SERVED_DB, TIMEOUT_MS, app_url, browser, go, log_in, page, wait_heading  # noqa: F401  (fixtures used by name)

pytestmark = [*BROWSER, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")]


def _first_award(url: str) -> tuple[str, str]:
    engine = db.make_engine(f"sqlite:///{SERVED_DB[url]}")
    with db.session_scope(engine, write=False) as session:
        row, unit = session.exec(select(AwardNomination, MemberUnit.name).join(
            MemberUnit, MemberUnit.id == AwardNomination.member_id).where(
            AwardNomination.status == "awarded").order_by(AwardNomination.id)).first()
        number = row.certificate_no
    engine.dispose()
    return unit, number


def test_council_downloads_an_award_certificate(page, app_url, tmp_path):  # noqa: F811 (fixtures)
    unit, number = _first_award(app_url)
    log_in(page, app_url, "demo-council")
    wait_heading(page, translate("page.home"))
    go(page, "awards")
    with page.expect_download(timeout=TIMEOUT_MS * 2) as download:
        page.get_by_role("button", name=translate("awards.certificate")).click()
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert unit in text and number in text and translate("awards.certificate_heading") in text
