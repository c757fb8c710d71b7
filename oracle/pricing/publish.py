"""Signed quotes into `published_quotes`, where the API serves the latest unexpired one per market.

One refresh is one transaction: the API never sees half a game's quotes. A row carries the
quote's fields, the signer and the 65-byte signature (r, s, v), so whoever serves it can
recover the signer and check it against the Book's pricers; the database holds no key.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, insert
from sqlalchemy.exc import SQLAlchemyError

from indexer.models import PublishedQuote
from oracle.pricing.exceptions import DatabaseUnavailableError
from oracle.signing import Quote, Signature


@dataclass(frozen=True)
class SignedQuote:
    game: int
    quote: Quote
    signature: Signature
    signer: str


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
        raise DatabaseUnavailableError(type(error).__name__ + ": " + str(error).splitlines()[0]) from None
