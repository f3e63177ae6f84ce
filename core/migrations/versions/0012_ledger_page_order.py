"""ledger entries in the query page's order: an index on (year, id)

The query page lists entries newest year first, then newest entry; with this index a page of 100
reads its 100 rows (PostgreSQL reads them backwards and stops, checking a search's bigrams on
the way), instead of sorting every entry of the newest years.

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_entry_year_id", "ledger_entry", ["year", "id"])


def downgrade() -> None:
    op.drop_index("ix_ledger_entry_year_id", "ledger_entry")
