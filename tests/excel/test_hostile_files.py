"""The corpus under tests/files/: every hostile or broken workbook is refused with its own
message (in both languages) and nothing is written; real-world workbooks import cleanly."""
from __future__ import annotations

import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import func, select

from core import auth, settings as settings_service
from core.errors import UserFacingError
from core.excel import importer, reader
from core.group import member_exchange
from core.i18n import catalog, translate
from core.models import AuditLog, ImportBatch, MemberUnit
from core.plan import exchange as plan_exchange
from tests.conftest import make_user
from tests.files import make_hostile

FILES = Path(__file__).resolve().parents[1] / "files"
HOSTILE = FILES / "hostile"
FILE_CASES = [case for case in make_hostile.CASES if not case.row_keys]
ROW_CASES = [case for case in make_hostile.CASES if case.row_keys]


def _as(session, role="secretariat"):
    user = make_user(session, role=role)
    return auth.authenticate(session, user.username, "correct-horse").user


def _counts(session) -> tuple[int, int, int]:
    return tuple(session.exec(select(func.count()).select_from(model)).one()
                 for model in (ImportBatch, MemberUnit, AuditLog))


PLANNERS = {"members": (member_exchange.plan, member_exchange.commit),
            "milestones": (plan_exchange.plan_updates, plan_exchange.commit_updates)}


def test_corpus_is_small_and_matches_the_cases():
    on_disk = {path.name for path in HOSTILE.iterdir()}
    assert on_disk == {case.file for case in make_hostile.CASES}
    total = sum(path.stat().st_size for path in FILES.rglob("*") if path.is_file())
    assert total < 1024 * 1024


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda case: case.file)
def test_hostile_file_is_refused_with_its_own_message_and_nothing_is_written(session, case):
    secretariat = _as(session)
    before = _counts(session)
    planner, _ = PLANNERS[case.kind]
    with pytest.raises(UserFacingError) as refused:
        planner(session, secretariat, (HOSTILE / case.file).read_bytes(), case.file)
    assert refused.value.key == case.key, case.what
    assert _counts(session) == before
    for lang in ("zh", "en"):  # a real sentence in both languages, placeholders filled
        assert case.key in catalog(lang)
        message = translate(refused.value.key, lang, **refused.value.params)
        assert "{" not in message and len(message) > 4 and message != case.key


def test_file_level_refusals_each_have_a_distinct_message():
    keys = {case.key for case in FILE_CASES}
    texts = {translate(key, "zh") for key in keys}
    assert len(texts) == len(keys) >= 14


@pytest.mark.parametrize("case", ROW_CASES, ids=lambda case: case.file)
def test_row_level_problems_are_listed_and_the_commit_writes_nothing(session, case):
    secretariat = _as(session)
    planner, committer = PLANNERS[case.kind]
    content = (HOSTILE / case.file).read_bytes()
    before = _counts(session)
    plan = planner(session, secretariat, content, case.file)
    assert {problem.key for problem in plan.rejects} == set(case.row_keys)
    assert all(problem.row > 1 and problem.sheet for problem in plan.rejects)
    with pytest.raises(UserFacingError) as refused:
        committer(session, secretariat, plan)
    assert refused.value.key == case.key
    assert _counts(session) == before


def test_wrong_kind_names_both_kinds_in_the_reader_s_language(session):
    content = (HOSTILE / "milestones_for_members.xlsx").read_bytes()
    with pytest.raises(UserFacingError) as refused:
        member_exchange.plan(session, _as(session), content, "m.xlsx")
    assert "里程碑更新" in translate(refused.value.key, "zh", **refused.value.params)
    english = translate(refused.value.key, "en", **refused.value.params)
    assert "milestone updates" in english and "member units" in english


def test_regenerated_corpus_is_refused_the_same_way(tmp_path):
    make_hostile.write(tmp_path)
    for case in FILE_CASES:
        content = (tmp_path / "hostile" / case.file).read_bytes()
        stored = (HOSTILE / case.file).read_bytes()
        assert _reader_key(content, case.file) == _reader_key(stored, case.file), case.file


def _reader_key(content: bytes, name: str) -> str | None:
    try:
        reader.check_bytes(content, name)
        reader.read_sheets(content)
    except reader.WorkbookRejected as error:
        return error.key
    return None


# ---------------------------------------------------------------- XML entities
def test_openpyxl_parses_with_defusedxml_and_refuses_entities():
    assert openpyxl.DEFUSEDXML is True
    with pytest.raises(Exception) as refused:
        openpyxl.load_workbook(HOSTILE / "billion_laughs.xlsx")
    causes, error = [], refused.value
    while error is not None:
        causes.append(type(error).__module__)
        error = error.__cause__ or error.__context__
    assert any(module.startswith("defusedxml") for module in causes), causes


@pytest.mark.parametrize("name", ["billion_laughs.xlsx", "external_entity.xlsx"])
def test_calamine_never_expands_entities_even_without_the_check(name):
    content = (HOSTILE / name).read_bytes()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        sheets = reader.read_sheets(content)  # the pre-check skipped on purpose
    except reader.WorkbookRejected as error:
        assert error.key == "excel.corrupt"  # calamine: "unrecognized entity"
    else:
        cells = " ".join(str(v) for frame in sheets.values() for v in frame.to_numpy().ravel())
        assert "lollol" not in cells and "root:" not in cells
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kb < 100 * 1024


# ---------------------------------------------------------------- why the used area is checked
def test_a_far_away_cell_would_abort_the_reader_process():
    """calamine allocates a sheet's whole used area and aborts the process (not an exception)
    when that fails; this is what check_bytes keeps from ever reaching it."""
    code = ("import sys, pandas as pd; pd.read_excel(sys.argv[1], sheet_name=None, header=None, "
            "engine='calamine', nrows=10)")
    done = subprocess.run([sys.executable, "-c", code, str(HOSTILE / "far_column.xlsx")],
                          capture_output=True, timeout=120)
    assert done.returncode != 0
    with pytest.raises(reader.WorkbookRejected) as refused:
        reader.check_bytes((HOSTILE / "far_column.xlsx").read_bytes(), "far_column.xlsx")
    assert refused.value.key == "excel.too_many_columns"


def test_library_errors_become_the_corrupt_message_when_the_check_is_skipped():
    for name in ("bad_crc.xlsx", "truncated.xlsx"):
        with pytest.raises(reader.WorkbookRejected) as refused:
            reader.read_sheets((HOSTILE / name).read_bytes())
        assert refused.value.key == "excel.corrupt"


# ---------------------------------------------------------------- limits from the settings
def _rows_workbook(count: int) -> bytes:
    rows = [[make_hostile._valid_code(100 + n), f"单位{n}", "企业", "济南市", "", ""]
            for n in range(count)]
    return make_hostile.xlsx({"成员单位": make_hostile.sheet_xml([make_hostile.MEMBER_HEADER] + rows)})


def test_limits_come_from_the_settings(session):
    admin, secretariat = _as(session, "admin"), _as(session)
    content = _rows_workbook(130)
    assert len(member_exchange.plan(session, secretariat, content, "m.xlsx").adds) == 130
    settings_service.update_settings(session, admin, {"excel_max_rows": 100})
    assert settings_service.excel_limits(session).max_rows == 100
    with pytest.raises(UserFacingError) as refused:
        member_exchange.plan(session, secretariat, content, "m.xlsx")
    assert (refused.value.key, refused.value.params) == ("excel.too_many_rows", {"max_rows": 100})
    settings_service.update_settings(session, admin, {"excel_max_rows": 1000})
    settings_service.update_settings(session, admin, {"excel_max_ratio": 10})
    with pytest.raises(UserFacingError) as refused:  # 130 repetitive rows pack more than 10:1
        member_exchange.plan(session, secretariat, content, "m.xlsx")
    assert refused.value.key == "excel.too_big_unpacked"
    settings_service.update_settings(session, admin, {"upload_limit_mb": 1})
    with pytest.raises(UserFacingError) as refused:
        member_exchange.plan(session, secretariat, b"PK\x03\x04" + b"\0" * (1024 * 1024 + 1), "m.xlsx")
    assert (refused.value.key, refused.value.params) == ("excel.too_big", {"max_mb": 1})
    with pytest.raises(UserFacingError) as refused:
        settings_service.update_settings(session, admin, {"excel_max_rows": 5})
    assert refused.value.key == "settings.bad_excel_limit"


def test_rows_are_capped_by_their_content_not_the_declared_size():
    rows = [[n] for n in range(200)]
    content = make_hostile.xlsx({"s": make_hostile.sheet_xml(rows, dimension="A1:A2")})
    with pytest.raises(reader.WorkbookRejected) as refused:
        reader.check_bytes(content, "s.xlsx", reader.Limits(max_rows=100))
    assert refused.value.key == "excel.too_many_rows"
    with pytest.raises(reader.WorkbookRejected):  # and again while parsing
        reader.read_sheets(content, reader.Limits(max_rows=100))


def test_import_reports_its_stages_in_order(session):
    stages = []
    with importer.reporting(lambda stage, fraction: stages.append((stage, fraction))):
        secretariat = _as(session)
        plan = member_exchange.plan(session, secretariat, _rows_workbook(3), "m.xlsx")
        member_exchange.commit(session, secretariat, plan)
    names = [stage for stage, _ in stages]
    assert names[0] == "reading" and "validating" in names and names[-1] == "writing"
    fractions = [fraction for _, fraction in stages]
    assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)


# ---------------------------------------------------------------- real-world workbooks
def test_libreoffice_style_workbook_imports_as_people_meant_it(session):
    secretariat = _as(session)
    content = (FILES / "real" / "members_libreoffice.xlsx").read_bytes()
    plan = member_exchange.plan(session, secretariat, content, "members_libreoffice.xlsx")
    assert plan.rejects == [] and plan.sheet == "成员单位"
    got = {row.values["name"]: {"city": row.values["city"], "unit_type": row.values["unit_type"],
                                "contact_phone": row.values.get("contact_phone", ""),
                                "joined_on": row.values["joined_on"].isoformat()}
           for row in plan.adds}
    assert got == make_hostile.REAL_EXPECTED
    assert [row.row for row in plan.adds] == [4, 6, 7]  # Excel row numbers, blank rows skipped
    batch = member_exchange.commit(session, secretariat, plan)
    assert batch.rows_added == 3
    unit = session.exec(select(MemberUnit).where(MemberUnit.name == "乙职业学院")).one()
    assert unit.credit_code == make_hostile._valid_code(22) and unit.joined_on == date(2021, 5, 1)


def test_formula_cells_are_read_by_their_cached_values():
    sheets = reader.read_sheets((FILES / "real" / "members_libreoffice.xlsx").read_bytes())
    assert list(sheets) == ["说明", "成员单位", "统计"]
    cells = sheets["成员单位"].iloc[3].tolist()
    assert cells[1] == "济南市" and cells[6] == 1234
    assert reader.number(sheets["成员单位"].iloc[5].tolist()[6]) == 1234  # "1,234" as text


# The values import reads workbooks with its own fast reader: the same files, the same refusals.
VALUES_FILE_CASES = [case for case in FILE_CASES
                     if case.key not in ("excel.wrong_kind", "excel.wrong_template", "excel.no_rows")]


@pytest.mark.parametrize("case", VALUES_FILE_CASES, ids=lambda case: case.file)
def test_hostile_file_is_refused_by_the_values_import_too(session, case):
    from core.indicators import exchange as indicator_exchange

    secretariat = _as(session)
    before = _counts(session)
    with pytest.raises(UserFacingError) as refused:
        indicator_exchange.plan(session, secretariat, (HOSTILE / case.file).read_bytes(), case.file)
    assert refused.value.key == case.key, case.what
    assert _counts(session) == before
