"""The rows of a ledger sheet read and checked together (the dry run of core/ledgers/ledger_import.py).

Each check is the one a row would get alone, with the same reasons in the same order (unit,
dates, year, name, the kind's fields, partners); what is done per cell is done once per distinct
cell of a column (a column holds few distinct units, years, majors, dates, amounts), and the
unit matcher caches per written name, so 20,000 rows cost little more than their distinct cells.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlmodel import Session

from core.auth import CurrentUser
from core.excel import importer
from core.excel.reader import HEADER_SCAN_ROWS, header_key, text
from core.ledgers import entries
from core.ledgers.kinds import Kind
from core.ledgers.matching import UnitMatcher, folded
from core.ledgers.values import BadValue, parse, parse_date, parse_year, plain
from core.models import Role

TOTAL = re.compile(r"^(合计|小计|总计|共计|合\s*计|总\s*计)")
SIGNATURE = re.compile(r"(填表人|填报人|制表人|审核人|负责人|联系人|联系电话|电话|签字|签章|盖章|填报日期|填表日期|"
                       r"单位公章)\s*[:：]|^\s*(注|说明)\s*[:：]")
SIGNATURE_WORD = re.compile(r"填表人|填报人|制表人|审核人|负责人|联系人|电话|签字|签章|盖章|填报日期|填表日期|单位公章|注|说明"
                            r"|^\s*[:：]")  # a cell that may take part in a signature line
UNIT_LINE = re.compile(r"(?:填报单位|单位名称|填表单位)\s*[:：]\s*([^\s:：]+)")
YEAR_IN_TITLE = re.compile(r"(20\d{2})\s*(?:年|年度)")
SPLIT = re.compile(r"[、;；/\n]+")


@dataclass
class Context:
    """What one dry run knows besides the rows: who imports, the registry, what is stored."""

    session: Session
    current: CurrentUser | None
    kind: Kind
    matcher: UnitMatcher
    locked: set[int]
    existing: dict[str, tuple[int, dict]] = field(default_factory=dict)
    by_id: dict[int, str] = field(default_factory=dict)


@dataclass
class Rows:
    """A sheet's table as columns: the cells of each column key, under the header found."""

    sheet: str
    columns: dict[str, str]  # key -> header text found
    numbers: list[int]  # Excel row number of each row
    cells: dict[str, list]  # key -> the column's cells
    preamble: list[str]  # the text of each row above the header


def locate(name: str, frame, aliases: dict[str, list[str]], required: set[str]) -> Rows | None:
    """The table of a sheet: the first of its top rows naming every required column (the first
    column naming a key wins), and the rows under it as columns."""
    wanted = {header_key(alias): key for key, names in aliases.items() for alias in names}
    grid = frame.to_numpy(dtype=object)
    for index in range(min(HEADER_SCAN_ROWS, len(grid))):
        positions: dict[str, int] = {}
        labels: dict[str, str] = {}
        for col, cell in enumerate(grid[index].tolist()):
            key = wanted.get(header_key(cell))
            if key and key not in labels:
                positions[key], labels[key] = col, str(cell).strip()
        if required <= set(labels):
            body = grid[index + 1:]
            preamble = [" ".join(text(cell) for cell in grid[above].tolist() if text(cell)) for above in range(index)]
            return Rows(name, labels, list(range(index + 2, index + 2 + len(body))),
                        {key: body[:, col].tolist() for key, col in positions.items()}, [p for p in preamble if p])
    return None


def natural_key(member_id: int, year: int, title: str) -> str:
    return f"{member_id}|{year}|{folded(title)}"


def _memo(fn):
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


def _each(fn, values: list) -> list:
    """(fn(value), BadValue or None) for every cell of a column, computed once per distinct cell."""
    if len(set(map(type, values))) <= 1:  # one type (a column of text, of numbers): the cells are the keys
        done = {value: _answer(fn, (value,)) for value in dict.fromkeys(values)}
        return list(map(done.__getitem__, values))
    keys = list(zip(map(type, values), values))  # True == 1 == 1.0, yet they read differently
    done = {key: _answer(fn, (key[1],)) for key in dict.fromkeys(keys)}
    return list(map(done.__getitem__, keys))


def _preamble(ctx: Context, table: Rows) -> tuple[int | None, str, int | None]:
    """The unit (id, or the name written when it is not found) and year named in the title rows."""
    lines = " ".join(table.preamble)
    unit_id, written = None, ""
    found = UNIT_LINE.search(lines)
    if found:
        written = found.group(1)
        unit_id = ctx.matcher.find(written).member_id
    if unit_id is None:  # a registry name inside the title: 「山东劳动职业技术学院订单班台账」
        hits = [(len(name), uid) for uid, name in ctx.matcher.names.items() if name and name in lines]
        if hits:
            unit_id, written = max(hits)[1], ""
    year_found = YEAR_IN_TITLE.search(lines)
    return unit_id, written, int(year_found.group(1)) if year_found else None


def _unknown(ctx: Context, column: str, written: str, match) -> tuple:
    """(column, reason, params) of a unit name not in the registry, with the near name if any."""
    if match.suggestion:
        suggestion_id = next(uid for uid, name in ctx.matcher.names.items() if name == match.suggestion)
        return column, "ledger.near_unit", {"value": written, "suggestion": match.suggestion,
                                            "suggestion_id": suggestion_id}
    return column, "ledger.unknown_unit", {"value": written}


def _partner_cells(ctx: Context, written: str, codes_written: str) -> tuple:
    """The partners a cell names, each a PartnerInput or a problem (column, reason, params), and
    the member units among them."""
    names = [n.strip() for n in SPLIT.split(written) if n.strip()]
    codes = [c.strip().upper() for c in SPLIT.split(codes_written) if c.strip()]
    named = []
    for index, name in enumerate(names):
        code = codes[index] if index < len(codes) else ""
        match = ctx.matcher.find(name, code)
        if match.member_id is not None:
            named.append(entries.PartnerInput(match.member_id, ctx.matcher.names[match.member_id],
                                              ctx.matcher.code_of(match.member_id)))
        elif match.suggestion and not ctx.matcher.is_accepted(name):
            named.append(_unknown(ctx, "partner", name, match))
        else:  # an outside organisation, by name and credit code
            named.append(entries.PartnerInput(None, name[:200], code[:18]))
    return named, {p.member_id for p in named if isinstance(p, entries.PartnerInput) and p.member_id}


def _partners(ctx: Context, named: list, unit_id: int | None) -> tuple:
    """(partners found, problems as (column, reason, params), the partners as text) of a row."""
    found, problems = [], []
    for partner in named:
        if not isinstance(partner, entries.PartnerInput):
            problems.append(partner)
        elif partner.member_id is not None and partner.member_id == unit_id:
            problems.append(("partner", "ledger.partner_is_self", {}))
        else:
            found.append(partner)
    if ctx.kind.partner_required and not found and not problems:
        problems.append(("partner", "ledger.partner_required", {"field": ctx.kind.partner.zh}))
    return found, problems, "、".join(f"{p.name}|{p.credit_code}" for p in found)


def _is_not_data(texts: tuple, title: str, year: str, maybe_signature: bool) -> bool:
    cells = [cell for cell in texts if cell]
    if not cells:
        return True
    if any(TOTAL.match(cell) for cell in cells[:3]) or TOTAL.match(title):
        return True
    return maybe_signature and bool(SIGNATURE.search(" ".join(cells))) and not year


def _text(value) -> str:
    """reader.text, without its blank test for the common case of a text cell."""
    return unicodedata.normalize("NFKC", value).strip() if value.__class__ is str else text(value)


def _plain(value) -> str:
    return value.strip() if value.__class__ is str else plain(value)


def _reader(spec, header: str):
    return lambda value: parse(spec, value, header)


def parse_table(ctx: Context, table: Rows) -> list[tuple]:
    """(row number, values, problems) of every row holding a cell; values None for a row that is
    no data (a total, a signature line)."""
    keys = list(table.columns)
    texts = {key: [value for value, _ in _each(_text, table.cells[key])] for key in keys}
    kept = [i for i, row_texts in enumerate(zip(*(texts[key] for key in keys))) if any(row_texts)]
    if len(kept) < len(table.numbers):  # rows without a cell are not rows of the table
        texts = {key: [column[i] for i in kept] for key, column in texts.items()}
        table = Rows(table.sheet, table.columns, [table.numbers[i] for i in kept],
                     {key: [column[i] for i in kept] for key, column in table.cells.items()}, table.preamble)
    rows, cells = table.numbers, table.cells
    empty = [None] * len(rows)
    column = lambda key: cells.get(key, empty)
    maybe_sign = [any(flags) for flags in zip(*([flag for flag, _ in _each(SIGNATURE_WORD.search, texts[key])]
                                                for key in keys))]
    maybe_total = [any(flags) for flags in zip(*([flag for flag, _ in _each(TOTAL.match, texts[key])]
                                                 for key in keys))]
    blank = [""] * len(rows)
    title_text, year_text = texts.get("title", blank), texts.get("year", blank)
    titles = [value[:300] for value, _ in _each(_plain, column("title"))]
    descriptions = [value[:4000] for value, _ in _each(_plain, column("description"))]
    partner_text = [value for value, _ in _each(_plain, column("partner"))]
    starts, ends, years = _each(parse_date, column("started_on")), _each(parse_date, column("ended_on")), \
        _each(parse_year, column("year"))
    fields = [(spec, f"f_{spec.key}", _each(_reader(spec, table.columns.get(f"f_{spec.key}", "")), column(f"f_{spec.key}")))
              for spec in ctx.kind.fields]
    cell_partners = _memo(lambda written, codes: _partner_cells(ctx, written, codes))
    # a row's partners depend on its unit only when the unit is among them (named as its own partner)
    partners = _memo(lambda written, codes, unit_id: _partners(ctx, cell_partners(written, codes)[0][0], unit_id))
    title_unit, title_written, title_year = _preamble(ctx, table)
    member = ctx.current.role == Role.MEMBER if ctx.current is not None else False
    out: list[tuple] = []
    columns = table.columns
    problem = lambda row, col, key, params: importer.RowProblem(
        table.sheet, row, columns.get(col, col), key, params)
    for i, (row, row_texts) in enumerate(zip(rows, zip(*(texts[key] for key in keys)))):
        if (maybe_total[i] or maybe_sign[i]) and _is_not_data(row_texts, title_text[i], year_text[i], maybe_sign[i]):
            out.append((row, None, []))
            continue
        if ctx.current is None:
            out.append((row, {}, [problem(row, "", "auth.login_required", {})]))
            continue
        found: list = []
        values: dict = {"title": titles[i], "description": descriptions[i],
                        "_kind": ctx.kind.code, "_sheet": table.sheet, "_year_column": columns.get("year", "")}
        # the reporting unit: its column (credit code, then name), else the title rows, else the liaison's own
        written = texts["unit"][i] if "unit" in texts else ""
        code = texts["unit_code"][i].upper() if "unit_code" in texts else ""
        unit_id = None
        if written or code:
            match = ctx.matcher.find(written, code)
            unit_id = match.member_id
            if unit_id is None:
                found.append(problem(row, *_unknown(ctx, "unit" if written else "unit_code", written or code, match)))
        elif title_unit is not None:
            unit_id = title_unit
        elif title_written:
            found.append(problem(row, *_unknown(ctx, "unit", title_written, ctx.matcher.find(title_written))))
        elif member:
            unit_id = ctx.current.member_id
        else:
            found.append(problem(row, "unit", "ledger.unit_missing", {}))
        if unit_id is not None and member and unit_id != ctx.current.member_id:
            found.append(problem(row, "unit", "ledger.not_your_unit_row", {"unit": ctx.matcher.names.get(unit_id, "")}))
        values["member_id"] = unit_id
        started, bad = starts[i]
        if bad is None:
            values["started_on"] = started
            ended, bad = ends[i]
            if bad is None:
                values["ended_on"] = ended
            else:
                found.append(problem(row, "ended_on", bad.key, bad.params))
        else:
            found.append(problem(row, "started_on", bad.key, bad.params))
        year, bad = years[i]
        if bad is not None:
            found.append(problem(row, "year", bad.key, bad.params))
        else:
            year = year or title_year or (started.year if values.get("started_on") else None)
            if year is None:
                found.append(problem(row, "year", "ledger.year_missing", {}))
        values["year"] = year
        if not values["title"]:
            found.append(problem(row, "title", "ledger.title_required", {"field": ctx.kind.title.zh}))
        for spec, key, parsed in fields:
            value, bad = parsed[i]
            if bad is not None:
                found.append(problem(row, key, bad.key, bad.params))
                continue
            values[key] = value
            if value is None and spec.required:
                found.append(problem(row, key, "ledger.field_required", {"field": spec.zh}))
        codes = texts["partner_code"][i] if "partner_code" in texts else ""
        (_, members), _ = cell_partners(partner_text[i], codes)
        (chosen, partner_problems, listed), _ = partners(partner_text[i], codes,
                                                         unit_id if unit_id in members else None)
        found.extend(problem(row, *spec) for spec in partner_problems)
        values["_partners"], values["partners"] = chosen, listed
        if found:
            out.append((row, values, found))
            continue
        number = texts["id"][i] if "id" in texts else ""
        values["key"] = (ctx.by_id[int(number)] if number.isdigit() and int(number) in ctx.by_id
                         else natural_key(unit_id, year, values["title"]))
        if values["key"] in ctx.existing:  # the version the dry run saw: a save meanwhile is refused
            values["_version"] = ctx.existing[values["key"]][1]["_version"]
        out.append((row, values, []))
    return out
