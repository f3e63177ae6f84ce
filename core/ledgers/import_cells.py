"""A ledger sheet's columns read as a whole (core/ledgers/import_rows.py): a column's cells are
mostly a few values repeated (units, years, majors, dates, amounts), so each distinct cell is
read once; its texts (names, titles) are folded in one call over them all; and the rows that may
be a total or a signature line are found by one search over a column.
"""
from __future__ import annotations

import bisect
import itertools
import re
import unicodedata

from core.excel.reader import text
from core.ledgers.values import BadValue, plain

TOTAL = re.compile(r"^(合计|小计|总计|共计|合\s*计|总\s*计)")
SIGNATURE = re.compile(r"(填表人|填报人|制表人|审核人|负责人|联系人|联系电话|电话|签字|签章|盖章|填报日期|填表日期|"
                       r"单位公章)\s*[:：]|^\s*(注|说明)\s*[:：]")
SIGNATURE_WORD = re.compile(r"填表人|填报人|制表人|审核人|负责人|联系人|电话|签字|签章|盖章|填报日期|填表日期|单位公章|注|说明"
                            r"|^\s*[:：]")  # a cell that may take part in a signature line
# A character every match of TOTAL or SIGNATURE_WORD holds (计; 填, 表, 审, 负, 联, 话, 签, 盖, 章, 注, 说
# or a colon): the cells worth matching, found by one fast search over a column's cells joined.
NOT_DATA_CHARS = re.compile(r"[计填表审负联话签盖章注说:：]")


def memo(fn):
    """fn(*args) computed once per distinct args; a BadValue is kept as the answer."""
    cache: dict = {}

    def get(*args):
        key = (args, tuple(arg.__class__ for arg in args))  # True == 1 == 1.0, yet they read differently
        try:
            return cache[key]
        except KeyError:
            cache[key] = found = _answer(fn, args)
            return found
    return get


def _answer(fn, args) -> tuple:
    try:
        return fn(*args), None
    except BadValue as bad:
        return None, bad


def each(fn, values: list) -> list:
    """(fn(value), BadValue or None) for every cell of a column, computed once per distinct cell."""
    if values and values[0] is None and values.count(None) == len(values):  # a column the sheet lacks
        return [_answer(fn, (None,))] * len(values)
    if len(set(map(type, values))) <= 1:  # one type (a column of text, of numbers): the cells are the keys
        done = {value: _answer(fn, (value,)) for value in dict.fromkeys(values)}
        return list(map(done.__getitem__, values))
    keys = list(zip(map(type, values), values))  # True == 1 == 1.0, yet they read differently
    done = {key: _answer(fn, (key[1],)) for key in dict.fromkeys(keys)}
    return list(map(done.__getitem__, keys))


def is_not_data(texts: tuple, title: str, year: str, maybe_signature: bool) -> bool:
    cells = [cell for cell in texts if cell]
    if not cells:
        return True
    if any(TOTAL.match(cell) for cell in cells[:3]) or TOTAL.match(title):
        return True
    return maybe_signature and bool(SIGNATURE.search(" ".join(cells))) and not year


def _joined(values: list[str], fn) -> list[str] | None:
    """fn over the texts joined by NUL, split again: one call for a column (NFKC, lower case and
    the like treat each text alike, NUL being no letter); None when a text holds NUL itself."""
    joined = "\0".join(values)
    if joined.count("\0") != len(values) - 1:
        return None
    return fn(joined).split("\0")


def _column(fn, one, values: list) -> list:
    """one(value) for every cell: its distinct texts at once through fn (see _joined), then
    stripped; other cells once per distinct cell."""
    texts = [value for value in dict.fromkeys(values) if value.__class__ is str]
    joined = _joined(texts, fn) if texts else None
    if joined is None:  # no text, or a text holding NUL: cell by cell
        return [value for value, _ in each(one, values)]
    stripped = list(map(str.strip, joined))
    if len(texts) == len(values):  # every cell a text of its own (titles): in the column's order
        return stripped
    done = dict(zip(texts, stripped))
    try:
        return list(map(done.__getitem__, values))  # a column of text
    except KeyError:
        pass
    others = iter([value for value, _ in each(one, [value for value in values if value.__class__ is not str])])
    return [done[value] if value.__class__ is str else next(others) for value in values]


def texts_of(values: list) -> list[str]:
    """_text of every cell."""
    return _column(lambda joined: unicodedata.normalize("NFKC", joined), _text, values)


def plains_of(values: list) -> list[str]:
    """_plain of every cell."""
    return _column(lambda joined: joined, _plain, values)


def maybe_not_data(texts: dict[str, list[str]], count: int) -> list[bool]:
    """The rows with a cell that TOTAL.match or SIGNATURE_WORD.search finds (a total or a signature
    line, maybe), the cells tried only where NOT_DATA_CHARS finds one of their characters."""
    flags = [False] * count
    for column in texts.values():
        joined = "\0".join(column)
        ends = None
        for found in NOT_DATA_CHARS.finditer(joined):
            if ends is None:
                ends = list(itertools.accumulate(len(cell) + 1 for cell in column))
            row = bisect.bisect_right(ends, found.start())
            if not flags[row] and (TOTAL.match(column[row]) or SIGNATURE_WORD.search(column[row])):
                flags[row] = True
    return flags


def _text(value) -> str:
    """reader.text, without its blank test for the common case of a text cell."""
    return unicodedata.normalize("NFKC", value).strip() if value.__class__ is str else text(value)


def _plain(value) -> str:
    return value.strip() if value.__class__ is str else plain(value)
