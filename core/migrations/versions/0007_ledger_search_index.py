"""ledger search index: each entry's bigrams (search_grams), indexed

SQLite: a contentless FTS5 table ledger_search (rowid = year * 10^10 + id); PostgreSQL: GIN
indexes on the bigrams and on the characters of the search text. See core/ledgers/search_index.py;
the index text is computed here as that module did when this migration was written.

Revision ID: 0007
Revises: 0006
"""
import operator
import re

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RUN = re.compile(r"[^\W_]+")
YEAR_SHIFT = 10_000_000_000


def _grams(text: str) -> str:
    parts = []
    for run in RUN.findall(text or ""):
        if len(run) > 1:
            parts.append(" ".join(map(operator.add, run, run[1:])))
        parts.append(run[-1])
    return " ".join(parts)


def upgrade() -> None:
    op.add_column("ledger_entry", sa.Column("search_grams", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    entry = sa.table("ledger_entry", sa.column("id", sa.Integer), sa.column("search_grams", sa.Text))
    rows = conn.execute(sa.text("SELECT id, search_text FROM ledger_entry")).all()
    for start in range(0, len(rows), 5000):
        conn.execute(entry.update().where(entry.c.id == sa.bindparam("row_id")),
                     [{"row_id": row_id, "search_grams": _grams(text)} for row_id, text in rows[start:start + 5000]])
    if conn.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS ledger_search USING fts5(g, content='', tokenize='ascii')")
        op.execute(f"INSERT INTO ledger_search(rowid, g) SELECT year * {YEAR_SHIFT} + id, search_grams "
                   f"FROM ledger_entry ORDER BY year, id")
    else:
        op.execute("CREATE INDEX IF NOT EXISTS ix_ledger_entry_search_grams ON ledger_entry "
                   "USING gin ((string_to_array(search_grams, ' ')))")
        op.execute("CREATE INDEX IF NOT EXISTS ix_ledger_entry_search_chars ON ledger_entry "
                   "USING gin ((regexp_split_to_array(search_text, '')))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS ledger_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_ledger_entry_search_grams")
        op.execute("DROP INDEX IF EXISTS ix_ledger_entry_search_chars")
    with op.batch_alter_table("ledger_entry") as batch:
        batch.drop_column("search_grams")
