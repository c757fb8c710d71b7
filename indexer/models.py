"""The indexer's tables: one per contract event (indexed by block, deleted by block on a reorg).

Every event row carries where it came from (`block_number`, `block_hash`, `log_index`, `tx_hash`,
`tx_index`, `block_timestamp`) and is keyed by `(block_hash, log_index)`, so a different transaction
at the same height never merges with an orphaned one. Addresses and hashes are lowercase hex text;
256-bit amounts are `EvmInt` (exact); ids, enums and times the contracts bound are BIGINT/INTEGER.
API-facing state is derived by the SQL views in `indexer.views`.
"""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from indexer.sqltypes import ADDRESS, HASH, EvmInt

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class EventRow:
    """Columns every event table has; subclasses name their event in `__event__` (contract key, ABI name)."""

    __event__: ClassVar[tuple[str, str]]

    block_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    block_timestamp: Mapped[int] = mapped_column(BigInteger)
    tx_hash: Mapped[str] = mapped_column(HASH)
    tx_index: Mapped[int] = mapped_column(Integer)


# ---------------------------------------------------------------- bookkeeping


class Block(Base):
    """Every block that holds an indexed event: its hash, parent (when a header was read) and time."""

    __tablename__ = "blocks"

    hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, index=True)
    parent_hash: Mapped[str | None] = mapped_column(HASH)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class Checkpoint(Base):
    """Headers of the range ends the cursor moved to: the hashes a reorg is detected against.

    Kept apart from `blocks`, whose rows depend only on the chain, because range ends depend on
    how the indexer happened to split the work (a restart splits it differently).
    """

    __tablename__ = "checkpoints"

    hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, index=True)
    parent_hash: Mapped[str] = mapped_column(HASH)
    timestamp: Mapped[int] = mapped_column(BigInteger)


class SyncState(Base):
    """The cursor (last block indexed, committed with its data) and the head last seen; one row."""

    __tablename__ = "sync_state"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    book: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    cursor_number: Mapped[int] = mapped_column(BigInteger)
    cursor_hash: Mapped[str | None] = mapped_column(HASH)
    cursor_timestamp: Mapped[int | None] = mapped_column(BigInteger)
    head_number: Mapped[int] = mapped_column(BigInteger)
    head_timestamp: Mapped[int | None] = mapped_column(BigInteger)
    confirmations: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# ---------------------------------------------------------------- Book: money


class BookDeposit(EventRow, Base):
    __tablename__ = "book_deposit"
    __event__ = ("book", "Deposit")
    account: Mapped[str] = mapped_column(ADDRESS, index=True)
    amount: Mapped[int] = mapped_column(EvmInt)


class BookWithdrawal(EventRow, Base):
    __tablename__ = "book_withdrawal"
    __event__ = ("book", "Withdrawal")
    account: Mapped[str] = mapped_column(ADDRESS, index=True)
    amount: Mapped[int] = mapped_column(EvmInt)


class BookBetPlaced(EventRow, Base):
    __tablename__ = "book_bet_placed"
    __event__ = ("book", "BetPlaced")
    bet_id: Mapped[str] = mapped_column(HASH, index=True)
    bettor: Mapped[str] = mapped_column(ADDRESS, index=True)
    market: Mapped[int] = mapped_column(BigInteger, index=True)
    nonce: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[int] = mapped_column(Integer)
    stake: Mapped[int] = mapped_column(EvmInt)
    payout: Mapped[int] = mapped_column(EvmInt)
    odds: Mapped[int] = mapped_column(BigInteger)
    quote_digest: Mapped[str] = mapped_column(HASH)


class BookBetSettled(EventRow, Base):
    __tablename__ = "book_bet_settled"
    __event__ = ("book", "BetSettled")
    bet_id: Mapped[str] = mapped_column(HASH, index=True)
    bettor: Mapped[str] = mapped_column(ADDRESS, index=True)
    market: Mapped[int] = mapped_column(BigInteger, index=True)
    grade: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(EvmInt)


# ---------------------------------------------------------------- Book: games and markets


class BookGameCreated(EventRow, Base):
    __tablename__ = "book_game_created"
    __event__ = ("book", "GameCreated")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    kickoff: Mapped[int] = mapped_column(BigInteger)
    void_after: Mapped[int] = mapped_column(BigInteger)
    market_cap: Mapped[int] = mapped_column(EvmInt)
    game_cap: Mapped[int] = mapped_column(EvmInt)


class BookMarketCreated(EventRow, Base):
    __tablename__ = "book_market_created"
    __event__ = ("book", "MarketCreated")
    market: Mapped[int] = mapped_column(BigInteger, index=True)
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    kind: Mapped[int] = mapped_column(Integer)
    line: Mapped[int] = mapped_column(BigInteger)


class BookCapsChanged(EventRow, Base):
    __tablename__ = "book_caps_changed"
    __event__ = ("book", "CapsChanged")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    market_cap: Mapped[int] = mapped_column(EvmInt)
    game_cap: Mapped[int] = mapped_column(EvmInt)


class BookGameStateChanged(EventRow, Base):
    __tablename__ = "book_game_state_changed"
    __event__ = ("book", "GameStateChanged")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    state: Mapped[int] = mapped_column(Integer)
    epoch: Mapped[int] = mapped_column(BigInteger)


# ---------------------------------------------------------------- Book: results


class BookResultProposed(EventRow, Base):
    __tablename__ = "book_result_proposed"
    __event__ = ("book", "ResultProposed")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[int] = mapped_column(Integer)
    home: Mapped[int] = mapped_column(Integer)
    away: Mapped[int] = mapped_column(Integer)
    signers: Mapped[int] = mapped_column(BigInteger)  # bitmap by reporter index (see oracle_reporter)
    final_after: Mapped[int] = mapped_column(BigInteger)


class BookResultChallenged(EventRow, Base):
    __tablename__ = "book_result_challenged"
    __event__ = ("book", "ResultChallenged")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    guardian: Mapped[str] = mapped_column(ADDRESS)
    void_after: Mapped[int] = mapped_column(BigInteger)


class BookResultFinalized(EventRow, Base):
    __tablename__ = "book_result_finalized"
    __event__ = ("book", "ResultFinalized")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[int] = mapped_column(Integer)
    home: Mapped[int] = mapped_column(Integer)
    away: Mapped[int] = mapped_column(Integer)
    vault_net: Mapped[int] = mapped_column(EvmInt)
    accumulator: Mapped[str] = mapped_column(HASH)


# ---------------------------------------------------------------- Book: administration


class BookPricerSet(EventRow, Base):
    __tablename__ = "book_pricer_set"
    __event__ = ("book", "PricerSet")
    pricer: Mapped[str] = mapped_column(ADDRESS)
    is_pricer: Mapped[bool] = mapped_column(Boolean)


class BookOperatorSet(EventRow, Base):
    __tablename__ = "book_operator_set"
    __event__ = ("book", "OperatorSet")
    operator: Mapped[str] = mapped_column(ADDRESS)
    is_operator: Mapped[bool] = mapped_column(Boolean)


class BookGuardianSet(EventRow, Base):
    __tablename__ = "book_guardian_set"
    __event__ = ("book", "GuardianSet")
    guardian: Mapped[str] = mapped_column(ADDRESS)


class BookConnected(EventRow, Base):
    __tablename__ = "book_connected"
    __event__ = ("book", "Connected")
    vault: Mapped[str] = mapped_column(ADDRESS)
    oracle: Mapped[str] = mapped_column(ADDRESS)


class BookParamsSet(EventRow, Base):
    __tablename__ = "book_params_set"
    __event__ = ("book", "ParamsSet")
    challenge_window: Mapped[int] = mapped_column(BigInteger)
    void_delay: Mapped[int] = mapped_column(BigInteger)


class BookPauseSet(EventRow, Base):
    __tablename__ = "book_pause_set"
    __event__ = ("book", "PauseSet")
    paused: Mapped[bool] = mapped_column(Boolean)
    caller: Mapped[str] = mapped_column(ADDRESS)  # the event's `by` (a reserved word in SQL)


class BookOwnershipTransferStarted(EventRow, Base):
    __tablename__ = "book_ownership_transfer_started"
    __event__ = ("book", "OwnershipTransferStarted")
    previous_owner: Mapped[str] = mapped_column(ADDRESS)
    new_owner: Mapped[str] = mapped_column(ADDRESS)


class BookOwnershipTransferred(EventRow, Base):
    __tablename__ = "book_ownership_transferred"
    __event__ = ("book", "OwnershipTransferred")
    previous_owner: Mapped[str] = mapped_column(ADDRESS)
    new_owner: Mapped[str] = mapped_column(ADDRESS)


# ---------------------------------------------------------------- Vault


class VaultDeposit(EventRow, Base):
    __tablename__ = "vault_deposit"
    __event__ = ("vault", "Deposit")
    sender: Mapped[str] = mapped_column(ADDRESS)
    owner: Mapped[str] = mapped_column(ADDRESS, index=True)
    assets: Mapped[int] = mapped_column(EvmInt)
    shares: Mapped[int] = mapped_column(EvmInt)


class VaultWithdraw(EventRow, Base):
    __tablename__ = "vault_withdraw"
    __event__ = ("vault", "Withdraw")
    sender: Mapped[str] = mapped_column(ADDRESS)
    receiver: Mapped[str] = mapped_column(ADDRESS)
    owner: Mapped[str] = mapped_column(ADDRESS, index=True)
    assets: Mapped[int] = mapped_column(EvmInt)
    shares: Mapped[int] = mapped_column(EvmInt)


class VaultSettled(EventRow, Base):
    __tablename__ = "vault_settled"
    __event__ = ("vault", "Settled")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    profit: Mapped[int] = mapped_column(EvmInt)
    loss: Mapped[int] = mapped_column(EvmInt)
    total_assets: Mapped[int] = mapped_column(EvmInt)


class VaultTransfer(EventRow, Base):
    """Share transfers; mints come from the zero address, burns go to it."""

    __tablename__ = "vault_transfer"
    __event__ = ("vault", "Transfer")
    sender: Mapped[str] = mapped_column(ADDRESS, index=True)
    receiver: Mapped[str] = mapped_column(ADDRESS, index=True)
    value: Mapped[int] = mapped_column(EvmInt)


# ---------------------------------------------------------------- ResultOracle


class OracleReportersSet(EventRow, Base):
    __tablename__ = "oracle_reporters_set"
    __event__ = ("oracle", "ReportersSet")
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    quorum: Mapped[int] = mapped_column(Integer)
    reporter_count: Mapped[int] = mapped_column(Integer)


class OracleReporter(Base):
    """One reporter of a `ReportersSet` event: bit `position` of a signer bitmap under `version`."""

    __tablename__ = "oracle_reporter"

    block_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    reporter: Mapped[str] = mapped_column(ADDRESS)


class OracleResultVoted(EventRow, Base):
    __tablename__ = "oracle_result_voted"
    __event__ = ("oracle", "ResultVoted")
    game: Mapped[int] = mapped_column(BigInteger, index=True)
    digest: Mapped[str] = mapped_column(HASH)
    signers: Mapped[int] = mapped_column(BigInteger)


def get_event_tables() -> dict[tuple[str, str], str]:
    """(contract key, event name) -> table name, for every event the indexer stores."""
    return {
        cls.__event__: mapper.persist_selectable.name  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
        if isinstance(cls := mapper.class_, type) and issubclass(cls, EventRow)
    }


# tables whose rows a reorg deletes by `block_number` (`blocks` and `checkpoints` go by `number`)
EVENT_TABLES = sorted([*get_event_tables().values(), OracleReporter.__tablename__])


# ---------------------------------------------------------------- off-chain: published quotes


class PublishedQuote(Base):
    """A quote the pricer signed and published: the API serves the latest per market until it expires.

    Written by the pricer, read by the API; not chain data, so a reorg never touches it. `seq` orders
    publications (the API's quote streams resume from it). The signature is self-authenticating: a
    reader recovers its signer and checks it against the Book's pricers before serving it.
    """

    __tablename__ = "published_quotes"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    game: Mapped[int] = mapped_column(BigInteger)
    market: Mapped[int] = mapped_column(BigInteger)
    epoch: Mapped[int] = mapped_column(BigInteger)
    expiry: Mapped[int] = mapped_column(BigInteger)  # unix seconds, the quote's own field
    max_stake: Mapped[int] = mapped_column(EvmInt)
    odds_0: Mapped[int] = mapped_column(BigInteger)  # odds x 10**4 (ODDS_SCALE) per outcome; 0: not offered
    odds_1: Mapped[int] = mapped_column(BigInteger)
    odds_2: Mapped[int] = mapped_column(BigInteger)
    signer: Mapped[str] = mapped_column(ADDRESS)
    signature: Mapped[str] = mapped_column(String(132))  # 0x + r, s, v
    published_at_ms: Mapped[int] = mapped_column(BigInteger)


# ---------------------------------------------------------------- off-chain: the API's own state


class ApiNonce(Base):
    """A Sign-In with Ethereum nonce issued to `address`; deleted by the sign-in that uses it."""

    __tablename__ = "api_nonces"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    address: Mapped[str] = mapped_column(ADDRESS)
    expires_at_ms: Mapped[int] = mapped_column(BigInteger, index=True)


class ApiSession(Base):
    """A signed-in session: the sha256 of its bearer token, never the token itself."""

    __tablename__ = "api_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(ADDRESS, index=True)
    created_at_ms: Mapped[int] = mapped_column(BigInteger)
    expires_at_ms: Mapped[int] = mapped_column(BigInteger, index=True)


class ApiPreferences(Base):
    """An account's preferences (notification settings, display), as the JSON the API validated."""

    __tablename__ = "api_preferences"

    address: Mapped[str] = mapped_column(ADDRESS, primary_key=True)
    settings: Mapped[str] = mapped_column(Text)
    updated_at_ms: Mapped[int] = mapped_column(BigInteger)


class ApiSubmittedBet(Base):
    """A bet the webapp registered by transaction hash; shown as submitted until the indexer sees it."""

    __tablename__ = "api_submitted_bets"

    bettor: Mapped[str] = mapped_column(ADDRESS, primary_key=True)  # the signed-in account that registered it
    tx_hash: Mapped[str] = mapped_column(HASH, primary_key=True)
    market: Mapped[int] = mapped_column(BigInteger)
    outcome: Mapped[int] = mapped_column(Integer)
    stake: Mapped[int] = mapped_column(EvmInt)
    min_odds: Mapped[int] = mapped_column(BigInteger)
    submitted_at_ms: Mapped[int] = mapped_column(BigInteger)


class ApiRateCounter(Base):
    """Requests granted to one client key in one fixed window, shared by every API worker and host."""

    __tablename__ = "api_rate_counters"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)  # unix seconds
    count: Mapped[int] = mapped_column(BigInteger)


# quote streams resume per game in `seq` order
Index("ix_published_quotes_game_seq", PublishedQuote.game, PublishedQuote.seq)
# the latest quote of a market, and whether a quote has a newer one (the pricer's pruning)
Index("ix_published_quotes_market_seq", PublishedQuote.market, PublishedQuote.seq)
