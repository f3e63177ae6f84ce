"""Widgets of the funds page: money shown in yuan to the fen, the books' lists with voided rows
marked, and the secretariat's corrections — pick a payment, income or expense, correct it in a
form (refused when someone saved in between), void it with a reason, add a voucher."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from core import attachments, charts
from core.attachments import UPLOAD_EXTENSIONS
from core.funds import corrections, funds
from core.funds.models import Use
from core.safe_text import plain
from core.timeutil import china_today
from core.ui.language import t
from core.ui.session import read
from core.ui.widgets import confirm_button, edit_version, field_key, save_and_rerun

BOOKS = ("payment", "income", "expense")


def yuan(fen) -> str:
    return f"{Decimal(int(fen)) / 100:,.2f}"


def fen(value) -> int:
    """A yuan figure typed in a form as whole fen (through its decimal text, never a float sum)."""
    return int((Decimal(str(value or 0)) * 100).quantize(Decimal(1)))


def money_table(frame: pd.DataFrame, columns) -> pd.DataFrame:
    shown = frame.copy()
    for column in columns:
        shown[column] = shown[column].map(yuan)
    return shown


def state(row) -> str:
    """A row's standing in the books: voided (with the reason) or, for an expense, its approval."""
    if pd.notna(row.get("voided_at")):
        return t("funds.status_voided", reason=row.get("void_reason") or "")
    status = row.get("status")
    return t(f"funds.status_{status}") if isinstance(status, str) else t("funds.status_valid")


def book_table(frame: pd.DataFrame, columns: list[str]) -> None:
    """A list of payments, incomes or expenses, voided ones kept and marked."""
    shown = frame.assign(status=[state(r) for r in frame.to_dict("records")])
    for code in ("source", "category"):
        if code in shown:
            shown[code] = shown[code].map(lambda k: t(f"fund_category.{k}"))
    st.dataframe(money_table(shown, ["amount_fen"])[[*columns, "status"]]
                 .rename(columns=lambda c: t(f"funds.col_{c}")), hide_index=True, width="stretch")


def budget_chart(compare: pd.DataFrame) -> None:
    """Budget beside actual per line (labels already translated), in yuan: each line's name whole,
    wrapped onto more lines when long ("Government project funds" is never cut short)."""
    frame = compare.melt(id_vars="key", value_vars=["budget_fen", "actual_fen"])
    series, line, amount = t("funds.series"), t("funds.col_key"), t("funds.yuan")
    frame = frame.assign(**{amount: frame["value"] / 100, series: frame["variable"].map(lambda c: t(f"funds.col_{c}")),
                            line: frame["key"].map(charts.wrap_label)})
    lines = int(frame[line].str.count("\n").max()) + 1 if len(frame) else 1
    order = list(dict.fromkeys(frame[line]))
    kinds = [t("funds.col_budget_fen"), t("funds.col_actual_fen")]  # budget first, then what was spent
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{line}:N", sort=order, title=None, axis=charts.category_axis()),
        yOffset=alt.YOffset(f"{series}:N", sort=kinds),
        x=alt.X(f"{amount}:Q", title=amount, axis=alt.Axis(format=",.0f")),
        color=alt.Color(f"{series}:N", scale=alt.Scale(domain=kinds, range=[charts.SKY, charts.SEA]),
                        legend=charts.top_legend(2)),
        tooltip=[alt.Tooltip(f"{line}:N"), alt.Tooltip(f"{series}:N"), alt.Tooltip(f"{amount}:Q", format=",.2f")])
    height = charts.rows_height(len(order), lines, least=2 * charts.row_height(1), legend=True)
    st.altair_chart(chart.properties(height=height), width="stretch")


def approvals_box(user, *, flash_key: str) -> None:
    """The director's to-do at the top of the page: each expense waiting, with its approve button."""
    waiting = read(funds.pending_expenses, user)
    if waiting.empty:
        return
    with st.container(border=True):
        st.markdown(f"**{t('funds.to_approve')}**")
        st.caption(t("funds.to_approve_hint"))
        for row in waiting.itertuples():
            text, go = st.columns([4, 1], vertical_alignment="center")
            text.write(f"{row.spent_on} · {t(f'fund_category.{row.category}')} · {plain(row.description)} · "
                       f"{yuan(row.amount_fen)} {t('funds.yuan_unit')}")
            if go.button(t("funds.approve_short"), key=f"funds_ok_{row.id}", type="primary", icon=":material/check:",
                         help=t("funds.approve", what=plain(row.description), amount=yuan(row.amount_fen))):
                save_and_rerun(funds.approve_expense, user, expense_id=int(row.id), expected_version=int(row.version),
                               flash_key=flash_key, flash="funds.approved")


def _label(row: dict, book: str) -> str:
    day = row.get("paid_on") or row.get("received_on") or row.get("spent_on")
    text = row.get("note") or row.get("payer") or row.get("description") or ""
    mark = f" · {t('funds.voided_mark')}" if pd.notna(row.get("voided_at")) else ""
    parts = [f"#{row['id']}", str(day), f"{yuan(row['amount_fen'])} {t('funds.yuan_unit')}", text[:40]]
    return " · ".join(p for p in parts if p) + mark  # no dangling separator when there is no note


def _fields(book: str, row: dict, scope: str, *, units: dict, areas: dict) -> dict:
    """The form's inputs for one row, keyed per row so a stale save sends what was typed."""
    key = lambda field: field_key(scope, int(row["id"]), field)
    a, b = st.columns(2)
    amount = a.number_input(t("funds.amount_yuan"), min_value=0.0, step=100.0, format="%.2f", key=key("amount"),
                            value=int(row["amount_fen"]) / 100)
    day_field = {"payment": "paid_on", "income": "received_on", "expense": "spent_on"}[book]
    day = b.date_input(t(f"funds.col_{day_field}"), value=row[day_field], min_value=date(2000, 1, 1),
                       max_value=date(china_today().year + 1, 12, 31), key=key("day"))
    values = {"amount_fen": fen(amount), day_field: day}
    if book == "payment":
        c, d = st.columns(2)
        values["member_id"] = c.selectbox(t("funds.col_unit"), list(units), format_func=units.get, key=key("unit"),
                                          index=list(units).index(row["member_id"]) if row["member_id"] in units else 0)
        # the row's own year is always offered, so an old payment never moves year unasked
        years = sorted({*range(china_today().year - 5, china_today().year + 2), int(row["year"])}, reverse=True)
        values["year"] = d.selectbox(t("funds.col_year"), years, key=key("year"), index=years.index(int(row["year"])))
        values["note"] = st.text_input(t("funds.col_note"), value=row["note"] or "", max_chars=500, key=key("note"))
        values["over_ok"] = st.checkbox(t("funds.over_ok"), key=key("over"))
    elif book == "income":
        sources = list(funds.INCOME_SOURCES)
        values["source"] = st.selectbox(t("funds.col_source"), sources, index=sources.index(row["source"]),
                                        format_func=lambda k: t(f"fund_category.{k}"), key=key("source"))
        values["payer"] = st.text_input(t("funds.col_payer"), value=row["payer"], max_chars=500, key=key("payer"))
    else:
        uses = list(Use)
        values["category"] = st.selectbox(t("funds.col_category"), uses, index=uses.index(row["category"]),
                                          format_func=lambda k: t(f"fund_category.{k}"), key=key("category"))
        values["description"] = st.text_input(t("funds.col_description"), value=row["description"], max_chars=500,
                                              key=key("description"))
        area = None if pd.isna(row["plan_area_id"]) else int(row["plan_area_id"])
        options = [None, *areas, *([area] if area is not None and area not in areas else [])]  # kept unless changed
        values["plan_area_id"] = st.selectbox(
            t("funds.area"), options, key=key("area"), index=options.index(area),
            format_func=lambda k: t("funds.no_area") if k is None else areas.get(k) or t("funds.other_plan_area", id=k))
    return values


SERVICES = {"payment": (corrections.correct_payment, "payment_id"), "income": (corrections.correct_income, "income_id"),
            "expense": (corrections.correct_expense, "expense_id")}


def corrections_tab(user, *, year: int, units: dict, areas: dict, flash_key: str) -> None:
    """The secretariat's corrections: one book, one row, a form to correct it, a reason to void it."""
    book = st.segmented_control(t("funds.fix_book"), BOOKS, default="payment", key="funds_fix_book",
                                format_func=lambda b: t(f"funds.book_{b}")) or "payment"
    if book == "payment":
        unit = st.selectbox(t("funds.col_unit"), list(units), format_func=units.get, key="funds_fix_unit")
        rows = read(funds.payments, user, member_id=unit, year=year) if unit is not None else pd.DataFrame()
        if not rows.empty:
            book_table(rows, ["paid_on", "amount_fen", "note"])
    else:
        rows = read(funds.incomes if book == "income" else funds.expenses, user, year=year)
    if rows.empty:
        st.caption(t("funds.fix_none"))
        return
    records = {int(r["id"]): r for r in rows.to_dict("records")}
    row_id = st.selectbox(t("funds.fix_pick"), list(records), format_func=lambda i: _label(records[i], book),
                          index=None, placeholder=t("funds.fix_pick_hint"), key=f"funds_fix_row_{book}")
    if row_id is None:
        return
    row, scope = records[row_id], f"funds_{book}"
    if pd.notna(row.get("voided_at")):
        st.warning(t("funds.status_voided", reason=plain(row["void_reason"])), icon=":material/block:")
    else:
        version = edit_version(scope, row_id, int(row["version"]))
        with st.form(f"funds_fix_form_{book}"):
            values = _fields(book, row, scope, units=units, areas=areas)
            if book == "expense":
                st.caption(t("funds.fix_threshold", amount=yuan(read(funds.approval_threshold))))
            if st.form_submit_button(t("funds.fix_save"), type="primary"):
                fn, id_name = SERVICES[book]
                save_and_rerun(fn, user, **{id_name: row_id}, expected_version=version, **values,
                               flash_key=flash_key, flash="funds.corrected", reload=(scope, row_id))
        reason = st.text_input(t("funds.void_reason"), max_chars=500, key=field_key(scope, row_id, "reason"))
        if confirm_button(t("funds.void"), key=f"funds_void_{book}", message=t("funds.void_sure"),
                          icon=":material/block:"):
            save_and_rerun(corrections.void, user, kind=book, row_id=row_id, expected_version=version, reason=reason,
                           flash_key=flash_key, flash="funds.voided_flash", reload=(scope, row_id))
    _vouchers(user, book, row_id, flash_key)


def _vouchers(user, book: str, row_id: int, flash_key: str) -> None:
    files = read(corrections.vouchers, user, kind=book, row_id=row_id)
    st.markdown(f"**{t('funds.voucher')}**")
    if files.empty:
        st.caption(t("funds.no_vouchers"))
    for item in files.itertuples():
        st.download_button(plain(item.filename), lambda file_id=int(item.id): read(attachments.content, user, file_id)[2],
                           file_name=item.filename, mime=item.mime_type, key=f"funds_voucher_{item.id}",
                           icon=":material/attach_file:")
    upload = st.file_uploader(t("funds.voucher_add"), type=UPLOAD_EXTENSIONS, accept_multiple_files=True,
                              key=field_key(f"funds_{book}_files", row_id, "files"))
    if upload and st.button(t("funds.voucher_attach"), key=f"funds_voucher_add_{book}"):
        save_and_rerun(corrections.add_vouchers, user, kind=book, row_id=row_id,
                       files=[(f.name, f.getvalue()) for f in upload], flash_key=flash_key,
                       flash="funds.voucher_added", reload=(f"funds_{book}_files", row_id))
