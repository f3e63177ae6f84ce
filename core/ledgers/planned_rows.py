"""A ledger sheet's checked rows kept as columns, and the plan's new rows as indexes into them.

A 20,000-row import spent a tenth of its time making a dict of values and a PlannedRow for each
new row, only to count them and take them apart again into columns to write them. Here a row
whose columns are all fine stays a position in the columns; its PlannedRow (the same values the
row checked alone gives) is made when someone looks at it (the preview's table, a test), and the
writer (core/ledgers/import_write.py) reads the columns as they are.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.excel import importer


@dataclass
class Checked:
    """Rows checked by column: row i (Excel row numbers[i]) is `fine[i]` (values: the columns at i)
    or is checked alone (`alone(i)`: (row number, values or None, problems))."""

    numbers: list[int]
    fine: list[bool]
    names: tuple[str, ...]
    columns: list[list]  # one per name, each as long as numbers
    keys: list[str]  # each fine row's natural key (the "key" column)
    existing: dict  # natural key -> (stored id, stored values)
    alone: Callable[[int], tuple] | None  # None once planned (planned())

    def values(self, i: int) -> dict:
        """Row i's values, as `alone(i)` would give them."""
        values = dict(zip(self.names, [column[i] for column in self.columns]))
        if self.keys[i] in self.existing:  # the version the dry run saw: a save meanwhile is refused
            values["_version"] = self.existing[self.keys[i]][1]["_version"]
        return values

    def planned(self) -> None:
        """Planning is over: the rows left as positions are new ones (no stored version), so the
        plan a page keeps holds the columns alone, not the dry run's context (session, stored entries)."""
        self.existing, self.alone = {}, None

    def rows(self):
        """(row number, values, problems) of every row, in order."""
        for i, (row, fine) in enumerate(zip(self.numbers, self.fine)):
            yield (row, self.values(i), ()) if fine else self.alone(i)


class PlannedRows(Sequence):
    """The plan's new rows: positions of fine rows in a Checked (made PlannedRows when looked at,
    then kept) or PlannedRows; a list as far as its readers go (len, index, iterate, append)."""

    def __init__(self, checked: Checked, code: str) -> None:
        self.checked, self.code = checked, code
        self.items: list = []  # a position in checked (int) or a PlannedRow
        self._positions_only = True

    def planned(self, i: int) -> importer.PlannedRow:
        values = self.checked.values(i)
        key = self.checked.keys[i]
        return importer.PlannedRow(self.checked.numbers[i], f"{self.code}|{key}", str(values.get("title", key)),
                                   values)

    def append(self, item) -> None:
        self._positions_only = self._positions_only and item.__class__ is int
        self.items.append(item)

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.items)))]
        item = self.items[index]
        if item.__class__ is int:
            item = self.items[index] = self.planned(item)  # the same object next time
            self._positions_only = False
        return item

    def __iter__(self):
        return (self[i] for i in range(len(self.items)))

    def __add__(self, other) -> list:
        return list(self) + list(other)

    def __eq__(self, other) -> bool:
        return list(self) == list(other) if isinstance(other, (list, PlannedRows)) else NotImplemented

    def __repr__(self) -> str:
        return f"PlannedRows({len(self.items)} rows)"

    def column(self, name: str) -> list:
        """Every row's value of `name` (None where a row has none), read from the columns."""
        checked = self.checked
        source = checked.columns[checked.names.index(name)] if name in checked.names else None
        if self._positions_only and len(self.items) == len(checked.numbers):  # every row, in order
            return list(source) if source is not None else [None] * len(self.items)
        if source is None:
            return [None if item.__class__ is int else item.values.get(name) for item in self.items]
        return [source[item] if item.__class__ is int else item.values.get(name) for item in self.items]
