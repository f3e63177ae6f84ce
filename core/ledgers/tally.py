"""The ledger tally: counts and sums per kind, year and status, recomputed from the entries for
every (kind, year) a transaction touched, just before it commits (one pass per pair, however
many rows an import wrote). The unfiltered summary of the query page reads it."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session, func, select

from core.models import LedgerEntry, LedgerTally

DIRTY = "ledger_tally_dirty"


def touch(session: Session, *pairs: tuple[str, int]) -> None:
    """Mark (kind, year) pairs whose tally the commit must recompute."""
    session.info.setdefault(DIRTY, set()).update(pairs)


def refresh(session: Session, pairs) -> None:
    """Recompute the tally of these (kind, year) pairs from the entries."""
    for kind, year in sorted(pairs):
        session.execute(sa.delete(LedgerTally).where(LedgerTally.kind == kind, LedgerTally.year == year))
        rows = session.exec(select(LedgerEntry.status, func.count(), func.coalesce(func.sum(LedgerEntry.quantity), 0),
                                   func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
                            .where(LedgerEntry.kind == kind, LedgerEntry.year == year)
                            .group_by(LedgerEntry.status)).all()
        if rows:
            session.execute(sa.insert(LedgerTally), [
                {"kind": kind, "year": year, "status": status, "entries": count, "quantity": float(quantity),
                 "amount_fen": int(amount)} for status, count, quantity, amount in rows])


def refresh_all(session: Session) -> None:
    """The whole tally again (the demo, a restore, bulk loads that bypass the services)."""
    session.execute(sa.delete(LedgerTally))
    session.flush()
    pairs = session.exec(select(LedgerEntry.kind, LedgerEntry.year).distinct()).all()
    refresh(session, pairs)


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    pairs = session.info.pop(DIRTY, None)
    if pairs:
        session.flush()
        refresh(session, pairs)
