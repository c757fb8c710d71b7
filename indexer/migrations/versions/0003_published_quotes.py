"""Quotes the pricer publishes for the API to serve (off-chain data, untouched by reorgs).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from indexer.sqltypes import EvmInt

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "published_quotes",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("market", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("expiry", sa.BigInteger(), nullable=False),
        sa.Column("max_stake", EvmInt(), nullable=False),
        sa.Column("odds_0", sa.BigInteger(), nullable=False),
        sa.Column("odds_1", sa.BigInteger(), nullable=False),
        sa.Column("odds_2", sa.BigInteger(), nullable=False),
        sa.Column("signer", sa.String(length=42), nullable=False),
        sa.Column("signature", sa.String(length=132), nullable=False),
        sa.Column("published_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_published_quotes")),
    )
    op.create_index(op.f("ix_published_quotes_market"), "published_quotes", ["market"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_published_quotes_market"), table_name="published_quotes")
    op.drop_table("published_quotes")
