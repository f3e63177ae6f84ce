"""How a number is shown, everywhere: on screen, in charts and in workbooks.

One rule: thousands separated, as many decimals as the figure has by definition (an indicator's
`decimals`; counts and headcounts 0, so 458 and never 458.00), "—" for no value. Tables, KPI
cards, chart labels and tooltips, and Excel cells all take their format from here, so the same
figure reads the same in every place it appears.
"""
from __future__ import annotations

import math
from numbers import Number

import pandas as pd

DASH = "—"
MAX_DECIMALS = 4


def missing(value) -> bool:
    """None, NaN, pandas' NA/NaT and empty text: nothing to show."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False  # NaN, NaT, pd.NA
    except (TypeError, ValueError):
        return False


def places(decimals) -> int:
    """An indicator's (or column's) decimals as a usable count: 0 when unknown."""
    try:
        return min(MAX_DECIMALS, max(0, int(decimals)))
    except (TypeError, ValueError):
        return 0


def text(value, decimals=0) -> str:
    """1234.5 with 0 decimals → "1,235"; with 2 → "1,234.50"; None/NaN → "—"."""
    if missing(value):
        return DASH
    if not isinstance(value, Number) or isinstance(value, bool):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and math.isinf(value):
        return DASH
    return f"{value:,.{places(decimals)}f}"


def percent(value, decimals=1) -> str:
    """A share already in percent (79.2 → "79.2%")."""
    return DASH if missing(value) else f"{text(value, decimals)}%"


def decimals_needed(values, most: int = 2) -> int:
    """The fewest decimals (≤ most) that show every value of a column exactly: 0 for counts."""
    needed = 0
    for value in values:
        if missing(value) or isinstance(value, bool) or not isinstance(value, Number):
            continue
        for places_ in range(needed, most + 1):
            needed = places_
            if abs(round(float(value), places_) - float(value)) < 1e-9:
                break
        if needed == most:
            break
    return needed


def excel_format(decimals) -> str:
    """The Excel number format for a figure with these decimals: #,##0 or #,##0.00..."""
    count = places(decimals)
    return "#,##0" + ("." + "0" * count if count else "")


def d3_format(decimals) -> str:
    """The same for Vega/Altair (axes, labels and tooltips)."""
    return f",.{places(decimals)}f"


def column_step(decimals) -> float:
    """st.column_config.NumberColumn(format="localized", step=...) shows exactly these decimals
    with the reader's thousands separator (Streamlit takes the precision from the step)."""
    count = places(decimals)
    return 1 if count == 0 else float(f"1e-{count}")
