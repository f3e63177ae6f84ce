"""The demo's ledgers tell the case study's story, and the reconciliation finds what it should:
S01 agrees with the order classes except at two schools; links are the secretariat's, audited."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from core import db
from core.demo_plan import DemoCalendar
from core.errors import PermissionDenied, ValidationFailed
from core.ledgers import query, reconcile
from core.models import AuditLog, Indicator, LedgerEntry, LedgerIndicatorLink, LedgerPartner, LedgerYearLock, MemberUnit
from core.timeutil import china_today
from tests.pages_support import session_scope, user_for

DONE = DemoCalendar(china_today()).reporting_year - 1  # the demo's last complete year


def test_the_demo_ledgers(demo_db_url):
    with session_scope(demo_db_url) as session:
        kinds = dict(session.exec(select(LedgerEntry.kind, func.count()).group_by(LedgerEntry.kind)).all())
        statuses = set(session.exec(select(LedgerEntry.status)).all())
        titles = session.exec(select(LedgerEntry.title)).all()
        locks = session.exec(select(LedgerYearLock.year)).all()
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        waiting = session.exec(select(func.count()).select_from(LedgerPartner).where(
            LedgerPartner.member_id == lead.id, LedgerPartner.confirmation == "pending")).one()
    assert len(kinds) == 13 and kinds["order_class"] >= 30
    assert statuses == {"draft", "pending", "confirmed", "disputed", "recorded"}
    assert any(t.startswith("齐鲁技能大师特色工作站") for t in titles)
    assert any("1+X" in t or "职业技能等级证书" in t for t in titles)
    assert sorted(locks) == list(range(2019, DONE)) and waiting >= 1  # the demo liaison has entries to confirm


def test_s01_agrees_with_the_order_classes_except_at_two_schools(demo_db_url):
    council = user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        flagged = reconcile.reconciliation(session, council, only_flagged=True)
        everything = reconcile.reconciliation(session, council)
    assert len(flagged) == 2 and set(flagged["code"]) == {"S01"} and set(flagged["year"]) == {DONE}
    assert (flagged["reported"] > flagged["ledger"]).all()
    assert len(everything) > 30 and (everything[~everything["flagged"]]["difference"] == 0).all()


def test_the_review_and_entry_figures(demo_db_url):
    secretariat = user_for(demo_db_url, "secretariat")
    member = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        council = user_for(demo_db_url, "council")
        flagged = reconcile.reconciliation(session, council, only_flagged=True).iloc[0]
        found = reconcile.differences(session, secretariat, member_id=int(flagged["member_id"]), year=DONE)
        assert list(found["code"]) == ["S01"]
        with pytest.raises(PermissionDenied):
            reconcile.differences(session, council, member_id=int(flagged["member_id"]), year=DONE)
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        mine = reconcile.figures_for(session, member, member_id=member.member_id, year=DONE)
        students = session.exec(select(func.sum(LedgerEntry.quantity)).where(
            LedgerEntry.member_id == member.member_id, LedgerEntry.year == DONE, LedgerEntry.kind == "order_class",
            LedgerEntry.status != "draft", LedgerEntry.status != "disputed")).one()
        assert mine[s01.id]["ledger"] == students
        with pytest.raises(PermissionDenied):
            reconcile.figures_for(session, member, member_id=int(flagged["member_id"]), year=DONE)
        own = reconcile.reconciliation(session, member)
        assert set(own["member_id"]) <= {member.member_id}


def test_links_are_the_secretariats_and_audited(demo_db_url):
    secretariat, council = user_for(demo_db_url, "secretariat"), user_for(demo_db_url, "council")
    with session_scope(demo_db_url) as session:
        g03 = session.exec(select(Indicator).where(Indicator.code == "G03")).one()
        d01 = session.exec(select(Indicator).where(Indicator.code == "D01")).one()
        with pytest.raises(PermissionDenied):
            reconcile.link(session, council, indicator_id=g03.id, kind="cert_1x")
        with pytest.raises(ValidationFailed):
            reconcile.link(session, secretariat, indicator_id=d01.id, kind="cert_1x")  # a formula
        with pytest.raises(ValidationFailed):
            reconcile.link(session, secretariat, indicator_id=g03.id, kind="cert_1x", field="level")  # not a figure
        row = reconcile.link(session, secretariat, indicator_id=g03.id, kind="cert_1x", tolerance_pct=10)
        with pytest.raises(ValidationFailed):
            reconcile.link(session, secretariat, indicator_id=g03.id, kind="cert_1x")
        reconcile.update_link(session, secretariat, link_id=row.id, expected_version=1, kind="cert_1x",
                              field="candidates", tolerance_pct=20)
        with pytest.raises(db.StaleEditError):
            reconcile.update_link(session, secretariat, link_id=row.id, expected_version=1, kind="cert_1x",
                                  field="", tolerance_pct=20)
        reconcile.unlink(session, secretariat, link_id=row.id)
        assert session.get(LedgerIndicatorLink, row.id) is None
        actions = session.exec(select(AuditLog.action).where(AuditLog.action.like("ledger_link%"))).all()
    assert actions == ["ledger_link_added", "ledger_link_changed", "ledger_link_removed"]


def test_a_liaison_never_sees_another_units_draft(demo_db_url):
    member = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        drafts = session.exec(select(LedgerEntry.id).where(LedgerEntry.status == "draft",
                                                           LedgerEntry.member_id != member.member_id)).all()
        seen = set(query.search(session, member)["id"])
    assert drafts and not seen & set(drafts)
