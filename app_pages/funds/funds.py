"""Funds (经费): budget against actual by category or plan area, fees due, paid and owed, and the
secretariat's books (budget lines, fee schedule, payments with vouchers, expenses with approval
by the director above the threshold). A liaison sees its own unit's fees and payments only."""
from datetime import date

import streamlit as st

from core import ui
from core.attachments import UPLOAD_EXTENSIONS
from core.auth import STAFF_ROLES
from core.funds import funds
from core.funds.models import Source, Use
from core.models import MemberType, Role
from core.timeutil import china_today
from core.ui.funds import approvals_box, book_table, budget_chart, corrections_tab, fen, money_table, yuan

user = ui.guard("funds")
ui.page_header("funds", "funds.subtitle_member" if user.role == Role.MEMBER else "funds.subtitle")
FLASH = "funds_flash"
ui.show_flash(FLASH)
this_year = china_today().year
year = st.selectbox(ui.t("funds.year"), list(range(this_year + 1, this_year - 4, -1)), index=1, key="funds_year")


def own_unit() -> None:
    frame = ui.read(funds.fees, user, year=year)
    money = ["due_fen", "paid_fen", "owed_fen", *(["over_fen"] if frame["over_fen"].any() else [])]
    st.dataframe(money_table(frame, money)[["unit", *money]]
                 .rename(columns=lambda c: ui.t(f"funds.col_{c}")), hide_index=True, width="stretch")
    paid = ui.read(funds.payments, user, member_id=user.member_id)
    st.subheader(ui.t("funds.payments"))
    if paid.empty:
        st.caption(ui.t("funds.no_payments"))
    else:
        book_table(paid, ["year", "paid_on", "amount_fen", "note"])


if user.role == Role.MEMBER:
    own_unit()
    st.stop()

if ui.read(funds.is_director, user):
    approvals_box(user, flash_key=FLASH)  # what waits for the director, above everything else
by = st.segmented_control(ui.t("funds.by"), ["category", "area"], default="category", key="funds_by",
                          format_func=lambda b: ui.t(f"funds.by_{b}")) or "category"
compare = ui.read(funds.budget_vs_actual, user, year=year, by=by)
areas = ui.read(funds.plan_areas, user)
labels = compare["key"].map(lambda k: ui.t(f"fund_category.{k}") if by == "category"
                            else areas.get(k, ui.t("funds.no_area")))
table = money_table(compare.assign(key=labels), ["budget_fen", "actual_fen", "diff_fen"]) \
    .rename(columns=lambda c: ui.t(f"funds.col_{c}"))
st.dataframe(table, hide_index=True, width="stretch")
budget_chart(compare.assign(key=labels))
money = ["budget_fen", "actual_fen", "diff_fen"]
ui.export_table(funds.in_yuan(compare.assign(key=labels), money).rename(columns=lambda c: ui.t(f"funds.col_{c}")),
                ui.t("funds.compare_title", year=year), key="funds_export",
                decimals={ui.t(f"funds.col_{c}"): 2 for c in money})
fees = ui.read(funds.fees, user, year=year)
st.subheader(ui.t("funds.fees"))
st.caption(ui.t("funds.fees_total", due=yuan(fees["due_fen"].sum()), paid=yuan(fees["paid_fen"].sum()),
                over=yuan(fees["over_fen"].sum()), owed=yuan(fees["owed_fen"].sum()),
                count=int((fees["owed_fen"] > 0).sum())))
arrears = fees[fees["owed_fen"] > 0]
st.dataframe(money_table(arrears, ["due_fen", "paid_fen", "owed_fen"])[["unit", "due_fen", "paid_fen", "owed_fen"]]
             .rename(columns=lambda c: ui.t(f"funds.col_{c}")), hide_index=True, width="stretch")
if user.role not in STAFF_ROLES:
    st.stop()
last = ui.read(funds.last_reminded, user, year=year)
st.caption(ui.t("funds.last_reminded", at=ui.when(last)) if last else ui.t("funds.never_reminded"))
if not arrears.empty and ui.confirm_button(ui.t("funds.remind", count=len(arrears)), key="funds_remind",
                                           message=ui.t("funds.remind_sure", count=len(arrears)),
                                           icon=":material/notifications:"):
    ui.save_and_rerun(funds.remind_arrears, user, year=year, title=ui.t("funds.remind_title", year=year),
                      body=ui.t("funds.remind_body", year=year), flash_key=FLASH, flash="funds.reminded")

units = dict(zip(fees["member_id"], fees["unit"], strict=True))
owed = dict(zip(fees["member_id"], fees["owed_fen"], strict=True))
owing = [m for m in units if owed[m] > 0]
PAY = ("funds_pay_unit", "funds_pay_amount", "funds_pay_note", "funds_pay_voucher", "funds_pay_over")
pay, income, spend, fix, plan = st.tabs([ui.t("funds.tab_payment"), ui.t("funds.tab_income"),
                                         ui.t("funds.tab_expense"), ui.t("funds.tab_correct"), ui.t("funds.tab_budget")])
with pay, st.form("funds_payment"):
    # the first unit that still owes comes first: the one paid in full is rarely the next to pay
    unit = st.selectbox(ui.t("funds.col_unit"), list(units), key=ui.fresh_key("funds_pay_unit"),
                        index=list(units).index(owing[0]) if owing else 0,
                        format_func=lambda m: ui.t("funds.unit_owes", unit=units[m], owed=yuan(owed[m])) if owed[m]
                        else ui.t("funds.unit_paid_up", unit=units[m]))
    a, b = st.columns(2)
    amount = a.number_input(ui.t("funds.amount_yuan"), min_value=0.0, step=100.0, format="%.2f",
                            key=ui.fresh_key("funds_pay_amount"))
    paid_on = b.date_input(ui.t("funds.col_paid_on"), value=china_today(), key="funds_pay_on")
    note = st.text_input(ui.t("funds.col_note"), max_chars=500, key=ui.fresh_key("funds_pay_note"))
    voucher = st.file_uploader(ui.t("funds.voucher"), type=UPLOAD_EXTENSIONS, key=ui.fresh_key("funds_pay_voucher"))
    over_ok = st.checkbox(ui.t("funds.over_ok"), key=ui.fresh_key("funds_pay_over"))
    if st.form_submit_button(ui.t("funds.record_payment"), type="primary"):
        ui.save_and_rerun(funds.record_payment, user, member_id=unit, year=year, amount_fen=fen(amount),
                          paid_on=paid_on, note=note, over_ok=over_ok,
                          files=[(voucher.name, voucher.getvalue())] if voucher else [],
                          flash_key=FLASH, flash="funds.saved", clear=PAY)
with income:
    with st.form("funds_income"):
        a, b, c = st.columns(3)
        source = a.selectbox(ui.t("funds.col_source"), list(funds.INCOME_SOURCES), key="funds_inc_source",
                             format_func=lambda k: ui.t(f"fund_category.{k}"))
        amount = b.number_input(ui.t("funds.amount_yuan"), min_value=0.0, step=1000.0, format="%.2f",
                                key=ui.fresh_key("funds_inc_amount"))
        received_on = c.date_input(ui.t("funds.col_received_on"), value=min(china_today(), date(year, 12, 31)),
                                   key="funds_inc_on")
        payer = st.text_input(ui.t("funds.col_payer"), max_chars=500, key=ui.fresh_key("funds_inc_payer"))
        voucher = st.file_uploader(ui.t("funds.voucher"), type=UPLOAD_EXTENSIONS, key=ui.fresh_key("funds_inc_voucher"))
        if st.form_submit_button(ui.t("funds.record_income"), type="primary"):
            ui.save_and_rerun(funds.record_income, user, received_on=received_on, amount_fen=fen(amount),
                              source=source, payer=payer, files=[(voucher.name, voucher.getvalue())] if voucher else [],
                              flash_key=FLASH, flash="funds.saved",
                              clear=("funds_inc_amount", "funds_inc_payer", "funds_inc_voucher"))
    received = ui.read(funds.incomes, user, year=year)
    if not received.empty:
        book_table(received, ["received_on", "source", "amount_fen", "payer"])
with spend:
    with st.form("funds_expense"):
        a, b, c = st.columns(3)
        category = a.selectbox(ui.t("funds.col_category"), list(Use), key="funds_exp_category",
                               format_func=lambda k: ui.t(f"fund_category.{k}"))
        amount = b.number_input(ui.t("funds.amount_yuan"), min_value=0.0, step=100.0, format="%.2f",
                                key=ui.fresh_key("funds_exp_amount"))
        spent_on = c.date_input(ui.t("funds.col_spent_on"), value=min(china_today(), date(year, 12, 31)),
                                key="funds_exp_on")
        description = st.text_input(ui.t("funds.col_description"), max_chars=500, key=ui.fresh_key("funds_exp_description"))
        area = st.selectbox(ui.t("funds.area"), [None, *areas], key="funds_exp_area",
                            format_func=lambda k: ui.t("funds.no_area") if k is None else areas[k])
        voucher = st.file_uploader(ui.t("funds.voucher"), type=UPLOAD_EXTENSIONS, key=ui.fresh_key("funds_exp_voucher"))
        st.caption(ui.t("funds.threshold", amount=yuan(ui.read(funds.approval_threshold))))
        if st.form_submit_button(ui.t("funds.record_expense"), type="primary"):
            ui.save_and_rerun(funds.record_expense, user, spent_on=spent_on, amount_fen=fen(amount), category=category,
                              description=description, plan_area_id=area,
                              files=[(voucher.name, voucher.getvalue())] if voucher else [], flash_key=FLASH,
                              flash="funds.saved", clear=("funds_exp_amount", "funds_exp_description", "funds_exp_voucher"))
    spent = ui.read(funds.expenses, user, year=year)
    if not spent.empty:
        book_table(spent, ["spent_on", "category", "amount_fen", "description"])
    waiting = spent[(spent["status"] == "pending") & spent["voided_at"].isna()]
    if not waiting.empty and ui.read(funds.is_director, user):
        st.caption(ui.t("funds.approve_at_top"))
with fix:
    corrections_tab(user, year=year, units=units, areas=areas, flash_key=FLASH)
with plan:
    with st.form("funds_budget"):
        a, b = st.columns(2)
        line = a.selectbox(ui.t("funds.col_category"), [*Source, *Use], key="funds_budget_category",
                           format_func=lambda k: ui.t(f"fund_category.{k}"))
        amount = b.number_input(ui.t("funds.amount_yuan"), min_value=0.0, step=1000.0, format="%.2f",
                                key="funds_budget_amount")
        budget_area = st.selectbox(ui.t("funds.area"), [None, *areas], key="funds_budget_area",
                                   format_func=lambda k: ui.t("funds.no_area") if k is None else areas[k])
        if st.form_submit_button(ui.t("funds.set_budget"), type="primary"):
            ui.save_and_rerun(funds.set_budget, user, year=year, category=line, amount_fen=fen(amount),
                              plan_area_id=budget_area,
                              flash_key=FLASH, flash="funds.saved")
    with st.form("funds_rate"):
        rates = ui.read(funds.fee_rates, user, year=year)
        a, b = st.columns(2)
        kind = a.selectbox(ui.t("funds.member_type"), list(MemberType), key="funds_rate_type",
                           format_func=lambda k: ui.t(f"member_type.{k}"))
        amount = b.number_input(ui.t("funds.amount_yuan"), min_value=0.0, step=100.0, format="%.2f",
                                key="funds_rate_amount")
        st.caption(" · ".join(f"{ui.t(f'member_type.{k}')} {yuan(v)}" for k, v in rates.items()))
        if st.form_submit_button(ui.t("funds.set_rate"), type="primary"):
            ui.save_and_rerun(funds.set_fee_rate, user, year=year, member_type=kind, amount_fen=fen(amount),
                              flash_key=FLASH, flash="funds.saved")
