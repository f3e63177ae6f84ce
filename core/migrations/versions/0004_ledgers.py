"""ledgers: typed kinds, partners with confirmation, year locks, indicators derived from ledgers

The existing ledger_entry rows move into the new kinds: teacher_workstation becomes
teacher_practice, meeting becomes a cooperation_project of category "other"; the quantity goes
to the kind's headline field, amount_yuan to amount_fen (integer fen), and the partner member to
a ledger_partner row waiting for its confirmation.

Revision ID: 0004
Revises: 0003
"""
import unicodedata

import sqlalchemy as sa
from alembic import op

from core.dbtypes import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# old kind -> (new kind, field the old quantity goes to, field the old amount goes to)
KIND_MAP = {
    "order_class": ("order_class", "students", "enterprise_input"),
    "apprenticeship": ("apprenticeship", "apprentices", ""),
    "training_base": ("training_base", "students", "equipment"),
    "teacher_workstation": ("teacher_practice", "", ""),
    "tech_service": ("tech_service", "", "received"),
    "patent": ("patent", "", ""),
    "training": ("training", "people", ""),
    "competition": ("competition", "participants", ""),
    "meeting": ("cooperation_project", "", ""),
}
# fen per unit of the field the amount goes to (enterprise input in 元, the others in 万元)
SCALE = {"enterprise_input": 100, "equipment": 1_000_000, "received": 1_000_000}
# the headline figure of each kind is the sum of these fields
QUANTITY = {"order_class": "students", "apprenticeship": "apprentices", "training_base": "students",
            "training": "person_days", "competition": ""}


def _fold(*parts: str) -> str:
    return unicodedata.normalize("NFKC", " ".join(p for p in parts if p)).lower()


def upgrade() -> None:
    op.create_table(
        "ledger_year_lock",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("locked_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("locked_at", UTCDateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ledger_indicator_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicator.id"), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("tolerance_pct", sa.Float(), nullable=False, server_default="5"),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
    )
    with op.batch_alter_table("ledger_entry") as batch:
        batch.add_column(sa.Column("amount_fen", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="recorded"))
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("import_batch_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("updated_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("updated_at", UTCDateTime(timezone=True), nullable=True))
    partners = _move_rows()
    with op.batch_alter_table("ledger_entry") as batch:
        batch.drop_column("partner_member_id")
        batch.drop_column("amount_yuan")
        batch.alter_column("updated_at", existing_type=UTCDateTime(timezone=True), nullable=False)
        batch.create_foreign_key("fk_ledger_entry_import_batch", "import_batch", ["import_batch_id"], ["id"])
        batch.create_foreign_key("fk_ledger_entry_updated_by", "app_user", ["updated_by"], ["id"])
        batch.create_index("ix_ledger_entry_status", ["status"])
        batch.create_index("ix_ledger_entry_kind_year", ["kind", "year", "status"])
    # after the rebuild of ledger_entry (SQLite copies the table: no row may point at it meanwhile)
    partner = op.create_table(
        "ledger_partner",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("ledger_entry.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member_unit.id"), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("credit_code", sa.String(length=18), nullable=False, server_default=""),
        sa.Column("confirmation", sa.String(length=20), nullable=False, server_default="pending"),
        sa.Column("reason", sa.String(length=1000), nullable=False, server_default=""),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("app_user.id"), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_ledger_partner_entry_id", "ledger_partner", ["entry_id"])
    op.create_index("ix_ledger_partner_member_id", "ledger_partner", ["member_id"])
    if partners:
        op.bulk_insert(partner, partners)
    op.create_table(
        "ledger_tally",
        sa.Column("kind", sa.String(length=30), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(length=20), primary_key=True),
        sa.Column("entries", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("quantity", sa.Float(), nullable=False, server_default="0"),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.execute("INSERT INTO ledger_tally (kind, year, status, entries, quantity, amount_fen) "
               "SELECT kind, year, status, count(*), coalesce(sum(quantity), 0), coalesce(sum(amount_fen), 0) "
               "FROM ledger_entry GROUP BY kind, year, status")


def _move_rows() -> list[dict]:
    """Rewrite each old row in place; returns the partner rows to insert once the table is rebuilt."""
    conn = op.get_bind()
    entry = sa.table("ledger_entry", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                     sa.column("title", sa.String), sa.column("member_id", sa.Integer),
                     sa.column("partner_member_id", sa.Integer), sa.column("quantity", sa.Float),
                     sa.column("amount_yuan", sa.Float), sa.column("description", sa.String),
                     sa.column("extra", sa.JSON), sa.column("amount_fen", sa.BigInteger),
                     sa.column("status", sa.String), sa.column("search_text", sa.Text),
                     sa.column("created_at", UTCDateTime), sa.column("updated_at", UTCDateTime))
    partners = []
    names = dict(conn.execute(sa.text("SELECT id, name FROM member_unit")).all())
    codes = dict(conn.execute(sa.text("SELECT id, credit_code FROM member_unit")).all())
    for row in conn.execute(sa.select(entry)).mappings().all():
        kind, quantity_field, amount_field = KIND_MAP.get(row["kind"], ("cooperation_project", "", ""))
        extra = dict(row["extra"] or {})
        if row["kind"] == "meeting" or kind == "cooperation_project":
            extra.setdefault("category", "other")
        if quantity_field and row["quantity"] is not None:
            extra[quantity_field] = int(row["quantity"])
        fen = None
        if amount_field and row["amount_yuan"] is not None:
            fen = int(round(row["amount_yuan"] * 100))
            extra[amount_field] = fen
        headline = QUANTITY.get(kind)
        quantity = float(extra[headline]) if headline and extra.get(headline) is not None else None
        partner_name = names.get(row["partner_member_id"], "")
        conn.execute(entry.update().where(entry.c.id == row["id"]).values(
            kind=kind, extra=extra, amount_fen=fen, quantity=quantity,
            status="pending" if row["partner_member_id"] else "recorded",
            search_text=_fold(row["title"], partner_name, names.get(row["member_id"], ""), row["description"]),
            updated_at=row["created_at"]))
        if row["partner_member_id"]:
            partners.append(dict(entry_id=row["id"], member_id=row["partner_member_id"], name=partner_name,
                                 credit_code=codes.get(row["partner_member_id"], ""), confirmation="pending",
                                 reason=""))
    conn.execute(entry.update().where(entry.c.updated_at.is_(None)).values(updated_at=entry.c.created_at))
    return partners


def downgrade() -> None:
    op.add_column("ledger_entry", sa.Column("partner_member_id", sa.Integer(), nullable=True))
    op.add_column("ledger_entry", sa.Column("amount_yuan", sa.Float(), nullable=True))
    op.execute("UPDATE ledger_entry SET amount_yuan = amount_fen / 100.0, partner_member_id = "
               "(SELECT MIN(member_id) FROM ledger_partner WHERE ledger_partner.entry_id = ledger_entry.id)")
    op.drop_index("ix_ledger_partner_member_id", "ledger_partner")
    op.drop_index("ix_ledger_partner_entry_id", "ledger_partner")
    op.drop_table("ledger_partner")
    op.drop_table("ledger_tally")
    with op.batch_alter_table("ledger_entry") as batch:
        batch.drop_index("ix_ledger_entry_kind_year")
        batch.drop_index("ix_ledger_entry_status")
        batch.drop_constraint("fk_ledger_entry_updated_by", type_="foreignkey")
        batch.drop_constraint("fk_ledger_entry_import_batch", type_="foreignkey")
        for column in ("updated_at", "updated_by", "import_batch_id", "search_text", "status", "amount_fen"):
            batch.drop_column(column)
        batch.create_foreign_key("fk_ledger_entry_partner_member", "member_unit", ["partner_member_id"], ["id"])
    op.drop_table("ledger_indicator_link")
    op.drop_table("ledger_year_lock")
