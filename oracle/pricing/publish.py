"""Signed quotes into `published_quotes`, where the API serves the latest unexpired one per market.

One refresh is one transaction: the API never sees half a game's quotes. A row carries the
quote's fields, the signer and the 65-byte signature (r, s, v), so whoever serves it can
recover the signer and check it against the Book's pricers; the database holds no key.

Pruning deletes the rows the API can never serve again. The API serves the row with the highest
`seq` of each market (`api/store/tail.py`), so a row may go only when a newer row of its market
exists (its successor), and then only once it has expired `expiry_margin` seconds ago (clocks
disagree) or its successor was published `retention` seconds ago or earlier. The newest row of
every market stays, so what the API serves never changes; so does the newest row of all, so
SQLite never hands out a `seq` twice. A stream resumed from an old `seq` replays fewer superseded
quotes and ends on the same latest ones. Deletes go oldest first, in batches of `batch_size`
rows, each its own short transaction.
"""

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Delete, Engine, case, delete, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError

from indexer.models import PublishedQuote
from oracle.pricing.exceptions import DatabaseUnavailableError
from oracle.signing import Quote, Signature

ANY_TIME_MS = 2**63 - 1  # above every published_at_ms


@dataclass(frozen=True)
class SignedQuote:
    game: int
    quote: Quote
    signature: Signature
    signer: str


@dataclass(frozen=True)
class PrunePolicy:
    expiry_margin: float = 60.0  # seconds past its expiry before a superseded quote goes
    retention: float = 600.0  # seconds a superseded quote is kept, expired or not
    batch_size: int = 1_000  # rows per DELETE, each its own transaction
    max_batches: int = 20  # per run: a backlog is worked off over runs, never in one long job


def get_signature_hex(signature: Signature) -> str:
    """0x + r (32 bytes) + s (32 bytes) + v (1 byte), the layout wallets and ecrecover use."""
    raw = signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes([signature.v])
    return "0x" + raw.hex()


def build_row(signed: SignedQuote, published_at_ms: int) -> dict[str, object]:
    quote = signed.quote
    return {
        "game": signed.game,
        "market": quote.market,
        "epoch": quote.epoch,
        "expiry": quote.expiry,
        "max_stake": quote.max_stake,
        "odds_0": quote.odds[0],
        "odds_1": quote.odds[1],
        "odds_2": quote.odds[2],
        "signer": signed.signer.lower(),
        "signature": get_signature_hex(signed.signature),
        "published_at_ms": published_at_ms,
    }


def insert_quotes(engine: Engine, quotes: Sequence[SignedQuote]) -> None:
    """Publish `quotes` in one transaction."""
    if not quotes:
        return
    now_ms = int(time.time() * 1000)
    try:
        with engine.begin() as connection:
            connection.execute(insert(PublishedQuote), [build_row(q, now_ms) for q in quotes])
    except SQLAlchemyError as error:
        raise DatabaseUnavailableError("publish quotes", error) from None


def build_prune(policy: PrunePolicy, now: float) -> Delete:
    """DELETE of up to `batch_size` of the oldest rows `prune_quotes` may delete at `now` (unix s).

    A row goes once it has a successor (the next row of its market) and either expired
    `expiry_margin` seconds before `now` or its successor was published `retention` seconds
    before `now` or earlier. Only rows the cheap first filter lets through cost a probe of the
    (market, seq) index, one each.
    """
    table = PublishedQuote.__table__
    quote, successor = table.alias("quote"), table.alias("successor")
    is_expired = quote.c.expiry < int(now - policy.expiry_margin)
    superseded_before_ms = int((now - policy.retention) * 1000)
    successor_published_ms = (
        select(successor.c.published_at_ms)
        .where(successor.c.market == quote.c.market, successor.c.seq > quote.c.seq)
        .order_by(successor.c.seq)
        .limit(1)
        .scalar_subquery()
    )
    stale = (
        select(quote.c.seq)
        .where(
            # a row is published before its successor, so no other row has one old enough (a
            # clock that went back only keeps a row longer); a cheap filter ahead of the probe
            or_(is_expired, quote.c.published_at_ms < superseded_before_ms),
            # NULL (no successor: the row the API serves) compares as false
            successor_published_ms < case((is_expired, ANY_TIME_MS), else_=superseded_before_ms),
        )
        .order_by(quote.c.seq)
        .limit(policy.batch_size)
    )
    return delete(PublishedQuote).where(PublishedQuote.seq.in_(stale))


def prune_quotes(engine: Engine, policy: PrunePolicy, now: float) -> Iterator[int]:
    """Delete rows the API can never serve again, a batch per transaction; yields each batch's count.

    Stops after a batch that was not full, or after `max_batches` batches.
    """
    statement = build_prune(policy, now)
    for _ in range(policy.max_batches):
        try:
            with engine.begin() as connection:
                deleted = int(connection.execute(statement).rowcount)
        except SQLAlchemyError as error:
            raise DatabaseUnavailableError("prune quotes", error) from None
        yield deleted
        if deleted < policy.batch_size:
            return
