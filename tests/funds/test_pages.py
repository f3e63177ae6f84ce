"""The funds page under AppTest (tests/test_pages.py opens it for every role): a liaison sees only
its own unit; the secretariat records a payment through the form; figures tie out to the cent."""
from __future__ import annotations

from sqlmodel import func, select

from core.funds.models import FeePayment
from core.models import User
from tests.pages_support import app_as, button, session_scope


def test_a_liaison_sees_its_own_unit_only(demo_db_url):
    at = app_as(demo_db_url, "member", "funds")
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value) == 1  # its own fee line


def test_the_secretariat_records_a_payment_to_the_fen(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "funds")
    unit = at.selectbox(key="funds_pay_unit").value
    at.number_input(key="funds_pay_amount").set_value(1234.56)
    button(at, "funds.record_payment").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.exec(select(FeePayment.amount_fen).where(FeePayment.member_id == unit)
                            .order_by(FeePayment.id.desc())).first() == 123_456
        assert session.exec(select(func.count()).select_from(User)).one() >= 4


def test_the_secretariat_records_sponsorship_income_to_the_fen(demo_db_url):
    from core.funds.models import Income

    at = app_as(demo_db_url, "secretariat", "funds")
    at.selectbox(key="funds_inc_source").set_value("sponsorship")
    at.number_input(key="funds_inc_amount").set_value(8765.43)
    at.text_input(key="funds_inc_payer").set_value("合作企业 赞助技能大赛")
    button(at, "funds.record_income").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(Income).order_by(Income.id.desc())).first()
        assert (row.source, row.amount_fen, row.payer) == ("sponsorship", 876_543, "合作企业 赞助技能大赛")
