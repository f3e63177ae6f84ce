"""Tables and charts of the assessment pages, built from the services' frames (no database)."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from core.display import bilingual

BINS = list(range(0, 101, 10))


def distribution(frame: pd.DataFrame) -> pd.DataFrame:
    """Units per 10-point band of the total: band ("60–70"), units."""
    cut = pd.cut(frame["total"].astype(float), bins=BINS, include_lowest=True, right=False)
    counts = cut.value_counts(sort=False)
    labels = [f"{int(i.left)}–{int(i.right)}" for i in counts.index]
    return pd.DataFrame({"band": labels, "units": counts.to_numpy()})


def measure_text(value, detail: dict, t: Callable[..., str]) -> str:
    if isinstance(value, str):
        return t(f"assessment.value.{value}")
    if value is None:
        return "—"
    parts = [detail[k] for k in ("attended", "invited", "done_on_time", "due", "read", "addressed") if k in detail]
    if len(parts) == 2:  # a share: "75% (3/4)"
        return f"{value:.0%} ({parts[0]}/{parts[1]})"
    return f"{value:g}"


def breakdown_table(breakdown: list[dict], criteria: list[dict], t: Callable[..., str], lang: str) -> pd.DataFrame:
    names = {c["code"]: bilingual(c["name_zh"], c["name_en"], lang) for c in criteria}
    return pd.DataFrame({
        t("assessment.col_criterion"): [names.get(r["code"], r["code"]) for r in breakdown],
        t("assessment.col_measure"): [measure_text(r["value"], r["detail"], t) for r in breakdown],
        t("assessment.col_points"): [r["points"] for r in breakdown],
        t("assessment.col_weight"): [r["weight"] for r in breakdown],
        t("assessment.col_weighted"): [None if r["weighted"] is None else round(r["weighted"], 2) for r in breakdown],
    })


def network_chart(nodes: pd.DataFrame, edges: pd.DataFrame, *, type_label: Callable[[str], str],
                  titles: dict[str, str], height: int = 560):
    """Nodes coloured by unit type and sized by activity over edges as thick as the entries they
    share; a click on a unit selects it (selection "unit", field member_id)."""
    import altair as alt

    from core import charts

    nodes = nodes.assign(type_name=nodes["unit_type"].map(type_label))
    hidden = alt.Axis(labels=False, ticks=False, domain=False, grid=False, title=None)
    lines = alt.Chart(edges).mark_rule(color=charts.SKY, opacity=0.55).encode(
        x=alt.X("x:Q", axis=hidden), y=alt.Y("y:Q", axis=hidden), x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1, 6]), legend=None),
        tooltip=[alt.Tooltip("unit_a:N", title=titles["unit"]), alt.Tooltip("unit_b:N", title=titles["partner"]),
                 alt.Tooltip("weight:Q", title=titles["entries"])])
    pick = alt.selection_point(name="unit", fields=["member_id"], on="click")
    dots = alt.Chart(nodes).mark_circle(stroke="white", strokeWidth=1).encode(
        x=alt.X("x:Q", axis=hidden), y=alt.Y("y:Q", axis=hidden),
        color=alt.Color("type_name:N", title=titles["type"], scale=alt.Scale(range=charts.PALETTE),
                        legend=alt.Legend(orient="top")),
        size=alt.Size("activity:Q", title=titles["activity"], scale=alt.Scale(range=[60, 900]), legend=None),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("unit:N", title=titles["unit"]), alt.Tooltip("type_name:N", title=titles["type"]),
                 alt.Tooltip("partners:Q", title=titles["partners"]),
                 alt.Tooltip("activity:Q", title=titles["activity"])]).add_params(pick)
    return (lines + dots).properties(height=height).configure_view(strokeWidth=0).configure(font=charts.FONT)
