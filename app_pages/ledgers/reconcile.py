"""Ledgers and indicators (台账对账): reported values against their ledger figures for every linked
indicator; for the secretariat, which indicators a ledger feeds, and the years locked once reported."""
import pandas as pd
import streamlit as st

from core import ui
from core.indicators import catalogue
from core.ledgers import entries, query, reconcile
from core.ledgers.kinds import CODES, KINDS
from core.models import Role
from core.ui import ledgers as ledger_ui

user = ui.guard("ledger_reconcile")
ui.page_header("ledger_reconcile", "ledger_reconcile.subtitle")
ui.show_flash("ledger_reconcile_flash")
lang = ui.lang()
years = ui.read(query.years)
staff = user.role in (Role.SECRETARIAT, Role.ADMIN)

tabs = st.tabs([ui.t("ledger_reconcile.tab_reconcile")]
               + ([ui.t("ledger_reconcile.tab_links"), ui.t("ledger_reconcile.tab_locks")] if staff else []))
with tabs[0]:
    ledger_ui.reconciliation_view(user, key="ledger_reconcile_view", years=years)
if not staff:
    st.stop()

with tabs[1]:
    links = ui.read(reconcile.links)
    name = "name_zh" if lang == "zh" else "name_en"
    if links.empty:
        st.caption(ui.t("ledger_reconcile.no_links"))
    else:
        st.dataframe(pd.DataFrame({
            ui.t("ledger.col_indicator"): links["code"] + " " + links[name],
            ui.t("ledger.col_source"): links["kind"].map(ledger_ui.kind_label),
            ui.t("ledger_reconcile.col_field"): [KINDS[k].field(f).label(lang) if f else ui.t("ledger_reconcile.count")
                                                for k, f in zip(links["kind"], links["field"])],
            ui.t("ledger_reconcile.col_tolerance"): links["tolerance_pct"]}), hide_index=True, width="stretch")
        labels = {int(r.id): f"{r.code} {getattr(r, name)}" for r in links.itertuples()}
        remove = st.selectbox(ui.t("ledger_reconcile.remove_pick"), list(labels), format_func=labels.get,
                              key="ledger_reconcile_remove_pick", index=None, placeholder=ui.t("ledger.choose"))
        if remove is not None and st.button(ui.t("ledger_reconcile.remove"), key="ledger_reconcile_remove"):
            ui.save_and_rerun(reconcile.unlink, user, link_id=remove, flash_key="ledger_reconcile_flash",
                              flash="ledger_reconcile.removed")
    st.subheader(ui.t("ledger_reconcile.add"))
    frame = ui.read(catalogue.catalogue, include_inactive=False)
    free = frame[(frame["formula"] == "") & ~frame["id"].isin(links["indicator_id"])]
    choices = {int(r.id): f"{r.code} {getattr(r, name)}" for r in free.itertuples()}
    a, b, c, d = st.columns(4)
    indicator = a.selectbox(ui.t("ledger.col_indicator"), list(choices), format_func=choices.get, index=None,
                            key="ledger_reconcile_indicator", placeholder=ui.t("ledger.choose"))
    kind = b.selectbox(ui.t("ledger.col_source"), list(CODES), format_func=ledger_ui.kind_label,
                       key="ledger_reconcile_kind")
    fields = [""] + [f.key for f in KINDS[kind].numeric_fields]
    field = c.selectbox(ui.t("ledger_reconcile.col_field"), fields, key=f"ledger_reconcile_field_{kind}",
                        format_func=lambda f: KINDS[kind].field(f).label(lang) if f else ui.t("ledger_reconcile.count"))
    tolerance = d.number_input(ui.t("ledger_reconcile.col_tolerance"), 0.0, 100.0, 5.0, 1.0,
                               key="ledger_reconcile_tolerance")
    if st.button(ui.t("ledger_reconcile.link"), type="primary", key="ledger_reconcile_link", disabled=indicator is None):
        ui.save_and_rerun(reconcile.link, user, indicator_id=indicator, kind=kind, field=field, tolerance_pct=tolerance,
                          flash_key="ledger_reconcile_flash", flash="ledger_reconcile.linked")

with tabs[2]:
    locked = ui.read(entries.locked_years)
    st.caption(ui.t("ledger_reconcile.locks_help"))
    for year in years:
        text, action = st.columns([3, 1], vertical_alignment="center")
        is_locked = year in locked
        text.markdown(ui.t("ledger_reconcile.lock_line", year=year,
                           state=ui.t("ledger_reconcile.locked" if is_locked else "ledger_reconcile.open")))
        if action.button(ui.t("ledger_reconcile.unlock" if is_locked else "ledger_reconcile.lock"),
                         key=f"ledger_reconcile_lock_{year}"):
            ui.save_and_rerun(entries.unlock_year if is_locked else entries.lock_year, user, year=year,
                              flash_key="ledger_reconcile_flash",
                              flash=("ledger_reconcile.unlocked" if is_locked else "ledger_reconcile.locked_now",
                                     {"year": year}))
