"""Tables and charts of the assessment pages, built from the services' frames (no database)."""
from __future__ import annotations

from typing import Callable

import pandas as pd

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
    names = {c["code"]: (c["name_en"] or c["name_zh"]) if lang == "en" else c["name_zh"] for c in criteria}
    return pd.DataFrame({
        t("assessment.col_criterion"): [names.get(r["code"], r["code"]) for r in breakdown],
        t("assessment.col_measure"): [measure_text(r["value"], r["detail"], t) for r in breakdown],
        t("assessment.col_points"): [r["points"] for r in breakdown],
        t("assessment.col_weight"): [r["weight"] for r in breakdown],
        t("assessment.col_weighted"): [None if r["weighted"] is None else round(r["weighted"], 2) for r in breakdown],
    })
