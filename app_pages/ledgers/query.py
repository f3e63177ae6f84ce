"""Ledger query (台账查询): search and filters, the results, counts and sums per kind and year with a
chart per kind, drill-down from a count to its rows, one entry in full, every result to Excel."""
import pandas as pd
import streamlit as st

from core import ui
from core.charts import small_multiples
from core.ledgers import exchange, query
from core.ledgers.kinds import CODES, STATUSES
from core.models import MemberType
from core.reference import CITIES
from core.ui import ledgers as ledger_ui

user = ui.guard("ledgers")
PAGE = query.PAGE_ROWS  # rows a page of results shows; the export holds every result
SHOWN = 500  # rows of a drill-down
ui.page_header("ledgers", "ledgers.subtitle")
lang = ui.lang()

units = ui.read(query.unit_names)
years = ui.read(query.years)
# A link from another page (a reconciliation finding) opens with its kind, unit and year chosen.
params = st.query_params
if params.get("kind") in CODES and "ledgers_kinds" not in st.session_state:
    st.session_state["ledgers_kinds"] = [params["kind"]]
    if str(params.get("year", "")).isdigit() and int(params["year"]) in years:
        st.session_state["ledgers_years"] = [int(params["year"])]
    if str(params.get("unit", "")).isdigit() and int(params["unit"]) in units:
        st.session_state["ledgers_units"] = [int(params["unit"])]

text = st.text_input(ui.t("ledgers.search"), key="ledgers_q", placeholder=ui.t("ledgers.search_hint"),
                     max_chars=100)
a, b, c = st.columns(3)
kinds = a.multiselect(ui.t("ledger.col_kind"), list(CODES), format_func=ledger_ui.kind_label, key="ledgers_kinds",
                      placeholder=ui.t("common.choose_all"))
chosen_years = b.multiselect(ui.t("ledger.col_year"), years, key="ledgers_years", placeholder=ui.t("common.choose_all"))
statuses = c.multiselect(ui.t("ledger.col_status"), list(STATUSES), format_func=ledger_ui.status_label,
                         key="ledgers_statuses", placeholder=ui.t("common.choose_all"))
with st.expander(ui.t("ledgers.more_filters"), expanded=bool(st.session_state.get("ledgers_units"))):
    d, e = st.columns(2)
    member_ids = d.multiselect(ui.t("ledger.col_unit"), list(units), format_func=units.get, key="ledgers_units",
                               placeholder=ui.t("common.choose_all"))
    partner_ids = e.multiselect(ui.t("ledger.col_partner"), list(units), format_func=units.get,
                                key="ledgers_partners", placeholder=ui.t("common.choose_all"))
    f, g = st.columns(2)
    unit_types = f.multiselect(ui.t("ledgers.unit_type"), [m.value for m in MemberType],
                               format_func=lambda code: ui.t(f"member_type.{code}"), key="ledgers_types",
                               placeholder=ui.t("common.choose_all"))
    cities = g.multiselect(ui.t("ledgers.city"), CITIES, key="ledgers_cities", placeholder=ui.t("common.choose_all"))
flt = query.LedgerFilter(text=text, kinds=tuple(kinds), years=tuple(chosen_years), member_ids=tuple(member_ids),
                         partner_ids=tuple(partner_ids), unit_types=tuple(unit_types), cities=tuple(cities),
                         statuses=tuple(statuses))

total = ui.read(query.count, user, flt, cap=query.COUNT_CAP)
more = total > query.COUNT_CAP  # counted up to the cap: "1,000+" (the export still holds every result)
shown = f"{query.COUNT_CAP:,}+" if more else f"{total:,}"
st.metric(ui.t("ledgers.found"), shown, help=ui.t("ledgers.count_capped", cap=f"{query.COUNT_CAP:,}"))
if total == 0:
    st.info(ui.t("ledger.nothing_found"), icon=":material/search_off:")
    st.stop()
ui.download_workbook(ui.t("ledgers.export_all", count=shown),
                     lambda: ui.read(exchange.export_workbook, user, flt, lang),
                     file_name=ui.t("ledgers.export_file"), key="ledgers_export")

results_tab, summary_tab = st.tabs([ui.t("ledgers.tab_results"), ui.t("ledgers.tab_summary")])
with results_tab:
    pages = -(-min(total, query.COUNT_CAP) // PAGE)  # beyond the cap: refine the search, or export
    if st.session_state.get("ledgers_paged_filter") != flt or st.session_state.get("ledgers_page", 1) > pages:
        st.session_state["ledgers_paged_filter"], st.session_state["ledgers_page"] = flt, 1  # a new search: page 1
    page = 1
    if pages > 1:
        page = int(st.number_input(ui.t("ledgers.page"), min_value=1, max_value=pages, step=1, key="ledgers_page"))
        st.caption(ui.t("ledgers.page_of_more" if more else "ledgers.page_of", first=f"{(page - 1) * PAGE + 1:,}",
                        last=f"{min(total, page * PAGE):,}", total=shown))
    elif more:  # a page smaller than the cap (never with today's sizes): still say there is more
        st.caption(ui.t("ledgers.page_of_more", first="1", last=f"{PAGE:,}", total=shown))
    frame = ui.read(query.search, user, flt, limit=PAGE, offset=(page - 1) * PAGE)
    table = ledger_ui.results_table(frame)
    st.dataframe(table, hide_index=True, width="stretch", key="ledgers_table", placeholder="—", column_config={
        ui.t("ledger.col_title"): st.column_config.TextColumn(width="large")})
    ui.export_table(table, ui.t("page.ledgers"), key="ledgers_export_shown")
    labels = ledger_ui.entry_labels(frame)
    picked = st.selectbox(ui.t("ledgers.open"), list(labels), format_func=labels.get, index=None,
                          key="ledgers_pick", placeholder=ui.t("ledgers.pick_hint"))
    if picked is not None:
        ledger_ui.entry_detail(user, picked, key="ledgers_detail")

with summary_tab:
    summary = ui.read(query.summary, user, flt)
    shown = pd.DataFrame({
        ui.t("ledger.col_kind"): summary["kind"].map(ledger_ui.kind_label),
        ui.t("ledger.col_year"): summary["year"].astype(str),
        ui.t("ledgers.col_count"): summary["count"],
        ui.t("ledger.col_quantity"): summary["quantity"],
        ui.t("ledger.col_amount"): (summary["amount_fen"] / 1_000_000).round(2),
    })
    chart = summary.assign(kind=summary["kind"].map(ledger_ui.kind_label))
    st.altair_chart(small_multiples(chart, facet="kind", x="year", y="count", facet_title=ui.t("ledger.col_kind"),
                                    x_title=ui.t("ledger.col_year"), y_title=ui.t("ledgers.col_count")),
                    width="content")
    st.caption(ui.t("ledgers.summary_help"))
    drill = st.dataframe(shown, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="ledgers_summary_table", placeholder="—")
    ui.export_table(shown, ui.t("ledgers.tab_summary"), key="ledgers_export_summary")
    chosen = drill.selection.rows if drill is not None else []
    if chosen:
        kind, year = summary.iloc[chosen[0]]["kind"], int(summary.iloc[chosen[0]]["year"])
        st.subheader(ui.t("ledgers.drill_title", kind=ledger_ui.kind_label(kind), year=year))
        rows_of = ui.read(query.search, user, query.LedgerFilter(**{**flt.__dict__, "kinds": (kind,),
                                                                   "years": (year,)}), limit=SHOWN)
        drilled = ledger_ui.results_table(rows_of)
        st.dataframe(drilled, hide_index=True, width="stretch", placeholder="—")
        ui.export_table(drilled, f"{ledger_ui.kind_label(kind)} {year}".replace("/", "_"), key="ledgers_export_drill")
