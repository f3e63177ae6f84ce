"""What the meetings pages draw that is not a widget: the calendar chart, the month grouping and
the actions table (labels come from the page, in the user's language)."""
from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd

from core.timeutil import to_china

KIND_COLOURS = {"council": "#0A4D8C", "standing_council": "#3BA7E4", "office": "#F5A623",
                "seminar": "#5B8C3A", "event": "#9B59B6"}


def _local(frame: pd.DataFrame) -> pd.Series:
    return frame["starts_at"].map(lambda t: to_china(t).replace(tzinfo=None))


def calendar_chart(frame: pd.DataFrame, *, year: int, kind_label: Callable[[str], str],
                   status_label: Callable[[str], str], titles: dict[str, str]) -> alt.Chart:
    """The year as twelve rows (months) by 31 days, one dot per meeting coloured by its kind."""
    local = _local(frame)
    data = pd.DataFrame({"month": local.map(lambda d: d.month), "day": local.map(lambda d: d.day),
                         "kind": frame["kind"].map(kind_label), "title": frame["title"],
                         "status": frame["status"].map(status_label),
                         "when": local.map(lambda d: d.strftime("%Y-%m-%d %H:%M"))})
    kinds = list(KIND_COLOURS)
    colours = alt.Scale(domain=[kind_label(k) for k in kinds], range=[KIND_COLOURS[k] for k in kinds])
    return alt.Chart(data, height=360).mark_circle(size=220, opacity=0.9).encode(
        x=alt.X("day:Q", title=titles["day"], scale=alt.Scale(domain=[1, 31]), axis=alt.Axis(tickCount=31)),
        y=alt.Y("month:O", title=titles["month"], scale=alt.Scale(domain=list(range(1, 13)))),
        color=alt.Color("kind:N", title=titles["kind"], scale=colours),
        tooltip=[alt.Tooltip("when:N", title=str(year)), alt.Tooltip("title:N", title=titles["title"]),
                 alt.Tooltip("kind:N", title=titles["kind"]), alt.Tooltip("status:N", title=titles["status"])])


def by_month(frame: pd.DataFrame) -> list[tuple[int, pd.DataFrame]]:
    months = _local(frame).map(lambda d: d.month)
    return [(int(month), rows) for month, rows in frame.groupby(months, sort=True)]


def actions_table(rows: pd.DataFrame, t: Callable[..., str]) -> pd.DataFrame:
    return pd.DataFrame({
        t("actions.col_title"): rows["title"],
        t("actions.col_owner"): rows["owner"],
        t("actions.col_due"): rows["due_on"].map(lambda d: d.isoformat() if d is not None and not pd.isna(d) else "—"),
        t("actions.col_status"): [t("actions.overdue") if late else t(f"action_status.{s}")
                                  for s, late in zip(rows["status"], rows["overdue"])],
        t("actions.col_meeting"): rows["meeting"],
        t("actions.col_milestone"): rows["milestone"],
        t("actions.col_note"): rows["note"],
    })
