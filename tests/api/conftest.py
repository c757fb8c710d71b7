"""API fixtures: a chain with the scripted history (game 104 then set live and priced), indexed once per
session into SQLite and PostgreSQL, and apps over those databases.

The chain is the API's own (not the indexer tests' session chain): it goes on growing while tests
place bets. `live_db` gives a test a private copy of a seeded database and a follower to index what
the test adds to the chain.
"""

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from api.config import Settings
from api.main import build_app
from indexer import db
from indexer.config import Settings as IndexerSettings
from indexer.follower import Follower, load_target
from indexer.metrics import Metrics
from indexer.models import PublishedQuote
from indexer.rpc import RpcClient
from oracle.signing import Quote, sign_quote
from scripts.deployment import Deployment, load_deployment
from scripts.history import MARKETS, History, Player, pricer, scripted_history
from scripts.localchain import Anvil, deploy_with_ape
from tests.indexer.conftest import POSTGRES, create_postgres_database, drop_postgres_database
from tests.indexer.test_follow import index_to_head

LIVE_GAME = 104
DOMAIN = "app.rollbook.test"
CONFIRMATIONS = 4


@dataclass(frozen=True)
class ApiChain:
    anvil: Anvil
    deployment_file: Path
    deployment: Deployment
    history: History
    live_epoch: int


@pytest.fixture(scope="session")
def api_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiChain]:
    with Anvil.start(accounts=20) as anvil:
        path = tmp_path_factory.mktemp("api-deployment") / "local.json"
        deploy_with_ape(anvil, path)
        deployment = load_deployment(path, anvil.web3)
        history = scripted_history(anvil.web3, deployment)
        player = Player(anvil.web3, deployment)
        player.send(player.book.functions.set_live(LIVE_GAME, True), pricer)
        epoch = player.book.functions.game(LIVE_GAME).call()[1]
        yield ApiChain(anvil, path, deployment, history, epoch)


def build_follower(chain: ApiChain, url: str) -> Follower:
    settings = IndexerSettings(
        rpc_url=chain.anvil.url, database_url=url, deployment_file=chain.deployment_file,
        confirmations=CONFIRMATIONS, metrics_port=0,
    )  # fmt: skip
    engine = db.build_engine(settings.database_url)
    follower = Follower(settings, load_target(settings), RpcClient(settings.rpc_url), engine, Metrics())
    follower.prepare()
    return follower


def publish_quote(
    engine: Engine,
    chain: ApiChain,
    market: int,
    epoch: int,
    odds: tuple[int, int, int],
    key: bytes | None = None,
    expiry: int | None = None,
    signer: str | None = None,
    copies: int = 1,
) -> int:
    """Insert a signed quote as the pricer does (`copies` times, in one transaction); the last seq."""
    expiry = expiry if expiry is not None else chain.anvil.get_timestamp() + 1_800  # MAX_QUOTE_TTL is 1 h
    quote = Quote(market, epoch, expiry, 1_000 * 10**6, odds)
    signature = sign_quote(key or pricer.key, quote, chain.deployment.chain_id, chain.deployment.book.address)
    raw = signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes([signature.v])
    values = {
        "game": market >> 8, "market": market, "epoch": epoch, "expiry": expiry, "max_stake": quote.max_stake,
        "odds_0": odds[0], "odds_1": odds[1], "odds_2": odds[2], "signer": (signer or pricer.address).lower(),
        "signature": "0x" + raw.hex(), "published_at_ms": int(time.time() * 1000),
    }  # fmt: skip
    with engine.begin() as connection:
        if copies > 1:
            connection.execute(insert(PublishedQuote), [values] * (copies - 1))
        statement = insert(PublishedQuote).values(values).returning(PublishedQuote.seq)
        return int(connection.execute(statement).scalar_one())


def get_odds(kind: int) -> tuple[int, int, int]:
    return (21_000, 34_000, 36_000) if kind == 0 else (19_000, 19_500, 0)


def seed(chain: ApiChain, url: str) -> None:
    follower = build_follower(chain, url)
    try:
        index_to_head(follower)
        for index, (kind, _) in enumerate(MARKETS[LIVE_GAME]):
            publish_quote(follower.engine, chain, LIVE_GAME << 8 | index, chain.live_epoch, get_odds(kind))
    finally:
        follower.close()
        follower.engine.dispose()


@dataclass(frozen=True)
class Seeded:
    kind: str
    template: str  # nobody connects to it: copies are made from it

    def copy(self, target: Path) -> str:
        """A private copy of the seeded database; its URL."""
        if self.kind == "sqlite":
            with (
                sqlite3.connect(self.template.removeprefix("sqlite:///")) as source,
                sqlite3.connect(target) as copy,
            ):
                source.backup(copy)
            return f"sqlite:///{target}"
        url = create_postgres_database()
        name, template = url.rsplit("/", 1)[1], self.template.rsplit("/", 1)[1]
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE {name}")
            connection.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return url


@pytest.fixture(scope="session")
def seeded_sqlite(api_chain: ApiChain, tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    url = f"sqlite:///{tmp_path_factory.mktemp('api-db') / 'seeded.db'}"
    seed(api_chain, url)
    return Seeded("sqlite", url)


@pytest.fixture(scope="session")
def seeded_postgresql(api_chain: ApiChain) -> Iterator[Seeded]:
    url = create_postgres_database()
    seed(api_chain, url)
    yield Seeded("postgresql", url)
    drop_postgres_database(url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest) -> Seeded:
    """Each kind; both are seeded at the first request, before any test adds blocks to the chain."""
    request.getfixturevalue("seeded_sqlite")
    try:
        request.getfixturevalue("seeded_postgresql")
    except pytest.skip.Exception:
        if request.param == "postgresql":
            raise
    return request.getfixturevalue(f"seeded_{request.param}")  # type: ignore[no-any-return]


def build_settings(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": url, "siwe_domain": DOMAIN, "rate_limit": 1_000_000, "auth_rate_limit": 1_000_000,
        "quote_poll_interval": 0.01, "chain_poll_interval": 0.05, "ws_heartbeat": 30.0,
    }  # fmt: skip
    return Settings(**(values | overrides))  # type: ignore[arg-type]


def start_client(url: str, **overrides: object) -> TestClient:
    """A TestClient whose tailers have read the indexer's cursor (call inside `with`)."""
    app = build_app(build_settings(url, **overrides))
    client = TestClient(app)
    client.__enter__()
    deadline = time.monotonic() + 10
    while not app.state.api.marks.is_ready:
        assert time.monotonic() < deadline, "the API never read the indexer's cursor"
        time.sleep(0.02)
    return client


@pytest.fixture(scope="session")
def seeded_copy(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One copy per database kind that route tests share (they only add API-owned rows)."""
    url = seeded.copy(tmp_path_factory.mktemp("api-routes") / "routes.db")
    yield url
    if seeded.kind == "postgresql":
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def client(seeded_copy: str) -> Iterator[TestClient]:
    test_client = start_client(seeded_copy)
    yield test_client
    test_client.__exit__(None, None, None)


@dataclass
class LiveDb:
    url: str
    follower: Follower

    def index(self) -> None:
        index_to_head(self.follower)


@pytest.fixture
def live_db(seeded: Seeded, api_chain: ApiChain, tmp_path: Path) -> Iterator[LiveDb]:
    """A private copy of the seeded database and a follower that indexes new blocks into it."""
    url = seeded.copy(tmp_path / "live.db")
    follower = build_follower(api_chain, url)
    yield LiveDb(url, follower)
    follower.close()
    follower.engine.dispose()
    if seeded.kind == "postgresql":
        drop_postgres_database(url)
