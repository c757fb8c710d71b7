"""The API's views over the event tables: markets, games, bets, balances, vault history, results.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

The SQL comes from `indexer.views` (one definition shared with `verify`). A later revision that
changes a view drops and re-creates it from the definitions of its time.
"""

from collections.abc import Sequence

from alembic import op

from indexer.models import EVENT_TABLES
from indexer.views import VIEWS, build_view_sql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for name, sql in build_view_sql(op.get_bind().dialect.name, EVENT_TABLES).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
