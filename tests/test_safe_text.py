"""User text shown as text: core.safe_text.plain."""
from __future__ import annotations

import pytest

from core.messages.common import safe_markdown
from core.safe_text import plain


@pytest.mark.parametrize("typed", [
    "![x](https://tracker.example/p.png)", "[here](https://evil.example)", ":red[警告]",
    ":material/home:", "$x^2$", "<img src=x onerror=alert(1)>", "# 标题", "- 列表", "**粗体**",
])
def test_markdown_in_typed_text_is_escaped(typed):
    escaped = plain(typed)
    assert escaped.replace("\\", "") == typed
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "![]():$<#*-" and i)


def test_chinese_and_plain_words_are_left_alone():
    assert plain("山东劳动职业技术学院 张三") == "山东劳动职业技术学院 张三"
    assert plain(None) == ""


def test_images_in_notices_become_links_to_follow_by_choice():
    assert "\\![x](https://tracker.example/p.png)" in safe_markdown("看 ![x](https://tracker.example/p.png)")
