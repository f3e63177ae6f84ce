"""The year's summary on the demo group: its figures are the owning modules' figures."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from core.errors import PermissionDenied
from core.indicators import analysis
from core.models import MemberUnit, Submission, ValueStatus
from core.reports import summary
from tests.pages_support import session_scope, user_for


def test_summary_of_2021_reads_the_figures_of_the_modules_that_own_them(demo_db_url):
    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        data = summary.year_summary(session, staff, year=2021)
        card = analysis.scorecard(session, staff, year=2021).set_index("code")
        approved = session.exec(select(func.count()).select_from(Submission).where(
            Submission.year == 2021, Submission.status == ValueStatus.APPROVED)).one()
        lead = session.exec(select(MemberUnit.name).where(MemberUnit.is_lead)).one()
    assert data.figures["indicator.S01"] == card.loc["S01", "value"]
    assert data.figures["indicator.S01.target"] == card.loc["S01", "target"]
    assert data.figures["indicator.S01.last"] == card.loc["S01", "last_year"]
    by_type = sum(v for k, v in data.counts.items() if k.startswith("members_"))
    assert data.figures["count.members"] == by_type > 0
    assert data.approved == approved and data.expected == data.approved + len(data.not_in)
    assert set(data.not_in["status"]) <= {"missing", "draft", "submitted", "rejected"}
    assert data.lead_unit == lead
    assert data.figures["ledger.order_class.count"] > 0 and data.plan["milestones"] > 0


def test_the_default_year_is_the_last_complete_one(demo_db_url):
    with session_scope(demo_db_url) as session:
        staff = user_for(demo_db_url, "secretariat")
        from core.indicators.years import year_state
        year = summary.default_year(session, staff)
        assert year_state(session, staff, year).complete and year < 2026
        assert summary.years(session, staff)[0] == 2026  # this year can be chosen, not by default


def test_a_liaison_sees_only_its_own_units_part(demo_db_url):
    liaison = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        with pytest.raises(PermissionDenied):
            summary.year_summary(session, liaison, year=2021)
        other = session.exec(select(MemberUnit.id).where(MemberUnit.id != liaison.member_id)).first()
        with pytest.raises(PermissionDenied):
            summary.unit_part(session, liaison, year=2021, member_id=other)
        part = summary.unit_part(session, liaison, year=2021, member_id=liaison.member_id)
        s01 = part["values"].set_index("code").loc["S01"]
        assert s01["group_total"] == analysis.scorecard(session, liaison, year=2021).set_index("code").loc["S01", "value"]
