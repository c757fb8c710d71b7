"""Index the scripted history from scratch into SQLite and PostgreSQL; the views and `verify` must agree.

One file for everything that needs the chain, so a test run deploys and plays the history once.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from indexer import db
from indexer.config import Settings
from indexer.exceptions import ConfigError, WrongChainError
from indexer.follower import Follower, load_target
from indexer.metrics import Metrics
from indexer.rpc import RpcClient
from indexer.verify import verify
from scripts.history import MARKETS, Player, bettors, reporters
from scripts.localchain import get_free_port
from tests.indexer.conftest import Chain

pytestmark = pytest.mark.integration
CONFIRMATIONS = 4


def build_follower(chain: Chain, engine: Engine, **overrides: object) -> Follower:
    values: dict[str, object] = {
        "rpc_url": chain.anvil.url,
        "database_url": engine.url.render_as_string(hide_password=False),
        "deployment_file": chain.deployment_file,
        "confirmations": CONFIRMATIONS,
        "metrics_port": 0,
    }
    settings = Settings(**(values | overrides))  # type: ignore[arg-type]
    follower = Follower(settings, load_target(settings), RpcClient(settings.rpc_url), engine, Metrics())
    follower.prepare()
    return follower


def index_to_head(follower: Follower) -> None:
    for _ in range(10_000):
        if follower.run_cycle():
            return
    raise AssertionError("the indexer never caught up")


@pytest.fixture
def indexed(chain: Chain, engine: Engine) -> Iterator[Follower]:
    """The history indexed from scratch in small ranges (so ranges, pipelining and growth all run)."""
    follower = build_follower(chain, engine, batch_size=8, target_logs=20)
    index_to_head(follower)
    yield follower
    follower.close()


def query(engine: Engine, sql: str) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(sql))]


def test_default_behavior(chain: Chain, engine: Engine, indexed: Follower) -> None:
    head = chain.anvil.web3.eth.block_number
    assert indexed.cursor.number == head
    report = verify(engine, RpcClient(chain.anvil.url), chain.deployment)
    assert report.mismatches == [], report.to_text()
    assert report.checked["balance"] == len(bettors)
    assert report.checked["market nets"] == sum(len(markets) for markets in MARKETS.values())
    assert report.checked["open bet"] == sum(
        1 for b in chain.history.bets if b.game not in {101, 102, 103, 106}
    )


def test_verify_at_an_earlier_block(chain: Chain, engine: Engine, indexed: Follower) -> None:
    for block in (chain.deployment.start_block + 40, chain.deployment.start_block + 90):
        report = verify(engine, RpcClient(chain.anvil.url), chain.deployment, block)
        assert report.mismatches == [], report.to_text()
    with pytest.raises(ConfigError, match="the database is at block"):
        verify(engine, RpcClient(chain.anvil.url), chain.deployment, indexed.cursor.number + 1)


def test_bets_show_their_lifecycle(chain: Chain, engine: Engine, indexed: Follower) -> None:
    rows = {row["bet_id"]: row for row in query(engine, "SELECT * FROM bets")}
    assert len(rows) == len(chain.history.bets)
    confirmed_block = chain.anvil.web3.eth.block_number - CONFIRMATIONS
    for bet in chain.history.bets:
        row = rows[bet.bet_id]
        status, grade, due = chain.history.get_expected(bet)
        if status == "included" and row["placed_block"] <= confirmed_block:
            status = "confirmed"
        assert (row["status"], row["grade"], row["amount_due"]) == (status, grade, due), bet
        assert (row["bettor"], row["nonce"], row["market"], row["game"]) == (
            bet.bettor,
            bet.nonce,
            bet.market,
            bet.game,
        )
        assert (row["outcome"], row["stake"], row["payout"]) == (bet.outcome, bet.stake, bet.payout)
        assert row["placed_tx"].startswith("0x") and row["placed_at"] > 0
        assert (row["paid_block"] is not None) == (status == "paid")
        if status == "paid":
            assert row["paid_amount"] == due and row["paid_block"] >= row["final_block"]
    results = {row["result"] for row in rows.values()}
    assert {"won", "lost", "push", "half_won", "half_lost", "void", None} <= results


def test_games_and_results(chain: Chain, engine: Engine, indexed: Follower) -> None:
    games = {row["game"]: row for row in query(engine, "SELECT * FROM games")}
    assert {g: row["state_name"] for g, row in games.items()} == {
        101: "final", 102: "final", 103: "final", 104: "open", 105: "final", 106: "final",
    }  # fmt: skip
    assert games[101]["epoch"] == 3 and games[101]["market_cap"] == 30_000 * 10**6
    assert (games[101]["home"], games[101]["away"], games[102]["result_status"]) == (2, 1, 2)
    assert games[104]["reserve"] > 0 and games[101]["reserve"] == 0
    results = {row["game"]: row for row in query(engine, "SELECT * FROM results")}
    assert set(results) == {101, 102, 103, 105, 106}
    assert results[103]["challenged_by"] is not None and results[103]["stage"] == "final"
    assert results[106]["proposed_block"] is None and results[106]["final_status"] == 2
    signers = query(engine, "SELECT game, reporter FROM result_signers ORDER BY game, position")
    assert [(r["game"], r["reporter"]) for r in signers if r["game"] == 101] == [
        (101, r.address.lower()) for r in reporters[:2]
    ]


def test_reindexing_a_range_changes_nothing(chain: Chain, engine: Engine, indexed: Follower) -> None:
    before = db.build_digest(engine)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE sync_state SET cursor_number = :n"), {"n": chain.deployment.start_block + 5}
        )
    indexed.cursor = db.Cursor(chain.deployment.start_block + 5, None, None)
    index_to_head(indexed)
    assert db.build_digest(engine) == before


def test_follows_the_head_and_rolls_back_a_reorg(chain: Chain, engine: Engine, indexed: Follower) -> None:
    web3, anvil = chain.anvil.web3, chain.anvil
    snapshot = anvil.snapshot()
    try:
        player = Player(web3, chain.deployment)
        player.fund(bettors[0], player.book, 10**6)
        player.send(player.book.functions.deposit(10**6), bettors[0])
        assert not indexed.run_cycle()
        deposits = query(engine, "SELECT block_hash FROM book_deposit ORDER BY block_number DESC LIMIT 1")
        orphan = deposits[0]["block_hash"]
        anvil.revert(snapshot)
        snapshot = anvil.snapshot()
        player = Player(web3, chain.deployment)
        player.fund(bettors[1], player.book, 2 * 10**6)  # two blocks at the same heights, other txs
        index_to_head(indexed)
        assert indexed.metrics.registry.get_sample_value("indexer_reorgs_total") == 1
        assert query(engine, f"SELECT * FROM book_deposit WHERE block_hash = '{orphan}'") == []
        report = verify(engine, RpcClient(chain.anvil.url), chain.deployment)
        assert report.mismatches == [], report.to_text()
    finally:
        anvil.revert(snapshot)


def test_run_stops_when_asked(chain: Chain, engine: Engine) -> None:
    follower = build_follower(chain, engine)
    stop = threading.Event()
    thread = threading.Thread(target=follower.run, args=(stop,))
    thread.start()
    try:
        for _ in range(200):
            if follower.cursor.number >= chain.history.last_block:
                break
            stop.wait(0.05)
        assert follower.metrics.health.is_healthy()
    finally:
        stop.set()
        thread.join(timeout=10)
        follower.close()
    assert follower.cursor.number >= chain.history.last_block


def test_refuses_another_chain_or_a_missing_deployment(chain: Chain, engine: Engine, tmp_path: Path) -> None:
    raw = json.loads(chain.deployment_file.read_text())
    raw["chain_id"] = 10
    other = tmp_path / "optimism.json"
    other.write_text(json.dumps(raw))
    with pytest.raises(WrongChainError, match=r"the deployment is on chain 10 but .* serves chain 901"):
        build_follower(chain, engine, deployment_file=other)
    with pytest.raises(ConfigError, match="no deployment file at"):
        build_follower(chain, engine, deployment_file=tmp_path / "absent.json")


# ---------------------------------------------------------------- `python -m indexer` as a process


def build_env(chain: Chain, database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INDEXER_") and k != "DATABASE_URL"}
    return (
        env
        | {
            "INDEXER_RPC_URL": chain.anvil.url,
            "INDEXER_DATABASE_URL": f"sqlite:///{database}",
            "INDEXER_DEPLOYMENT_FILE": str(chain.deployment_file),
            "INDEXER_CONFIRMATIONS": "2",
        }
        | extra
    )


def indexer(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return 0, ""


def test_command_line(chain: Chain, tmp_path: Path) -> None:
    database = tmp_path / "cli.db"
    port = get_free_port()
    env = build_env(chain, database, INDEXER_METRICS_PORT=str(port))
    process = subprocess.Popen([sys.executable, "-m", "indexer"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while (status := get(f"http://127.0.0.1:{port}/healthz"))[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert status[0] == 200, status
        assert json.loads(status[1])["cursor"] == chain.anvil.web3.eth.block_number
        code, metrics = get(f"http://127.0.0.1:{port}/metrics")
        assert code == 200 and "indexer_head_lag_blocks 0.0" in metrics
        assert "indexer_events_total" in metrics and "indexer_reorgs_total 0.0" in metrics
    finally:
        process.send_signal(signal.SIGTERM)
        _, logs = process.communicate(timeout=30)
    assert process.returncode == 0, logs
    first = json.loads(logs.splitlines()[0])
    assert (
        first["message"] == "indexer ready"
        and first["level"] == "info"
        and first["schema"] == db.get_head_revision()
    )

    verified = indexer(env, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "OK: the database matches the chain" in verified.stdout
    health = indexer(env, "health")
    assert health.returncode == 0 and json.loads(health.stdout)["healthy"] is True

    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE book_bet_placed SET stake = stake + 1 WHERE nonce = 0")
    tampered = indexer(env, "verify")
    assert tampered.returncode == 1
    assert "MISMATCH balance" in tampered.stdout and "MISMATCH market nets" in tampered.stdout
    assert tampered.stdout.rstrip().endswith("FAILED")


def test_command_line_stops_on_a_fatal_error(chain: Chain, tmp_path: Path) -> None:
    raw = json.loads(chain.deployment_file.read_text())
    raw["chain_id"] = 10
    other = tmp_path / "optimism.json"
    other.write_text(json.dumps(raw))
    env = build_env(
        chain, tmp_path / "other.db", INDEXER_DEPLOYMENT_FILE=str(other), INDEXER_METRICS_PORT="0"
    )
    done = indexer(env, "run")
    assert done.returncode == 2
    assert "the deployment is on chain 10 but" in done.stderr and "point INDEXER_RPC_URL" in done.stderr
