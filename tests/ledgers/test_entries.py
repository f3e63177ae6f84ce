"""Recording, confirming, disputing, locking: the service rules whatever page calls them."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.auth import acting_as
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.ledgers import entries, evidence
from core.ledgers.entries import PartnerInput
from core.models import Attachment, AuditLog, LedgerEntry, LedgerPartner, Message
from tests.conftest import make_member, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(session):
    school = make_member(session, name="齐鲁测试技师学院", unit_type="school")
    firm = make_member(session, name="济南测试数控机床有限公司")
    other = make_member(session, name="青岛测试重工有限公司")
    users = {"school": acting_as(make_user(session, role="member", member_id=school.id)),
             "firm": acting_as(make_user(session, role="member", member_id=firm.id)),
             "other": acting_as(make_user(session, role="member", member_id=other.id)),
             "secretariat": acting_as(make_user(session, role="secretariat")),
             "council": acting_as(make_user(session, role="council"))}
    return {"units": {"school": school, "firm": firm, "other": other}, **users}


def _order_class(session, world, **overrides) -> LedgerEntry:
    values = dict(kind="order_class", member_id=world["units"]["school"].id, year=2021, title="数控技术订单班",
                  partners=[PartnerInput(world["units"]["firm"].id)], started_on=date(2021, 9, 1),
                  fields={"major": "数控技术", "students": 40, "enterprise_input": 80000})
    values.update(overrides)
    return entries.create(session, world["school"] if "as_" not in overrides else overrides.pop("as_"), **values)


def test_a_liaison_records_its_unit_entry_which_waits_for_its_partner(session, world):
    entry = _order_class(session, world)
    assert entry.status == "pending" and entry.quantity == 40 and entry.amount_fen == 8_000_000
    assert entry.extra == {"major": "数控技术", "students": 40, "enterprise_input": 8_000_000}
    assert "数控" in entry.search_text and "济南测试数控机床有限公司" in entry.search_text
    partner = session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == entry.id)).one()
    assert (partner.member_id, partner.name, partner.confirmation) == (world["units"]["firm"].id, world["units"]["firm"].name, "pending")
    log = session.exec(select(AuditLog).where(AuditLog.action == "ledger_entry_created")).one()
    assert log.after["title"] == "数控技术订单班" and log.after["partners"] == [world["units"]["firm"].name]


def test_a_liaison_cannot_record_or_change_another_units_entry(session, world):
    with pytest.raises(PermissionDenied):
        entries.create(session, world["firm"], kind="order_class", member_id=world["units"]["school"].id, year=2021,
                       title="冒名订单班", partners=[PartnerInput(world["units"]["other"].id)], fields={"students": 1})
    entry = _order_class(session, world)
    with pytest.raises(PermissionDenied):
        entries.update(session, world["firm"], entry_id=entry.id, expected_version=entry.version, title="改名",
                       partners=[PartnerInput(world["units"]["firm"].id)], fields={"students": 1})
    with pytest.raises(PermissionDenied):
        entries.delete(session, world["firm"], entry_id=entry.id, expected_version=entry.version)
    with pytest.raises(PermissionDenied):
        entries.create(session, world["council"], kind="order_class", member_id=world["units"]["school"].id, year=2021,
                       title="理事会不录入", partners=[PartnerInput(world["units"]["firm"].id)], fields={"students": 1})


def test_every_problem_of_a_form_is_reported_at_once(session, world):
    with pytest.raises(ValidationFailed) as refused:
        entries.create(session, world["school"], kind="order_class", member_id=world["units"]["school"].id, year=2021,
                       title="", partners=[], started_on=date(2021, 9, 1), ended_on=date(2021, 1, 1),
                       fields={"students": "四十", "enterprise_input": "-3"})
    keys = [refused.value.key] + [key for key, _ in refused.value.more]
    assert set(keys) >= {"ledger.title_required", "ledger.ends_before_start", "indicator.not_a_number",
                         "ledger.negative", "ledger.partner_required"}
    assert session.exec(select(LedgerEntry)).all() == []


def test_partner_confirms_and_the_entry_is_confirmed_by_both_sides(session, world):
    entry = _order_class(session, world)
    partner = session.exec(select(LedgerPartner)).one()
    for outsider in ("other", "secretariat", "school"):
        with pytest.raises(PermissionDenied):
            entries.confirm(session, world[outsider], entry_id=entry.id, partner_id=partner.id,
                            expected_version=entry.version)
    entries.confirm(session, world["firm"], entry_id=entry.id, partner_id=partner.id, expected_version=entry.version)
    session.refresh(entry)
    assert entry.status == "confirmed" and entry.version == 2
    assert session.get(LedgerPartner, partner.id).decided_by == world["units"]["firm"].id
    assert session.exec(select(AuditLog).where(AuditLog.action == "ledger_entry_confirmed")).one().after["status"] == "confirmed"


def test_a_dispute_needs_a_reason_and_goes_back_to_the_author(session, world):
    entry = _order_class(session, world)
    partner = session.exec(select(LedgerPartner)).one()
    with pytest.raises(ValidationFailed):
        entries.dispute(session, world["firm"], entry_id=entry.id, partner_id=partner.id,
                        expected_version=entry.version, reason="  ")
    entries.dispute(session, world["firm"], entry_id=entry.id, partner_id=partner.id,
                    expected_version=entry.version, reason="实际只有 38 人")
    session.refresh(entry)
    assert entry.status == "disputed" and session.get(LedgerPartner, partner.id).reason == "实际只有 38 人"
    message = session.exec(select(Message).where(Message.category == "system")).one()
    assert message.audience["member_ids"] == [world["units"]["school"].id] and "实际只有 38 人" in message.body
    # the author corrects it: the partner is asked again
    entries.update(session, world["school"], entry_id=entry.id, expected_version=entry.version, title=entry.title,
                   partners=[PartnerInput(world["units"]["firm"].id)], started_on=entry.started_on,
                   fields={"major": "数控技术", "students": 38, "enterprise_input": 80000})
    session.refresh(entry)
    assert entry.status == "pending" and session.exec(select(LedgerPartner)).one().confirmation == "pending"


def test_an_outside_partner_is_confirmed_by_the_secretariat(session, world):
    entry = _order_class(session, world, partners=[PartnerInput(None, "德国某职业学院", "")])
    partner = session.exec(select(LedgerPartner)).one()
    with pytest.raises(PermissionDenied):
        entries.confirm(session, world["firm"], entry_id=entry.id, partner_id=partner.id,
                        expected_version=entry.version)
    entries.confirm(session, world["secretariat"], entry_id=entry.id, partner_id=partner.id,
                    expected_version=entry.version)
    session.refresh(entry)
    assert entry.status == "confirmed"


def test_an_entry_without_partner_is_recorded_and_a_draft_is_not_confirmable(session, world):
    recorded = entries.create(session, world["school"], kind="competition", member_id=world["units"]["school"].id,
                              year=2021, title="数控车赛项", fields={"level": "provincial", "first": 1})
    assert recorded.status == "recorded" and recorded.quantity == 1
    draft = _order_class(session, world, draft=True)
    partner = session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == draft.id)).one()
    with pytest.raises(ValidationFailed):
        entries.confirm(session, world["firm"], entry_id=draft.id, partner_id=partner.id,
                        expected_version=draft.version)


def test_a_stale_edit_is_refused(session, world):
    entry = _order_class(session, world)
    first = dict(entry_id=entry.id, expected_version=1, title="第一次保存", partners=[PartnerInput(world["units"]["firm"].id)],
                 fields={"students": 40})
    entries.update(session, world["school"], **first)
    with pytest.raises(StaleEditError):
        entries.update(session, world["secretariat"], **{**first, "title": "第二个人保存"})
    session.refresh(entry)
    assert entry.title == "第一次保存"
    log = session.exec(select(AuditLog).where(AuditLog.action == "ledger_entry_changed")).one()
    assert (log.before["title"], log.after["title"]) == ("数控技术订单班", "第一次保存")


def test_a_locked_year_takes_no_entries_changes_or_decisions(session, world):
    entry = _order_class(session, world)
    partner = session.exec(select(LedgerPartner)).one()
    with pytest.raises(PermissionDenied):
        entries.lock_year(session, world["school"], year=2021)
    entries.lock_year(session, world["secretariat"], year=2021)
    with pytest.raises(ValidationFailed, match="ledger.year_locked"):
        _order_class(session, world, title="锁定后新增")
    with pytest.raises(ValidationFailed, match="ledger.year_locked"):
        entries.confirm(session, world["firm"], entry_id=entry.id, partner_id=partner.id,
                        expected_version=entry.version)
    with pytest.raises(ValidationFailed, match="ledger.year_locked"):
        entries.delete(session, world["school"], entry_id=entry.id, expected_version=entry.version)
    assert entries.locked_years(session) == [2021]
    entries.unlock_year(session, world["secretariat"], year=2021)
    entries.confirm(session, world["firm"], entry_id=entry.id, partner_id=partner.id, expected_version=entry.version)
    actions = set(session.exec(select(AuditLog.action)).all())
    assert {"ledger_year_locked", "ledger_year_unlocked"} <= actions


def test_evidence_goes_through_the_checked_attachment_store(session, world):
    entry = _order_class(session, world, files=[("协议.pdf", PDF)])
    with pytest.raises(ValidationFailed):
        evidence.add_evidence(session, world["school"], entry_id=entry.id, files=[("协议.pdf", b"MZ not a pdf")])
    with pytest.raises(PermissionDenied):
        evidence.add_evidence(session, world["other"], entry_id=entry.id, files=[("x.pdf", PDF)])
    file = session.exec(select(Attachment).where(Attachment.owner_kind == "ledger_entry")).one()
    assert evidence.evidence(session, world["firm"], file.id)[2] == PDF  # the partner may see it
    with pytest.raises(PermissionDenied):  # a pending entry of another unit is not for others
        evidence.evidence(session, world["other"], file.id)
    entries.delete(session, world["school"], entry_id=entry.id, expected_version=entry.version)
    assert session.exec(select(Attachment)).all() == [] and session.exec(select(LedgerPartner)).all() == []
    assert session.exec(select(AuditLog).where(AuditLog.action == "ledger_entry_deleted")).one().before["title"]


def test_who_may_see_an_entry(session, world):
    pending = _order_class(session, world)
    draft = _order_class(session, world, title="草稿订单班", draft=True)
    see = lambda who, entry: entries.may_see(session, world[who], entry)
    assert see("school", pending) and see("firm", pending) and not see("other", pending)
    assert see("council", pending) and see("secretariat", draft)
    assert see("school", draft) and not see("firm", draft) and not see("other", draft)
    partner = session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == pending.id)).one()
    entries.confirm(session, world["firm"], entry_id=pending.id, partner_id=partner.id, expected_version=1)
    session.refresh(pending)
    assert see("other", pending)
