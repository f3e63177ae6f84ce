"""The home page's figures in core: each answers only the callers who may see it."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.errors import PermissionDenied
from core.home import overview
from core.models import MemberUnit
from tests.pages_support import session_scope, user_for


@pytest.fixture
def people(demo_db_url):
    return {role: user_for(demo_db_url, role) for role in ("member", "council", "secretariat")}


def _another_unit(session, liaison) -> int:
    return session.exec(select(MemberUnit.id).where(MemberUnit.id != liaison.member_id)).first()


@pytest.mark.parametrize("read", [overview.member_card, overview.unit_submissions])
def test_a_liaison_reads_its_own_unit_and_no_other(demo_db_url, people, read):
    liaison = people["member"]
    with session_scope(demo_db_url) as session:
        assert read(session, liaison, liaison.member_id) is not None
        with pytest.raises(PermissionDenied):
            read(session, liaison, _another_unit(session, liaison))
        assert read(session, people["council"], _another_unit(session, liaison)) is not None


def test_the_audit_trail_and_accounts_are_the_secretariats(demo_db_url, people):
    with session_scope(demo_db_url) as session:
        assert not overview.recent_audit(session, people["secretariat"]).empty
        assert overview.account_summary(session, people["secretariat"])["users"] > 0
        for role in ("member", "council"):
            with pytest.raises(PermissionDenied):
                overview.recent_audit(session, people[role])
            with pytest.raises(PermissionDenied):
                overview.account_summary(session, people[role])


def test_one_units_report_counts_only_for_that_unit_and_overseers(demo_db_url, people):
    liaison = people["member"]
    with session_scope(demo_db_url) as session:
        assert overview.reporting_status(session, liaison, 2021)["expected"] > 1
        with pytest.raises(PermissionDenied):
            overview.reporting_status(session, liaison, 2021, member_id=_another_unit(session, liaison))
        with pytest.raises(PermissionDenied):
            overview.reporting_status(session, None, 2021)


def test_the_portal_counts_only_the_ledger_records_that_stand(demo_db_url):
    from sqlmodel import func

    from core.ledgers.kinds import PUBLIC_STATUSES
    from core.models import LedgerEntry

    with session_scope(demo_db_url) as session:
        standing = session.exec(select(func.count()).select_from(LedgerEntry)
                                .where(LedgerEntry.status.in_(PUBLIC_STATUSES))).one()
        everything = session.exec(select(func.count()).select_from(LedgerEntry)).one()
        assert standing < everything  # the demo holds drafts, disputes or entries awaiting a partner
        assert overview.headline(session).cooperation_projects == standing
