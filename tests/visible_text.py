"""What a page shows as text under AppTest, to check that no "None", "nan" or "NaT" reaches
the screen (core.display.EMPTY is shown for what is missing)."""
from __future__ import annotations

import re

import pandas as pd
from google.protobuf.message import Message

# Words Python and pandas print for a missing value; a letter on either side makes another word
# ("Nanjing", "finance"), a Chinese character does not.
BLANK_WORDS = re.compile(r"(?<![A-Za-z])(None|nan|NaN|NaT|null)(?![A-Za-z])")
# Proto fields that are never shown: identifiers, keys, icons, data sent as bytes, chart specs.
_HIDDEN_FIELDS = {"id", "form_id", "key", "icon", "arrow_data", "data", "spec", "datasets", "page_script_hash",
                  "url_path", "page", "use_container_width", "theme", "vega_lite_chart", "css", "body_html"}
# Elements whose text is code (st.html's styles and scripts, an iframe's page source).
_CODE_ELEMENTS = {"html", "iframe"}


def _strings(message: Message, path: str = "") -> list[tuple[str, str]]:
    found = []
    for field, value in message.ListFields():
        if field.name in _HIDDEN_FIELDS:
            continue
        where = f"{path}.{field.name}"
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                found += _strings(item, where)
            elif isinstance(item, str):
                found.append((where, item))
    return found


def _frame_text(node) -> list[tuple[str, str]]:
    frame: pd.DataFrame = node.value
    found = [("columns", str(column)) for column in frame.columns]
    placeholder = node.proto.placeholder if node.proto.HasField("placeholder") else "None"
    for column in frame.columns:
        for cell in frame[column].tolist():
            missing = cell is None or (not isinstance(cell, (list, dict, tuple)) and pd.isna(cell))
            found.append((f"cell {column}", placeholder if missing else str(cell)))
    return found


def visible_text(at) -> list[tuple[str, str]]:
    """(where, text) for every piece of text the run put on the page."""
    found = []
    for node in at._tree:  # the whole element tree, sidebar included
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if getattr(node, "type", "") in _CODE_ELEMENTS:
            continue
        if getattr(node, "type", "") in ("arrow_data_frame", "dataframe"):
            found += _frame_text(node)
            continue
        found += _strings(proto, getattr(node, "type", type(node).__name__))
    return found


def blank_words(at) -> list[tuple[str, str]]:
    """The texts on the page that show a missing value as a Python or pandas word."""
    return [(where, text) for where, text in visible_text(at) if BLANK_WORDS.search(text)]
