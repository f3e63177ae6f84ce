"""Committees of the council (专门委员会/工作委员会): core services, the council page, the profile's count."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.auth import acting_as
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.group import committees
from core.group.models import Committee
from core.i18n import translate
from core.models import AuditLog
from core.reports import profile
from tests.conftest import make_member, make_user
from tests.pages_support import app_as, session_scope, user_for


def _as(session, role):
    return acting_as(make_user(session, role=role))


def _add(session, staff, name="专业建设委员会", **fields):
    values = {"name": name, "name_en": "Programme Committee", "established_on": date(2018, 6, 15), **fields}
    return committees.add(session, staff, **values)


def test_secretariat_adds_a_committee_that_every_role_reads_and_the_log_shows(session):
    staff = _as(session, "secretariat")
    row = _add(session, staff, chair_member_id=make_member(session, name="牵头学院").id)
    board = committees.listing(session, _as(session, "member"))
    assert list(board["chair_unit"]) == ["牵头学院"]
    assert session.exec(select(AuditLog.action).where(AuditLog.entity == "committee",
                                                      AuditLog.entity_id == str(row.id))).all() == ["committee_added"]


def test_council_and_members_cannot_add_committees(session):
    for role in ("council", "member"):
        with pytest.raises(PermissionDenied):
            _add(session, _as(session, role))


def test_names_are_required_unique_and_checked_for_length(session):
    staff = _as(session, "secretariat")
    _add(session, staff)
    for name, key in (("  ", "committee.name_required"), ("专业建设委员会", "committee.duplicate_name"),
                      ("委" * 101, "common.too_long")):
        with pytest.raises(ValidationFailed) as refused:
            _add(session, staff, name=name)
        assert refused.value.key == key


def test_a_long_name_is_refused_on_edit_too(session):
    staff = _as(session, "secretariat")
    row = _add(session, staff)
    with pytest.raises(ValidationFailed) as refused:
        committees.update(session, staff, committee_id=row.id, expected_version=1, values={"name_en": "x" * 201})
    assert refused.value.key == "common.too_long"


def test_stale_edit_is_refused(session):
    staff = _as(session, "secretariat")
    row = _add(session, staff)
    committees.update(session, staff, committee_id=row.id, expected_version=1, values={"note": "第一次"})
    with pytest.raises(StaleEditError):
        committees.update(session, staff, committee_id=row.id, expected_version=1, values={"note": "第二次"})


def test_dissolving_before_it_was_established_is_refused(session):
    staff = _as(session, "secretariat")
    row = _add(session, staff)
    with pytest.raises(ValidationFailed) as refused:
        committees.dissolve(session, staff, committee_id=row.id, expected_version=1, dissolved_on=date(2017, 1, 1))
    assert refused.value.key == "committee.dissolved_before_established"


def test_profile_counts_committees_active_at_each_years_end(session):
    staff = _as(session, "secretariat")
    _add(session, staff, name="甲", established_on=date(2018, 6, 15))
    later = _add(session, staff, name="乙", established_on=date(2019, 3, 20))
    committees.dissolve(session, staff, committee_id=later.id, expected_version=1, dissolved_on=date(2021, 6, 30))
    counted = {year: profile.counts(session, staff, year=year)["committees"] for year in (2018, 2020, 2021)}
    assert counted == {2018: 1, 2020: 2, 2021: 1}


def test_secretariat_adds_a_committee_through_the_council_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "council")
    at.text_input(key="committee_add_name").set_value("产教融合研究委员会")
    at.text_input(key="committee_add_name_en").set_value("Industry-Education Research Committee")
    submit = next(b for b in at.button if b.key and "committee_add" in b.key)
    submit.click().run()
    assert not at.exception and [s.value for s in at.toast] == [translate("council.saved")]
    with session_scope(demo_db_url) as session:
        row = session.exec(select(Committee).where(Committee.name == "产教融合研究委员会")).one()
        assert row.name_en == "Industry-Education Research Committee" and row.dissolved_on is None


def test_the_years_summary_counts_the_demo_committees_active_at_its_end(demo_db_url):
    from core.reports import summary, tables

    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        y2021 = summary.year_summary(session, staff, year=2021)
        y2023 = summary.year_summary(session, staff, year=2023)
    # four set up in 2018-2019; the IT working committee was wound up at the end of 2022
    assert (y2021.counts["committees"], y2023.counts["committees"]) == (4, 3)
    assert y2021.figures["count.committees"] == 4
    shown = tables.council(y2021, translate)
    assert translate("report_summary.committees") in list(shown.iloc[:, 0])


def test_secretariat_dissolves_a_committee_on_the_council_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "council")
    picked = at.selectbox(key="committee_pick").value
    next(c for c in at.checkbox if c.label == translate("committee.is_dissolved")).check()
    next(b for b in at.button if b.key and f"committee_edit_{picked}" in b.key).click().run()
    assert not at.exception and [s.value for s in at.toast] == [translate("council.saved")]
    with session_scope(demo_db_url) as session:
        assert session.get(Committee, picked).dissolved_on is not None
