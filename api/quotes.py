"""Published quotes: verify each row's signature against the Book's pricers, keep the latest per market.

Pure core of the hottest path: `QuoteBook` holds, per worker, the latest verified quote of every
market already rendered to JSON bytes, and decides at read time whether it is still usable
(unexpired, the game's current epoch or later, the game open before kickoff or live).
"""

from dataclasses import dataclass, field
from typing import Any

import coincurve
import orjson
from eth_utils import keccak, to_checksum_address

from oracle.signing import Quote, build_quote_typed_data, get_digest

SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
STATE_OPEN, STATE_LIVE = 1, 2  # contracts/constants.vy


@dataclass(frozen=True)
class QuoteRow:
    """One `published_quotes` row."""

    seq: int
    game: int
    market: int
    epoch: int
    expiry: int
    max_stake: int
    odds: tuple[int, int, int]
    signer: str
    signature: str
    published_at_ms: int


@dataclass(frozen=True)
class GameState:
    epoch: int
    state: int
    kickoff: int


@dataclass(frozen=True)
class Domain:
    """The Book quotes are signed for."""

    chain_id: int
    book: str  # EIP-55


def recover_signer(row: QuoteRow, domain: Domain) -> str | None:
    """The lowercase address that signed `row` for `domain`, or None for a malformed or high-s signature."""
    signature = row.signature.lower()
    if len(signature) != 132 or not signature.startswith("0x"):
        return None
    try:
        raw = bytes.fromhex(signature[2:])
    except ValueError:
        return None
    if raw[64] not in (27, 28) or int.from_bytes(raw[32:64], "big") > SECP256K1_HALF_N:
        return None
    quote = Quote(row.market, row.epoch, row.expiry, row.max_stake, row.odds)
    try:
        digest = get_digest(build_quote_typed_data(quote, domain.chain_id, domain.book))
        key = coincurve.PublicKey.from_signature_and_message(raw[:64] + bytes([raw[64] - 27]), digest, None)
    except Exception:  # out-of-range fields or an invalid point: not a quote the Book would take
        return None
    return "0x" + keccak(key.format(compressed=False)[1:])[-20:].hex()


def build_payload(row: QuoteRow, domain: Domain) -> dict[str, Any]:
    """A quote as a wallet submits it: `Book.place_bet(quote, signature, outcome, stake, min_odds)`."""
    raw = bytes.fromhex(row.signature[2:])
    return {
        "seq": row.seq,
        "game": row.game,
        "market": row.market,
        "published_at_ms": row.published_at_ms,
        "signer": to_checksum_address(row.signer),
        "chain_id": domain.chain_id,
        "book": domain.book,
        "quote": {
            "market": row.market,
            "epoch": row.epoch,
            "expiry": row.expiry,
            "max_stake": str(row.max_stake),
            "odds": list(row.odds),
        },
        "signature": {"v": raw[64], "r": "0x" + raw[:32].hex(), "s": "0x" + raw[32:64].hex()},
    }


@dataclass
class QuoteBook:
    """Per-worker state of the quote path: domain, pricers, game epochs and the latest quote per market."""

    domain: Domain | None = None
    pricers: frozenset[str] = frozenset()
    games: dict[int, GameState] = field(default_factory=dict)
    latest: dict[int, tuple[QuoteRow, bytes]] = field(default_factory=dict)

    def accept(self, row: QuoteRow) -> dict[str, Any] | None:
        """The payload of `row` if a current pricer signed it (and remember it as its market's latest)."""
        if self.domain is None or row.signer.lower() not in self.pricers:
            return None
        if recover_signer(row, self.domain) != row.signer.lower():
            return None
        payload = build_payload(row, self.domain)
        current = self.latest.get(row.market)
        if current is None or current[0].seq < row.seq:
            self.latest[row.market] = (row, orjson.dumps(payload))
        return payload

    def set_pricers(self, pricers: frozenset[str]) -> None:
        """Adopt the Book's pricer set; quotes by a removed pricer stop being served at once."""
        self.pricers = pricers
        self.latest = {m: entry for m, entry in self.latest.items() if entry[0].signer.lower() in pricers}

    def get_current(self, market: int, now: float) -> bytes | None:
        """The rendered latest quote of `market`, if a bet could still be placed with it at `now`."""
        entry = self.latest.get(market)
        if entry is None:
            return None
        row, body = entry
        game = self.games.get(row.game)
        if game is None or row.expiry <= now or row.epoch < game.epoch:
            return None
        if game.state == STATE_LIVE or (game.state == STATE_OPEN and now < game.kickoff):
            return body
        return None

    def get_game_quotes(self, game: int, now: float) -> list[bytes]:
        """The usable quotes of every market of `game`, by market id."""
        markets = sorted(m for m, (row, _) in self.latest.items() if row.game == game)
        bodies = (self.get_current(market, now) for market in markets)
        return [body for body in bodies if body is not None]
