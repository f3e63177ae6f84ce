"""Altair charts in the logo's colours. Labels come in already translated."""
from __future__ import annotations

import altair as alt
import pandas as pd

SKY = "#3BA7E4"
SEA = "#0A4D8C"
SUN = "#F5A623"
PALETTE = [SEA, SKY, "#5DC1B9", SUN, "#8C6BB1", "#9AA5B1"]
RAG = {"green": "#2E9E5B", "amber": "#F0A202", "red": "#D64545"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def _style(chart: alt.Chart) -> alt.Chart:
    return chart.configure_axis(labelFont=FONT, titleFont=FONT, grid=False) \
        .configure_legend(labelFont=FONT, titleFont=FONT).configure_view(strokeWidth=0)


def bar_counts(frame: pd.DataFrame, *, category: str, value: str, category_title: str,
               value_title: str, height: int = 260) -> alt.Chart:
    chart = alt.Chart(frame).mark_bar(cornerRadiusEnd=4, color=SEA).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=category_title),
        x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", title=value_title)],
    )
    labels = chart.mark_text(align="left", dx=4, color=SEA, font=FONT).encode(text=f"{value}:Q")
    return _style((chart + labels).properties(height=height))


def growth_line(frame: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str,
                height: int = 260) -> alt.Chart:
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title)],
    )
    area = base.mark_area(color=SKY, opacity=0.25)
    line = base.mark_line(color=SEA, point=alt.OverlayMarkDef(color=SEA))
    return _style((area + line).properties(height=height))


def rag_colour(progress: float, expected: float) -> str:
    """Red/amber/green from progress against the share of time elapsed."""
    if progress >= expected - 5:
        return "green"
    if progress >= expected - 20:
        return "amber"
    return "red"


def progress_bars(frame: pd.DataFrame, *, label: str, value: str, label_title: str,
                  value_title: str, height: int = 200) -> alt.Chart:
    """Horizontal 0-100 % bars with a light track, for plan areas."""
    frame = frame.assign(_track=100)
    track = alt.Chart(frame).mark_bar(color="#E3EEF7", cornerRadiusEnd=4).encode(
        y=alt.Y(f"{label}:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("_track:Q", title=value_title, scale=alt.Scale(domain=[0, 100])),
    )
    bars = alt.Chart(frame).mark_bar(color=SEA, cornerRadiusEnd=4).encode(
        y=alt.Y(f"{label}:N", sort=None), x=f"{value}:Q",
        tooltip=[alt.Tooltip(f"{label}:N", title=label_title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=".1f")],
    )
    text = bars.mark_text(align="left", dx=4, color=SEA, font=FONT).encode(
        text=alt.Text(f"{value}:Q", format=".1f"))
    return _style((track + bars + text).properties(height=height))
