"""Many ledger entries recorded at once: an import's new rows (core/ledgers/ledger_import.py).

The checks are those of entries.create, row by row; the writes are one INSERT per table through
the driver (core/ledgers/bulk.py). An import is audited as one row naming its batch and what it
added (kind, year, count); every entry it added carries the batch's id, so the audit view leads
from an entry to the file and person it came from without 20,000 audit rows per import.
"""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.errors import ValidationFailed
from core.ledgers import bulk, search_index, tally
from core.ledgers.entries import checked_fields, fold, headline, locked_years
from core.ledgers.kinds import Kind, kind as kind_of
from core.models import AuditLog, LedgerEntry, LedgerPartner, MemberUnit, Role
from core.timeutil import utcnow


def create_many(session: Session, current: CurrentUser, rows: list[dict], *,
                import_batch_id: int | None = None) -> list[int]:
    """Record many entries at once (an import's new rows, fields as kept): the checks of `create`
    for every row, then one INSERT each for the entries, their partners and their audit rows: one
    per entry, or for an import (`import_batch_id`) one for the batch, its entries carrying its id."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    for member_id in {row["member_id"] for row in rows}:
        require_own_unit(current, member_id)
        if member_id is None:
            raise ValidationFailed("ledger.unit_missing")
    locked = set(locked_years(session))
    wanted = {row["member_id"] for row in rows} | {p.member_id for row in rows for p in row["partners"] if p.member_id}
    units = {u.id: u for u in session.execute(select(MemberUnit.id, MemberUnit.name, MemberUnit.credit_code)
                                              .where(MemberUnit.id.in_(wanted))).all()}  # rows, not objects: fast
    now, entries_rows, partner_rows = utcnow(), [], []
    index_text = _IndexText()
    for row in rows:
        spec = kind_of(row["kind"])
        _refuse_locked_in(locked, row["year"])
        extra, partners = checked_fields(session, spec, member_id=row["member_id"], year=row["year"],
                                         title=row["title"], partners=list(row["partners"]),
                                         started_on=row.get("started_on"), ended_on=row.get("ended_on"),
                                         fields=row.get("fields") or {}, kept=True, units=units)
        quantity, amount = headline(spec, extra)
        description = (row.get("description") or "").strip()[:4000]
        text, grams = index_text(spec, row["title"], units[row["member_id"]].name, [p.name for p in partners],
                                 description, extra)
        entries_rows.append({
            "kind": spec.code, "title": row["title"].strip()[:300], "member_id": row["member_id"], "year": row["year"],
            "started_on": row.get("started_on"), "ended_on": row.get("ended_on"), "description": description,
            "extra": extra, "quantity": quantity, "amount_fen": amount, "quantity_unit": index_text.unit(spec),
            "status": "pending" if partners else "recorded", "import_batch_id": import_batch_id,
            "search_text": text, "search_grams": grams, "created_by": current.id, "updated_by": current.id,
            "created_at": now, "updated_at": now, "version": 1})
        partner_rows.append(partners)
    if not entries_rows:
        return []
    if import_batch_id is not None:  # through the driver; the batch's rows come back in insertion order
        same = ("import_batch_id", "created_by", "updated_by", "created_at", "updated_at", "version")  # one value
        bulk.insert(session, LedgerEntry.__table__, {key: entries_rows[0][key] if key in same else
                                                     [row[key] for row in entries_rows] for key in entries_rows[0]},
                    len(entries_rows))
        ids = list(session.exec(select(LedgerEntry.id).where(LedgerEntry.import_batch_id == import_batch_id)
                                .order_by(LedgerEntry.id)).all())
    else:
        ids = [found[0] for found in session.execute(
            sa.insert(LedgerEntry).returning(LedgerEntry.id, sort_by_parameter_order=True), entries_rows)]
    search_index.added(session, *ids)
    owners = [entry_id for entry_id, mine in zip(ids, partner_rows) for _ in mine]
    flat = [p for mine in partner_rows for p in mine]
    bulk.insert(session, LedgerPartner.__table__, {
        "entry_id": owners, "member_id": [p.member_id for p in flat], "name": [p.name for p in flat],
        "credit_code": [p.credit_code for p in flat], "confirmation": "pending", "reason": ""}, len(flat))
    if import_batch_id is None:  # recorded one by one elsewhere: an audit row per entry, as `create` writes
        iso = lambda day: day.isoformat() if day is not None else None
        bulk.insert(session, AuditLog.__table__, {
            "at": now, "actor_user_id": current.id, "actor_name": current.username[:64],
            "action": "ledger_entry_created", "entity": "ledger_entry", "entity_id": [str(i) for i in ids],
            "before": None, "detail": "",
            "after": [{"kind": row["kind"], "title": row["title"], "member_id": row["member_id"], "year": row["year"],
                       "started_on": iso(row["started_on"]), "ended_on": iso(row["ended_on"]),
                       "description": row["description"], "extra": row["extra"], "status": row["status"],
                       "partners": [p.name for p in mine]} for row, mine in zip(entries_rows, partner_rows)]},
            len(ids))
    else:  # an import: one audit row for the batch; each entry names its batch (import_batch_id)
        audit.record(session, action="ledger_entries_imported", actor_id=current.id, actor_name=current.username,
                     entity="import_batch", entity_id=import_batch_id, after=_batch_summary(entries_rows, ids))
    tally.touch(session, *{(row["kind"], row["year"]) for row in entries_rows})
    return ids


class _IndexText:
    """search_text() and its bigrams for many entries: the bigrams of each part (title, unit,
    partner, person, description) computed once, since an import repeats its units and partners."""

    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.units: dict[str, str] = {}

    def unit(self, kind: Kind) -> str:
        if kind.code not in self.units:
            self.units[kind.code] = kind.field(kind.quantity[0]).unit_zh if kind.quantity else ""
        return self.units[kind.code]

    def __call__(self, kind: Kind, title: str, unit: str, partners: list[str], description: str,
                 extra: dict) -> tuple[str, str]:
        people = [str(extra.get(f.key) or "") for f in kind.fields if f.people]
        parts = [p for p in (title, unit, *partners, *people, description) if p]
        grams = []
        for part in parts:  # runs never span the spaces between parts
            found = self.parts.get(part)
            if found is None:
                found = self.parts[part] = search_index.grams(fold(part))
            if found:
                grams.append(found)
        return fold(" ".join(parts)), " ".join(grams)


def _refuse_locked_in(locked: set[int], year: int) -> None:
    if year in locked:
        raise ValidationFailed("ledger.year_locked", year=year)


def _batch_summary(rows: list[dict], ids: list[int]) -> dict:
    """What an import added, as its audit row keeps it: how many entries, per kind and year, and
    the range of their ids (the entries themselves name the batch)."""
    per = Counter((row["kind"], row["year"]) for row in rows)
    return {"entries": len(ids), "first_entry_id": min(ids), "last_entry_id": max(ids),
            "by_kind_year": {f"{kind} {year}": count for (kind, year), count in sorted(per.items())}}
