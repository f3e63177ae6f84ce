"""Text that people typed, shown as text.

Streamlit renders Markdown in nearly everything it draws (st.write, captions, alerts, labels of
buttons and expanders), so a contact name like `![x](https://tracker/p.png)` would load a
stranger's image in the secretariat's browser and `[here](https://…)` would become a link.
`plain` escapes every ASCII punctuation character (CommonMark lets each be escaped), so no
Markdown, Streamlit directive (`:red[…]`, `:material/…:`), maths or autolink can form.
"""
from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(value) -> str:
    """`value` as literal text inside Markdown (None as an empty string)."""
    return "" if value is None else _PUNCTUATION.sub(r"\\\1", str(value))
