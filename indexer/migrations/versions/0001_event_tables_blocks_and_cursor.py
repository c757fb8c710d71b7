"""Event tables (one per contract event), blocks, checkpoints and the sync cursor.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from indexer.sqltypes import EvmInt

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("parent_hash", sa.String(length=66), nullable=True),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_blocks")),
    )
    op.create_index(op.f("ix_blocks_number"), "blocks", ["number"], unique=False)
    op.create_table(
        "book_bet_placed",
        sa.Column("bet_id", sa.String(length=66), nullable=False),
        sa.Column("bettor", sa.String(length=42), nullable=False),
        sa.Column("market", sa.BigInteger(), nullable=False),
        sa.Column("nonce", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.Integer(), nullable=False),
        sa.Column("stake", EvmInt(), nullable=False),
        sa.Column("payout", EvmInt(), nullable=False),
        sa.Column("odds", sa.BigInteger(), nullable=False),
        sa.Column("quote_digest", sa.String(length=66), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_bet_placed")),
    )
    op.create_index(op.f("ix_book_bet_placed_bet_id"), "book_bet_placed", ["bet_id"], unique=False)
    op.create_index(op.f("ix_book_bet_placed_bettor"), "book_bet_placed", ["bettor"], unique=False)
    op.create_index(
        op.f("ix_book_bet_placed_block_number"), "book_bet_placed", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_bet_placed_market"), "book_bet_placed", ["market"], unique=False)
    op.create_table(
        "book_bet_settled",
        sa.Column("bet_id", sa.String(length=66), nullable=False),
        sa.Column("bettor", sa.String(length=42), nullable=False),
        sa.Column("market", sa.BigInteger(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("amount", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_bet_settled")),
    )
    op.create_index(op.f("ix_book_bet_settled_bet_id"), "book_bet_settled", ["bet_id"], unique=False)
    op.create_index(op.f("ix_book_bet_settled_bettor"), "book_bet_settled", ["bettor"], unique=False)
    op.create_index(
        op.f("ix_book_bet_settled_block_number"), "book_bet_settled", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_bet_settled_market"), "book_bet_settled", ["market"], unique=False)
    op.create_table(
        "book_caps_changed",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("market_cap", EvmInt(), nullable=False),
        sa.Column("game_cap", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_caps_changed")),
    )
    op.create_index(
        op.f("ix_book_caps_changed_block_number"), "book_caps_changed", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_caps_changed_game"), "book_caps_changed", ["game"], unique=False)
    op.create_table(
        "book_connected",
        sa.Column("vault", sa.String(length=42), nullable=False),
        sa.Column("oracle", sa.String(length=42), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_connected")),
    )
    op.create_index(op.f("ix_book_connected_block_number"), "book_connected", ["block_number"], unique=False)
    op.create_table(
        "book_deposit",
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("amount", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_deposit")),
    )
    op.create_index(op.f("ix_book_deposit_account"), "book_deposit", ["account"], unique=False)
    op.create_index(op.f("ix_book_deposit_block_number"), "book_deposit", ["block_number"], unique=False)
    op.create_table(
        "book_game_created",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("kickoff", sa.BigInteger(), nullable=False),
        sa.Column("void_after", sa.BigInteger(), nullable=False),
        sa.Column("market_cap", EvmInt(), nullable=False),
        sa.Column("game_cap", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_game_created")),
    )
    op.create_index(
        op.f("ix_book_game_created_block_number"), "book_game_created", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_game_created_game"), "book_game_created", ["game"], unique=False)
    op.create_table(
        "book_game_state_changed",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_game_state_changed")),
    )
    op.create_index(
        op.f("ix_book_game_state_changed_block_number"),
        "book_game_state_changed",
        ["block_number"],
        unique=False,
    )
    op.create_index(
        op.f("ix_book_game_state_changed_game"), "book_game_state_changed", ["game"], unique=False
    )
    op.create_table(
        "book_guardian_set",
        sa.Column("guardian", sa.String(length=42), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_guardian_set")),
    )
    op.create_index(
        op.f("ix_book_guardian_set_block_number"), "book_guardian_set", ["block_number"], unique=False
    )
    op.create_table(
        "book_market_created",
        sa.Column("market", sa.BigInteger(), nullable=False),
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("line", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_market_created")),
    )
    op.create_index(
        op.f("ix_book_market_created_block_number"), "book_market_created", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_market_created_game"), "book_market_created", ["game"], unique=False)
    op.create_index(op.f("ix_book_market_created_market"), "book_market_created", ["market"], unique=False)
    op.create_table(
        "book_operator_set",
        sa.Column("operator", sa.String(length=42), nullable=False),
        sa.Column("is_operator", sa.Boolean(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_operator_set")),
    )
    op.create_index(
        op.f("ix_book_operator_set_block_number"), "book_operator_set", ["block_number"], unique=False
    )
    op.create_table(
        "book_ownership_transfer_started",
        sa.Column("previous_owner", sa.String(length=42), nullable=False),
        sa.Column("new_owner", sa.String(length=42), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_ownership_transfer_started")),
    )
    op.create_index(
        op.f("ix_book_ownership_transfer_started_block_number"),
        "book_ownership_transfer_started",
        ["block_number"],
        unique=False,
    )
    op.create_table(
        "book_ownership_transferred",
        sa.Column("previous_owner", sa.String(length=42), nullable=False),
        sa.Column("new_owner", sa.String(length=42), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_ownership_transferred")),
    )
    op.create_index(
        op.f("ix_book_ownership_transferred_block_number"),
        "book_ownership_transferred",
        ["block_number"],
        unique=False,
    )
    op.create_table(
        "book_params_set",
        sa.Column("challenge_window", sa.BigInteger(), nullable=False),
        sa.Column("void_delay", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_params_set")),
    )
    op.create_index(
        op.f("ix_book_params_set_block_number"), "book_params_set", ["block_number"], unique=False
    )
    op.create_table(
        "book_pause_set",
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("caller", sa.String(length=42), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_pause_set")),
    )
    op.create_index(op.f("ix_book_pause_set_block_number"), "book_pause_set", ["block_number"], unique=False)
    op.create_table(
        "book_pricer_set",
        sa.Column("pricer", sa.String(length=42), nullable=False),
        sa.Column("is_pricer", sa.Boolean(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_pricer_set")),
    )
    op.create_index(
        op.f("ix_book_pricer_set_block_number"), "book_pricer_set", ["block_number"], unique=False
    )
    op.create_table(
        "book_result_challenged",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("guardian", sa.String(length=42), nullable=False),
        sa.Column("void_after", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_result_challenged")),
    )
    op.create_index(
        op.f("ix_book_result_challenged_block_number"),
        "book_result_challenged",
        ["block_number"],
        unique=False,
    )
    op.create_index(op.f("ix_book_result_challenged_game"), "book_result_challenged", ["game"], unique=False)
    op.create_table(
        "book_result_finalized",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("home", sa.Integer(), nullable=False),
        sa.Column("away", sa.Integer(), nullable=False),
        sa.Column("vault_net", EvmInt(), nullable=False),
        sa.Column("accumulator", sa.String(length=66), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_result_finalized")),
    )
    op.create_index(
        op.f("ix_book_result_finalized_block_number"), "book_result_finalized", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_result_finalized_game"), "book_result_finalized", ["game"], unique=False)
    op.create_table(
        "book_result_proposed",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("home", sa.Integer(), nullable=False),
        sa.Column("away", sa.Integer(), nullable=False),
        sa.Column("signers", sa.BigInteger(), nullable=False),
        sa.Column("final_after", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_result_proposed")),
    )
    op.create_index(
        op.f("ix_book_result_proposed_block_number"), "book_result_proposed", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_book_result_proposed_game"), "book_result_proposed", ["game"], unique=False)
    op.create_table(
        "book_withdrawal",
        sa.Column("account", sa.String(length=42), nullable=False),
        sa.Column("amount", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_book_withdrawal")),
    )
    op.create_index(op.f("ix_book_withdrawal_account"), "book_withdrawal", ["account"], unique=False)
    op.create_index(
        op.f("ix_book_withdrawal_block_number"), "book_withdrawal", ["block_number"], unique=False
    )
    op.create_table(
        "checkpoints",
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("parent_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("hash", name=op.f("pk_checkpoints")),
    )
    op.create_index(op.f("ix_checkpoints_number"), "checkpoints", ["number"], unique=False)
    op.create_table(
        "oracle_reporter",
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("reporter", sa.String(length=42), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", "position", name=op.f("pk_oracle_reporter")),
    )
    op.create_index(
        op.f("ix_oracle_reporter_block_number"), "oracle_reporter", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_oracle_reporter_version"), "oracle_reporter", ["version"], unique=False)
    op.create_table(
        "oracle_reporters_set",
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("quorum", sa.Integer(), nullable=False),
        sa.Column("reporter_count", sa.Integer(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_oracle_reporters_set")),
    )
    op.create_index(
        op.f("ix_oracle_reporters_set_block_number"), "oracle_reporters_set", ["block_number"], unique=False
    )
    op.create_index(
        op.f("ix_oracle_reporters_set_version"), "oracle_reporters_set", ["version"], unique=False
    )
    op.create_table(
        "oracle_result_voted",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("digest", sa.String(length=66), nullable=False),
        sa.Column("signers", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_oracle_result_voted")),
    )
    op.create_index(
        op.f("ix_oracle_result_voted_block_number"), "oracle_result_voted", ["block_number"], unique=False
    )
    op.create_index(op.f("ix_oracle_result_voted_game"), "oracle_result_voted", ["game"], unique=False)
    op.create_table(
        "sync_state",
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("book", sa.String(length=42), nullable=False),
        sa.Column("cursor_number", sa.BigInteger(), nullable=False),
        sa.Column("cursor_hash", sa.String(length=66), nullable=True),
        sa.Column("cursor_timestamp", sa.BigInteger(), nullable=True),
        sa.Column("head_number", sa.BigInteger(), nullable=False),
        sa.Column("head_timestamp", sa.BigInteger(), nullable=True),
        sa.Column("confirmations", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "book", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "vault_deposit",
        sa.Column("sender", sa.String(length=42), nullable=False),
        sa.Column("owner", sa.String(length=42), nullable=False),
        sa.Column("assets", EvmInt(), nullable=False),
        sa.Column("shares", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_vault_deposit")),
    )
    op.create_index(op.f("ix_vault_deposit_block_number"), "vault_deposit", ["block_number"], unique=False)
    op.create_index(op.f("ix_vault_deposit_owner"), "vault_deposit", ["owner"], unique=False)
    op.create_table(
        "vault_settled",
        sa.Column("game", sa.BigInteger(), nullable=False),
        sa.Column("profit", EvmInt(), nullable=False),
        sa.Column("loss", EvmInt(), nullable=False),
        sa.Column("total_assets", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_vault_settled")),
    )
    op.create_index(op.f("ix_vault_settled_block_number"), "vault_settled", ["block_number"], unique=False)
    op.create_index(op.f("ix_vault_settled_game"), "vault_settled", ["game"], unique=False)
    op.create_table(
        "vault_transfer",
        sa.Column("sender", sa.String(length=42), nullable=False),
        sa.Column("receiver", sa.String(length=42), nullable=False),
        sa.Column("value", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_vault_transfer")),
    )
    op.create_index(op.f("ix_vault_transfer_block_number"), "vault_transfer", ["block_number"], unique=False)
    op.create_index(op.f("ix_vault_transfer_receiver"), "vault_transfer", ["receiver"], unique=False)
    op.create_index(op.f("ix_vault_transfer_sender"), "vault_transfer", ["sender"], unique=False)
    op.create_table(
        "vault_withdraw",
        sa.Column("sender", sa.String(length=42), nullable=False),
        sa.Column("receiver", sa.String(length=42), nullable=False),
        sa.Column("owner", sa.String(length=42), nullable=False),
        sa.Column("assets", EvmInt(), nullable=False),
        sa.Column("shares", EvmInt(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_hash", "log_index", name=op.f("pk_vault_withdraw")),
    )
    op.create_index(op.f("ix_vault_withdraw_block_number"), "vault_withdraw", ["block_number"], unique=False)
    op.create_index(op.f("ix_vault_withdraw_owner"), "vault_withdraw", ["owner"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_vault_withdraw_owner"), table_name="vault_withdraw")
    op.drop_index(op.f("ix_vault_withdraw_block_number"), table_name="vault_withdraw")
    op.drop_table("vault_withdraw")
    op.drop_index(op.f("ix_vault_transfer_sender"), table_name="vault_transfer")
    op.drop_index(op.f("ix_vault_transfer_receiver"), table_name="vault_transfer")
    op.drop_index(op.f("ix_vault_transfer_block_number"), table_name="vault_transfer")
    op.drop_table("vault_transfer")
    op.drop_index(op.f("ix_vault_settled_game"), table_name="vault_settled")
    op.drop_index(op.f("ix_vault_settled_block_number"), table_name="vault_settled")
    op.drop_table("vault_settled")
    op.drop_index(op.f("ix_vault_deposit_owner"), table_name="vault_deposit")
    op.drop_index(op.f("ix_vault_deposit_block_number"), table_name="vault_deposit")
    op.drop_table("vault_deposit")
    op.drop_table("sync_state")
    op.drop_index(op.f("ix_oracle_result_voted_game"), table_name="oracle_result_voted")
    op.drop_index(op.f("ix_oracle_result_voted_block_number"), table_name="oracle_result_voted")
    op.drop_table("oracle_result_voted")
    op.drop_index(op.f("ix_oracle_reporters_set_version"), table_name="oracle_reporters_set")
    op.drop_index(op.f("ix_oracle_reporters_set_block_number"), table_name="oracle_reporters_set")
    op.drop_table("oracle_reporters_set")
    op.drop_index(op.f("ix_oracle_reporter_version"), table_name="oracle_reporter")
    op.drop_index(op.f("ix_oracle_reporter_block_number"), table_name="oracle_reporter")
    op.drop_table("oracle_reporter")
    op.drop_index(op.f("ix_checkpoints_number"), table_name="checkpoints")
    op.drop_table("checkpoints")
    op.drop_index(op.f("ix_book_withdrawal_block_number"), table_name="book_withdrawal")
    op.drop_index(op.f("ix_book_withdrawal_account"), table_name="book_withdrawal")
    op.drop_table("book_withdrawal")
    op.drop_index(op.f("ix_book_result_proposed_game"), table_name="book_result_proposed")
    op.drop_index(op.f("ix_book_result_proposed_block_number"), table_name="book_result_proposed")
    op.drop_table("book_result_proposed")
    op.drop_index(op.f("ix_book_result_finalized_game"), table_name="book_result_finalized")
    op.drop_index(op.f("ix_book_result_finalized_block_number"), table_name="book_result_finalized")
    op.drop_table("book_result_finalized")
    op.drop_index(op.f("ix_book_result_challenged_game"), table_name="book_result_challenged")
    op.drop_index(op.f("ix_book_result_challenged_block_number"), table_name="book_result_challenged")
    op.drop_table("book_result_challenged")
    op.drop_index(op.f("ix_book_pricer_set_block_number"), table_name="book_pricer_set")
    op.drop_table("book_pricer_set")
    op.drop_index(op.f("ix_book_pause_set_block_number"), table_name="book_pause_set")
    op.drop_table("book_pause_set")
    op.drop_index(op.f("ix_book_params_set_block_number"), table_name="book_params_set")
    op.drop_table("book_params_set")
    op.drop_index(op.f("ix_book_ownership_transferred_block_number"), table_name="book_ownership_transferred")
    op.drop_table("book_ownership_transferred")
    op.drop_index(
        op.f("ix_book_ownership_transfer_started_block_number"), table_name="book_ownership_transfer_started"
    )
    op.drop_table("book_ownership_transfer_started")
    op.drop_index(op.f("ix_book_operator_set_block_number"), table_name="book_operator_set")
    op.drop_table("book_operator_set")
    op.drop_index(op.f("ix_book_market_created_market"), table_name="book_market_created")
    op.drop_index(op.f("ix_book_market_created_game"), table_name="book_market_created")
    op.drop_index(op.f("ix_book_market_created_block_number"), table_name="book_market_created")
    op.drop_table("book_market_created")
    op.drop_index(op.f("ix_book_guardian_set_block_number"), table_name="book_guardian_set")
    op.drop_table("book_guardian_set")
    op.drop_index(op.f("ix_book_game_state_changed_game"), table_name="book_game_state_changed")
    op.drop_index(op.f("ix_book_game_state_changed_block_number"), table_name="book_game_state_changed")
    op.drop_table("book_game_state_changed")
    op.drop_index(op.f("ix_book_game_created_game"), table_name="book_game_created")
    op.drop_index(op.f("ix_book_game_created_block_number"), table_name="book_game_created")
    op.drop_table("book_game_created")
    op.drop_index(op.f("ix_book_deposit_block_number"), table_name="book_deposit")
    op.drop_index(op.f("ix_book_deposit_account"), table_name="book_deposit")
    op.drop_table("book_deposit")
    op.drop_index(op.f("ix_book_connected_block_number"), table_name="book_connected")
    op.drop_table("book_connected")
    op.drop_index(op.f("ix_book_caps_changed_game"), table_name="book_caps_changed")
    op.drop_index(op.f("ix_book_caps_changed_block_number"), table_name="book_caps_changed")
    op.drop_table("book_caps_changed")
    op.drop_index(op.f("ix_book_bet_settled_market"), table_name="book_bet_settled")
    op.drop_index(op.f("ix_book_bet_settled_block_number"), table_name="book_bet_settled")
    op.drop_index(op.f("ix_book_bet_settled_bettor"), table_name="book_bet_settled")
    op.drop_index(op.f("ix_book_bet_settled_bet_id"), table_name="book_bet_settled")
    op.drop_table("book_bet_settled")
    op.drop_index(op.f("ix_book_bet_placed_market"), table_name="book_bet_placed")
    op.drop_index(op.f("ix_book_bet_placed_block_number"), table_name="book_bet_placed")
    op.drop_index(op.f("ix_book_bet_placed_bettor"), table_name="book_bet_placed")
    op.drop_index(op.f("ix_book_bet_placed_bet_id"), table_name="book_bet_placed")
    op.drop_table("book_bet_placed")
    op.drop_index(op.f("ix_blocks_number"), table_name="blocks")
    op.drop_table("blocks")
