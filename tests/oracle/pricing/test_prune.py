"""Pruning `published_quotes` on SQLite and PostgreSQL: the served rows stay, stale rows go, in batches.

Rows are written as the pricer writes them, with `published_at_ms` and `expiry` set relative to a
fixed `NOW` that the pruning is run at.
"""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, update

from api.store.tail import fetch_latest_quotes
from indexer import db
from indexer.models import PublishedQuote
from oracle.pricing.exceptions import DatabaseUnavailableError
from oracle.pricing.publish import PrunePolicy, prune_quotes
from tests.indexer.conftest import create_postgres_database, drop_postgres_database

from .conftest import GAME, MARKETS, Book

pytestmark = pytest.mark.integration

NOW = 1_900_000_000  # unix seconds
POLICY = PrunePolicy(expiry_margin=60, retention=600, batch_size=1_000, max_batches=20)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of each kind (the pricer fixtures publish into it too)."""
    is_sqlite = request.param == "sqlite"
    url = f"sqlite:///{tmp_path / 'quotes.db'}" if is_sqlite else create_postgres_database()
    engine = db.build_engine(url)
    db.migrate(engine)
    yield engine
    engine.dispose()
    if not is_sqlite:
        drop_postgres_database(url)


def build_row(market: int, published_at: float, expiry: int) -> dict[str, Any]:
    return {
        "game": market >> 8, "market": market, "epoch": 0, "expiry": expiry, "max_stake": 10**9,
        "odds_0": 19_000, "odds_1": 19_500, "odds_2": 0, "signer": "0x" + "ab" * 20,
        "signature": "0x" + "cd" * 65, "published_at_ms": int(published_at * 1000),
    }  # fmt: skip


def publish(engine: Engine, market: int, published_at: float, expiry: int) -> int:
    """One row, published `published_at` (unix s) and living until `expiry`; its seq."""
    statement = insert(PublishedQuote).values(build_row(market, published_at, expiry))
    with engine.begin() as connection:
        return int(connection.execute(statement.returning(PublishedQuote.seq)).scalar_one())


def fetch_seqs(engine: Engine) -> set[int]:
    with engine.connect() as connection:
        return set(connection.execute(select(PublishedQuote.seq)).scalars())


def fetch_served(engine: Engine, now: int) -> tuple[dict[int, int], list[int]]:
    """The newest seq of every market, and the rows the API loads at `now` (its own query)."""
    with engine.connect() as connection:
        newest = select(PublishedQuote.market, func.max(PublishedQuote.seq)).group_by(PublishedQuote.market)
        latest = {int(market): int(seq) for market, seq in connection.execute(newest)}
        return latest, sorted(int(row["seq"]) for row in fetch_latest_quotes(connection, now))


def test_default_behavior(engine: Engine) -> None:
    """Superseded rows go once expired past the margin or superseded past the retention; the rest stay."""
    m = [GAME << 8 | index for index in range(6)]
    gone, kept = [], []
    # expired long ago: all but the newest go; the newest stays though expired
    gone += [publish(engine, m[0], NOW - t, NOW - t + 20) for t in (3_000, 2_000)]
    kept += [publish(engine, m[0], NOW - 1_000, NOW - 980)]
    # expired, but within the margin
    kept += [publish(engine, m[1], NOW - 30, NOW - 5), publish(engine, m[1], NOW - 10, NOW + 10)]
    # long-lived: superseded 700 s ago goes, superseded 100 s ago stays
    gone += [publish(engine, m[2], NOW - 900, NOW + 2_000)]
    kept += [publish(engine, m[2], NOW - 700, NOW + 2_000), publish(engine, m[2], NOW - 100, NOW + 2_000)]
    # the only row of its market, expired long ago
    kept += [publish(engine, m[3], NOW - 5_000, NOW - 4_980)]
    # expired past the margin and superseded a moment ago
    gone += [publish(engine, m[4], NOW - 200, NOW - 100)]
    kept += [publish(engine, m[4], NOW - 1, NOW + 19)]
    # live, and superseded a moment ago
    kept += [publish(engine, m[5], NOW - 5, NOW + 15), publish(engine, m[5], NOW - 2, NOW + 18)]
    served = fetch_served(engine, NOW)
    assert served[1]  # the API serves something: the test would notice it stop

    assert list(prune_quotes(engine, POLICY, NOW)) == [len(gone)]

    assert fetch_seqs(engine) == set(kept)
    assert fetch_served(engine, NOW) == served
    assert list(prune_quotes(engine, POLICY, NOW)) == [0]


def test_backlog_larger_than_a_batch(engine: Engine) -> None:
    """2,500 stale rows: at most `max_batches` batches of `batch_size` per run, oldest first."""
    markets = [GAME << 8 | index for index in range(5)]
    times = [NOW - 10_000 + 3 * i for i in range(500)]
    rows = [build_row(market, at, at + 20) for at in times for market in markets]
    with engine.begin() as connection:
        connection.execute(insert(PublishedQuote), rows)
    seqs = sorted(fetch_seqs(engine))
    served = fetch_served(engine, NOW)
    policy = PrunePolicy(expiry_margin=60, retention=600, batch_size=1_000, max_batches=2)

    assert list(prune_quotes(engine, policy, NOW)) == [1_000, 1_000]
    assert sorted(fetch_seqs(engine)) == seqs[2_000:]
    assert list(prune_quotes(engine, policy, NOW)) == [495]
    assert sorted(fetch_seqs(engine)) == seqs[-5:] == sorted(served[0].values())
    assert list(prune_quotes(engine, policy, NOW)) == [0]
    assert fetch_served(engine, NOW) == served


def test_pricer_job_prunes_and_counts(book: Book, make_pricer, engine: Engine) -> None:
    """The pricer's `prune` job deletes the quotes its newer refresh superseded and counts them."""
    book.create_game(GAME, int(time.time()) + 3_600)
    pricer = make_pricer()
    pricer.refresh_pregame()
    first = fetch_seqs(engine)
    pricer.refresh_pregame()
    second = fetch_seqs(engine) - first
    assert len(first) == len(second) == len(MARKETS)
    pricer.prune()  # fresh: nothing goes
    assert fetch_seqs(engine) == first | second
    with engine.begin() as connection:  # both refreshes an hour older
        age = PublishedQuote.published_at_ms - 3_600_000
        connection.execute(update(PublishedQuote).values(published_at_ms=age))
    pricer.prune()
    assert fetch_seqs(engine) == second
    assert pricer.metrics.pruned._value.get() == len(MARKETS)


def test_database_errors_are_transient(tmp_path: Path) -> None:
    engine = db.build_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # never migrated
    try:
        with pytest.raises(DatabaseUnavailableError, match=r"cannot prune quotes \(OperationalError"):
            list(prune_quotes(engine, POLICY, NOW))
    finally:
        engine.dispose()
