"""The funds page under AppTest (tests/test_pages.py opens it for every role): a liaison sees only
its own unit; the secretariat records a payment through the form; figures tie out to the cent."""
from __future__ import annotations

from sqlmodel import func, select

from core.funds.models import FeePayment
from core.i18n import translate
from core.models import User
from core.timeutil import china_today
from tests.pages_support import app_as, button, session_scope


def test_a_liaison_sees_its_own_unit_only(demo_db_url):
    at = app_as(demo_db_url, "member", "funds")
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 1  # its own fee line


def _payments_of(url, unit):
    with session_scope(url) as session:
        return session.exec(select(FeePayment.amount_fen, FeePayment.note).where(FeePayment.member_id == unit)
                            .order_by(FeePayment.id)).all()


def _fees(url, unit):
    from core.auth import acting_as
    from core.funds import funds

    with session_scope(url) as session:
        office = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
        frame = funds.fees(session, office, year=china_today().year, member_id=unit)
        return frame if unit is None else frame.iloc[0]


def test_the_secretariat_records_a_payment_to_the_fen_and_the_form_starts_empty(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "funds")
    unit = at.selectbox(key="funds_pay_unit_0").value
    assert _fees(demo_db_url, unit)["owed_fen"] > 0  # a unit in arrears is offered first, not one paid up
    before = _payments_of(demo_db_url, unit)
    at.number_input(key="funds_pay_amount_0").set_value(1234.56)
    at.text_input(key="funds_pay_note_0").set_value("银行转账 第一期")
    button(at, "funds.record_payment").click().run()
    assert not at.exception and not at.error
    assert _payments_of(demo_db_url, unit) == [*before, (123_456, "银行转账 第一期")]
    # saved: the form is empty again, so a second click records nothing twice
    assert at.number_input(key="funds_pay_amount_1").value == 0.0 and at.text_input(key="funds_pay_note_1").value == ""
    button(at, "funds.record_payment").click().run()
    assert [e.value for e in at.error] == [translate("funds.bad_amount")]
    assert len(_payments_of(demo_db_url, unit)) == len(before) + 1
    with session_scope(demo_db_url) as session:
        assert session.exec(select(func.count()).select_from(User)).one() >= 4


def test_a_payment_above_what_is_owed_waits_for_the_tick_and_keeps_what_was_typed(demo_db_url):
    from core.ui.funds import yuan

    at = app_as(demo_db_url, "secretariat", "funds")
    unit = at.selectbox(key="funds_pay_unit_0").value
    owed = int(_fees(demo_db_url, unit)["owed_fen"])
    before = _payments_of(demo_db_url, unit)
    at.number_input(key="funds_pay_amount_0").set_value((owed + 1) / 100)  # one fen too many
    button(at, "funds.record_payment").click().run()
    assert [e.value for e in at.error] == [translate("funds.over_owed", owed=yuan(owed), amount=yuan(owed + 1))]
    assert at.number_input(key="funds_pay_amount_0").value == (owed + 1) / 100  # nothing typed is lost
    assert _payments_of(demo_db_url, unit) == before
    at.checkbox(key="funds_pay_over_0").check()
    button(at, "funds.record_payment").click().run()
    assert not at.exception and not at.error
    fees = _fees(demo_db_url, unit)
    assert (fees["owed_fen"], fees["over_fen"]) == (0, 1)
    every = _fees(demo_db_url, None)  # the caption adds up: due - paid + overpaid = owed, to the cent
    assert every["due_fen"].sum() - every["paid_fen"].sum() + every["over_fen"].sum() == every["owed_fen"].sum()
    assert translate("funds.fees_total", due=yuan(every["due_fen"].sum()), paid=yuan(every["paid_fen"].sum()),
                     over="0.01", owed=yuan(every["owed_fen"].sum()),
                     count=int((every["owed_fen"] > 0).sum())) in [c.value for c in at.caption]


def test_the_secretariat_records_sponsorship_income_to_the_fen(demo_db_url):
    from core.funds.models import Income

    at = app_as(demo_db_url, "secretariat", "funds")
    at.selectbox(key="funds_inc_source").set_value("sponsorship")
    at.number_input(key="funds_inc_amount_0").set_value(8765.43)
    at.text_input(key="funds_inc_payer_0").set_value("合作企业 赞助技能大赛")
    button(at, "funds.record_income").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(Income).order_by(Income.id.desc())).first()
        assert (row.source, row.amount_fen, row.payer) == ("sponsorship", 876_543, "合作企业 赞助技能大赛")
    assert (at.number_input(key="funds_inc_amount_1").value, at.text_input(key="funds_inc_payer_1").value) == (0.0, "")


# ---------------------------------------------------------------- corrections through the widgets
def _lead_payments(url):
    from core.funds.models import FeePayment
    from core.models import MemberUnit

    with session_scope(url) as session:
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        rows = session.exec(select(FeePayment).where(FeePayment.member_id == lead.id).order_by(FeePayment.id)).all()
        return lead.id, [(r.id, r.amount_fen, r.voided_at is not None) for r in rows]


def _open_payment(at, unit, row_id):
    at.selectbox(key="funds_fix_unit").set_value(unit).run()
    at.selectbox(key="funds_fix_row_payment").set_value(row_id).run()
    return f"form_funds_payment_{row_id}_0_"


def test_the_secretariat_corrects_a_payment_and_the_fees_follow_to_the_fen(demo_db_url):
    from core.auth import acting_as
    from core.funds import funds

    unit, rows = _lead_payments(demo_db_url)
    row_id = next(i for i, _, voided in rows if not voided)
    at = app_as(demo_db_url, "secretariat", "funds")
    prefix = _open_payment(at, unit, row_id)
    at.number_input(key=prefix + "amount").set_value(0.0)
    button(at, "funds.fix_save").click().run()
    assert [e.value for e in at.error] == [translate("funds.bad_amount")]
    at.number_input(key=prefix + "amount").set_value(2999.99)
    at.text_input(key=prefix + "note").set_value("银行转账（更正金额）")
    button(at, "funds.fix_save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        office = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
        fees = funds.fees(session, office, year=china_today().year, member_id=unit)
        assert fees.loc[0, ["paid_fen", "owed_fen"]].tolist() == [299_999, 1]
    prefix = prefix.replace("_0_", "_1_")  # the form reloaded with the saved row
    at.number_input(key=prefix + "amount").set_value(3000.50)  # into overpayment: refused until meant
    button(at, "funds.fix_save").click().run()
    assert [e.value for e in at.error] == [translate("funds.over_owed", owed="3,000.00", amount="3,000.50")]
    at.checkbox(key=prefix + "over").check()
    button(at, "funds.fix_save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        fees = funds.fees(session, office, year=china_today().year, member_id=unit)
        assert fees.loc[0, ["paid_fen", "over_fen"]].tolist() == [300_050, 50]


def test_a_stale_correction_is_refused_with_a_message_and_nothing_written(demo_db_url):
    from core.auth import acting_as
    from core.funds import corrections
    from core.funds.models import FeePayment

    unit, rows = _lead_payments(demo_db_url)
    row_id = next(i for i, _, voided in rows if not voided)
    at = app_as(demo_db_url, "secretariat", "funds")
    prefix = _open_payment(at, unit, row_id)
    with session_scope(demo_db_url) as session:  # someone else saves first
        office = acting_as(session.exec(select(User).where(User.username == "demo-admin")).one())
        row = session.get(FeePayment, row_id)
        corrections.correct_payment(session, office, payment_id=row_id, expected_version=row.version,
                                    member_id=unit, year=row.year, amount_fen=111_111, paid_on=row.paid_on)
    at.number_input(key=prefix + "amount").set_value(2222.22)
    button(at, "funds.fix_save").click().run()
    assert translate("common.stale_edit") in [e.value for e in at.error]
    with session_scope(demo_db_url) as session:
        assert session.get(FeePayment, row_id).amount_fen == 111_111


def test_the_admin_voids_an_expense_with_a_reason_and_it_stays_listed(demo_db_url):
    from core.funds.models import Expense

    with session_scope(demo_db_url) as session:
        expense_id = session.exec(select(Expense.id).where(Expense.category == "publicity")).one()
    at = app_as(demo_db_url, "admin", "funds")
    at.segmented_control(key="funds_fix_book").set_value("expense").run()
    at.selectbox(key="funds_fix_row_expense").set_value(expense_id).run()
    at.button(key="funds_void_expense").click().run()
    at.button(key="funds_void_expense_confirm").click().run()
    assert [e.value for e in at.error] == [translate("funds.reason_required")]
    at.text_input(key=f"form_funds_expense_{expense_id}_0_reason").set_value("供应商重复开票")
    at.button(key="funds_void_expense").click().run()
    at.button(key="funds_void_expense_confirm").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.get(Expense, expense_id)
        assert row.voided_at is not None and row.void_reason == "供应商重复开票"
    shown = [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]
    assert translate("funds.status_voided", reason="供应商重复开票") in shown


def test_the_council_reads_without_corrections_and_the_liaison_sees_its_voided_payment(demo_db_url):
    council = app_as(demo_db_url, "council", "funds")
    assert not council.exception and not council.error
    assert not [s for s in council.selectbox if s.key == "funds_fix_unit"]
    member = app_as(demo_db_url, "member", "funds")
    payments = member.dataframe[1].value
    assert translate("funds.status_voided", reason="重复录入") in set(payments.iloc[:, -1])


def test_the_demo_director_approves_the_platform_upkeep(demo_db_url):
    from core import auth
    from core.demo import DEMO_PASSWORD
    from core.funds.models import Expense
    from tests.pages_support import app, page_path

    with session_scope(demo_db_url) as session:
        pending = session.exec(select(Expense).where(Expense.status == "pending")).one()
        expense_id = pending.id
        director = auth.authenticate(session, "demo-director", DEMO_PASSWORD).user
    office = app_as(demo_db_url, "secretariat", "funds")
    assert not [b for b in office.button if b.key == f"funds_ok_{expense_id}"]  # the office records, never approves
    assert translate("home.todo_expenses", count=1) not in [link.proto.label for link in app_as(
        demo_db_url, "secretariat", "home").get("page_link")]
    at = app()
    at.session_state["auth_user"] = director
    at.run()  # home: the director's to-do links to the expense waiting
    assert translate("home.todo_expenses", count=1) in [link.proto.label for link in at.get("page_link")]
    at.switch_page(page_path("funds")).run()
    # at the top of the page, in its own box, not only at the foot of the expenses tab
    assert f"**{translate('funds.to_approve')}**" in [m.value for m in at.markdown]
    assert translate("funds.approve_at_top") in [c.value for c in at.caption]
    at.button(key=f"funds_ok_{expense_id}").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.get(Expense, expense_id)
        assert (row.status, row.approved_by) == ("approved", director.id)


def test_raising_an_approved_expense_in_the_form_sends_it_back_to_the_director(demo_db_url):
    from core.funds.models import Expense

    with session_scope(demo_db_url) as session:
        expense_id = session.exec(select(Expense.id).where(Expense.category == "meetings")).one()
    at = app_as(demo_db_url, "secretariat", "funds")
    at.segmented_control(key="funds_fix_book").set_value("expense").run()
    at.selectbox(key="funds_fix_row_expense").set_value(expense_id).run()
    at.number_input(key=f"form_funds_expense_{expense_id}_0_amount").set_value(23650.01)  # the 18,650.00 会务费 over the 5,000 threshold
    button(at, "funds.fix_save").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.get(Expense, expense_id)
        assert (row.amount_fen, row.status, row.category) == (2_365_001, "pending", "meetings")


def test_the_demo_director_is_asked_today_only_about_the_expense_still_waiting(demo_db_url):
    from core.funds.models import Expense
    from core.models import Message, ReadReceipt

    with session_scope(demo_db_url) as session:
        director = session.exec(select(User).where(User.username == "demo-director")).one()
        asked = session.exec(select(Message).where(Message.title.startswith(translate(
            "funds.msg_pending_title", description="")))).all()
        read = set(session.exec(select(ReadReceipt.message_id).where(ReadReceipt.user_id == director.id)).all())
        waiting = session.exec(select(Expense.description).where(Expense.status == "pending")).all()
    unread = [m.title for m in asked if m.id not in read]
    assert len(asked) > len(unread) and unread == [translate("funds.msg_pending_title", description=d) for d in waiting]


def test_the_office_reminds_the_arrears_once_after_confirming_and_sees_when(demo_db_url):
    from core.models import Message

    at = app_as(demo_db_url, "secretariat", "funds")
    assert translate("funds.never_reminded") in [c.value for c in at.caption]
    title = translate("funds.remind_title", year=china_today().year)
    at.button(key="funds_remind").click().run()  # first click: asked, nothing sent
    with session_scope(demo_db_url) as session:
        assert not session.exec(select(Message).where(Message.title == title)).all()
    at.button(key="funds_remind_confirm").click().run()
    assert not at.exception and not at.error
    assert any(c.value.startswith(translate("funds.last_reminded", at="")) for c in at.caption)
    at.button(key="funds_remind").click().run()
    at.button(key="funds_remind_confirm").click().run()  # a second one the same day is refused, said why
    assert [e.value.split("{")[0][:6] for e in at.error] == [translate("funds.reminded_recently", at="")[:6]]
    with session_scope(demo_db_url) as session:
        assert len(session.exec(select(Message).where(Message.title == title)).all()) == 1


def test_english_labels_whole_a_liaison_subtitle_and_no_dangling_separator(demo_db_url):
    import json

    from core.ui.funds import _label

    at = app_as(demo_db_url, "secretariat", "funds")
    at.session_state["ui_lang"] = "en"
    at.run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == 0  # "Government project funds", not "Government proj…"
    member = app_as(demo_db_url, "member", "funds")
    assert translate("funds.subtitle_member") in [c.value for c in member.caption]
    assert translate("funds.subtitle") not in [c.value for c in member.caption]
    row = {"id": 7, "paid_on": "2026-03-01", "amount_fen": 123_456, "note": "", "voided_at": None}
    assert _label(row, "payment") == f"#7 · 2026-03-01 · 1,234.56 {translate('funds.yuan_unit')}"


def test_an_expense_saved_leaves_its_form_empty_for_the_next(demo_db_url):
    from core.funds.models import Expense

    at = app_as(demo_db_url, "secretariat", "funds")
    at.number_input(key="funds_exp_amount_0").set_value(456.78)
    at.text_input(key="funds_exp_description_0").set_value("宣传展板制作")
    button(at, "funds.record_expense").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.exec(select(func.count()).select_from(Expense).where(
            Expense.description == "宣传展板制作", Expense.amount_fen == 45_678)).one() == 1
    assert (at.number_input(key="funds_exp_amount_1").value, at.text_input(key="funds_exp_description_1").value) \
        == (0.0, "")
