"""Field values as people write them (2019.09, 2019年9月, 5万元, 50,000, 是) and as they are kept.

Kept values: text str, counts int, numbers float, money integer fen, dates ISO text, yes/no
bool, choices their code. Money is converted with Decimal, so 万元 figures stay exact.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from core.excel.reader import day, is_blank, number, text
from core.ledgers.kinds import Field, choice_code, choice_label

MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
YEAR_ONLY = re.compile(r"(\d{4})\s*年?(?:度)?")
MONEY = re.compile(r"^([-+]?[\d,，.\s]+)\s*(万元|万|元)?$")
YES = {"是", "y", "yes", "true", "1", "√", "已", "已结题", "已转化"}
NO = {"否", "n", "no", "false", "0", "×", "未", "未结题", "未转化"}


class BadValue(ValueError):
    """A cell that cannot be read as its field's type; `key` names the reason (i18n)."""

    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def plain(value: object) -> str:
    """Free text as written (full-width brackets and all), trimmed; 12.0 read as "12"."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: object) -> date | None:
    """Dates as ledgers write them: real dates, serials, 2019-09-01, 2019年9月1日, and a month
    alone (2019.09, 2019年9月, 2019-09, or the number 2019.09 Excel made of it) as its first day."""
    if is_blank(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and 1900 <= value < 2100 and not value.is_integer():
        year = int(value)
        month = int(round((value - year) * 100))
        if 1 <= month <= 12:
            return date(year, month, 1)
        raise BadValue("excel.bad_date", value=text(value))
    try:
        return day(value)
    except ValueError:
        pass
    match = MONTH.fullmatch(text(value))
    if match and 1 <= int(match.group(2)) <= 12:
        return date(int(match.group(1)), int(match.group(2)), 1)
    raise BadValue("excel.bad_date", value=text(value))


def parse_year(value: object) -> int | None:
    if is_blank(value) or not text(value):
        return None
    written = text(value)
    match = YEAR_ONLY.fullmatch(written)
    if match and 2000 <= int(match.group(1)) <= 2100:
        return int(match.group(1))
    raise BadValue("ledger.bad_year", value=written)


def parse_money(value: object, field: Field, header: str = "") -> int | None:
    """Integer fen. A figure with its unit (5万元, 50,000元) is converted; a bare figure is in the
    unit the header names (元 or 万元), else in the field's unit."""
    if is_blank(value) or not text(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        amount, unit = Decimal(str(value)), ""
    else:
        match = MONEY.match(text(value).replace(" ", ""))
        if not match:
            raise BadValue("ledger.bad_amount", value=text(value))
        try:
            amount = Decimal(re.sub(r"[,，\s]", "", match.group(1)))
        except InvalidOperation as exc:
            raise BadValue("ledger.bad_amount", value=text(value)) from exc
        unit = match.group(2) or ""
    if not unit:
        unit = "万元" if "万元" in header else ("元" if "元" in header else field.unit_zh)
    fen = amount * (1_000_000 if unit.startswith("万") else 100)
    if fen < 0:
        raise BadValue("ledger.negative", value=text(value))
    return int(fen.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse(field: Field, value: object, header: str = ""):
    """A cell (or a form's value) as the field keeps it; None for an empty cell."""
    if field.type == "money":
        return parse_money(value, field, header)
    if field.type == "date":
        found = parse_date(value)
        return found.isoformat() if found else None
    if is_blank(value) or (isinstance(value, str) and not value.strip()):
        return None
    if field.type == "text":
        return plain(value)[:500] or None
    if field.type == "choice":
        code = choice_code(field, text(value))
        if code is None:
            raise BadValue("ledger.bad_choice", value=text(value),
                           choices="、".join(c.zh for c in field.choices))
        return code
    if field.type == "bool":
        if isinstance(value, bool):
            return value
        written = text(value).lower()
        if written in YES:
            return True
        if written in NO:
            return False
        raise BadValue("ledger.bad_yes_no", value=text(value))
    try:
        figure = number(re.sub(r"(人|个|天|项|次|课时|学时|小时|人天|人日|本)$", "", text(value))
                        if isinstance(value, str) else value)
    except ValueError as exc:
        raise BadValue("indicator.not_a_number", value=text(value)[:40]) from exc
    if figure is None:
        return None
    if figure < 0:
        raise BadValue("ledger.negative", value=text(value))
    if field.type == "int":
        if not float(figure).is_integer():
            raise BadValue("ledger.not_whole", value=text(value))
        return int(figure)
    return float(figure)


def money_figure(fen: int | None, field: Field) -> float | None:
    """Fen as the field's unit (元 or 万元), for tables and exports."""
    if fen is None:
        return None
    return float(Decimal(fen) / field.money_scale)


def shown(field: Field, stored, lang: str):
    """A kept value as a table or an export shows it (numbers stay numbers)."""
    if stored is None or stored == "":
        return None
    if field.type == "money":
        return money_figure(stored, field)
    if field.type == "choice":
        return choice_label(field, stored, lang)
    if field.type == "bool":
        return ("是" if stored else "否") if lang == "zh" else ("yes" if stored else "no")
    if field.type == "date":
        return date.fromisoformat(stored)
    return stored


def quantity(kind_fields, quantity_keys: tuple[str, ...], extra: dict) -> float | None:
    """The entry's headline figure: the sum of the kind's quantity fields that are filled."""
    parts = [extra.get(key) for key in quantity_keys if extra.get(key) is not None]
    return float(sum(parts)) if parts else None
