"""The run-cycle's error policy and health reporting, with a fake node (offline, SQLite in a temp dir)."""

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from indexer import db
from indexer.config import Settings
from indexer.decode import Header
from indexer.exceptions import ReorgTooDeepError, RpcUnavailableError
from indexer.follower import Follower, Target
from indexer.metrics import Metrics, serve

pytestmark = pytest.mark.unit


class FlakyNode:
    """A chain of empty blocks; `get_head` fails for the first `failures` calls."""

    def __init__(self, head: int, failures: int = 0, fork: str = "a"):
        self.head, self.failures, self.fork = head, failures, fork

    def hash_of(self, number: int) -> str:
        return f"0x{self.fork}{number:063x}"

    def get_head(self) -> Header:
        if self.failures > 0:
            self.failures -= 1
            raise RpcUnavailableError("http://node", "eth_getBlockByNumber", "http_503", "busy")
        return self.get_headers([self.head])[0]

    def get_headers(self, numbers: list[int]) -> list[Header]:
        return [Header(n, self.hash_of(n), self.hash_of(n - 1), 1_000 + n) for n in numbers]

    def get_block_hashes(self, numbers: list[int]) -> list[str | None]:
        return [self.hash_of(n) if n <= self.head else None for n in numbers]

    def get_logs(self, start: int, end: int, addresses: Any) -> list[dict[str, Any]]:
        return []


def build(tmp_path: Path, node: FlakyNode, **settings: Any) -> Follower:
    config = Settings(database_url=f"sqlite:///{tmp_path / 'idx.db'}", poll_interval=0.01, **settings)
    target = Target(chain_id=901, book="0x" + "00" * 20, addresses=[], specs={}, start_block=1)
    engine = db.build_engine(config.database_url)
    db.migrate(engine)
    with engine.begin() as connection:
        db.create_cursor(connection, 901, target.book, 0, 0)
    return Follower(config, target, node, engine, Metrics(max_lag_blocks=5))  # type: ignore[arg-type]


def run_until(follower: Follower, done: Any, timeout: float = 10.0) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=follower.run, args=(stop,))
    thread.start()
    try:
        for _ in range(int(timeout / 0.01)):
            if done():
                break
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)


def test_default_behavior(tmp_path: Path) -> None:
    node = FlakyNode(head=500, failures=3)
    follower = build(tmp_path, node, batch_size=64)
    assert not follower.metrics.health.is_healthy()
    run_until(follower, lambda: follower.cursor.number == 500 and follower.metrics.health.is_healthy())
    assert follower.cursor.number == 500
    errors = follower.metrics.registry.get_sample_value(
        "indexer_cycle_errors_total", {"kind": "RpcUnavailableError"}
    )
    assert errors == 3
    assert follower.metrics.health.is_healthy()
    node.failures = 10**6
    run_until(follower, lambda: not follower.metrics.health.is_last_cycle_ok)
    assert not follower.metrics.health.is_healthy()
    follower.close()


def test_a_reorg_deeper_than_the_limit_is_fatal(tmp_path: Path) -> None:
    node = FlakyNode(head=300)
    follower = build(tmp_path, node, batch_size=1_000, max_reorg_depth=50)
    assert not follower.run_cycle() and follower.run_cycle()
    node.fork, node.head = "b", 301  # every block replaced: no stored block is canonical any more
    with pytest.raises(ReorgTooDeepError, match="INDEXER_MAX_REORG_DEPTH=50"):
        follower.run_cycle()
    assert follower.cursor.number == 300  # nothing was rolled back
    follower.close()


def test_health_endpoint(tmp_path: Path) -> None:
    metrics = Metrics(max_lag_blocks=2)
    server = serve(metrics, 0, host="127.0.0.1")
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(urllib.error.HTTPError) as failing:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
        assert failing.value.code == 503
        metrics.observe_position(cursor=98, cursor_time=1, head=100, head_time=5)
        metrics.observe_cycle(None)
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            assert json.loads(response.read())["lag_blocks"] == 2
        with urllib.request.urlopen(f"{url}/metrics", timeout=2) as response:
            text = response.read().decode()
        assert "indexer_head_lag_seconds 4.0" in text and "indexer_cursor_block 98.0" in text
    finally:
        server.shutdown()
