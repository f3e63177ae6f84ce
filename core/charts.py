"""Altair charts in the logo's colours. Labels come in already translated.

One theme for every chart, made for a projector at the back of a room: axis, legend and value
labels large and dark, and a category's label never cut short ("Industry associ…"): long
labels wrap onto more lines (their rows grow to fit) instead of Vega's default 160-200 px limit.
"""
from __future__ import annotations

import re

import altair as alt
import pandas as pd

from core import numbers
from core.display import text

SKY = "#3BA7E4"
SEA = "#0A4D8C"
SUN = "#F5A623"
PALETTE = [SEA, SKY, "#5DC1B9", SUN, "#8C6BB1", "#9AA5B1"]
RAG = {"green": "#2E9E5B", "amber": "#F0A202", "red": "#D64545"}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
INK = "#1B2A3A"  # the theme's text colour
LABEL_SIZE = 14  # px: axis, legend and value labels, readable from the back of a meeting room
TITLE_SIZE = 15
LINE_WIDTH = 32  # a category label's line, in half-width characters (a Chinese one counts 2)
LINE_HEIGHT = 18  # px per line of a category label
# Vega draws a label given as a list on several lines: labels carry their breaks as "\n".
LINES = "split(datum.label, '\\n')"
_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+|\s+")


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\uffef" else 1 for ch in text)


def wrap_label(text, width: int = LINE_WIDTH) -> str:
    """A label broken into lines of at most `width` (Chinese anywhere, other text at spaces),
    balanced: 18 characters become 9 + 9, not 16 + a lonely 2."""
    total = _width(str(text))
    if total > width:
        width = min(width, -(-total // -(-total // width)) + 2)  # even lines, a little slack for words
    lines, line = [], ""
    for token in _TOKENS.findall(str(text)):
        if line and _width(line + token.rstrip()) > width:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    lines.append(line.rstrip())
    return "\n".join(lines)


def _wrapped(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, int]:
    """The frame with `column` wrapped for an axis, and the most lines one label takes."""
    labels = frame[column].map(wrap_label)
    lines = int(labels.str.count("\n").max()) + 1 if len(labels) else 1
    return frame.assign(**{column: labels}), lines


def row_height(lines: int, least: int = 24) -> int:
    return max(least, LINE_HEIGHT * lines + 8)


# Streamlit fits a whole chart (legend, axes, title) into the height it is given: a chart of
# rows gets room for those on top of its rows, or its rows squeeze and their labels overlap.
AXIS_ROOM = 60  # the value axis with its labels and title
LEGEND_ROOM = 70  # a legend above the plot, with its title


def rows_height(rows: int, lines: int, *, least: int = 24, legend: bool = False) -> int:
    return rows * row_height(lines, least) + AXIS_ROOM + (LEGEND_ROOM if legend else 0)


def category_axis(**options) -> alt.Axis:
    """An axis of names: every label whole, on as many lines as it needs."""
    return alt.Axis(labelExpr=LINES, labelLimit=0, labelOverlap=False, labelFont=FONT, **options)


LEGEND_ENTRY = 140  # px a legend entry may take (symbol and label, in either language)


def top_legend(entries: int) -> alt.Legend:
    """A legend above the plot that wraps into rows when the chart is narrow (a phone), where
    one row would run off the edge and lose its last entries."""
    return alt.Legend(orient="top", columns=alt.ExprRef(
        f"width < {entries * LEGEND_ENTRY} ? max(1, floor(width / {LEGEND_ENTRY})) : 0"))


def _style(chart: alt.Chart) -> alt.Chart:
    return chart.configure_axis(
        labelFont=FONT, titleFont=FONT, grid=False, labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE,
        labelColor=INK, titleColor=INK, labelLimit=0, titleLimit=0, domainColor="#5B6B7B", tickColor="#5B6B7B",
    ).configure_legend(
        labelFont=FONT, titleFont=FONT, labelFontSize=LABEL_SIZE, titleFontSize=TITLE_SIZE, labelColor=INK,
        titleColor=INK, labelLimit=0, titleLimit=0, symbolSize=160,
    ).configure_header(labelFont=FONT, titleFont=FONT, labelFontSize=LABEL_SIZE, labelColor=INK,
                       labelLimit=0).configure_title(font=FONT, fontSize=TITLE_SIZE + 1, color=INK) \
        .configure_text(font=FONT, fontSize=LABEL_SIZE - 1).configure_view(strokeWidth=0)


def bar_counts(frame: pd.DataFrame, *, category: str, value: str, category_title: str,
               value_title: str, height: int = 260, decimals: int | None = None) -> alt.Chart:
    """Bars per category, labelled with their values (counts whole, others with the decimals
    they have, unless `decimals` says)."""
    frame, lines = _wrapped(frame, category)
    number = numbers.d3_format(numbers.decimals_needed(frame[value]) if decimals is None else decimals)
    chart = alt.Chart(frame).mark_bar(cornerRadiusEnd=4, color=SEA).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=category_title, axis=category_axis()),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=number)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=number)],
    )
    labels = chart.mark_text(align="left", dx=4, color=SEA, font=FONT).encode(
        text=alt.Text(f"{value}:Q", format=number))
    rows = frame[category].nunique()
    return _style((chart + labels).properties(height=max(height, rows_height(rows, lines))))


def growth_line(frame: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str,
                height: int = 260) -> alt.Chart:
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=",")],
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
    frame, lines = _wrapped(frame.assign(_track=100), label)
    height = max(height, rows_height(len(frame), lines))
    track = alt.Chart(frame).mark_bar(color="#E3EEF7", cornerRadiusEnd=4).encode(
        y=alt.Y(f"{label}:N", title=None, sort=None, axis=category_axis()),
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


GANTT_COLOURS = {"done": "#2E9E5B", "overdue": "#D64545", "in_progress": SEA, "not_started": "#9AA5B1",
                 "blocked": "#F0A202", "cancelled": "#D5DBE1"}


def gantt(frame: pd.DataFrame, *, as_of, labels: dict[str, str], titles: dict[str, str]) -> alt.Chart:
    """Milestones over time: the planned window (baseline) as a bar coloured by state, the
    actual completion date as a diamond, and a line at the "as of" date.

    `frame` needs: label, planned_start, planned_due, actual_done_on, state, owner, status_text,
    progress. `labels` names each state; `titles` names the axes and tooltip fields.
    """
    # A date not reached reads "—" in the tooltip (a missing date formatted as one is 1970-01-01).
    done_text = [text(d.date() if hasattr(d, "date") else d) for d in frame["actual_done_on"]]
    data, lines = _wrapped(frame.assign(state_label=frame["state"].map(labels), done_text=done_text), "label")
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=category_axis())
    colour = alt.Color("state_label:N", title=titles["state"],
                       scale=alt.Scale(domain=[labels[k] for k in GANTT_COLOURS],
                                       range=list(GANTT_COLOURS.values())),
                       legend=top_legend(len(GANTT_COLOURS)))
    tooltip = [alt.Tooltip("label:N", title=titles["milestone"]),
               alt.Tooltip("owner:N", title=titles["owner"]),
               alt.Tooltip("planned_start:T", title=titles["start"], format="%Y-%m-%d"),
               alt.Tooltip("planned_due:T", title=titles["due"], format="%Y-%m-%d"),
               alt.Tooltip("done_text:N", title=titles["done"]),
               alt.Tooltip("status_text:N", title=titles["state"]),
               alt.Tooltip("progress:Q", title=titles["progress"], format=".0f")]
    bars = alt.Chart(data).mark_bar(cornerRadius=3, height=12).encode(
        x=alt.X("planned_start:T", title=None, axis=alt.Axis(format="%Y-%m", labelFont=FONT)),
        x2="planned_due:T", y=y, color=colour, tooltip=tooltip)
    done = alt.Chart(data.dropna(subset=["actual_done_on"])).mark_point(
        shape="diamond", filled=True, size=60, color="#1B2A3A").encode(
        x="actual_done_on:T", y=y, tooltip=tooltip)
    layers = bars + done
    # The as-of line, when it falls in or near the plan's window (a finished plan seen today
    # would otherwise squash every bar into the left of the chart).
    last = max(data["planned_due"].max(), data["actual_done_on"].max()
               if data["actual_done_on"].notna().any() else data["planned_due"].max())
    if pd.Timestamp(as_of) <= last + pd.Timedelta(days=90):
        layers += alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of)]})).mark_rule(
            color=SUN, strokeWidth=2, strokeDash=[4, 3]).encode(x="as_of:T")
    height = max(120, rows_height(len(data), lines, legend=True))
    return _style(layers.properties(height=height))


def target_bullets(frame: pd.DataFrame, *, label: str, value_title: str, rag_labels: dict[str, str],
                   legend_title: str, value_label: str, target_label: str) -> alt.Chart:
    """Progress against target (%) per indicator, coloured red/amber/green, with a 100 % line.

    `frame` needs: `label`, progress (0..n %), rag (green/amber/red), value_text, target_text.
    """
    top = max(130.0, float(frame["progress"].max()) + 5)  # no bar runs off the edge
    data, lines = _wrapped(frame.assign(rag_label=frame["rag"].map(rag_labels), shown=frame["progress"]), label)
    y = alt.Y(f"{label}:N", sort=None, title=None, axis=category_axis())
    bars = alt.Chart(data).mark_bar(cornerRadiusEnd=3, height=14).encode(
        y=y, x=alt.X("shown:Q", title=value_title, scale=alt.Scale(domain=[0, top])),
        color=alt.Color("rag_label:N", title=legend_title, legend=top_legend(len(RAG)),
                        scale=alt.Scale(domain=[rag_labels[k] for k in RAG], range=list(RAG.values()))),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip("value_text:N", title=value_label),
                 alt.Tooltip("target_text:N", title=target_label),
                 alt.Tooltip("progress:Q", title=value_title, format=".1f")])
    goal = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color="#1B2A3A", strokeDash=[3, 3]).encode(x="x:Q")
    return _style((bars + goal).properties(height=max(120, rows_height(len(data), lines, least=26, legend=True))))


def trend_with_target(frame: pd.DataFrame, *, x_title: str, y_title: str, value_label: str,
                      target_label: str, decimals: int | None = None) -> alt.Chart:
    """Actual values as a line with points and targets as dashes, per year."""
    long = frame.melt(id_vars="year", value_vars=["value", "target"], var_name="series", value_name="amount")
    if decimals is None:  # the indicator's own, as its figures show them (core.numbers)
        decimals = numbers.decimals_needed(long["amount"])
    long["series"] = long["series"].map({"value": value_label, "target": target_label})
    chart = alt.Chart(long.dropna(subset=["amount"])).mark_line(point=True).encode(
        x=alt.X("year:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("amount:Q", title=wrap_label(y_title).split("\n"), scale=alt.Scale(zero=False),
                axis=alt.Axis(format=",")),
        color=alt.Color("series:N", title=None, legend=top_legend(2),
                        scale=alt.Scale(domain=[value_label, target_label], range=[SEA, SUN])),
        strokeDash=alt.StrokeDash("series:N", legend=None,
                                  scale=alt.Scale(domain=[value_label, target_label], range=[[1, 0], [5, 4]])),
        tooltip=[alt.Tooltip("year:O", title=x_title), alt.Tooltip("series:N", title=" "),
                 alt.Tooltip("amount:Q", title=y_title, format=numbers.d3_format(decimals))])
    return _style(chart.properties(height=400))  # Streamlit fits legend and axes inside it


def heatmap(frame: pd.DataFrame, *, x: str, y: str, colour: str, colours: dict[str, str],
            x_title: str, y_title: str, legend_title: str, sort_y=None) -> alt.Chart:
    """Categorical cells (e.g. unit × year coloured by report status)."""
    frame, lines = _wrapped(frame, y)
    if isinstance(sort_y, (list, tuple)):
        sort_y = [wrap_label(value) for value in sort_y]
    return _style(alt.Chart(frame).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0, orient="top", labelFont=FONT)),
        y=alt.Y(f"{y}:N", title=y_title, sort=sort_y, axis=category_axis()),
        color=alt.Color(f"{colour}:N", title=legend_title, legend=top_legend(len(colours)),
                        scale=alt.Scale(domain=list(colours), range=list(colours.values()))),
        tooltip=[alt.Tooltip(f"{y}:N", title=y_title), alt.Tooltip(f"{x}:O", title=x_title),
                 alt.Tooltip(f"{colour}:N", title=legend_title)],
    ).properties(height=max(120, rows_height(frame[y].nunique(), lines, legend=True))))


def small_multiples(frame: pd.DataFrame, *, facet: str, x: str, y: str, facet_title: str, x_title: str,
                    y_title: str, columns: int = 4, width: int = 150, height: int = 120) -> alt.Chart:
    """One small bar chart per category (e.g. a ledger kind) over the years, side by side."""
    chart = alt.Chart(frame).mark_bar(color=SEA, cornerRadiusEnd=3).encode(
        x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=[alt.Tooltip(f"{facet}:N", title=facet_title), alt.Tooltip(f"{x}:O", title=x_title),
                 alt.Tooltip(f"{y}:Q", title=y_title)],
    ).properties(width=width, height=height).facet(
        facet=alt.Facet(f"{facet}:N", title=None, header=alt.Header(labelFont=FONT, labelFontSize=LABEL_SIZE)),
        columns=columns).resolve_scale(y="independent")
    return _style(chart)

