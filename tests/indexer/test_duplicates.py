"""Duplicate delivery (F6): indexing a block range again leaves the database identical (same digest).

Reads the shared chain (the scripted history) without changing it.
"""

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from indexer import db
from indexer.follower import FetchedRange, Follower, fetch_range
from indexer.plan import RangePlanner
from indexer.rpc import RpcClient
from tests.indexer.conftest import Chain
from tests.indexer.test_follow import build_follower, index_to_head

pytestmark = pytest.mark.integration


@pytest.fixture
def indexed(chain: Chain, engine: Engine) -> Iterator[Follower]:
    follower = build_follower(chain, engine, batch_size=16, target_logs=40)
    index_to_head(follower)
    yield follower
    follower.close()


def fetch(chain: Chain, follower: Follower, start: int, end: int) -> FetchedRange:
    """The rows of exactly [start, end], as the follower would fetch them."""
    planner = RangePlanner(end - start + 1, end - start + 1, 10**9)
    item = fetch_range(RpcClient(chain.anvil.url), follower.target, planner, start, end, None)
    assert isinstance(item, FetchedRange) and item.end.number == end
    return item


def write(engine: Engine, follower: Follower, item: FetchedRange) -> None:
    t = follower.target
    with engine.begin() as connection:
        db.write_range(connection, t.chain_id, t.book, item.rows, item.end)


def rewind(engine: Engine, follower: Follower, chain: Chain, number: int) -> None:
    """Put the stored cursor (and the follower's) back on block `number`; before the start, a fresh cursor."""
    if number < chain.deployment.start_block:
        cursor = db.Cursor(number, None, None)  # everything again, without a parent to check
    else:
        block = chain.anvil.web3.eth.get_block(number)
        cursor = db.Cursor(number, "0x" + bytes(block["hash"]).hex(), int(block["timestamp"]))
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE sync_state SET cursor_number = :n, cursor_hash = :h, cursor_timestamp = :t"),
            {"n": cursor.number, "h": cursor.hash, "t": cursor.timestamp},
        )
    follower.cursor = cursor


def test_rewinding_the_cursor_and_indexing_again(chain: Chain, engine: Engine, indexed: Follower) -> None:
    before = db.build_digest(engine)
    start, head = chain.deployment.start_block, indexed.cursor.number
    rng = random.Random(6)
    points = [start - 1, start, head - 1, *rng.sample(range(start, head), 4)]
    for point in points:
        rewind(engine, indexed, chain, point)
        index_to_head(indexed)
        assert indexed.cursor.number == head
        assert db.build_digest(engine) == before, f"re-indexing from block {point} changed the data"


def test_writing_a_range_twice(chain: Chain, engine: Engine, indexed: Follower) -> None:
    before = db.build_digest(engine)
    start, head = chain.deployment.start_block, indexed.cursor.number
    rng = random.Random(7)
    spans = [(start, head), (start, start), (head, head)]
    for _ in range(5):
        a, b = sorted(rng.sample(range(start, head + 1), 2))
        spans.append((a, b))
    for a, b in spans:
        item = fetch(chain, indexed, a, b)
        write(engine, indexed, item)
        write(engine, indexed, item)
        assert db.build_digest(engine) == before, f"writing [{a}, {b}] again changed the data"


def test_overlapping_ranges_in_any_order_equal_one_clean_pass(
    chain: Chain, engine: Engine, indexed: Follower
) -> None:
    """Emptied, then refilled by overlapping ranges covering the chain, shuffled, each written twice."""
    clean = db.build_digest(engine)
    start, head = chain.deployment.start_block, indexed.cursor.number
    rng = random.Random(8)
    spans, low = [], start
    while low <= head:
        high = min(head, low + rng.randint(1, 30))
        spans.append((max(start, low - rng.randint(0, 10)), high))  # overlaps the previous range
        low = high + 1
    rng.shuffle(spans)
    with engine.begin() as connection:  # empty the first database, keep its schema and cursor row
        for name in db.Base.metadata.tables:
            if name != "sync_state":
                connection.execute(text(f"DELETE FROM {name}"))
    assert db.build_digest(engine) != clean
    for a, b in spans:
        item = fetch(chain, indexed, a, b)
        write(engine, indexed, item)
        write(engine, indexed, item)
    assert db.build_digest(engine) == clean
