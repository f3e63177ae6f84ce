"""Numbers in tables, the core.numbers rule for st.dataframe: thousands separated, each figure
with its own decimals (a headcount 458, a rate 12.5), "—" for none, while the cells stay numbers
(the table sorts by value and its Excel export sums)."""
from __future__ import annotations

from typing import Sequence

import pandas as pd
import streamlit as st

from core import numbers


def number_column(label: str | None = None, decimals=0, **options):
    """A column of one kind of figure (one indicator, counts): the reader's thousands separator
    and exactly `decimals` places (Streamlit takes them from the step)."""
    return st.column_config.NumberColumn(label, format="localized", step=numbers.column_step(decimals), **options)


def by_row(frame: pd.DataFrame, decimals: Sequence, columns: Sequence[str] | None = None):
    """A table whose rows are different figures (one indicator per row, as in a pivot): each
    row's numbers with that row's decimals. Returns a Styler for st.dataframe."""
    columns = list(columns if columns is not None else frame.select_dtypes("number").columns)
    styler = frame.style
    for position, places in enumerate(decimals):
        styler = styler.format(lambda value, places=places: numbers.text(value, places),
                               subset=pd.IndexSlice[frame.index[position:position + 1], columns])
    return styler
