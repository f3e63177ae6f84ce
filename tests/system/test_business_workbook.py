"""The full business workbook (in every backup) reads back through each import unchanged."""
from __future__ import annotations

import io

import openpyxl
from sqlmodel import func, select

from core.auth import acting_as
from core.group import member_exchange
from core.indicators import exchange as indicator_exchange
from core.models import IndicatorValue, MemberUnit, User
from core.plan import exchange as plan_exchange
from core.system import business_workbook
from tests.pages_support import session_scope


def _staff(session):
    return acting_as(session.exec(select(User).where(User.role == "secretariat")).first())


def test_business_workbook_imports_back_with_nothing_to_change(demo_db_url):
    with session_scope(demo_db_url) as session:
        staff = _staff(session)
        content = business_workbook.workbook(session, staff, "zh")
        members = member_exchange.plan(session, staff, content, "business.xlsx")
        milestones = plan_exchange.plan_updates(session, staff, content, "business.xlsx")
        values = indicator_exchange.plan(session, staff, content, "business.xlsx")
        stored = session.exec(select(func.count()).select_from(IndicatorValue)).one()
    for plan in (members, milestones, values):
        assert plan.nothing_to_do and not plan.rejects, (plan.kind, plan.summary())
    assert len(members.unchanged) == 64 and len(values.unchanged) == stored


def test_a_change_made_in_the_business_workbook_is_found_by_the_import(demo_db_url):
    with session_scope(demo_db_url) as session:
        staff = _staff(session)
        lead = session.exec(select(MemberUnit).where(MemberUnit.is_lead)).one()
        book = openpyxl.load_workbook(io.BytesIO(business_workbook.workbook(session, staff, "zh")))
        sheet = book.worksheets[0]
        header_row = next(row for row in sheet.iter_rows() if any(c.value == "联系电话" for c in row))
        phone_col = next(c.column for c in header_row if c.value == "联系电话")
        code_col = next(c.column for c in header_row if c.value == "统一社会信用代码")
        for row in sheet.iter_rows(min_row=header_row[0].row + 1):
            if row[code_col - 1].value == lead.credit_code:
                row[phone_col - 1].value = "0531-88886666"
        buffer = io.BytesIO()
        book.save(buffer)
        plan = member_exchange.plan(session, staff, buffer.getvalue(), "business.xlsx")
    assert [change.changes for change in plan.changes] == [{"contact_phone": (lead.contact_phone, "0531-88886666")}]
