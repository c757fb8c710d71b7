"""The API's own state: SIWE nonces, sessions, preferences, bets registered by tx hash, rate counters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Off-chain rows the API writes (a reorg never touches them), plus an index for quote streams that
resume per game.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from indexer.sqltypes import EvmInt

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_nonces",
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("nonce", name=op.f("pk_api_nonces")),
    )
    op.create_index(op.f("ix_api_nonces_expires_at_ms"), "api_nonces", ["expires_at_ms"])
    op.create_table(
        "api_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_sessions")),
    )
    op.create_index(op.f("ix_api_sessions_address"), "api_sessions", ["address"])
    op.create_index(op.f("ix_api_sessions_expires_at_ms"), "api_sessions", ["expires_at_ms"])
    op.create_table(
        "api_preferences",
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("updated_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_api_preferences")),
    )
    op.create_table(
        "api_submitted_bets",
        sa.Column("bettor", sa.String(length=42), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("market", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Integer(), nullable=False),
        sa.Column("stake", EvmInt(), nullable=False),
        sa.Column("min_odds", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bettor", "tx_hash", name=op.f("pk_api_submitted_bets")),
    )
    op.create_table(
        "api_rate_counters",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_api_rate_counters")),
    )
    op.create_index(op.f("ix_api_rate_counters_window_start"), "api_rate_counters", ["window_start"])
    op.create_index("ix_published_quotes_game_seq", "published_quotes", ["game", "seq"])


def downgrade() -> None:
    op.drop_index("ix_published_quotes_game_seq", table_name="published_quotes")
    for table, columns in (
        ("api_rate_counters", ["window_start"]),
        ("api_submitted_bets", []),
        ("api_sessions", ["expires_at_ms", "address"]),
        ("api_nonces", ["expires_at_ms"]),
    ):
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    op.drop_table("api_preferences")
