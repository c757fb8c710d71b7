"""`make demo` end to end: the real supervisor process, headless, on free ports in a temporary home.

The demo starts anvil, deploys, funds the vault and the bettors and starts every service; with a
very fast replay the first game takes bets, ends, is reported, finalized and paid; SIGTERM stops
every process it started; a second run resumes the same chain, database and match-day clock with
nothing lost.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from web3 import Web3

from scripts.chain_setup import bettor_account
from scripts.deployment import load_deployment
from scripts.localchain import REPO, get_free_port
from scripts.stack import get_free_port_block

pytestmark = pytest.mark.integration

BETTORS = 4
GAME = 1001  # the match day's first game
CHALLENGE_WINDOW = 60  # seconds, the demo deployment's
# a match lasts about 11 s; the keeper lists games a minute ahead, so its first cycle is short
DEMO_ARGS = ["--speed", "600", "--lead", "60", "--bet-rate", "10"]
DEMO_ENV = {"ORACLE_KEEPER__CREATE_AHEAD": "60"}
READY_LINE = "Ctrl-C stops everything"
PROCESS_LINE = re.compile(r"^process\s+(\S+)\s+pid (\d+)")


@dataclass
class Demo:
    """One `python -m scripts.demo` run; `pids` are the children it reported."""

    home: Path
    ports: dict[str, int]
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    pids: dict[str, int] = field(default_factory=dict)

    def start(self, timeout: float = 240) -> None:
        argv = [sys.executable, "-m", "scripts.demo", "--home", str(self.home), "--bettors", str(BETTORS)]
        argv += ["--rpc-port", str(self.ports["rpc"]), "--api-port", str(self.ports["api"])]
        argv += ["--metrics-port-base", str(self.ports["metrics"]), *DEMO_ARGS]
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env={**os.environ, **DEMO_ENV},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if match := PROCESS_LINE.match(line):
                self.pids[match[1]] = int(match[2])
            if READY_LINE in line:
                return
            assert time.monotonic() < deadline, "demo not ready in time:\n" + "".join(self.output)
        pytest.fail("demo exited before it was ready:\n" + "".join(self.output))

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.returncode

    @property
    def web3(self) -> Web3:
        return Web3(Web3.HTTPProvider(f"http://127.0.0.1:{self.ports['rpc']}"))


def is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def count_rows(database: Path, table: str, where: str = "1 = 1") -> int:
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        count = int(connection.execute(text(f"SELECT COUNT(*) FROM {table} WHERE {where}")).scalar_one())
    engine.dispose()
    return count


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    ports = {name: get_free_port() for name in ("rpc", "api")} | {"metrics": get_free_port_block(6)}
    run = Demo(tmp_path / "demo", ports)
    yield run
    if run.process is not None and run.process.poll() is None:
        run.stop()


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def fetch_game(demo: Demo, game: int) -> dict[str, Any]:
    response = httpx.get(f"http://127.0.0.1:{demo.ports['api']}/games/{game}", timeout=5)
    return response.json() if response.is_success else {}


def fetch_unpaid(demo: Demo, game: int) -> int:
    return count_rows(demo.home / "rollbook.db", "bets", f"game = {game} AND status <> 'paid'")


def test_demo_plays_settles_stops_and_resumes(demo: Demo) -> None:
    demo.start()
    assert {"anvil", "indexer", "reporter-0", "reporter-1", "reporter-2", "keeper", "pricer", "api"} <= set(
        demo.pids
    )
    assert "bettors" in demo.pids
    web3 = demo.web3
    deployment = load_deployment(demo.home / "deployments" / "local.json", web3)
    assert deployment.get_contract(web3, "vault").functions.totalAssets().call() > 0
    token = deployment.get_contract(web3, "token")
    for i in range(BETTORS):
        assert token.functions.balanceOf(bettor_account(i).address).call() > 0

    # game 1001 gets quotes and bets, ends, and the reporters propose its score
    wait_for(lambda: fetch_game(demo, GAME).get("state") in ("proposed", "final"), 150, "a proposed result")
    assert fetch_game(demo, GAME)["bet_count"] > 0
    # the challenge window is a minute of chain time: skip it instead of waiting
    web3.provider.make_request("evm_increaseTime", [CHALLENGE_WINDOW + 1])  # type: ignore[arg-type]
    wait_for(lambda: fetch_game(demo, GAME).get("state") == "final", 60, "the keeper's finalize")
    wait_for(lambda: fetch_unpaid(demo, GAME) == 0, 60, "every bet of the game paid")
    head = web3.eth.block_number
    bets = count_rows(demo.home / "rollbook.db", "bets")
    replay = (demo.home / "replay.json").read_text()

    assert demo.stop() == 0
    for name, pid in demo.pids.items():
        assert not is_alive(pid), f"{name} (pid {pid}) outlived the demo"

    demo.output.clear()
    demo.pids.clear()
    demo.start()
    again = load_deployment(demo.home / "deployments" / "local.json", demo.web3)
    assert again.book.address == deployment.book.address  # reused, not redeployed
    assert demo.web3.eth.get_block(head)["hash"] == web3.eth.get_block(head)["hash"]
    assert (demo.home / "replay.json").read_text() == replay  # the same match-day clock
    assert count_rows(demo.home / "rollbook.db", "bets") >= bets
    assert fetch_unpaid(demo, GAME) == 0
    assert count_rows(demo.home / "rollbook.db", "vault_deposit") == 1  # the LP was funded once
    assert demo.stop() == 0
