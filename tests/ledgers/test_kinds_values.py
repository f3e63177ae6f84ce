"""The kind registry and how field values are read: dates, amounts, choices, yes/no, counts."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from core.excel.reader import header_key
from core.ledgers.exchange import aliases
from core.ledgers.kinds import KINDS, TYPES, Field
from core.ledgers.values import BadValue, parse, parse_date, parse_money, parse_year
from core.models import LedgerKind

WAN = Field("x", "金额", "Amount", "money", "万元", "10k yuan")
YUAN = Field("y", "企业投入", "Input", "money", "元", "yuan")


def test_the_thirteen_kinds_are_the_stored_codes():
    assert list(KINDS) == [code.value for code in LedgerKind]
    assert len(KINDS) == 13


@pytest.mark.parametrize("code", list(KINDS))
def test_each_kind_has_typed_labelled_columns_and_unambiguous_headers(code):
    kind = KINDS[code]
    assert kind.zh and kind.en and kind.title.zh and kind.partner.zh
    for field in kind.fields:
        assert field.type in TYPES and field.zh and field.en
        assert (field.type == "choice") == bool(field.choices)
        assert all(c.code and c.zh and c.en for c in field.choices)
    seen: dict[str, str] = {}
    for key, names in aliases(kind).items():
        for name in names:
            folded = header_key(name)
            assert seen.setdefault(folded, key) == key, (code, name, key, seen[folded])
    assert set(kind.quantity) <= {f.key for f in kind.numeric_fields}
    assert not kind.amount or kind.field(kind.amount).type == "money"


@pytest.mark.parametrize("written, expected", [
    ("2019.09", date(2019, 9, 1)), ("2019年9月", date(2019, 9, 1)), ("2019-09-01", date(2019, 9, 1)),
    ("2019年9月15日", date(2019, 9, 15)), (2019.09, date(2019, 9, 1)), (2019.1, date(2019, 10, 1)),
    (43709, date(2019, 9, 1)), (datetime(2019, 9, 1, 8), date(2019, 9, 1)), ("2019/9/1", date(2019, 9, 1)),
    ("2019-9", date(2019, 9, 1)), (None, None), ("", None)])
def test_dates_as_ledgers_write_them(written, expected):
    assert parse_date(written) == expected


@pytest.mark.parametrize("written", ["九月", "2019.13", "2019年13月", "next week"])
def test_what_is_not_a_date_is_refused(written):
    with pytest.raises(BadValue):
        parse_date(written)


@pytest.mark.parametrize("written, header, fen", [
    ("5万元", "", 50_000_00), ("5万", "", 50_000_00), ("50,000", "金额（元）", 50_000_00), ("50000元", "", 50_000_00),
    (5, "", 50_000_00), ("5", "金额（万元）", 50_000_00), ("123.456789", "", 123_456_789),
    ("１２万元", "", 120_000_00), (0.1, "", 100_000)])
def test_amounts_in_wan_yuan_are_kept_exactly_in_fen(written, header, fen):
    assert parse_money(written, WAN, header) == fen


def test_amounts_in_yuan_fields():
    assert parse(YUAN, "8万元") == 8_000_000
    assert parse(YUAN, 80000) == 8_000_000
    assert parse(YUAN, "80,000.50") == 8_000_050
    with pytest.raises(BadValue):
        parse(YUAN, "八万")
    with pytest.raises(BadValue):
        parse(YUAN, "-5")


def test_choices_yes_no_counts_and_years():
    kind = KINDS["patent"]
    assert parse(kind.field("patent_type"), "实用新型") == "utility"
    assert parse(kind.field("patent_type"), "utility model") == "utility"
    with pytest.raises(BadValue) as bad:
        parse(kind.field("patent_type"), "论文")
    assert bad.value.key == "ledger.bad_choice"
    assert parse(kind.field("converted"), "是") is True and parse(kind.field("converted"), "否") is False
    students = KINDS["order_class"].field("students")
    assert parse(students, "40人") == 40 and parse(students, 40.0) == 40 and parse(students, "") is None
    with pytest.raises(BadValue):
        parse(students, 40.5)
    assert parse_year("2021年") == 2021 and parse_year(2021.0) == 2021 and parse_year("2021年度") == 2021
    with pytest.raises(BadValue):
        parse_year("去年")
