"""Pricer fixtures on a real anvil: a funded book, a game with every kind of market, a pricer in-process.

The pricer reads the shipped match day through a replay feed whose clock the test moves
(`feed_clock`), publishes into a fresh SQLite database, and sends suspensions with the local
pricer key through the shared transaction sender.
"""

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, select
from web3 import Web3

from indexer import db
from indexer.models import PublishedQuote
from oracle.chain import TxSender, connect
from oracle.config import ChainSettings
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import load_matchday
from oracle.pricing.engine import PricingPolicy
from oracle.pricing.metrics import PricerMetrics
from oracle.pricing.pricer import Chain, Pricer
from oracle.pricing.publish import PrunePolicy
from oracle.pricing.simulate import build_league_ratings
from oracle.signing import Quote, Signature
from scripts.chain_setup import fund_vault
from scripts.deployment import local_account
from scripts.localchain import Transactor
from tests.oracle.conftest import LocalSystem

ONE = 10**6  # one mUSD
GAME = 1001  # Kingsbridge Rovers - Ashford Town in the shipped match day: a goal at 17'
MARKETS = [(0, 0), (1, 0), (2, 10), (2, 9), (2, 11), (3, -1), (3, -2), (3, 0), (3, 4)]
operator = local_account("operator")
pricer_account = local_account("pricer")


@dataclass
class Book:
    system: LocalSystem
    transactor: Transactor

    @property
    def contract(self) -> Any:
        return self.system.deployment.get_contract(self.system.anvil.web3, "book")

    @property
    def token(self) -> Any:
        return self.system.deployment.get_contract(self.system.anvil.web3, "token")

    def send(self, call: Any, sender: LocalAccount) -> Any:
        return self.transactor.send(call, sender)

    def create_game(self, game: int, kickoff: int, markets: list[tuple[int, int]] = MARKETS) -> None:
        cap = 10_000 * ONE
        self.send(self.contract.functions.create_game(game, kickoff, cap, 5 * cap), operator)
        for kind, line in markets:
            self.send(self.contract.functions.add_market(game, kind, line), operator)

    def fund(self, bettor: LocalAccount, amount: int = 50_000 * ONE) -> None:
        self.send(self.token.functions.faucet(amount), bettor)
        self.send(self.token.functions.approve(self.contract.address, amount), bettor)
        self.send(self.contract.functions.deposit(amount), bettor)

    def epoch(self, game: int) -> int:
        return int(self.contract.functions.game(game).call()[1])


@pytest.fixture
def book(local_system: LocalSystem, isolated: None) -> Book:
    fund_vault(local_system.anvil.web3, local_system.deployment, 1_000_000 * ONE)
    return Book(local_system, Transactor(local_system.anvil.web3))


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    engine = db.build_engine(f"sqlite:///{tmp_path / 'quotes.db'}")
    db.migrate(engine)
    yield engine
    engine.dispose()


@dataclass
class FeedClock:
    """The replay feed's clock: match-day second 0 of the shipped file is `start`."""

    start: float
    now: float

    def at_minute(self, minute: float) -> None:
        self.now = self.start + minute * 60


@pytest.fixture
def feed_clock() -> FeedClock:
    start = time.time() + 3_600
    return FeedClock(start, start - 600)


def build_pricer(
    system: LocalSystem, engine: Engine, clock: FeedClock, policy: PricingPolicy, suspend_tip: int = 0
) -> Pricer:
    settings = ChainSettings(
        rpc_url=system.anvil.url, deployment_file=system.deployment_file, poll_interval=0.02
    )
    web3 = connect(settings)
    chain = Chain(
        web3,
        system.deployment.get_contract(web3, "book"),
        system.deployment.chain_id,
        settings.rpc_url,
        TxSender(web3, pricer_account, system.deployment.chain_id, settings),
        suspend_tip,
    )
    source = ReplaySource(ReplayFeed(load_matchday(), clock.start), clock=lambda: clock.now)
    metrics = PricerMetrics.build(CollectorRegistry())
    ratings = build_league_ratings()
    return Pricer(chain, pricer_account, engine, source, ratings, policy, metrics, 86_400, PrunePolicy())


@pytest.fixture
def make_pricer(local_system: LocalSystem, engine: Engine, feed_clock: FeedClock) -> Callable[..., Pricer]:
    return lambda policy=None, suspend_tip=0: build_pricer(
        local_system, engine, feed_clock, policy or PricingPolicy(), suspend_tip
    )


@dataclass(frozen=True)
class Published:
    seq: int
    game: int
    quote: Quote
    signature: Signature
    signer: str


def fetch_published(engine: Engine, after: int = 0) -> list[Published]:
    table = PublishedQuote.__table__
    query = select(table).where(table.c.seq > after).order_by(table.c.seq)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        Published(
            row["seq"],
            row["game"],
            Quote(
                row["market"],
                row["epoch"],
                row["expiry"],
                int(row["max_stake"]),
                (row["odds_0"], row["odds_1"], row["odds_2"]),
            ),
            Signature.from_bytes(bytes.fromhex(row["signature"][2:])),
            row["signer"],
        )
        for row in rows
    ]


def race_bet(
    book: Book, pricer: Pricer, feed_clock: FeedClock, web3: Web3, bettor: LocalAccount, tip: int
) -> Any:
    """`bettor` bets with a pre-goal quote, tipping `tip` (wei); it is pending when the goal comes
    and the pricer suspends; both are mined in one block. The bet's receipt."""
    old = next(p for p in fetch_published(pricer.engine) if p.game == GAME)
    web3.provider.make_request("evm_setAutomine", [False])
    try:
        call = book.contract.functions.place_bet(
            old.quote.as_tuple(), old.signature.as_tuple(), 0, ONE, old.quote.odds[0]
        )
        base_fee = web3.eth.get_block("latest")["baseFeePerGas"]
        tx = call.build_transaction(
            {
                "from": bettor.address,
                "nonce": web3.eth.get_transaction_count(bettor.address, "pending"),
                "gas": 300_000,
                "maxFeePerGas": 2 * base_fee + tip,
                "maxPriorityFeePerGas": tip,
            }
        )
        bet_hash = web3.eth.send_raw_transaction(bettor.sign_transaction(tx).raw_transaction)
        feed_clock.at_minute(17.1)  # the goal
        watcher = threading.Thread(target=pricer.watch)
        watcher.start()
        deadline = time.monotonic() + 10
        while len(web3.provider.make_request("txpool_content", [])["result"]["pending"]) < 2:
            assert time.monotonic() < deadline, "the suspension never reached the mempool"
            time.sleep(0.02)
        web3.provider.make_request("evm_mine", [])
        watcher.join(timeout=10)
    finally:
        web3.provider.make_request("evm_setAutomine", [True])
    return web3.eth.get_transaction_receipt(bet_hash)
