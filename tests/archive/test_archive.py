"""The archive in core: filing with access levels, the one search over every owner's files with
each owner's rule, downloads refused by access level, the yearly package reopened."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from core.archive import archive
from core.i18n import translate
from core.auth import acting_as
from core.errors import PermissionDenied, ValidationFailed
from core.ledgers import entries
from core.messages import notices
from tests.conftest import make_user

PDF = b"%PDF-1.4 charter"


@pytest.fixture
def people(session):
    return {role: acting_as(make_user(session, role=role)) for role in ("secretariat", "council", "member")}


def _file(session, who, access, title="集团章程", **kw):
    return archive.file_document(session, who, title=title, category=kw.pop("category", "charter"), year=2026,
                                 access=access, files=[(f"{title}.pdf", PDF)], **kw)


def test_only_the_secretariat_files_and_a_file_is_required(session, people):
    with pytest.raises(PermissionDenied):
        _file(session, people["member"], "public")
    with pytest.raises(ValidationFailed, match="file_required"):
        archive.file_document(session, people["secretariat"], title="x", category="rules", year=2026, access="public")


@pytest.mark.parametrize("access, council, member", [("public", True, True), ("members", True, True),
                                                     ("council", True, False), ("secretariat", False, False)])
def test_the_access_level_decides_who_finds_and_downloads_a_filed_document(session, people, access, council, member):
    _file(session, people["secretariat"], access)
    file_key = archive.search(session, people["secretariat"])["key"][0]
    assert file_key.startswith("file:")
    for who, allowed in (("council", council), ("member", member)):
        assert (not archive.search(session, people[who]).empty) == allowed
        if allowed:
            assert archive.download(session, people[who], file_key)[2] == PDF
        else:
            with pytest.raises(PermissionDenied):
                archive.download(session, people[who], file_key)


def test_the_search_holds_other_owners_files_under_their_own_rules(session, people):
    office = people["secretariat"]
    liaison, other = people["member"], acting_as(make_user(session, role="member"))
    entry = entries.create(session, liaison, kind="training", member_id=liaison.member_id, year=2026, title="师资培训",
                           fields={"people": 10}, draft=True, files=[("签到表.pdf", PDF)])
    assert entry.id
    found = archive.search(session, liaison, category="ledger_entry")
    assert found["filename"].tolist() == ["签到表.pdf"] and found["member_id"].tolist() == [liaison.member_id]
    assert archive.search(session, other, category="ledger_entry").empty  # another unit's draft evidence
    assert archive.search(session, office, text="签到")["origin_kind"].tolist() == ["ledger_entry"]


def test_the_yearly_package_holds_the_years_files_and_an_index(session, people):
    office = people["secretariat"]
    _file(session, office, "public")
    _file(session, office, "secretariat", title="合作协议", category="contract")
    content = archive.year_package(session, office, year=2026)
    package = zipfile.ZipFile(io.BytesIO(content))
    names = package.namelist()
    assert "章程/0001_集团章程.pdf" in names and "协议合同/0002_合作协议.pdf" in names  # folders in words
    sheet = openpyxl.load_workbook(io.BytesIO(package.read("2026_index.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == tuple(translate(f"archive.index_{c}") for c in ("no", "category", "path"))
    assert [r[1:3] for r in rows[1:]] == [("章程", "章程/0001_集团章程.pdf"), ("协议合同", "协议合同/0002_合作协议.pdf")]
    assert rows[1][5].startswith(translate("archive_category.archive_document")) and "#" in rows[1][5]
    english = zipfile.ZipFile(io.BytesIO(archive.year_package(session, office, year=2026, lang="en")))
    assert any(name.endswith("/0001_集团章程.pdf") and not name.startswith("章程") for name in english.namelist())
    with pytest.raises(PermissionDenied):
        archive.year_package(session, people["council"], year=2026)
    assert notices  # the notices' rules are registered with the archive
