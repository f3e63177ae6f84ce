"""ledger search index (SQLite): the FTS5 table without its per-document sizes (columnsize=0)

Nothing ranks the matches (the page's order is the rowid's), so the table of each document's
token count was written for nothing: an import of 20,000 entries wrote 20,000 rows there.
The table is made again and filled from the entries; PostgreSQL has nothing to change.

Revision ID: 0019
Revises: 0018
"""
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

YEAR_SHIFT = 10_000_000_000  # core/ledgers/search_index.py when this migration was written


def _remake(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS ledger_search")
    op.execute(f"CREATE VIRTUAL TABLE ledger_search USING fts5(g, content='', tokenize='ascii'{options})")
    op.execute(f"INSERT INTO ledger_search(rowid, g) SELECT year * {YEAR_SHIFT} + id, search_grams "
               f"FROM ledger_entry ORDER BY year, id")


def upgrade() -> None:
    _remake(", columnsize=0")


def downgrade() -> None:
    _remake("")
