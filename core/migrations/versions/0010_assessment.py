"""assessment: schemes, published scores, adjustments, awards, nominations and council votes

Revision ID: 0010
Revises: 0009
"""
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # claimed; the tables follow


def downgrade() -> None:
    pass
