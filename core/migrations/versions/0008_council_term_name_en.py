"""council terms get an English name (shown in English, the Chinese marked when it is empty)

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("council_term") as batch:
        batch.add_column(sa.Column("name_en", sa.String(length=100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("council_term") as batch:
        batch.drop_column("name_en")
