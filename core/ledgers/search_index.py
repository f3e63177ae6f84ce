"""The ledger search index: Chinese substring search that reads the matches, not every entry.

Chinese has no spaces between words and people search two characters (「数控」), so word
tokenizers and trigram indexes (SQLite FTS5 `trigram`, PostgreSQL pg_trgm) cannot answer the
common case. Each entry keeps `search_grams`, computed here from its folded `search_text`: the
character bigrams of every run of letters and digits, in order, each run ended by its last
character (so that no bigram phrase spans two runs). A search word is a phrase of its bigrams:

- SQLite: a contentless FTS5 table `ledger_search` (ascii tokenizer: every non-ASCII character is
  a token character, so a bigram is one token) whose rowid is year * YEAR_SHIFT + entry id, so
  that FTS5's own rowid order is the page's order (newest year, then newest entry) and a page
  of 500 stops after 500 matches. Kept in step by the services (`added` / `changing` mark entries,
  the commit writes them, in bulk), rebuilt after bulk loads and when a restore empties the table.
  Per-row triggers would do it too, but FTS5 flushes at every trigger statement: an import of
  20,000 rows took 4x as long.
- PostgreSQL: GIN indexes on the expressions `string_to_array(search_grams, ' ')` (bigrams) and
  `regexp_split_to_array(search_text, '')` (single characters), kept in step by PostgreSQL.
"""
from __future__ import annotations

import itertools
import operator
import re
import weakref

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.models import LedgerEntry

RUN = re.compile(r"[^\W_]+")  # letters and digits (any script)
YEAR_SHIFT = 10_000_000_000  # rowid = year * YEAR_SHIFT + id: ids stay below 10^10
PENDING = "ledger_search_pending"  # session.info: entry id -> (rowid, grams) indexed now, or None
_EMPTIED: weakref.WeakSet = weakref.WeakSet()  # connections that deleted every entry (a restore)
FTS = sa.table("ledger_search", sa.column("rowid", sa.BigInteger))
BIGRAMS_PG = "string_to_array(search_grams, ' ')"
CHARS_PG = "regexp_split_to_array(search_text, '')"
_WORDTAB = np.zeros(0x110000, dtype=bool)  # code point -> a letter or digit (RUN), for the characters _KNOWN
_KNOWN = np.zeros(0x110000, dtype=bool)


def grams(text: str) -> str:
    """The index text of a folded search text: each run's bigrams in order, then its last character."""
    parts = []
    for run in RUN.findall(text or ""):
        if len(run) > 1:
            parts.append(" ".join(map(operator.add, run, run[1:])))
        parts.append(run[-1])
    return " ".join(parts)


def grams_many(texts: list[str]) -> list[str]:
    """grams(text) of each text, at once: the same strings, built with numpy over the texts joined,
    a few thousand at a time (arrays that stay in the cache): an import's 20,000 entries in a
    fifth of the time of grams() one by one."""
    found: list[str] = []
    for start in range(0, len(texts), 2000):
        found.extend(_grams_block(texts[start:start + 2000]))
    return found


def _grams_block(texts: list[str]) -> list[str]:
    if not texts:
        return []
    joined = "\n".join(texts) + "\n"  # a line break (no letter) after each text: no run spans two
    try:
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return [grams(text) for text in texts]
    seen = np.zeros(0x110000, dtype=bool)
    seen[codes] = True
    new = np.flatnonzero(seen & ~_KNOWN)
    if len(new):  # which characters are letters or digits: RUN's own answer, once per character
        _WORDTAB[new] = np.fromiter((bool(RUN.fullmatch(chr(c))) for c in new.tolist()), dtype=bool, count=len(new))
        _KNOWN[new] = True
    word = _WORDTAB[codes]
    pair = np.zeros_like(word)
    pair[:-1] = word[:-1] & word[1:]  # a bigram starts here
    # each character of a run gives itself, the next character when it starts a bigram, and a space
    grid = np.empty((len(codes), 3), dtype=np.uint32)
    grid[:, 0] = codes
    grid[:-1, 1] = codes[1:]
    grid[:, 2] = 32
    keep = np.empty((len(codes), 3), dtype=bool)
    keep[:, 0] = word
    keep[:, 1] = pair
    keep[:, 2] = word
    out = grid[keep]
    text = out.tobytes().decode("utf-32-le")
    width = word.view(np.uint8) * np.uint8(2) + pair.view(np.uint8)  # characters given: 0, 2 or 3
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    before = np.cumsum(width, dtype=np.int64)
    cuts = np.append(before[starts] - width[starts], len(out)).tolist()
    return [text[a:b - 1] if b > a else "" for a, b in itertools.pairwise(cuts)]


def _sqlite(bind) -> bool:
    return bind.dialect.name == "sqlite"


# ---------------------------------------------------------------- schema
def install(connection) -> None:
    """Create the index (and fill it from the entries). The migration and create_all call it."""
    if _sqlite(connection):
        # columnsize=0: nothing ranks the matches, so no table of each entry's size to write
        connection.exec_driver_sql("CREATE VIRTUAL TABLE IF NOT EXISTS ledger_search USING fts5("
                                   "g, content='', tokenize='ascii', columnsize=0)")
        rebuild(connection)
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_ledger_entry_search_grams ON ledger_entry "
                                   f"USING gin (({BIGRAMS_PG}))")
        connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_ledger_entry_search_chars ON ledger_entry "
                                   f"USING gin (({CHARS_PG}))")


def uninstall(connection) -> None:
    if _sqlite(connection):
        connection.exec_driver_sql("DROP TABLE IF EXISTS ledger_search")
    elif connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_ledger_entry_search_grams")
        connection.exec_driver_sql("DROP INDEX IF EXISTS ix_ledger_entry_search_chars")


event.listen(LedgerEntry.__table__, "after_create", lambda table, connection, **kw: install(connection))
event.listen(LedgerEntry.__table__, "after_drop", lambda table, connection, **kw: uninstall(connection))


def rebuild(connection) -> None:
    """The whole index again from the entries (bulk loads that bypass the services, a restore)."""
    if not _sqlite(connection):
        return
    connection.exec_driver_sql("INSERT INTO ledger_search(ledger_search) VALUES ('delete-all')")
    connection.exec_driver_sql(f"INSERT INTO ledger_search(rowid, g) SELECT year * {YEAR_SHIFT} + id, search_grams "
                               f"FROM ledger_entry ORDER BY year, id")


# ---------------------------------------------------------------- keeping it in step
def added(session: Session, *entry_ids: int) -> None:
    """Entries inserted in this transaction: indexed when it commits."""
    if _sqlite(session.get_bind()):
        pending = session.info.setdefault(PENDING, {})
        for entry_id in entry_ids:
            pending.setdefault(int(entry_id), None)


def index_added(session: Session, ids: list[int], years: list[int], grams_of: list[str]) -> None:
    """Entries just inserted in this transaction (an import's), indexed now from their values, in
    the index's own order: one statement, no reading them back (`added` does that at commit)."""
    if _sqlite(session.get_bind()) and ids:
        base = years[0] * YEAR_SHIFT
        if years.count(years[0]) == len(years) and (isinstance(ids, range) or all(map(operator.lt, ids, ids[1:]))):
            rows = list(zip(map(base.__add__, ids), grams_of))  # one year, ids ascending: in order already
        else:
            rows = sorted(zip((year * YEAR_SHIFT + entry_id for entry_id, year in zip(ids, years)), grams_of))
        cursor = session.connection().connection.cursor()  # the driver's executemany: bigrams hold no NUL
        try:
            cursor.executemany("INSERT INTO ledger_search(rowid, g) VALUES (?, ?)", rows)
        finally:
            cursor.close()


def changing(session: Session, *entry_ids: int) -> None:
    """Entries about to be changed or deleted (call before): their index rows as they stand now
    are removed when the transaction commits, and the rows as they are then are indexed."""
    if not _sqlite(session.get_bind()):
        return
    pending = session.info.setdefault(PENDING, {})
    fresh = [int(i) for i in entry_ids if int(i) not in pending]
    if not fresh:
        return
    table = LedgerEntry.__table__
    found = {row.id: (row.year * YEAR_SHIFT + row.id, row.search_grams) for row in session.execute(
        sa.select(table.c.id, table.c.year, table.c.search_grams).where(table.c.id.in_(fresh)))}
    for entry_id in fresh:
        pending[entry_id] = found.get(entry_id)


def sync(session: Session) -> None:
    """Write what this transaction marked (the commit does; a search in the same transaction too)."""
    pending = session.info.pop(PENDING, None)
    connection = session.connection()
    if connection in _EMPTIED:
        _EMPTIED.discard(connection)
        session.flush()
        rebuild(connection)
        return
    if not pending:
        return
    session.flush()
    old = [(rowid, text) for rowid, text in (v for v in pending.values() if v is not None)]
    if old:
        connection.exec_driver_sql("INSERT INTO ledger_search(ledger_search, rowid, g) VALUES ('delete', ?, ?)", old)
    ids = sorted(pending)
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        connection.exec_driver_sql(
            f"INSERT INTO ledger_search(rowid, g) SELECT year * {YEAR_SHIFT} + id, search_grams FROM ledger_entry "
            f"WHERE id IN ({', '.join('?' * len(chunk))}) ORDER BY year, id", tuple(chunk))


def ready(session: Session) -> None:
    """Before a search: what this transaction changed is in the index (a search right after a write)."""
    if session.info.get(PENDING) or (_EMPTIED and session.in_transaction() and session.connection() in _EMPTIED):
        sync(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session) -> None:
    if session.info.get(PENDING) or (_EMPTIED and session.connection() in _EMPTIED):
        sync(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    session.info.pop(PENDING, None)


@event.listens_for(Engine, "after_execute")
def _emptied(connection, clause, multiparams, params, execution_options, result) -> None:
    """A DELETE of every entry (a restore, before it inserts the backup's rows): rebuild at commit."""
    if (isinstance(clause, sa.Delete) and clause.table is LedgerEntry.__table__ and clause.whereclause is None
            and _sqlite(connection)):
        _EMPTIED.add(connection)
