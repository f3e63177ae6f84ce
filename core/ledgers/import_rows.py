"""The rows of a ledger sheet read and checked together (the dry run of core/ledgers/ledger_import.py).

Each check is the one a row would get alone, with the same reasons in the same order (unit,
dates, year, name, the kind's fields, partners); what is done per cell is done once per distinct
cell of a column (a column holds few distinct units, years, majors, dates, amounts), and the
unit matcher caches per written name, so 20,000 rows cost little more than their distinct cells.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from sqlmodel import Session

from core.auth import CurrentUser
from core.excel import importer
from core.excel.reader import HEADER_SCAN_ROWS, header_key, text
from core.ledgers import entries
from core.ledgers.import_cells import SIGNATURE_WORD, each, is_not_data, maybe_not_data, memo, plains_of, texts_of
from core.ledgers.kinds import Kind
from core.ledgers.matching import UnitMatcher, folded, folded_many
from core.ledgers.planned_rows import Checked
from core.ledgers.values import parse, parse_date, parse_year
from core.models import Role

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
    # load(ctx, units, years, ids): fills existing and by_id with the stored entries the rows may
    # name (of those units and years, or those ids), once the rows' units and years are known
    load: Callable[[Context, set, set, set], None] | None = None


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
    if len({(p.member_id, p.name) for p in found}) < len(found):  # as recording it would refuse
        problems.append(("partner", "ledger.partner_twice", {}))
    return found, problems, "、".join(f"{p.name}|{p.credit_code}" for p in found)


def _reader(spec, header: str):
    return lambda value: parse(spec, value, header)


def parse_table(ctx: Context, table: Rows) -> Iterator[tuple]:
    """(row number, values, problems) of every row holding a cell; values None for a row that is
    no data (a total, a signature line): check_table's rows, one at a time."""
    return check_table(ctx, table).rows()


def check_table(ctx: Context, table: Rows) -> Checked:
    """Every row holding a cell, checked column by column: a row whose every column is fine gets
    its values from the columns at once (kept there: planned_rows.Checked); any other row is
    checked alone (`_Checks.row`), which gives the same values and finds its problems in their order."""
    checks = _Checks(ctx, table)
    table, n = checks.table, len(checks.table.numbers)
    if ctx.current is None:
        return Checked(table.numbers, [False] * n, (), [], [""] * n, ctx.existing, checks.row)
    units = checks.units()
    years, title_year = checks.years, checks.title_year
    first, second, third = itemgetter(0), itemgetter(1), itemgetter(2)
    if not any(map(second, years)) and all(map(first, years)):  # every row gives its year
        year_of = list(map(first, years))
    else:
        year_of = [None if bad is not None else (year or title_year or (start.year if start else None))
                   for (year, bad), (start, _) in zip(years, checks.starts)]
    if ctx.load is not None:
        ctx.load(ctx, set(units) - {None}, set(year_of) - {None},
                 {int(number) for number in checks.texts.get("id", ()) if number.isdecimal()})
    partners = checks.partners(units)
    clean = [unit is not None and year is not None and title != "" and not maybe
             for unit, year, title, maybe in zip(units, year_of, checks.titles, checks.maybe_not_data)]
    # a column's rows are looked at one by one only when one of them has a problem (a BadValue,
    # a list of problems: both true; the looks below run in C)
    flags = [[bad is not None for _, bad in column] for column in (checks.starts, checks.ends)
             if any(map(second, column))]
    if any(map(second, partners)):
        flags.append([bool(found[1]) for found in partners])
    if any(map(first, checks.starts)) and any(map(first, checks.ends)):
        flags.append([bool(start and end and end < start) for (start, _), (end, _) in zip(checks.starts, checks.ends)])
    flags.extend([bad is not None or (value is None and spec.required) for value, bad in parsed]
                 for spec, _, parsed in checks.fields
                 if any(map(second, parsed)) or spec.required and None in map(first, parsed))
    for bad_of in flags:
        clean = [ok and not bad for ok, bad in zip(clean, bad_of)]
    keys = checks.keys(units, year_of)
    names = ("title", "description", "_kind", "_sheet", "_year_column", "member_id", "started_on", "ended_on", "year",
             *(key for _, key, _ in checks.fields), "_partners", "partners", "key")
    columns = [checks.titles, checks.descriptions, [ctx.kind.code] * n, [table.sheet] * n,
               [table.columns.get("year", "")] * n, units, list(map(first, checks.starts)),
               list(map(first, checks.ends)), year_of, *(list(map(first, parsed)) for _, _, parsed in checks.fields),
               list(map(first, partners)), list(map(third, partners)), keys]
    return Checked(table.numbers, clean, names, columns, keys, ctx.existing, checks.row)


class _Checks:
    """A sheet's columns read once per distinct cell, and the checks of one row on them."""

    def __init__(self, ctx: Context, table: Rows) -> None:
        keys = list(table.columns)
        texts = {key: texts_of(table.cells[key]) for key in keys}
        full = any(map(all, texts.values()))  # a column with a text in every row (titles): every row is one
        kept = None if full else [i for i, row_texts in enumerate(zip(*(texts[key] for key in keys))) if any(row_texts)]
        if kept is not None and len(kept) < len(table.numbers):  # rows without a cell are not rows of the table
            texts = {key: [column[i] for i in kept] for key, column in texts.items()}
            table = Rows(table.sheet, table.columns, [table.numbers[i] for i in kept],
                         {key: [column[i] for i in kept] for key, column in table.cells.items()}, table.preamble)
        self.ctx, self.table, self.texts, self.keys_read = ctx, table, texts, keys
        empty = [None] * len(table.numbers)
        column = lambda key: table.cells.get(key, empty)
        self.maybe_not_data = maybe_not_data(texts, len(table.numbers))
        self.blank = [""] * len(table.numbers)
        self.titles = [value[:300] for value in plains_of(column("title"))]
        self.descriptions = [value[:4000] for value in plains_of(column("description"))]
        self.partner_text = plains_of(column("partner"))
        self.partner_codes = texts.get("partner_code", self.blank)
        self.starts, self.ends = each(parse_date, column("started_on")), each(parse_date, column("ended_on"))
        self.years = each(parse_year, column("year"))
        self.fields = [(spec, f"f_{spec.key}", each(_reader(spec, table.columns.get(f"f_{spec.key}", "")),
                                                     column(f"f_{spec.key}"))) for spec in ctx.kind.fields]
        # no closure over self: the columns are freed as soon as the table is planned, not left to
        # the garbage collector as a cycle (20 ms of a 20,000-row import)
        self.cell_partners = cell_partners = memo(lambda written, codes: _partner_cells(ctx, written, codes))
        self.row_partners = memo(lambda written, codes, unit_id: _partners(ctx, cell_partners(written, codes)[0][0],
                                                                           unit_id))
        self.title_unit, self.title_written, self.title_year = _preamble(ctx, table)
        self.member = ctx.current is not None and ctx.current.role == Role.MEMBER
        codes = [code.upper() for code in texts["unit_code"]] if "unit_code" in texts else self.blank
        self.unit_cells = list(zip(texts.get("unit", self.blank), codes))  # (name, credit code) written

    def problem(self, row: int, column: str, key: str, params: dict) -> importer.RowProblem:
        return importer.RowProblem(self.table.sheet, row, self.table.columns.get(column, column), key, params)

    def unit(self, written: str, code: str) -> tuple[int | None, tuple | None]:
        """The reporting unit of a row (its column: credit code, then name; else the title rows; else
        the liaison's own) and the problem (column, reason, params) that keeps it from one."""
        ctx = self.ctx
        if written or code:
            match = ctx.matcher.find(written, code)
            if match.member_id is None:
                return None, _unknown(ctx, "unit" if written else "unit_code", written or code, match)
            unit_id = match.member_id
        elif self.title_unit is not None:
            unit_id = self.title_unit
        elif self.title_written:
            return None, _unknown(ctx, "unit", self.title_written, ctx.matcher.find(self.title_written))
        elif self.member:
            unit_id = ctx.current.member_id
        else:
            return None, ("unit", "ledger.unit_missing", {})
        if self.member and unit_id != ctx.current.member_id:
            return unit_id, ("unit", "ledger.not_your_unit_row", {"unit": ctx.matcher.names.get(unit_id, "")})
        return unit_id, None

    def units(self) -> list[int | None]:
        """Each row's unit id, None where the unit has a problem (once per distinct cell)."""
        cells = self.unit_cells
        done = {cell: unit_id if problem is None else None
                for cell, (unit_id, problem) in ((cell, self.unit(*cell)) for cell in dict.fromkeys(cells))}
        return list(map(done.__getitem__, cells))

    def partners(self, units: list) -> list[tuple]:
        """(partners, problems, text) of each row, once per distinct (cell, unit among them)."""
        cells = list(zip(self.partner_text, self.partner_codes))
        members = {cell: self.cell_partners(*cell)[0][1] for cell in dict.fromkeys(cells)}
        # a row's partners depend on its unit only when the unit is among them (named as its own partner)
        keys = [(written, codes, unit_id if unit_id in members[written, codes] else None)
                for (written, codes), unit_id in zip(cells, units)]
        done = {key: self.row_partners(*key)[0] for key in dict.fromkeys(keys)}
        return list(map(done.__getitem__, keys))

    def keys(self, units: list, years: list) -> list[str]:
        """Each row's natural key (its 台账编号 when it names a stored entry)."""
        titles = folded_many(self.titles)
        keys = list(map("{}|{}|{}".format, units, years, titles))  # natural_key's
        if "id" in self.texts:
            by_id = self.ctx.by_id
            keys = [by_id[int(number)] if number.isdigit() and int(number) in by_id else key
                    for number, key in zip(self.texts["id"], keys)]
        return keys

    def row(self, i: int) -> tuple:
        """(row number, values, problems) of row i checked alone."""
        ctx, texts, row = self.ctx, self.texts, self.table.numbers[i]
        problem = self.problem
        if self.maybe_not_data[i] and is_not_data(tuple(texts[key][i] for key in self.keys_read),
                                                   texts.get("title", self.blank)[i], texts.get("year", self.blank)[i],
                                                   any(SIGNATURE_WORD.search(texts[key][i]) for key in self.keys_read)):
            return row, None, ()
        if ctx.current is None:
            return row, {}, [problem(row, "", "auth.login_required", {})]
        found: list = []
        values: dict = {"title": self.titles[i], "description": self.descriptions[i], "_kind": ctx.kind.code,
                        "_sheet": self.table.sheet, "_year_column": self.table.columns.get("year", "")}
        unit_id, unit_problem = self.unit(*self.unit_cells[i])
        if unit_problem is not None:
            found.append(problem(row, *unit_problem))
        values["member_id"] = unit_id
        started, bad = self.starts[i]
        if bad is None:
            values["started_on"] = started
            ended, bad = self.ends[i]
            if bad is None:
                values["ended_on"] = ended
                if started and ended and ended < started:
                    found.append(problem(row, "ended_on", "ledger.ends_before_start", {}))
            else:
                found.append(problem(row, "ended_on", bad.key, bad.params))
        else:
            found.append(problem(row, "started_on", bad.key, bad.params))
        year, bad = self.years[i]
        if bad is not None:
            found.append(problem(row, "year", bad.key, bad.params))
        else:
            year = year or self.title_year or (started.year if values.get("started_on") else None)
            if year is None:
                found.append(problem(row, "year", "ledger.year_missing", {}))
        values["year"] = year
        if not values["title"]:
            found.append(problem(row, "title", "ledger.title_required", {"field": ctx.kind.title.zh}))
        for spec, key, parsed in self.fields:
            value, bad = parsed[i]
            if bad is not None:
                found.append(problem(row, key, bad.key, bad.params))
                continue
            values[key] = value
            if value is None and spec.required:
                found.append(problem(row, key, "ledger.field_required", {"field": spec.zh}))
        written, codes = self.partner_text[i], self.partner_codes[i]
        (_, members), _ = self.cell_partners(written, codes)
        (chosen, partner_problems, listed), _ = self.row_partners(written, codes,
                                                                  unit_id if unit_id in members else None)
        found.extend(problem(row, *spec) for spec in partner_problems)
        values["_partners"], values["partners"] = chosen, listed
        if found:
            return row, values, found
        number = texts["id"][i] if "id" in texts else ""
        values["key"] = (ctx.by_id[int(number)] if number.isdigit() and int(number) in ctx.by_id
                         else natural_key(unit_id, year, values["title"]))
        if values["key"] in ctx.existing:  # the version the dry run saw: a save meanwhile is refused
            values["_version"] = ctx.existing[values["key"]][1]["_version"]
        return row, values, ()
