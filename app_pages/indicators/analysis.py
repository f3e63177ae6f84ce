"""Indicator analysis (指标分析): group totals against targets, trends, breakdowns, pivot, units."""
import pandas as pd
import streamlit as st

from core import charts, numbers, ui
from core.errors import UserFacingError
from core.group import members as member_service
from core.home import overview
from core.indicators import analysis, years as year_service
from core.models import Role

user = ui.guard("indicators")
ui.page_header("indicators", "indicators.subtitle")
lang = ui.lang()

years = ui.read(analysis.years)
if not years:
    st.info(ui.t("indicators.no_data"), icon=":material/info:")
    st.stop()


def name(row) -> str:
    return f"{row['code']} {row['name_zh'] if lang == 'zh' else row['name_en']}"


number = numbers.text  # thousands separated, the indicator's decimals, "—" for none


# Open on the newest complete year: a year still being reported reads as a collapse. A year in
# progress is marked wherever it shows (core.indicators.years holds the rule).
states = ui.read(year_service.year_states, user, years)


def year_label(y) -> str:
    state = states.get(int(y))
    if state is None or state.complete:
        return str(y)
    return ui.t("years.in_progress_mark", year=y, approved=state.approved, expected=state.expected)


controls = st.columns([1, 3], vertical_alignment="bottom")
year = controls[0].selectbox(ui.t("indicators.year"), years, key="indicators_year", format_func=year_label,
                             index=years.index(year_service.newest_complete(states)))
state = states[year]
may_include = user.role in analysis.PENDING_ROLES
with controls[1]:
    pending = st.toggle(ui.t("indicators.include_pending"), key="indicators_pending",
                        help=ui.t("indicators.include_pending_help"), disabled=not may_include)
    st.caption(ui.t("indicators.pending_note" if pending and may_include else "indicators.approved_note"))
views = ["scorecard", "trend", "breakdown", "pivot", "unit"]
view = st.segmented_control(ui.t("indicators.view"), views, default="scorecard", key="indicators_view",
                            format_func=lambda v: ui.t(f"indicators.view_{v}"), label_visibility="collapsed")
if state.in_progress:
    st.warning(ui.t("years.in_progress_warning", year=year, approved=state.approved, expected=state.expected,
                    deadline=state.deadline.isoformat()), icon=":material/hourglass_top:")
card = ui.read(analysis.scorecard, user, year=year, include_pending=pending)
if card.empty:  # values are stored but every indicator has been switched off
    st.info(ui.t("indicators.no_active"), icon=":material/info:")
    st.stop()
card["label"] = card.apply(name, axis=1)
labels = dict(zip(card["indicator_id"], card["label"]))
places = dict(zip(card["label"], card["decimals"]))  # each indicator's decimals (core.numbers)
# Worst first: what is furthest behind its target leads the bullets and the table.
card = card.sort_values("progress", na_position="last", kind="stable", ignore_index=True)

if view in (None, "scorecard"):
    # How many units' reports the totals hold: a total drops when a report is sent back.
    status = ui.read(overview.reporting_status, user, year)
    st.caption(ui.t("indicators.coverage_pending" if pending and may_include else "indicators.coverage",
                    year=year, approved=status["approved"], submitted=status["submitted"],
                    expected=status["expected"]))
    # No verdict on a year still being reported: its totals hold only the units in so far, so
    # against the whole year's targets nearly everything would read red.
    if state.in_progress:
        card["rag"] = card["rag"].where(card["value"].isna(), "in_progress")
    codes = ("in_progress", "no_data", "none") if state.in_progress else ("green", "amber", "red", "no_data", "none")
    counts = card["rag"].value_counts()
    cols = st.columns(5)
    for column, code in zip(cols, codes):
        column.metric(ui.t(f"indicators.rag_{code}"), int(counts.get(code, 0)), border=True)
    with_target = card[card["progress"].notna()]
    if not with_target.empty and state.in_progress:  # how far towards the year's targets so far
        st.altair_chart(charts.bar_counts(with_target.assign(progress=with_target["progress"].round(1)),
                                          category="label", value="progress", category_title=ui.t("indicators.col_indicator"),
                                          value_title=ui.t("indicators.progress_so_far")).properties(
            title=year_label(year)), width="stretch")
    elif not with_target.empty:
        bullets = charts.target_bullets(
            with_target.assign(value_text=[number(v, d) for v, d in zip(with_target["value"], with_target["decimals"])],
                               target_text=[number(v, d) for v, d in zip(with_target["target"], with_target["decimals"])]),
            label="label", value_title=ui.t("indicators.progress_pct"),
            rag_labels={code: ui.t(f"indicators.rag_{code}") for code in ("green", "amber", "red")},
            legend_title=ui.t("indicators.rag"), value_label=ui.t("indicators.col_value"),
            target_label=ui.t("indicators.col_target"))
        st.altair_chart(bullets.properties(title=year_label(year)), width="stretch")
    table = pd.DataFrame({  # numbers stay numbers, so the export sums in Excel
        ui.t("indicators.col_indicator"): card["label"],
        ui.t("indicators.col_unit"): card["unit_zh" if lang == "zh" else "unit_en"],
        ui.t("indicators.col_value"): card["value"].round(2),
        ui.t("indicators.col_last_year"): card["last_year"].round(2),
        ui.t("indicators.col_target"): card["target"].round(2),
        ui.t("indicators.col_progress"): card["progress"].round(1),
        ui.t("indicators.rag"): card["rag"].map(lambda r: ui.t(f"indicators.rag_{r}")),
    })
    top = max(120.0, float(card["progress"].max())) if card["progress"].notna().any() else 120.0
    figures = [ui.t(f"indicators.col_{c}") for c in ("value", "last_year", "target")]
    st.dataframe(ui.formats.by_row(table, card["decimals"], figures), hide_index=True, width="stretch", column_config={
        ui.t("indicators.col_progress"): st.column_config.ProgressColumn(format="%.0f%%", min_value=0,
                                                                         max_value=top)})
    ui.export_table(table, ui.t("indicators.export_title", year=year_label(year))[:31], key="indicators_export_card",
                    decimals={name: card["decimals"].tolist() for name in figures})

elif view == "trend":
    chosen = st.selectbox(ui.t("indicators.pick_indicator"), list(labels), format_func=labels.get,
                          key="indicators_trend_pick")
    frame = ui.read(analysis.trend, user, indicator_id=chosen, include_pending=pending)
    # A year in progress holds only the units in so far: drawn on the line it would read as a
    # fall. Its total is said below the chart instead, marked (its target stays drawn).
    partial = [int(y) for y in frame["year"] if int(y) in states and states[int(y)].in_progress]
    notes = []
    if partial and len(partial) < frame["value"].notna().sum():
        for row in frame[frame["year"].isin(partial)].itertuples():
            state_of = states[int(row.year)]
            notes.append(ui.t("years.trend_left_out", year=row.year, approved=state_of.approved,
                              expected=state_of.expected, value=number(row.value, 0 if pd.isna(row.value) or float(row.value).is_integer() else 2)))
        frame.loc[frame["year"].isin(partial), "value"] = float("nan")
    if frame["value"].notna().any():
        st.altair_chart(charts.trend_with_target(frame, x_title=ui.t("indicators.year"),
                                                 y_title=labels[chosen], value_label=ui.t("indicators.col_value"),
                                                 target_label=ui.t("indicators.col_target")), width="stretch")
    else:
        st.caption(ui.t("indicators.no_values"))
    for note in notes:
        st.caption(note)

elif view == "breakdown":
    chosen = st.selectbox(ui.t("indicators.pick_indicator"), list(labels), format_func=labels.get,
                          key="indicators_breakdown_pick")
    left, right = st.columns(2, gap="large")
    for column, by in ((left, "unit_type"), (right, "city")):
        frame = ui.read(analysis.breakdown, user, indicator_id=chosen, year=year, by=by, include_pending=pending)
        with column:
            st.subheader(ui.t(f"indicators.by_{by}"))
            st.caption(year_label(year))
            if frame.attrs.get("suppressed"):
                st.caption(ui.t("indicators.small_groups_hidden", count=frame.attrs["suppressed"],
                                min=analysis.MIN_GROUP_UNITS))
            if frame.empty:
                st.caption(ui.t("indicators.no_values"))
                continue
            if by == "unit_type":
                frame[by] = frame[by].map(lambda code: ui.t(f"member_type.{code}"))
            st.altair_chart(charts.bar_counts(frame.round(1), category=by, value="value",
                                              category_title=ui.t(f"indicators.by_{by}"),
                                              value_title=labels[chosen]), width="stretch")

elif view == "pivot":
    long = ui.read(analysis.pivot, user, include_pending=pending)
    if long.empty:
        st.caption(ui.t("indicators.no_values"))
        st.stop()
    layout = st.radio(ui.t("indicators.pivot_layout"), ["types", "years"], horizontal=True,
                      key="indicators_pivot_layout", format_func=lambda v: ui.t(f"indicators.pivot_{v}", year=year))
    long = long.assign(indicator=long["indicator_id"].map(labels),
                       type=long["unit_type"].map(lambda code: ui.t(f"member_type.{code}")))
    if layout == "types":  # one year, a column per member type and the group total
        shown = long[long["year"] == year]
        table = shown.pivot_table(index="indicator", columns="type", values="value", aggfunc="sum")
        totals = card.set_index("label")["value"]
        total_title = ui.t("indicators.group_total")
        if state.in_progress:  # the total of the units in so far, and said so
            total_title += f"（{ui.t('years.short_mark', approved=state.approved, expected=state.expected)}）"
        table[total_title] = totals.reindex(table.index)
        st.caption(year_label(year))
    else:  # the group total per year
        table = (ui.read(analysis.totals, user, include_pending=pending)
                 .assign(indicator=lambda f: f["indicator_id"].map(labels))
                 .pivot_table(index="indicator", columns="year", values="value", aggfunc="first"))
        table.columns = [year_label(c) for c in table.columns]
    table = table.reindex([labels[i] for i in labels if labels[i] in table.index])
    table.columns = [str(c) for c in table.columns]
    table.index.name = ui.t("indicators.col_indicator")
    table = table.apply(pd.to_numeric, errors="coerce")  # empty cells as blanks, not "None"
    st.dataframe(ui.formats.by_row(table, [places.get(i, 1) for i in table.index]), width="stretch")
    ui.export_table(table, ui.t("indicators.view_pivot"), key="indicators_export_pivot",
                    decimals={name: [places.get(i, 1) for i in table.index] for name in table.columns})
    if user.role in analysis.DRILL_ROLES:
        st.subheader(ui.t("indicators.drill_title"))
        a, b = st.columns(2)
        chosen = a.selectbox(ui.t("indicators.pick_indicator"), list(labels), format_func=labels.get,
                             key="indicators_drill_pick")
        types = sorted(long["unit_type"].unique())
        unit_type = b.selectbox(ui.t("indicators.pick_type"), [None, *types], key="indicators_drill_type",
                                format_func=lambda c: ui.t("indicators.all_types") if c is None else ui.t(f"member_type.{c}"))
        units = ui.read(analysis.drill, user, indicator_id=chosen, year=year, unit_type=unit_type,
                        include_pending=pending)
        shown_units = pd.DataFrame({
            ui.t("indicators.col_member"): units["unit"],
            ui.t("indicators.col_type"): units["unit_type"].map(lambda code: ui.t(f"member_type.{code}")),
            ui.t("indicators.col_city"): units["city"],
            ui.t("indicators.col_value"): units["value"].round(2),
        })
        st.dataframe(shown_units, hide_index=True, width="stretch", column_config={
            ui.t("indicators.col_value"): ui.formats.number_column(decimals=places.get(labels[chosen], 2))})
        ui.export_table(shown_units, labels[chosen][:31], key="indicators_export_drill",
                        decimals={ui.t("indicators.col_value"): int(places.get(labels[chosen], 2))})

else:  # one unit over the years
    if user.role == Role.MEMBER:
        member_ids = [user.member_id] if user.member_id else []
        names = {user.member_id: ui.t("indicators.my_unit")}
    else:
        registry = ui.read(member_service.registry, user, member_service.RegistryFilter(include_exited=True))
        member_ids = registry["id"].tolist()
        names = dict(zip(registry["id"], registry["name"]))
    if not member_ids:
        st.caption(ui.t("indicators.no_values"))
        st.stop()
    member_id = st.selectbox(ui.t("indicators.pick_unit"), member_ids, format_func=names.get,
                             key="indicators_unit_pick", disabled=user.role == Role.MEMBER)
    try:
        frame = ui.read(analysis.unit_values, user, member_id=member_id, include_pending=pending)
    except UserFacingError as error:
        ui.show_error(error)
        st.stop()
    frame = frame.dropna(subset=["value"])
    if frame.empty:
        st.caption(ui.t("indicators.no_values"))
    else:
        wide = frame.assign(indicator=frame["indicator_id"].map(labels)).pivot_table(
            index="indicator", columns="year", values="value", aggfunc="first")
        wide = wide.reindex([labels[i] for i in labels if labels[i] in wide.index])
        wide.columns = [str(c) for c in wide.columns]
        wide.index.name = ui.t("indicators.col_indicator")
        st.dataframe(ui.formats.by_row(wide, [places.get(i, 2) for i in wide.index]), width="stretch")
        ui.export_table(wide, str(names[member_id])[:31], key="indicators_export_unit",
                        decimals={name: [places.get(i, 2) for i in wide.index] for name in wide.columns})
