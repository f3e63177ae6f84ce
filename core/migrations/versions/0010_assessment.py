"""assessment: schemes, published scores, adjustments, awards, nominations and council votes

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _id():
    return sa.Column("id", sa.Integer(), primary_key=True)


def _fk(name, target, nullable=False, index=False):
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target), nullable=nullable, index=index)


def _version():
    return sa.Column("version", sa.Integer(), nullable=False, server_default="1")


def upgrade() -> None:
    op.create_table(
        "assessment_scheme", _id(),
        sa.Column("year", sa.Integer(), nullable=False, unique=True, autoincrement=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        _fk("published_by", "app_user.id", nullable=True),
        _fk("message_id", "message.id", nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        _version())
    op.create_table(
        "assessment_adjustment", _id(),
        _fk("scheme_id", "assessment_scheme.id", index=True), _fk("member_id", "member_unit.id", index=True),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        _fk("by_user_id", "app_user.id", nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        _version(),
        sa.UniqueConstraint("scheme_id", "member_id"))
    op.create_table(
        "assessment_result", _id(),
        _fk("scheme_id", "assessment_scheme.id", index=True), _fk("member_id", "member_unit.id", index=True),
        sa.Column("unit_type", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("adjustment", sa.Float(), nullable=False),
        sa.Column("adjustment_reason", sa.String(length=1000), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("of", sa.Integer(), nullable=False),
        sa.Column("breakdown", sa.JSON(), nullable=False),
        sa.UniqueConstraint("scheme_id", "member_id"))
    op.create_table(
        "award_category", _id(),
        sa.Column("year", sa.Integer(), nullable=False, index=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("pass_rule", sa.String(length=20), nullable=False),
        sa.Column("unit_type", sa.String(length=20), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        _fk("message_id", "message.id", nullable=True),
        _version())
    op.create_table(
        "award_nomination", _id(),
        _fk("category_id", "award_category.id", index=True), _fk("member_id", "member_unit.id", index=True),
        sa.Column("person_name", sa.String(length=100), nullable=False),
        sa.Column("statement", sa.String(length=4000), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False, index=True),
        sa.Column("review_note", sa.String(length=1000), nullable=False),
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        _fk("nominated_by", "app_user.id", nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        _version())
    op.create_table(
        "award_vote", _id(),
        _fk("nomination_id", "award_nomination.id", index=True), _fk("user_id", "app_user.id"),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("nomination_id", "user_id"))


def downgrade() -> None:
    for table in ("award_vote", "award_nomination", "award_category", "assessment_result",
                  "assessment_adjustment", "assessment_scheme"):
        op.drop_table(table)
