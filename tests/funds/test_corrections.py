"""Correcting the books in core: totals tie out to the cent after a correction and after a void,
stale edits are refused, a liaison corrects nothing and sees no other unit's payments, an
approved expense raised above the threshold waits for the director again, every change audited."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlmodel import select

from core.auth import acting_as
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.funds import corrections, funds
from core.funds.models import Expense
from core.models import AuditLog, StaffMember
from tests.conftest import make_member, make_user


@pytest.fixture
def books(session):
    office = make_user(session, role="secretariat")
    school, firm = make_member(session, unit_type="school"), make_member(session, unit_type="enterprise")
    people = {"office": acting_as(office), "council": acting_as(make_user(session, role="council")),
              "school": acting_as(make_user(session, role="member", member_id=school.id))}
    funds.set_fee_rate(session, people["office"], year=2026, member_type="school", amount_fen=300_000)
    funds.set_fee_rate(session, people["office"], year=2026, member_type="enterprise", amount_fen=500_000)
    return people, school, firm


def _pay(session, people, member, amount, day=date(2026, 3, 1)):
    return funds.record_payment(session, people["office"], member_id=member.id, year=2026, amount_fen=amount,
                                paid_on=day, note="转账", over_ok=True)  # the mistakes corrected here


def _fees(session, people):
    return funds.fees(session, people["council"], year=2026).set_index("member_id")


def test_a_corrected_payment_ties_out_to_the_cent(session, books):
    people, school, _ = books
    row = _pay(session, people, school, 30_000)  # 300 元 typed for 3,000 元
    changes = corrections.correct_payment(session, people["office"], payment_id=row.id, expected_version=1,
                                          member_id=school.id, year=2026, amount_fen=299_999,
                                          paid_on=date(2026, 3, 2), note="转账（更正）")
    assert changes["amount_fen"] == [30_000, 299_999] and row.version == 2
    fees = _fees(session, people)
    assert fees.loc[school.id, ["paid_fen", "owed_fen"]].tolist() == [299_999, 1]
    actual = funds.budget_vs_actual(session, people["council"], year=2026).set_index("key")
    assert actual.loc["membership_fee", "actual_fen"] == 299_999
    audit = session.exec(select(AuditLog).where(AuditLog.action == "fee_payment_corrected")).one()
    assert audit.before["amount_fen"] == 30_000 and audit.after["amount_fen"] == 299_999


def test_a_payment_booked_to_the_wrong_unit_moves_to_the_payer(session, books):
    people, school, firm = books
    row = _pay(session, people, school, 500_000)
    corrections.correct_payment(session, people["office"], payment_id=row.id, expected_version=1,
                                member_id=firm.id, year=2026, amount_fen=500_000, paid_on=date(2026, 3, 1), note="转账")
    fees = _fees(session, people)
    assert (fees.loc[school.id, "paid_fen"], fees.loc[firm.id, "owed_fen"]) == (0, 0)


def test_a_voided_payment_leaves_every_total_but_stays_listed(session, books):
    people, school, _ = books
    kept, wrong = _pay(session, people, school, 100_001), _pay(session, people, school, 100_001)
    corrections.void(session, people["office"], kind="payment", row_id=wrong.id, expected_version=1,
                     reason="重复录入")
    assert _fees(session, people).loc[school.id, ["paid_fen", "owed_fen"]].tolist() == [100_001, 199_999]
    assert funds.budget_vs_actual(session, people["council"], year=2026).set_index("key") \
        .loc["membership_fee", "actual_fen"] == 100_001
    listed = funds.payments(session, people["school"], member_id=school.id).set_index("id")
    assert listed.loc[wrong.id, "void_reason"] == "重复录入" and pd.isna(listed.loc[kept.id, "voided_at"])
    with pytest.raises(ValidationFailed):  # a voided row is not corrected, nor voided twice
        corrections.void(session, people["office"], kind="payment", row_id=wrong.id, expected_version=2, reason="x")
    with pytest.raises(ValidationFailed):
        corrections.void(session, people["office"], kind="payment", row_id=kept.id, expected_version=1, reason=" ")


def test_a_voided_income_and_expense_leave_budget_against_actual(session, books):
    people, _, _ = books
    income = funds.record_income(session, people["office"], received_on=date(2026, 5, 1), amount_fen=1_000_001,
                                 source="government", payer="省教育厅")
    funds.record_income(session, people["office"], received_on=date(2026, 5, 2), amount_fen=7,
                        source="government", payer="省教育厅 二期")
    spent = funds.record_expense(session, people["office"], spent_on=date(2026, 5, 3), amount_fen=12_345,
                                 category="publicity", description="宣传册")
    corrections.void(session, people["office"], kind="income", row_id=income.id, expected_version=1, reason="错账")
    corrections.void(session, people["office"], kind="expense", row_id=spent.id, expected_version=1, reason="错账")
    table = funds.budget_vs_actual(session, people["council"], year=2026).set_index("key")
    assert (table.loc["government", "actual_fen"], table.loc["publicity", "actual_fen"]) == (7, 0)
    assert session.exec(select(AuditLog).where(AuditLog.action == "fund_expense_voided")).one().before == \
        {"amount_fen": 12_345, "status": "approved"}


def test_a_stale_correction_is_refused_and_nothing_is_written(session, books):
    people, school, _ = books
    row = _pay(session, people, school, 100_000)
    corrections.correct_payment(session, people["office"], payment_id=row.id, expected_version=1, member_id=school.id,
                                year=2026, amount_fen=200_000, paid_on=date(2026, 3, 1), note="转账")
    with pytest.raises(StaleEditError):
        corrections.correct_payment(session, people["office"], payment_id=row.id, expected_version=1,
                                    member_id=school.id, year=2026, amount_fen=150_000, paid_on=date(2026, 3, 1))
    with pytest.raises(StaleEditError):
        corrections.void(session, people["office"], kind="payment", row_id=row.id, expected_version=1, reason="x")
    assert (row.amount_fen, row.voided_at) == (200_000, None)


def test_bad_values_are_refused(session, books):
    people, school, _ = books
    row = _pay(session, people, school, 100_000)
    for amount, note_day in ((0, date(2026, 3, 1)), (12.5, date(2026, 3, 1)), (100, None)):
        with pytest.raises(ValidationFailed):
            corrections.correct_payment(session, people["office"], payment_id=row.id, expected_version=1,
                                        member_id=school.id, year=2026, amount_fen=amount, paid_on=note_day)
    assert row.amount_fen == 100_000


def test_a_liaison_corrects_nothing_and_sees_no_other_units_payments(session, books):
    people, school, firm = books
    theirs = _pay(session, people, firm, 500_000)
    ours = _pay(session, people, school, 300_000)
    with pytest.raises(PermissionDenied):
        corrections.correct_payment(session, people["school"], payment_id=ours.id, expected_version=1,
                                    member_id=school.id, year=2026, amount_fen=1, paid_on=date(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        corrections.void(session, people["school"], kind="payment", row_id=ours.id, expected_version=1, reason="x")
    with pytest.raises(PermissionDenied):
        corrections.vouchers(session, people["school"], kind="payment", row_id=theirs.id)
    with pytest.raises(PermissionDenied):
        funds.payments(session, people["school"], member_id=firm.id)
    assert corrections.vouchers(session, people["school"], kind="payment", row_id=ours.id).empty


def test_raising_an_approved_expense_above_the_threshold_waits_for_the_director(session, books):
    people, _, _ = books
    row = funds.record_expense(session, people["office"], spent_on=date(2026, 5, 1), amount_fen=400_000,
                               category="meetings", description="会务")
    assert row.status == "approved"
    corrections.correct_expense(session, people["office"], expense_id=row.id, expected_version=1,
                                spent_on=date(2026, 5, 1), amount_fen=800_000, category="meetings", description="会务")
    assert (row.status, row.approved_by) == ("pending", None)
    assert funds.budget_vs_actual(session, people["council"], year=2026).set_index("key") \
        .loc["meetings", "actual_fen"] == 0
    with pytest.raises(PermissionDenied):  # the office is not the director
        funds.approve_expense(session, people["office"], expense_id=row.id, expected_version=2)
    director = acting_as(make_user(session, role="secretariat"))
    session.add(StaffMember(name="主任", position="director", duty_area="leadership", user_id=director.id))
    session.flush()
    funds.approve_expense(session, director, expense_id=row.id, expected_version=2)
    # lowered again but still above the threshold: the director's approval covers it
    corrections.correct_expense(session, people["office"], expense_id=row.id, expected_version=3,
                                spent_on=date(2026, 5, 1), amount_fen=700_000, category="training", description="会务")
    assert (row.status, row.approved_by) == ("approved", director.id)
    table = funds.budget_vs_actual(session, people["council"], year=2026).set_index("key")
    assert (table.loc["training", "actual_fen"], table.loc["meetings", "actual_fen"]) == (700_000, 0)
    audit = session.exec(select(AuditLog).where(AuditLog.action == "fund_expense_corrected")
                         .order_by(AuditLog.id)).all()
    assert audit[0].after["status"] == "pending" and audit[1].before["category"] == "meetings"


def test_a_pending_expense_corrected_under_the_threshold_needs_no_approval(session, books):
    people, _, _ = books
    row = funds.record_expense(session, people["office"], spent_on=date(2026, 5, 1), amount_fen=800_000,
                               category="meetings", description="会务")
    corrections.correct_expense(session, people["office"], expense_id=row.id, expected_version=1,
                                spent_on=date(2026, 5, 1), amount_fen=80_000, category="meetings", description="会务")
    assert row.status == "approved" and session.get(Expense, row.id).approved_by is None


def test_nothing_changed_writes_nothing(session, books):
    people, school, _ = books
    row = _pay(session, people, school, 100_000)
    assert corrections.correct_payment(session, people["office"], payment_id=row.id, expected_version=1,
                                       member_id=school.id, year=2026, amount_fen=100_000, paid_on=date(2026, 3, 1),
                                       note="转账") == {}
    assert row.version == 1


def test_a_voucher_is_added_to_a_recorded_row(session, books):
    people, _, _ = books
    income = funds.record_income(session, people["office"], received_on=date(2026, 5, 1), amount_fen=100,
                                 source="sponsorship", payer="某企业")
    assert corrections.add_vouchers(session, people["office"], kind="income", row_id=income.id,
                                    files=[("回单.pdf", b"%PDF-1.4 receipt")]) == 1
    assert corrections.vouchers(session, people["council"], kind="income", row_id=income.id)["filename"].tolist() \
        == ["回单.pdf"]
    with pytest.raises(PermissionDenied):
        corrections.add_vouchers(session, people["council"], kind="income", row_id=income.id,
                                 files=[("x.pdf", b"%PDF-1.4 x")])


def test_corrections_and_voids_tie_out_on_postgresql(pg_engine):
    """The same books on PostgreSQL: its BIGINT sums, the versioned UPDATE and the void's timestamp."""
    from sqlmodel import Session

    with Session(pg_engine, expire_on_commit=False) as session:
        office = acting_as(make_user(session, role="secretariat"))
        school = make_member(session, unit_type="school")
        funds.set_fee_rate(session, office, year=2026, member_type="school", amount_fen=300_000)
        row = funds.record_payment(session, office, member_id=school.id, year=2026, amount_fen=3_000_000_001,
                                   paid_on=date(2026, 3, 1), over_ok=True)
        twice = funds.record_payment(session, office, member_id=school.id, year=2026, amount_fen=7,
                                     paid_on=date(2026, 3, 1), over_ok=True)
        session.commit()
        corrections.correct_payment(session, office, payment_id=row.id, expected_version=1, member_id=school.id,
                                    year=2026, amount_fen=299_999, paid_on=date(2026, 3, 2))
        corrections.void(session, office, kind="payment", row_id=twice.id, expected_version=1, reason="重复")
        session.commit()
        with pytest.raises(StaleEditError):
            corrections.correct_payment(session, office, payment_id=row.id, expected_version=1,
                                        member_id=school.id, year=2026, amount_fen=1, paid_on=date(2026, 3, 2))
        session.rollback()
        fees = funds.fees(session, office, year=2026).set_index("member_id")
        assert fees.loc[school.id, ["paid_fen", "owed_fen"]].tolist() == [299_999, 1]
        assert funds.payments(session, office, member_id=school.id).set_index("id").loc[twice.id, "voided_at"] \
            .tzinfo is not None


def test_a_correction_into_overpayment_is_refused_unless_meant(session, books):
    people, school, firm = books
    row = _pay(session, people, school, 200_000)  # 2,000 of a 3,000 fee
    _pay(session, people, firm, 500_000)  # the firm has paid its 5,000 in full

    def correct(**change):
        values = {"member_id": school.id, "year": 2026, "amount_fen": 200_000, "paid_on": date(2026, 3, 1),
                  "note": "转账", **change}
        return corrections.correct_payment(session, people["office"], payment_id=row.id,
                                           expected_version=row.version, **values)

    with pytest.raises(ValidationFailed) as refused:
        correct(amount_fen=300_001)  # one fen over the school's fee
    assert refused.value.params == {"owed": "3,000.00", "amount": "3,000.01"}
    with pytest.raises(ValidationFailed):
        correct(member_id=firm.id)  # moved onto a unit that owes nothing
    assert correct(note="转账（补记）")  # a note corrected is never held up
    assert correct(amount_fen=300_000)  # up to the fee exactly
    assert correct(amount_fen=300_050, over_ok=True)
    assert _fees(session, people).loc[school.id, ["paid_fen", "over_fen"]].tolist() == [300_050, 50]
