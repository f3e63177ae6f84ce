"""Every table shows "—" where a value is missing (core.display.EMPTY), not Streamlit's "None".

Streamlit draws a missing cell of st.dataframe and st.data_editor as "None" unless the call
names a placeholder. Rather than trusting each of the app's many tables to remember it, the
default is set here, once, for every table drawn by any page (a call may still pass its own).
Numbers stay numbers, so columns keep sorting and formatting as numbers.
"""
from __future__ import annotations

import functools

import streamlit as st
from streamlit.elements.arrow import ArrowMixin
from streamlit.elements.widgets.data_editor import DataEditorMixin

from core.display import EMPTY


def _missing_as_empty(method):
    if getattr(method, "missing_as_empty", False):  # already set (the module imported again)
        return method

    @functools.wraps(method)
    def table(self, *args, **kwargs):
        if kwargs.get("placeholder") is None:
            kwargs["placeholder"] = EMPTY
        return method(self, *args, **kwargs)

    table.missing_as_empty = True
    return table


def install() -> None:
    """Set the default on the element methods, and on st.dataframe / st.data_editor, which
    Streamlit bound to its main container when it was imported."""
    ArrowMixin.dataframe = _missing_as_empty(ArrowMixin.dataframe)
    DataEditorMixin.data_editor = _missing_as_empty(DataEditorMixin.data_editor)
    main = st._main  # the container st.dataframe is bound to
    st.dataframe = main.dataframe
    st.data_editor = main.data_editor


install()
