"""Reporter integration fixtures: a fresh chain per module and real `python -m oracle reporter` processes.

`Cluster` writes a short match day for the test's games (kickoff a few seconds ahead, played at
1200x, so a match lasts about 5 s), lists each game on chain with its kickoff, and starts node
processes, each with its own keystore, store, config, log and metrics port.
"""

import json
import signal
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from oracle.reporter.localnet import start_node, write_local_keystore, write_node_config
from scripts.deployment import local_account
from scripts.localchain import Anvil, Transactor, get_free_port
from tests.oracle.conftest import LocalSystem, deploy_local

SPEED = 1_200.0  # match seconds per real second
BLOCK_TIME = 1  # seconds
LEAD = 4.0  # seconds between writing the match day and its first kickoff
ONE = 10**6
OPERATOR = local_account("operator")
STATE_PROPOSED, STATE_FINAL = 4, 6


def build_match(game: int, result: tuple[int, int] | str, kickoff: int = 0) -> dict[str, Any]:
    """A short timeline: a final score, or "abandoned", "postponed"."""
    if result == "postponed":
        return {
            "game": game,
            "home": f"Home {game}",
            "away": f"Away {game}",
            "kickoff": kickoff,
            "events": [{"minute": -1, "kind": "postponed"}],
        }
    events: list[dict[str, Any]] = [{"minute": 0, "kind": "kickoff"}]
    if result == "abandoned":
        events.append({"minute": 30, "kind": "abandoned"})
    else:
        assert isinstance(result, tuple)
        events += [{"minute": 10 + i, "kind": "goal", "side": "home"} for i in range(result[0])]
        events += [{"minute": 20 + i, "kind": "goal", "side": "away"} for i in range(result[1])]
        events += [
            {"minute": 45, "kind": "half_time"},
            {"minute": 90, "kind": "full_time", "score": list(result)},
        ]
    return {
        "game": game,
        "home": f"Home {game}",
        "away": f"Away {game}",
        "kickoff": kickoff,
        "events": events,
    }


class Report(NamedTuple):
    sender: str
    signatures: int
    ok: bool  # mined without a revert
    score: tuple[int, int, int]  # status, home, away


@dataclass
class Cluster:
    system: LocalSystem
    folder: Path
    start: float = 0.0
    matchday: Path | None = None
    nodes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    first_block: int = 0

    def __post_init__(self) -> None:
        self.first_block = self.web3.eth.block_number

    @property
    def web3(self) -> Any:
        return self.system.anvil.web3

    def contract(self, key: str) -> Any:
        return self.system.deployment.get_contract(self.web3, key)

    def play(
        self, games: dict[int, tuple[int, int] | str], name: str = "matchday.json", lead: float = LEAD
    ) -> Path:
        """Write a match day for `games` starting `lead` s from now, and list each game on chain."""
        self.start = self.start or time.time() + lead
        path = self.folder / name
        path.write_text(json.dumps({"name": name, "matches": [build_match(g, r) for g, r in games.items()]}))
        if name == "matchday.json":
            self.matchday = path
            self.list_games(list(games))
        return path

    def list_games(self, games: list[int]) -> None:
        transactor = Transactor(self.web3)
        chain_now = self.system.anvil.get_timestamp()
        kickoff = max(int(self.start) + 1, chain_now + 5 + 2 * len(games))  # mined in a later block
        for game in games:
            transactor.send(
                self.contract("book").functions.create_game(game, kickoff, 10**5 * ONE, 10**6 * ONE), OPERATOR
            )

    def get_url(self, name: str) -> str:
        """The base URL of a node's health/metrics/signatures server (fixed before the node starts)."""
        return f"http://127.0.0.1:{self.ports.setdefault(name, get_free_port())}"

    def start_node(
        self,
        reporter: int,
        name: str | None = None,
        files: list[Path] | None = None,
        peers: list[str] | None = None,
        stagger: int = 3,
        **node: Any,
    ) -> str:
        """A node process; `peers` are other nodes' names (or URLs) it reads signatures from."""
        name = name or f"reporter-{reporter}"
        folder = self.folder / name
        keystore, password = write_local_keystore(
            self.folder / "keys", f"reporter {reporter}", "pbkdf2", 1_000
        )
        self.get_url(name)
        peer_urls = [p if p.startswith("http") else self.get_url(p) for p in peers or []]
        sources = [
            {"kind": "replay", "name": f"replay-{i}", "file": str(f)}
            for i, f in enumerate(files or [self.matchday])
        ]
        config = write_node_config(
            folder / "node.toml",
            {
                "node": {
                    "name": name,
                    "store": str(folder / "signatures.sqlite"),
                    "poll_interval": 0.2,
                    "grace_seconds": 1,
                    "stale_after": 30,
                }
                | node,
                "chain": {
                    "rpc_url": self.system.anvil.url,
                    "deployment_file": str(self.system.deployment_file),
                    "keystore": str(keystore),
                    "password_file": str(password),
                    "poll_interval": 0.05,
                },
                "peers": {"urls": peer_urls, "timeout": 0.5, "stagger_blocks": stagger},
                "replay": {"start": self.start, "speed": SPEED},
                "service": {"metrics_port": self.ports[name], "log_level": "INFO"},
            },
            sources,
        )
        self.nodes[name] = start_node(config, folder / "node.log")
        return name

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.nodes[name]
        if process.poll() is None:
            process.send_signal(sig)
        process.wait(10)

    def log(self, name: str) -> list[dict[str, Any]]:
        lines = (self.folder / name / "node.log").read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]

    def store_rows(self, name: str) -> list[tuple[Any, ...]]:
        """The node's signatures; none while its store does not exist yet (read-only: never creates it)."""
        path = self.folder / name / "signatures.sqlite"
        if not path.exists():
            return []
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            try:
                return db.execute(
                    "SELECT game, status, home, away, v, r, s FROM signatures ORDER BY game"
                ).fetchall()
            except sqlite3.OperationalError as error:
                if "no such table" not in str(error):
                    raise
                return []  # the node is still creating its table

    def metric(self, name: str, metric: str) -> float:
        url = f"http://127.0.0.1:{self.ports[name]}/metrics"
        try:
            text = urllib.request.urlopen(url, timeout=5).read().decode()
        except OSError:  # not serving yet (starting) or any more (killed)
            return 0.0
        for line in text.splitlines():
            if line.startswith(metric + " ") or line.startswith(metric + "{"):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def reports(self, game: int) -> list[Report]:
        """Every report_result transaction for `game` since the test began."""
        oracle, web3 = self.contract("oracle"), self.web3
        found = []
        for number in range(self.first_block, web3.eth.block_number + 1):
            for tx in web3.eth.get_block(number, full_transactions=True)["transactions"]:
                if tx["to"] != oracle.address:
                    continue
                _, args = oracle.decode_function_input(tx["input"])
                result = args["result"]
                if result["game"] == game:
                    ok = web3.eth.get_transaction_receipt(tx["hash"])["status"] == 1
                    score = (result["status"], result["home"], result["away"])
                    found.append(Report(tx["from"], len(args["signatures"]), ok, score))
        return found

    def game(self, game: int) -> tuple[Any, ...]:
        return tuple(self.contract("book").functions.game(game).call())

    def wait_for(self, check: Callable[[], bool], timeout: float = 60, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            for name, process in self.nodes.items():
                code = process.poll()
                assert code is None or code == -signal.SIGKILL or code == 0, (
                    f"{name} exited {code}: {self.log(name)[-3:]}"
                )
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")

    def wait_quiet(self) -> None:
        """Until no running node waits on a game: whatever they sent is mined (a send waits for it)."""
        running = [name for name, process in self.nodes.items() if process.poll() is None]
        self.wait_for(
            lambda: all(self.metric(n, "reporter_games_open") == 0 for n in running), 30, "quiet nodes"
        )

    def wait_state(self, game: int, state: int, timeout: float = 60) -> tuple[Any, ...]:
        self.wait_for(lambda: self.game(game)[2] >= state, timeout, f"game {game} state {state}")
        return self.game(game)

    def stop_all(self) -> None:
        for name in list(self.nodes):
            self.kill(name, signal.SIGTERM)


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    """A fresh chain that, once deployed, mines a block every BLOCK_TIME s as an L2 does: chain time
    moves on its own, and a transaction waits for the next block."""
    with Anvil.start(accounts=10) as anvil:
        system = deploy_local(anvil, tmp_path_factory.mktemp("reporter-deployment") / "local.json")
        anvil.web3.provider.make_request("evm_setIntervalMining", [BLOCK_TIME])  # type: ignore[arg-type]
        yield system


@pytest.fixture
def cluster(system: LocalSystem, tmp_path: Path) -> Iterator[Cluster]:
    cluster = Cluster(system, tmp_path)
    yield cluster
    cluster.stop_all()
