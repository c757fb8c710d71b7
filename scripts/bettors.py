"""Simulated bettors: quotes from the API, bets signed and sent as real transactions.

Each bettor is a publicly known local key (`chain_setup.bettor_account`) with gas and mUSD in its
wallet. Its first bet is a newcomer's `deposit_and_bet_with_permit` (an EIP-2612 permit signed
with `oracle.signing`, a deposit and the bet in one transaction); later bets are `place_bet` from
its book balance. Bets go to random quoted markets, on an outcome drawn by its implied probability,
pre-game and in-play, at the quoted odds; a bet whose quote went stale on the way (an epoch bump on
a goal) reverts on-chain like a real one would, and is counted as reverted.

`python -m scripts.bettors` runs them at a steady rate until SIGTERM (what `make demo` starts).
"""

import argparse
import logging
import random
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from eth_abi import encode

from indexer.logs import configure_logging
from oracle.signing import Permit, Quote, Signature, sign_permit
from scripts.chain_setup import ONE, bettor_account
from scripts.deployment import Deployment, load_deployment
from scripts.rawtx import Encoder, Rpc, RpcError, Wallet, fetch_nonces, fetch_receipts, send_raw

log = logging.getLogger("bettors")

TOKEN_DOMAIN = "Mock USD"  # MockUSD's EIP-712 domain name
DEPOSIT = 5_000 * ONE  # a newcomer's first deposit
PERMIT_TTL = 3_600  # seconds a newcomer's permit stays valid
BET_GAS = 250_000
PERMIT_BET_GAS = 350_000
STAKES = (1 * ONE, 2 * ONE, 5 * ONE, 10 * ONE)
MIN_QUOTE_LIFE = 3  # seconds a quote must still live to be bet on
MAX_HEADS = 10_000  # encoded quotes kept for reuse
BETTABLE = ("scheduled", "live")  # the API's game states that take bets
GAME_PAGE = 200  # games per listing (a match day has a handful)
TICK = 0.05  # seconds between sending rounds
OFFER_REFRESH = 0.5  # seconds between quote fetches
REPORT_INTERVAL = 10.0  # seconds between tally log lines


def fetch_views(rpc: Rpc, contract: str, view: Encoder, addresses: Sequence[str]) -> list[int]:
    """`view(address)` (a uint256 view) for each address, pending transactions included."""
    calls = [
        ("eth_call", [{"to": contract, "data": "0x" + view.build(a).hex()}, "pending"]) for a in addresses
    ]
    replies = rpc.batch(calls)
    if errors := [error for _, error in replies if error is not None]:
        raise RpcError(f"a view call failed for {len(errors)} bettors: {errors[0]}")
    return [int(result, 16) for result, _ in replies]


def fetch_book_balances(rpc: Rpc, deployment: Deployment, addresses: Sequence[str]) -> list[int]:
    """Each address's balance in the Book."""
    return fetch_views(rpc, deployment.book.address, Encoder(deployment.book.abi, "balanceOf"), addresses)


def fetch_permit_nonces(rpc: Rpc, deployment: Deployment, addresses: Sequence[str]) -> list[int]:
    """Each address's EIP-2612 nonce on the token."""
    return fetch_views(rpc, deployment.token.address, Encoder(deployment.token.abi, "nonces"), addresses)


@dataclass(frozen=True)
class Offer:
    """A signed quote the API serves: what `place_bet` takes."""

    game: int
    quote: Quote
    signature: Signature

    def get_outcomes(self) -> list[int]:
        return [i for i, odds in enumerate(self.quote.odds) if odds > 0]


def build_offer(payload: dict[str, Any]) -> Offer:
    """An `Offer` from the API's SignedQuote JSON (`api/schemas.py`)."""
    quote, signature = payload["quote"], payload["signature"]
    odds = tuple(int(o) for o in quote["odds"])
    if len(odds) != 3:
        raise ValueError(f"a quote has 3 odds, got {quote['odds']!r:.60}")
    return Offer(
        game=int(payload["game"]),
        quote=Quote(
            int(quote["market"]),
            int(quote["epoch"]),
            int(quote["expiry"]),
            int(quote["max_stake"]),
            (odds[0], odds[1], odds[2]),
        ),
        signature=Signature(int(signature["v"]), int(signature["r"], 16), int(signature["s"], 16)),
    )


@dataclass(frozen=True)
class Sent:
    """A bet transaction on its way."""

    tx_hash: bytes
    bettor: str
    market: int
    stake: int
    sent_at: float
    is_deposit: bool  # a newcomer's deposit_and_bet_with_permit


@dataclass
class Tally:
    sent: int = 0
    refused: int = 0  # the node refused the raw transaction
    accepted: int = 0  # mined, status 1
    reverted: int = 0  # mined, status 0 (stale quote, cap reached, ...)
    volume: int = 0  # accepted stakes, token units


@dataclass
class Bettor:
    wallet: Wallet
    has_balance: bool  # has a book balance already: bets with place_bet
    permit_nonce: int  # the token's EIP-2612 nonce, for a newcomer's permit


@dataclass
class Bettors:
    """A pool of funded bettors that place bets on the quotes they are given.

    `build` (sign) and `send` are apart so a sender can send one batch while the next is signed;
    a lock keeps a refused transaction's resync from racing the signer over a wallet's nonce.
    """

    rpc: Rpc
    deployment: Deployment
    bettors: list[Bettor]
    rng: random.Random = field(default_factory=random.Random)
    tally: Tally = field(default_factory=Tally)

    def __post_init__(self) -> None:
        book = self.deployment.book
        self.place_bet = Encoder(book.abi, "place_bet")
        self.permit_bet = Encoder(book.abi, "deposit_and_bet_with_permit")
        self.chain_id = self.bettors[0].wallet.chain_id if self.bettors else 0
        self.lock = threading.Lock()
        self.by_address = {b.wallet.address: b for b in self.bettors}
        self._heads: dict[Offer, bytes] = {}  # ABI-encoded (quote, signature) of recent offers

    @classmethod
    def load(cls, rpc: Rpc, deployment: Deployment, count: int, seed: int | None = None) -> "Bettors":
        """Bettors 0..count-1 with their nonces, book balances and permit nonces, read from the chain."""
        accounts = [bettor_account(i) for i in range(count)]
        addresses = [a.address for a in accounts]
        chain_id = int(rpc.call("eth_chainId"), 16)
        nonces = fetch_nonces(rpc, addresses)
        balances = fetch_book_balances(rpc, deployment, addresses)
        permits = fetch_views(
            rpc, deployment.token.address, Encoder(deployment.token.abi, "nonces"), addresses
        )
        bettors = [
            Bettor(Wallet(a, chain_id, n), b > 0, p)
            for a, n, b, p in zip(accounts, nonces, balances, permits, strict=True)
        ]
        return cls(rpc, deployment, bettors, random.Random(seed))

    def build_bet(self, bettor: Bettor, offer: Offer, now: float) -> tuple[str, Sent]:
        """A signed bet of `bettor` on an offered outcome of `offer`, drawn by its implied probability.

        Drawing by 1/odds keeps each market's book roughly balanced, as a real crowd's is, so the
        risk caps bind no sooner than they would with real bettors.
        """
        outcomes = offer.get_outcomes()
        outcome = self.rng.choices(outcomes, [1 / offer.quote.odds[o] for o in outcomes])[0]
        stake = min(self.rng.choice(STAKES), offer.quote.max_stake)
        odds = offer.quote.odds[outcome]
        quote, signature = offer.quote.as_tuple(), offer.signature.as_tuple()
        is_deposit = not bettor.has_balance
        if bettor.has_balance:
            if (head := self._heads.get(offer)) is None:
                head = self._heads[offer] = encode(self.place_bet.types[:2], (quote, signature))
            data = self.place_bet.selector + head + encode(self.place_bet.types[2:], (outcome, stake, odds))
            gas = BET_GAS
        else:
            permit = self.sign_permit(bettor, int(now) + PERMIT_TTL)
            data = self.permit_bet.build(DEPOSIT, *permit, quote, signature, outcome, stake, odds)
            gas = PERMIT_BET_GAS
            bettor.has_balance = True
            bettor.permit_nonce += 1
        raw, tx_hash = bettor.wallet.sign(self.deployment.book.address, data, gas)
        return raw, Sent(tx_hash, bettor.wallet.address, offer.quote.market, stake, now, is_deposit)

    def sign_permit(self, bettor: Bettor, deadline: int) -> tuple[int, tuple[int, int, int]]:
        token = self.deployment.token
        book = self.deployment.book.address
        permit = Permit(bettor.wallet.address, book, DEPOSIT, bettor.permit_nonce, deadline)
        signature = sign_permit(bettor.wallet.account.key, permit, self.chain_id, token.address, TOKEN_DOMAIN)
        return deadline, signature.as_tuple()

    def build(self, offers: Sequence[Offer], count: int) -> list[tuple[str, Sent]]:
        """`count` signed bets of random bettors on random live `offers` (none when nothing is quoted)."""
        now = time.time()
        live = [o for o in offers if o.quote.expiry > now + MIN_QUOTE_LIFE and o.get_outcomes()]
        if not live or not self.bettors:
            return []
        if len(self._heads) > MAX_HEADS:
            self._heads.clear()
        with self.lock:
            return [
                self.build_bet(self.rng.choice(self.bettors), self.rng.choice(live), now)
                for _ in range(count)
            ]

    def send(self, built: Sequence[tuple[str, Sent]], rpc: Rpc | None = None) -> list[Sent]:
        """Send signed bets in one JSON-RPC batch; the ones the node took."""
        errors = send_raw(rpc or self.rpc, [raw for raw, _ in built])
        sent = [bet for (_, bet), error in zip(built, errors, strict=True) if error is None]
        for (_, bet), error in zip(built, errors, strict=True):
            if error is not None:
                self.resync(bet.bettor, error)
        self.tally.sent += len(sent)
        self.tally.refused += len(built) - len(sent)
        return sent

    def place(self, offers: Sequence[Offer], count: int) -> list[Sent]:
        """Sign and send `count` bets on `offers`; the ones sent."""
        return self.send(self.build(offers, count))

    def resync(self, address: str, error: Any) -> None:
        """After a refused transaction, read the bettor's nonces and balance from the chain again."""
        log.warning("transaction refused", extra={"bettor": address, "error": str(error)[:200]})
        bettor = self.by_address[address]
        with self.lock:
            bettor.wallet.nonce = fetch_nonces(self.rpc, [address])[0]
            bettor.has_balance = fetch_book_balances(self.rpc, self.deployment, [address])[0] > 0
            bettor.permit_nonce = fetch_permit_nonces(self.rpc, self.deployment, [address])[0]

    def record(self, sent: Sequence[Sent]) -> list[tuple[Sent, dict[str, Any]]]:
        """Receipts of the mined ones among `sent`, counted in the tally."""
        mined = []
        for bet, receipt in zip(sent, fetch_receipts(self.rpc, [b.tx_hash for b in sent]), strict=True):
            if receipt is None:
                continue
            mined.append((bet, receipt))
            if int(receipt["status"], 16) == 1:
                self.tally.accepted += 1
                self.tally.volume += bet.stake
            else:
                self.tally.reverted += 1
                if bet.is_deposit:
                    self.reread_deposit(bet.bettor)
        return mined

    def reread_deposit(self, address: str) -> None:
        """A newcomer's deposit reverted with its bet: read its balance and permit nonce again."""
        bettor = self.by_address[address]
        with self.lock:
            bettor.has_balance = fetch_book_balances(self.rpc, self.deployment, [address])[0] > 0
            bettor.permit_nonce = fetch_permit_nonces(self.rpc, self.deployment, [address])[0]


def fetch_offers(client: httpx.Client, api_url: str, games: Sequence[int] | None = None) -> list[Offer]:
    """Every current quote the API serves for games taking bets (of `games`, when given)."""
    response = client.get(f"{api_url}/games", params={"limit": GAME_PAGE}, timeout=5)
    response.raise_for_status()
    open_games = [g["game"] for g in response.json()["items"] if g["state"] in BETTABLE]
    offers = []
    for game in open_games if games is None else [g for g in open_games if g in games]:
        detail = client.get(f"{api_url}/games/{game}", timeout=5)
        detail.raise_for_status()
        offers += [build_offer(quote) for quote in detail.json()["quotes"]]
    return offers


@dataclass
class Loop:
    """The demo's bettors: `rate` bets a second on whatever the API quotes, until stopped."""

    bettors: Bettors
    api_url: str
    rate: float
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        client = httpx.Client()
        pending: list[Sent] = []
        offers: list[Offer] = []
        fetched_at = reported_at = 0.0
        owed = 0.0
        last = time.monotonic()
        while not self.stop.wait(TICK):
            now = time.monotonic()
            owed += (now - last) * self.rate
            last = now
            try:
                if now - fetched_at >= OFFER_REFRESH:
                    offers, fetched_at = fetch_offers(client, self.api_url), now
                pending += self.bettors.place(offers, int(owed))
                owed -= int(owed)
                mined = {id(bet) for bet, _ in self.bettors.record(pending)}
                pending = [bet for bet in pending if id(bet) not in mined]
            except (httpx.HTTPError, RpcError, ValueError, KeyError) as error:
                log.warning("cycle failed, retrying", extra={"error": str(error)[:300]})
                owed = 0.0
            if now - reported_at >= REPORT_INTERVAL:
                log.info("bettors", extra={**asdict(self.bettors.tally), "quoted_markets": len(offers)})
                reported_at = now
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bettors", description=__doc__)
    parser.add_argument("--rpc-url", default="http://127.0.0.1:8545")
    parser.add_argument("--api-url", default="http://127.0.0.1:8000")
    parser.add_argument("--deployment-file", type=Path, default=Path("deployments/local.json"))
    parser.add_argument("--bettors", type=int, default=20, help="bettor accounts 0..N-1 (funded by the demo)")
    parser.add_argument("--rate", type=float, default=4.0, help="bets per second, all bettors together")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    configure_logging("INFO")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per quote fetch would drown the tally
    rpc = Rpc(args.rpc_url)
    loop = Loop(
        Bettors.load(rpc, load_deployment(args.deployment_file), args.bettors, args.seed),
        args.api_url,
        args.rate,
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        loop.stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("betting", extra={"bettors": args.bettors, "rate": args.rate, "api": args.api_url})
    loop.run()
    log.info("stopped", extra=asdict(loop.bettors.tally))
    rpc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
