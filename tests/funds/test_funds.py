"""Funds in core: exact money, fees due and owed, a liaison's own unit only, arrears reminded,
expenses over the threshold waiting for the director, budget against actual to the cent."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.auth import acting_as
from core.errors import PermissionDenied, ValidationFailed
from core.funds import funds
from core.models import Message, StaffMember
from tests.conftest import make_member, make_user


@pytest.fixture
def books(session):
    office = make_user(session, role="secretariat")
    school, firm = make_member(session, unit_type="school"), make_member(session, unit_type="enterprise")
    people = {"office": acting_as(office), "council": acting_as(make_user(session, role="council")),
              "school": acting_as(make_user(session, role="member", member_id=school.id)),
              "firm": acting_as(make_user(session, role="member", member_id=firm.id))}
    funds.set_fee_rate(session, people["office"], year=2026, member_type="school", amount_fen=300_000)
    funds.set_fee_rate(session, people["office"], year=2026, member_type="enterprise", amount_fen=500_000)
    return people, school, firm


def test_fees_due_paid_and_owed_tie_out_to_the_cent(session, books):
    people, school, firm = books
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=100_001,
                         paid_on=date(2026, 3, 1))
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=199_999,
                         paid_on=date(2026, 4, 1))
    frame = funds.fees(session, people["council"], year=2026).set_index("member_id")
    assert frame.loc[school.id, ["due_fen", "paid_fen", "owed_fen"]].tolist() == [300_000, 300_000, 0]
    assert frame.loc[firm.id, "owed_fen"] == 500_000


def test_a_liaison_sees_its_own_units_fees_and_payments_only(session, books):
    people, school, firm = books
    funds.record_payment(session, people["office"], member_id=firm.id, year=2026, amount_fen=500_000,
                         paid_on=date(2026, 3, 1))
    assert funds.fees(session, people["school"], year=2026)["member_id"].tolist() == [school.id]
    with pytest.raises(PermissionDenied):
        funds.payments(session, people["school"], member_id=firm.id)
    with pytest.raises(PermissionDenied):
        funds.fees(session, people["school"], year=2026, member_id=firm.id)
    assert len(funds.payments(session, people["firm"], member_id=firm.id)) == 1


def test_amounts_are_whole_fen(session, books):
    people, school, _ = books
    with pytest.raises(ValidationFailed):
        funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=12.5,
                             paid_on=date(2026, 3, 1))


def test_arrears_are_reminded_in_the_inbox(session, books):
    people, school, firm = books
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=300_000,
                         paid_on=date(2026, 3, 1))
    assert funds.remind_arrears(session, people["office"], year=2026, title="会费提醒", body="请缴纳") >= 1
    message = session.exec(select(Message).where(Message.title == "会费提醒")).one()
    assert firm.id in message.audience["member_ids"] and school.id not in message.audience["member_ids"]


def test_an_expense_over_the_threshold_waits_for_the_director(session, books):
    people, _, _ = books
    big = funds.record_expense(session, people["office"], spent_on=date(2026, 5, 1), amount_fen=800_000,
                               category="meetings", description="理事会会务")
    small = funds.record_expense(session, people["office"], spent_on=date(2026, 5, 2), amount_fen=12_345,
                                 category="publicity", description="宣传册")
    assert (big.status, small.status) == ("pending", "approved")
    with pytest.raises(PermissionDenied):
        funds.approve_expense(session, people["office"], expense_id=big.id, expected_version=1)
    session.add(StaffMember(name="主任", position="director", duty_area="general", user_id=people["office"].id))
    session.flush()
    funds.approve_expense(session, people["office"], expense_id=big.id, expected_version=1)
    table = funds.budget_vs_actual(session, people["council"], year=2026).set_index("key")
    assert table.loc["meetings", "actual_fen"] == 800_000 and table.loc["publicity", "actual_fen"] == 12_345


def test_budget_against_actual_per_category(session, books):
    people, school, _ = books
    funds.set_budget(session, people["office"], year=2026, category="membership_fee", amount_fen=800_000)
    funds.set_budget(session, people["office"], year=2026, category="training", amount_fen=1_000_000)
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=300_000,
                         paid_on=date(2026, 3, 1))
    funds.record_expense(session, people["office"], spent_on=date(2026, 6, 1), amount_fen=333_333,
                         category="training", description="师资培训")
    table = funds.budget_vs_actual(session, people["council"], year=2026).set_index("key")
    assert table.loc["membership_fee"].tolist() == [800_000, 300_000, 500_000]
    assert table.loc["training"].tolist() == [1_000_000, 333_333, 666_667]
    with pytest.raises(PermissionDenied):
        funds.budget_vs_actual(session, people["school"], year=2026)


def test_income_by_source_feeds_budget_vs_actual_to_the_cent(session, books):
    people, school, _ = books
    funds.set_budget(session, people["office"], year=2026, category="government", amount_fen=10_000_000)
    funds.record_income(session, people["office"], received_on=date(2026, 5, 1), amount_fen=3_333_333,
                        source="government", payer="省教育厅 专项")
    funds.record_income(session, people["office"], received_on=date(2026, 6, 1), amount_fen=6_666_667,
                        source="government", payer="省教育厅 专项 二期", files=[("v.pdf", b"%PDF-1.4 x")])
    funds.record_income(session, people["office"], received_on=date(2026, 7, 1), amount_fen=1,
                        source="sponsorship", payer="某企业")
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=299_999,
                         paid_on=date(2026, 3, 1))
    frame = funds.budget_vs_actual(session, people["council"], year=2026).set_index("key")
    assert frame.loc["government", ["budget_fen", "actual_fen", "diff_fen"]].tolist() == [10_000_000, 10_000_000, 0]
    assert frame.loc["sponsorship", "actual_fen"] == 1
    assert frame.loc["membership_fee", "actual_fen"] == 299_999
    assert frame.loc["lead_allocation", "actual_fen"] == 0
    assert funds.incomes(session, people["council"], year=2026)["amount_fen"].sum() == 10_000_001


def test_income_is_staff_only_and_checked(session, books):
    people, _, _ = books
    with pytest.raises(PermissionDenied):
        funds.record_income(session, people["council"], received_on=date(2026, 5, 1), amount_fen=100,
                            source="government", payer="x")
    with pytest.raises(PermissionDenied):
        funds.incomes(session, people["school"], year=2026)
    for source, amount, payer in (("membership_fee", 100, "x"), ("government", 0, "x"), ("government", 100, " ")):
        with pytest.raises(ValidationFailed):
            funds.record_income(session, people["office"], received_on=date(2026, 5, 1), amount_fen=amount,
                                source=source, payer=payer)


def test_the_budget_workbook_holds_yuan_as_numbers_equal_to_the_fen(session, books):
    import io

    import openpyxl

    from core.excel import table_export

    people, school, _ = books
    funds.set_budget(session, people["office"], year=2026, category="membership_fee", amount_fen=1_234_567)
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=100_001,
                         paid_on=date(2026, 3, 1))
    compare = funds.budget_vs_actual(session, people["council"], year=2026)
    money = ["budget_fen", "actual_fen", "diff_fen"]
    book = openpyxl.load_workbook(io.BytesIO(table_export.shown(funds.in_yuan(compare, money), "budget",
                                                                {c: 2 for c in money})))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("key")].value: r for r in sheet.iter_rows(min_row=2) if r[0].value}
    fee = rows["membership_fee"]
    for column, fen in (("budget_fen", 1_234_567), ("actual_fen", 100_001), ("diff_fen", 1_134_566)):
        cell = fee[header.index(column)]
        assert isinstance(cell.value, (int, float)) and cell.value == fen / 100
        assert "0.00" in cell.number_format


def test_the_director_is_told_of_an_expense_waiting_and_sees_it_to_do(session, books):
    people, _, _ = books
    director = acting_as(make_user(session, role="secretariat"))
    session.add(StaffMember(name="主任", position="director", duty_area="general", user_id=director.id))
    session.flush()
    funds.record_expense(session, people["office"], spent_on=date(2026, 5, 2), amount_fen=12_345,
                         category="publicity", description="宣传册")
    assert funds.pending_for_me(session, director) == 0
    big = funds.record_expense(session, people["office"], spent_on=date(2026, 5, 1), amount_fen=800_000,
                               category="meetings", description="理事会会务")
    told = session.exec(select(Message).where(Message.title.contains("理事会会务"))).all()
    assert [m.audience["user_ids"] for m in told] == [[director.id]]
    assert "8,000.00" in told[0].body
    assert (funds.pending_for_me(session, director), funds.pending_for_me(session, people["office"])) == (1, 0)
    funds.approve_expense(session, director, expense_id=big.id, expected_version=1)
    assert funds.pending_for_me(session, director) == 0


def test_an_overpayment_is_refused_unless_meant_and_shown_apart_to_the_cent(session, books):
    people, school, firm = books
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=299_999,
                         paid_on=date(2026, 3, 1))
    with pytest.raises(ValidationFailed) as refused:
        funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=12_346,
                             paid_on=date(2026, 3, 2))
    assert refused.value.key == "funds.over_owed" and refused.value.params == {"owed": "0.01", "amount": "123.46"}
    funds.record_payment(session, people["office"], member_id=school.id, year=2026, amount_fen=12_346,
                         paid_on=date(2026, 3, 2), over_ok=True)
    frame = funds.fees(session, people["council"], year=2026).set_index("member_id")
    assert frame.loc[school.id, ["due_fen", "paid_fen", "owed_fen", "over_fen"]].tolist() == [300_000, 312_345, 0, 12_345]
    assert frame.loc[firm.id, ["owed_fen", "over_fen"]].tolist() == [500_000, 0]
    total = frame[["due_fen", "paid_fen", "over_fen", "owed_fen"]].sum()
    assert total["due_fen"] - total["paid_fen"] + total["over_fen"] == total["owed_fen"] == 500_000


def test_a_second_reminder_within_a_day_is_refused_and_the_last_one_is_known(session, books):
    from datetime import timedelta

    from core.models import AuditLog
    from core.timeutil import utcnow

    people, _, firm = books
    assert funds.last_reminded(session, people["office"], year=2026) is None
    assert funds.remind_arrears(session, people["office"], year=2026, title="会费提醒", body="请缴纳") == 2
    first = funds.last_reminded(session, people["office"], year=2026)
    assert first is not None and utcnow() - first < timedelta(minutes=1)
    with pytest.raises(ValidationFailed) as refused:
        funds.remind_arrears(session, people["office"], year=2026, title="会费提醒", body="请缴纳")
    assert refused.value.key == "funds.reminded_recently"
    assert len(session.exec(select(Message).where(Message.title == "会费提醒")).all()) == 1
    assert funds.last_reminded(session, people["office"], year=2025) is None  # per year
    entry = session.exec(select(AuditLog).where(AuditLog.action == funds.REMINDED)).one()
    entry.at = utcnow() - timedelta(hours=25)  # a day later it may go again
    session.flush()
    assert funds.remind_arrears(session, people["office"], year=2026, title="会费提醒", body="请缴纳") == 2
    with pytest.raises(PermissionDenied):
        funds.last_reminded(session, people["council"], year=2026)


def test_only_the_director_lists_the_expenses_waiting_of_every_year(session, books):
    people, _, _ = books
    director = acting_as(make_user(session, role="secretariat"))
    session.add(StaffMember(name="主任", position="director", duty_area="general", user_id=director.id))
    session.flush()
    old = funds.record_expense(session, people["office"], spent_on=date(2025, 12, 20), amount_fen=900_000,
                               category="meetings", description="年会")
    funds.record_expense(session, people["office"], spent_on=date(2026, 5, 1), amount_fen=800_000,
                         category="training", description="师资培训")
    funds.record_expense(session, people["office"], spent_on=date(2026, 5, 2), amount_fen=100, category="publicity",
                         description="小额")
    assert funds.pending_expenses(session, director)["description"].tolist() == ["年会", "师资培训"]
    funds.approve_expense(session, director, expense_id=old.id, expected_version=1)
    assert funds.pending_expenses(session, director)["description"].tolist() == ["师资培训"]
    with pytest.raises(PermissionDenied):
        funds.pending_expenses(session, people["office"])
