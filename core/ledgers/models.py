"""The ledgers' schema beyond core/models.py, loaded with it (so Alembic's env and the tests'
create_all see it): the search index, created with the ledger_entry table (search_index.py)."""
from core.ledgers import search_index  # noqa: F401  (registers the index's DDL and its upkeep)
