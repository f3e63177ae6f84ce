"""Indicator catalogue (指标目录): indicators and derived formulas, yearly targets, reporting windows."""
from datetime import date

import pandas as pd
import streamlit as st

from core import ui
from core.indicators import catalogue as indicators
from core.models import Aggregation
from core.settings import reporting_year

user = ui.guard("indicator_catalogue")
ui.page_header("indicator_catalogue", "indicator_catalogue.subtitle")
ui.show_flash("indicator_catalogue_flash")
lang = ui.lang()

catalogue = ui.read(indicators.catalogue)
reporter_label = {code: ui.t("indicator_catalogue.group_level") if code == indicators.GROUP_REPORTER
                  else ui.t(f"member_type.{code}") for code in indicators.REPORTER_CODES}
section = st.segmented_control(ui.t("indicator_catalogue.section"), ["list", "targets", "windows"],
                               default="list", key="indicator_catalogue_section",
                               format_func=lambda s: ui.t(f"indicator_catalogue.section_{s}"),
                               label_visibility="collapsed") or "list"

if section == "list":
    listing = pd.DataFrame({
        ui.t("indicator_catalogue.col_code"): catalogue["code"],
        ui.t("indicators.col_indicator"): catalogue["name_zh" if lang == "zh" else "name_en"],
        ui.t("indicators.col_unit"): catalogue["unit_zh" if lang == "zh" else "unit_en"],
        ui.t("indicator_catalogue.col_reporters"): catalogue["reporter_types"].map(
            lambda codes: "、".join(reporter_label.get(c, c) for c in codes)),
        ui.t("indicator_catalogue.col_aggregation"): catalogue["aggregation"].map(
            lambda a: ui.t(f"aggregation.{a}")),
        ui.t("indicator_catalogue.col_range"): [f"{f'{lo:,g}' if lo == lo else '—'} – {f'{hi:,g}' if hi == hi else '—'}"
                                                for lo, hi in zip(catalogue["min_value"], catalogue["max_value"])],
        ui.t("indicator_catalogue.col_formula"): catalogue["formula"],
        ui.t("indicator_catalogue.col_active"): catalogue["active"].map(
            lambda a: ui.t("common.yes" if a else "common.no")),
    })
    st.dataframe(listing, hide_index=True, width="stretch")
    ui.export_table(listing, ui.t("page.indicator_catalogue"), key="indicator_catalogue_export")

    options = [None, *catalogue["id"].tolist()]
    names = {None: ui.t("indicator_catalogue.new"),
             **{int(r.id): f"{r.code} {r.name_zh if lang == 'zh' else r.name_en}" for r in catalogue.itertuples()}}
    chosen = st.selectbox(ui.t("indicator_catalogue.pick"), options, format_func=names.get,
                          key="indicator_catalogue_pick")
    row = catalogue[catalogue["id"] == chosen].iloc[0].to_dict() if chosen else {
        "code": "", "name_zh": "", "name_en": "", "unit_zh": "", "unit_en": "", "category": "",
        "reporter_types": [], "aggregation": Aggregation.SUM, "higher_is_better": True, "min_value": 0.0,
        "max_value": None, "decimals": 0, "formula": "", "sort_order": len(catalogue) + 1, "active": True,
        "version": 0}
    row_id = int(chosen or 0)
    version = ui.edit_version("indicator", row_id, int(row["version"]))

    def k(field: str) -> str:
        return ui.field_key("indicator", row_id, field)

    with st.form(f"indicator_catalogue_form_{row_id}"):
        a, b, c = st.columns(3)
        code = a.text_input(ui.t("indicator_catalogue.col_code"), row["code"], key=k("code"))
        name_zh = b.text_input(ui.t("indicator_catalogue.name_zh"), row["name_zh"], key=k("name_zh"))
        name_en = c.text_input(ui.t("indicator_catalogue.name_en"), row["name_en"], key=k("name_en"))
        unit_zh = a.text_input(ui.t("indicator_catalogue.unit_zh"), row["unit_zh"], key=k("unit_zh"))
        unit_en = b.text_input(ui.t("indicator_catalogue.unit_en"), row["unit_en"], key=k("unit_en"))
        category = c.text_input(ui.t("indicator_catalogue.category"), row["category"], key=k("category"))
        reporters = st.multiselect(ui.t("indicator_catalogue.col_reporters"), list(indicators.REPORTER_CODES),
                                   default=list(row["reporter_types"]), format_func=reporter_label.get,
                                   key=k("reporters"), help=ui.t("indicator_catalogue.reporters_help"),
                                   placeholder=ui.t("common.choose"))
        formula = st.text_input(ui.t("indicator_catalogue.col_formula"), row["formula"], key=k("formula"),
                                help=ui.t("indicator_catalogue.formula_help"))
        aggregations = list(Aggregation)
        aggregation = a.selectbox(ui.t("indicator_catalogue.col_aggregation"), aggregations,
                                  index=aggregations.index(row["aggregation"]), key=k("aggregation"),
                                  format_func=lambda x: ui.t(f"aggregation.{x}"))
        low = b.number_input(ui.t("indicator_catalogue.min"), value=None if pd.isna(row["min_value"])
                             else float(row["min_value"]), key=k("min"))
        high = c.number_input(ui.t("indicator_catalogue.max"), value=None if pd.isna(row["max_value"])
                              else float(row["max_value"]), key=k("max"))
        decimals = a.number_input(ui.t("indicator_catalogue.decimals"), 0, 4, int(row["decimals"]), key=k("decimals"))
        order = b.number_input(ui.t("indicator_catalogue.sort_order"), 0, 10000, int(row["sort_order"]),
                               key=k("order"))
        higher = c.checkbox(ui.t("indicator_catalogue.higher_is_better"), bool(row["higher_is_better"]),
                            key=k("higher"))
        active = c.checkbox(ui.t("indicator_catalogue.col_active"), bool(row["active"]), key=k("active"))
        submitted = st.form_submit_button(ui.t("common.save"), type="primary")
    if submitted:
        ui.save_and_rerun(indicators.save_indicator, user, indicator_id=chosen, expected_version=version, values={
            "code": code, "name_zh": name_zh, "name_en": name_en, "unit_zh": unit_zh, "unit_en": unit_en,
            "category": category, "reporter_types": reporters, "formula": formula, "aggregation": aggregation,
            "min_value": low, "max_value": high, "decimals": int(decimals), "sort_order": int(order),
            "higher_is_better": higher, "active": active},
            flash_key="indicator_catalogue_flash", flash="indicator_catalogue.saved", reload=("indicator", row_id))

elif section == "targets":
    st.caption(ui.t("indicator_catalogue.targets_help"))
    targets = ui.read(indicators.targets)
    year_now = ui.read(reporting_year)
    target_years = sorted(set(targets["year"].tolist()) | {year_now, year_now + 1})
    wide = targets.pivot_table(index="indicator_id", columns="year", values="target", aggfunc="first")
    grid = pd.DataFrame({"indicator_id": catalogue["id"],
                         "label": catalogue["code"] + " " + catalogue["name_zh" if lang == "zh" else "name_en"]})
    for year in target_years:
        grid[str(year)] = pd.to_numeric(grid["indicator_id"].map(wide[year] if year in wide.columns else {}),
                                        errors="coerce")
    edited = st.data_editor(grid, key="indicator_catalogue_targets", hide_index=True, width="stretch",
                            disabled=["indicator_id", "label"], column_config={
                                "indicator_id": None,
                                "label": st.column_config.TextColumn(ui.t("indicators.col_indicator")),
                                **{str(y): st.column_config.NumberColumn(str(y)) for y in target_years}})
    if st.button(ui.t("indicator_catalogue.save_targets"), type="primary", key="indicator_catalogue_save_targets"):
        changes = {}  # (indicator, year) -> (the value the grid showed, the value typed)
        for before, after in zip(grid.itertuples(index=False), edited.itertuples(index=False)):
            for position, year in enumerate(target_years, start=2):
                old, new = before[position], after[position]
                if not (pd.isna(old) and pd.isna(new)) and old != new:
                    changes[(int(before[0]), year)] = (None if pd.isna(old) else float(old),
                                                       None if pd.isna(new) else float(new))
        ui.save_and_rerun(indicators.set_targets, user, changes=changes, flash_key="indicator_catalogue_flash",
                          flash=("indicator_catalogue.targets_saved", {"count": len(changes)}))

else:
    windows = ui.read(indicators.windows)
    st.dataframe(pd.DataFrame({
        ui.t("indicators.year"): windows["year"].astype(str),
        ui.t("indicator_catalogue.opens_on"): windows["opens_on"],
        ui.t("indicator_catalogue.deadline"): windows["deadline"],
    }), hide_index=True, width="stretch")
    year = st.columns([1, 3])[0].number_input(ui.t("indicators.year"), 2000, 2100, ui.read(reporting_year),
                                              key="indicator_catalogue_window_year")
    existing = ui.read(indicators.window, int(year))
    version = ui.edit_version("window", int(year), existing.version if existing else 0)
    with st.form(f"indicator_catalogue_window_{year}"):
        a, b = st.columns(2)
        opens = a.date_input(ui.t("indicator_catalogue.opens_on"),
                             existing.opens_on if existing else date(int(year) + 1, 1, 1),
                             key=ui.field_key("window", int(year), "opens_on"))
        deadline = b.date_input(ui.t("indicator_catalogue.deadline"),
                                existing.deadline if existing else date(int(year) + 1, 3, 31),
                                key=ui.field_key("window", int(year), "deadline"))
        saved = st.form_submit_button(ui.t("common.save"), type="primary")
    if saved:
        ui.save_and_rerun(indicators.set_window, user, year=int(year), opens_on=opens, deadline=deadline,
                          expected_version=version, flash_key="indicator_catalogue_flash",
                          flash="indicator_catalogue.window_saved", reload=("window", int(year)))
