"""ledger entries: drop the indexes on kind alone and year alone

Their columns lead ix_ledger_entry_kind_year and ix_ledger_entry_year_id, which answer the
same lookups; each redundant index cost every insert (an import of 20,000 rows) a B-tree write.

Revision ID: 0018
Revises: 0017
"""
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_ledger_entry_kind", "ledger_entry")
    op.drop_index("ix_ledger_entry_year", "ledger_entry")


def downgrade() -> None:
    op.create_index("ix_ledger_entry_year", "ledger_entry", ["year"])
    op.create_index("ix_ledger_entry_kind", "ledger_entry", ["kind"])
