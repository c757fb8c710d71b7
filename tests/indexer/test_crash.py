"""Crashes (F4): `python -m indexer` killed with SIGKILL at random points, restarted each time.

This module's own anvil holds the scripted history plus 2,000 bulk bets (25 to a block), so a
backfill spans many small ranges. The indexer runs with ranges of 1 to 2 blocks and is killed
5 times mid-backfill (a random moment just after its cursor passes a random block), then 3 times
after a random delay (during start-up or while it follows blocks the test mines between kills),
restarted each time; the last run is left to catch up and stopped with SIGTERM.
The database must end with the digest of a clean, uninterrupted index of the same chain.
"""

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from indexer import db
from scripts.history import Player, bettors, bulk_bets
from scripts.localchain import REPO
from tests.indexer.conftest import Chain
from tests.indexer.test_reorg import fresh_digest, start_chain

pytestmark = pytest.mark.integration

BULK_BETS = 2_000
KILLS = 8
BACKFILL_KILLS = 5


@pytest.fixture(scope="module")
def bulk_chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    for chain in start_chain(tmp_path_factory.mktemp("crash-chain")):
        bulk_bets(chain.anvil.web3, chain.deployment, BULK_BETS, per_block=25)
        yield chain


def start_indexer(chain: Chain, database_url: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDEXER_") and k != "DATABASE_URL"}
    env |= {
        "INDEXER_RPC_URL": chain.anvil.url,
        "INDEXER_DATABASE_URL": database_url,
        "INDEXER_DEPLOYMENT_FILE": str(chain.deployment_file),
        "INDEXER_CONFIRMATIONS": "2",
        "INDEXER_BATCH_SIZE": "1",
        "INDEXER_MAX_BATCH_SIZE": "2",
        "INDEXER_POLL_INTERVAL": "0.05",
        "INDEXER_METRICS_PORT": "0",
        "INDEXER_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "indexer"], cwd=REPO, env=env, stderr=subprocess.PIPE, text=True
    )


def read_cursor(engine: Engine) -> int | None:
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT cursor_number FROM sync_state")).scalar()
    except Exception:  # no schema yet: killed before the migration committed
        return None


def test_kill_9_at_random_points(bulk_chain: Chain, engine: Engine, database_url: str) -> None:
    kill_and_restart(bulk_chain, engine, database_url, BACKFILL_KILLS, KILLS - BACKFILL_KILLS, seed=1_234)


@pytest.mark.fuzz_long
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_many_times(bulk_chain: Chain, engine: Engine, database_url: str, seed: int) -> None:
    """The long campaign: 60 kills per seed and backend (F4 asks for 100+ kill points a night)."""
    kill_and_restart(bulk_chain, engine, database_url, 40, 20, seed)


def kill_and_restart(
    chain: Chain, engine: Engine, database_url: str, backfill_kills: int, follow_kills: int, seed: int
) -> None:
    """Kill the indexer `backfill_kills` times mid-backfill, then `follow_kills` times at random; compare."""
    rng = random.Random(seed)
    start, head = chain.deployment.start_block, chain.anvil.web3.eth.block_number
    # each backfill kill comes soon after the cursor passes a random block of its slice of the backfill
    step = (head - 10 - start) // backfill_kills
    targets = [start + i * step + rng.randrange(max(1, step // 2)) for i in range(backfill_kills)]
    cursors: list[tuple[int | None, int]] = []  # (cursor, head) after each kill
    for kill in range(backfill_kills + follow_kills):
        process = start_indexer(chain, database_url)
        if kill < backfill_kills:
            deadline = time.monotonic() + 30
            while (read_cursor(engine) or -1) < targets[kill] and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0, 0.05))
        else:
            time.sleep(rng.uniform(0.3, 2.5))  # during start-up, or while following
        if process.poll() is not None:
            pytest.fail(f"the indexer exited by itself ({process.returncode}):\n{process.communicate()[1]}")
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        cursors.append((read_cursor(engine), chain.anvil.web3.eth.block_number))
        if kill >= backfill_kills:  # new blocks to follow
            player = Player(chain.anvil.web3, chain.deployment)
            player.send(player.book.functions.withdraw(100 + kill), bettors[kill % len(bettors)])
    # one more event, so the last run (not an earlier one) must index it: it is up when the cursor is
    player = Player(chain.anvil.web3, chain.deployment)
    player.send(player.book.functions.withdraw(99), bettors[0])
    head = chain.anvil.web3.eth.block_number
    mid_backfill = [c for c, top in cursors if c is not None and chain.deployment.start_block <= c < top - 2]
    assert len(mid_backfill) >= min(2, backfill_kills), (
        f"too few kills landed mid-backfill: (cursor, head) {cursors}"
    )

    process = start_indexer(chain, database_url)
    try:
        deadline = time.monotonic() + 60
        while read_cursor(engine) != head and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        _, logs = process.communicate(timeout=30)
    assert process.returncode == 0, logs
    assert read_cursor(engine) == head
    assert db.build_digest(engine) == fresh_digest(chain, engine.dialect.name)


def test_fixture_has_thousands_of_events(bulk_chain: Chain, tmp_path: Path) -> None:
    """The chain is big enough to make the kills land mid-backfill (a few thousand events)."""
    web3, d = bulk_chain.anvil.web3, bulk_chain.deployment
    addresses = [d.book.address, d.vault.address, d.oracle.address]
    logs = web3.eth.get_logs({"fromBlock": d.start_block, "toBlock": "latest", "address": addresses})
    assert len(logs) > BULK_BETS
