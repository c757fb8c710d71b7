"""Published quotes indexed by (market, seq), replacing the index on market alone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

The pricer prunes quotes that have a newer quote of the same market: with (market, seq) finding
that newer row is one index probe, however many quotes the market has had. The API's latest
quote per market (MAX(seq) by market) reads the same index.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_published_quotes_market_seq", "published_quotes", ["market", "seq"])
    op.drop_index(op.f("ix_published_quotes_market"), table_name="published_quotes")


def downgrade() -> None:
    op.create_index(op.f("ix_published_quotes_market"), "published_quotes", ["market"], unique=False)
    op.drop_index("ix_published_quotes_market_seq", table_name="published_quotes")
