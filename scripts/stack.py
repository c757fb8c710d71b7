"""The whole rollbook stack on one machine, each part its own process: what `make demo` runs.

`Stack.start()` starts anvil (chain id 901, sub-second blocks, state kept in `<home>/chain/`),
deploys the system unless the deployment file's contracts are already on that chain, funds the
vault and the bettors, then starts every service that exists, each configured through its own
documented settings (the oracle services' TOML files in `<home>/config/`, the indexer's and the
API's environment in `<home>/env/`, so an operator can run one the same way) and logging to
`<home>/logs/<service>.log`. `Stack.stop()` stops them in reverse order, anvil last, so the
chain's state is written to disk and the next start resumes it.
"""

import importlib.util
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from oracle.reporter.localnet import write_node_config
from scripts.chain_setup import ONE, bettor_account, deploy, find_deployment, fund_bettors, fund_vault
from scripts.deployment import LOCAL_ROLES, Deployment, local_account
from scripts.localchain import ANVIL_MNEMONIC, CHAIN_ID, REPO, Anvil, get_anvil_binary, get_evm_version
from scripts.processes import Child, ProcessError, wait_until
from scripts.rawtx import Rpc

PYTHON = sys.executable
REPORTERS = 3  # local reporter keys "reporter 0/1/2"; the deployment's quorum is 2
METRICS_OFFSETS = {"indexer": 0, "reporter-0": 1, "reporter-1": 2, "reporter-2": 3, "pricer": 4, "keeper": 5}


@dataclass(frozen=True)
class StackConfig:
    """Everything a run decides; the defaults are `make demo`'s."""

    home: Path = REPO / ".demo"
    rpc_port: int = 8545
    api_port: int = 8000
    metrics_port_base: int = 9101  # indexer; reporters +1..+3, pricer +4, keeper +5 (/metrics, /healthz)
    block_time: float = 0.25  # seconds between blocks
    speed: float = 30.0  # replay speed: a 90-minute match lasts about 3 minutes
    bettors: int = 20
    bet_rate: float = 4.0  # bets per second, all simulated bettors together; 0: no bettors process
    vault_assets: int = 5_000_000 * ONE
    challenge_window: int = 60  # seconds, the contracts' minimum: results are final a minute later
    market_cap: int = 10_000  # whole tokens of worst-case loss per market (the keeper's caps)
    game_cap: int = 50_000  # whole tokens per game
    lead: int = 90  # seconds from a new match day's creation to its second 0: the services start, then
    # game one takes pre-game bets (the keeper lists no game kicking off within 10 s)
    database_url: str | None = None  # default: SQLite in <home>/rollbook.db
    state_interval: int = 30  # seconds between anvil's state dumps (it also dumps on exit)


@dataclass(frozen=True)
class Layout:
    """Where a run keeps its state under `home` (git ignores `.demo/`)."""

    home: Path

    @property
    def chain_state(self) -> Path:
        return self.home / "chain" / "state.json"

    @property
    def deployment(self) -> Path:
        return self.home / "deployments" / "local.json"

    @property
    def replay(self) -> Path:
        return self.home / "replay.json"

    @property
    def database(self) -> Path:
        return self.home / "rollbook.db"

    def keystore(self, role: str) -> tuple[Path, Path]:
        """The keystore and password file of a local role ("reporter 0", "pricer", ...)."""
        stem = role.replace(" ", "-")
        return self.home / "keys" / f"{stem}.json", self.home / "keys" / f"{stem}.password"

    def log(self, name: str) -> Path:
        return self.home / "logs" / f"{name}.log"

    def env_file(self, name: str) -> Path:
        return self.home / "env" / f"{name}.env"

    def config_file(self, name: str) -> Path:
        return self.home / "config" / f"{name}.toml"


@dataclass(frozen=True)
class Replay:
    """The match day's clock, shared by every service: feed time = (now - start) * speed."""

    start: int  # unix seconds
    speed: float


def load_replay(path: Path, speed: float, lead: int) -> Replay:
    """The persisted replay clock, or a new one starting `lead` seconds from now (then persisted)."""
    if path.exists():
        raw = json.loads(path.read_text())
        return Replay(start=int(raw["start"]), speed=float(raw["speed"]))
    replay = Replay(start=int(time.time()) + lead, speed=speed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"start": replay.start, "speed": replay.speed}) + "\n")
    return replay


def is_module_present(name: str) -> bool:
    """True when the Python module `name` exists in this checkout."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def is_port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT is no owner
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def get_free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(100):
        base = random.randrange(20_000, 60_000)
        if all(is_port_free(base + i) for i in range(count)):
            return base
    raise ProcessError(f"no {count} consecutive free ports found")


@dataclass(frozen=True)
class Service:
    """One service process: the module it runs and its settings."""

    name: str
    module: str  # `python -m <module> <args>`
    args: tuple[str, ...]
    env: dict[str, str]
    ready_url: str | None = None  # answers 2xx once the service is up
    requires: tuple[str, ...] = ()  # modules that must exist, beyond `module`

    def is_present(self) -> bool:
        return all(is_module_present(m) for m in (self.module, *self.requires))

    @property
    def argv(self) -> list[str]:
        return [PYTHON, "-m", self.module, *self.args]


@dataclass
class Stack:
    config: StackConfig
    children: list[Child] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # services not present in this checkout

    def __post_init__(self) -> None:
        self.layout = Layout(self.config.home)
        self.rpc_url = f"http://127.0.0.1:{self.config.rpc_port}"
        self.api_url = f"http://127.0.0.1:{self.config.api_port}"
        self.database_url = self.config.database_url or f"sqlite:///{self.layout.database}"
        self.deployment: Deployment | None = None
        self.replay: Replay | None = None

    # ------------------------------------------------------------ start and stop

    def start(self) -> None:
        """Chain, deployment, funding, then every present service; stops what started on failure."""
        try:
            anvil = self.start_anvil(self.config.block_time)
            self.deployment = find_deployment(anvil.web3, self.layout.deployment)
            if self.deployment is None:
                self.stop_anvil()
                anvil = self.start_anvil(None)  # ape deploys on an automining chain
                self.deployment = deploy(anvil, self.layout.deployment, self.config.challenge_window)
                self.stop_anvil()
                anvil = self.start_anvil(self.config.block_time)
            self.fund(anvil)
            if is_module_present("oracle.keys"):
                self.create_keystores()
            self.replay = load_replay(self.layout.replay, self.config.speed, self.config.lead)
            for group in self.build_services():
                for service, child in [(service, self.start_service(service)) for service in group]:
                    self.wait_ready(service, child)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop every child in reverse start order (anvil last, so it writes its state)."""
        while self.children:
            self.children.pop().stop()

    def stop_anvil(self) -> None:
        anvil = self.children.pop()
        assert anvil.name == "anvil", "anvil stops only before any service starts"
        anvil.stop()

    def start_anvil(self, block_time: float | None) -> Anvil:
        """Anvil on the persisted state; interval mining every `block_time` seconds, else automine."""
        if not is_port_free(self.config.rpc_port):
            raise ProcessError(
                f"port {self.config.rpc_port} is taken: stop what listens there or choose another --rpc-port"
            )
        self.layout.chain_state.parent.mkdir(parents=True, exist_ok=True)
        argv = [get_anvil_binary(), "--host", "127.0.0.1", "--port", str(self.config.rpc_port)]
        argv += ["--chain-id", str(CHAIN_ID)]
        argv += [] if block_time is None else ["--block-time", str(block_time)]
        argv += ["--state", str(self.layout.chain_state), "--state-interval", str(self.config.state_interval)]
        argv += ["--hardfork", get_evm_version(), "--mnemonic", ANVIL_MNEMONIC, "--accounts", "10", "--quiet"]
        child = Child("anvil", argv, self.layout.log("anvil"), cwd=REPO)
        child.start()
        self.children.append(child)
        assert child.process is not None
        anvil = Anvil(child.process, self.config.rpc_port, child.log)
        wait_until(lambda: anvil.web3.eth.chain_id == CHAIN_ID, child, 30, "answering eth_chainId")
        return anvil

    def fund(self, anvil: Anvil) -> None:
        assert self.deployment is not None
        fund_vault(anvil.web3, self.deployment, self.config.vault_assets)
        rpc = Rpc(self.rpc_url)
        try:
            fund_bettors(rpc, self.deployment, [bettor_account(i) for i in range(self.config.bettors)])
        finally:
            rpc.close()

    def create_keystores(self) -> None:
        """A keystore + password file per local role key (`python -m oracle keys import`), once."""
        for role in LOCAL_ROLES:
            keystore, password = self.layout.keystore(role)
            if keystore.exists():
                continue
            keystore.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(password, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(16) + "\n")
            argv = [PYTHON, "-m", "oracle", "keys", "import", "--keystore", str(keystore)]
            argv += ["--password-file", str(password), "--private-key-file", "-"]
            key = local_account(role).key.hex()
            done = subprocess.run(argv, input=key, capture_output=True, text=True, cwd=REPO, check=False)
            if done.returncode != 0:
                raise ProcessError(f"`oracle keys import` for {role} failed: {done.stderr.strip()}")

    def start_service(self, service: Service) -> Child:
        if service.env:
            env_file = self.layout.env_file(service.name)
            env_file.parent.mkdir(parents=True, exist_ok=True)
            env_file.write_text("".join(f"{k}={v}\n" for k, v in sorted(service.env.items())))
        child = Child(service.name, service.argv, self.layout.log(service.name), service.env, cwd=REPO)
        child.start()
        self.children.append(child)
        return child

    def wait_ready(self, service: Service, child: Child) -> None:
        if service.ready_url is not None:
            url = service.ready_url
            wait_until(lambda: httpx.get(url, timeout=2).is_success, child, 180, f"{url} answering")

    # ------------------------------------------------------------ services

    def build_services(self) -> list[list[Service]]:
        """Every service this checkout has, in groups started together once the previous is ready.

        The indexer first (it migrates the schema the pricer and the API use), then the oracle
        services and the API, then the bettors (they read the API). The services this checkout
        lacks are listed in `missing`.
        """
        groups = [
            [self.build_indexer()],
            [
                *(self.build_reporter(i) for i in range(REPORTERS)),
                self.build_keeper(),
                self.build_pricer(),
                self.build_api(),
            ],
            [self.build_bettors()] if self.config.bet_rate > 0 else [],
        ]
        self.missing = [s.name for group in groups for s in group if not s.is_present()]
        return [[s for s in group if s.is_present()] for group in groups]

    def build_indexer(self) -> Service:
        env = {
            "INDEXER_RPC_URL": self.rpc_url,
            "INDEXER_DATABASE_URL": self.database_url,
            "INDEXER_DEPLOYMENT_FILE": str(self.layout.deployment),
            "INDEXER_METRICS_PORT": str(self.get_metrics_port("indexer")),
            "INDEXER_POLL_INTERVAL": "0.1",
        }
        return Service("indexer", "indexer", (), env, self.get_health_url("indexer"))

    def build_reporter(self, index: int) -> Service:
        name = f"reporter-{index}"
        keystore, password = self.layout.keystore(f"reporter {index}")
        node = {
            "name": name,
            "store": str(self.layout.home / "reporters" / f"{name}.sqlite"),
            "grace_seconds": 5,
        }
        sections: dict[str, dict[str, Any]] = {
            "node": node,
            "chain": self.build_chain_section(keystore, password),
            "peers": {  # the other reporters' /signatures: one bundled transaction per game
                "urls": [
                    f"http://127.0.0.1:{self.get_metrics_port(f'reporter-{i}')}"
                    for i in range(REPORTERS)
                    if i != index
                ],
                "stagger_blocks": max(3, round(2 / self.config.block_time)),  # a turn outlasts a poll
            },
            "replay": self.build_replay_section(),
            "service": {"metrics_port": self.get_metrics_port(name)},
        }
        write_node_config(self.layout.config_file(name), sections, [{"kind": "replay", "name": "replay"}])
        args = ("reporter", "--config", str(self.layout.config_file(name)))
        return Service(name, "oracle", args, {}, self.get_health_url(name), ("oracle.reporter.__main__",))

    def build_pricer(self) -> Service:
        keystore, password = self.layout.keystore("pricer")
        sections: dict[str, dict[str, Any]] = {
            "chain": self.build_chain_section(keystore, password),
            "replay": self.build_replay_section(),
            "pricer": {"database_url": self.database_url},
            "service": {"metrics_port": self.get_metrics_port("pricer")},
        }
        write_node_config(self.layout.config_file("pricer"), sections, [])
        args = ("pricer", "--config", str(self.layout.config_file("pricer")))
        return Service(
            "pricer", "oracle", args, {}, self.get_health_url("pricer"), ("oracle.pricing.__main__",)
        )

    def build_keeper(self) -> Service:
        keystore, password = self.layout.keystore("operator")
        keeper = {"interval": 1.0, "market_cap": self.config.market_cap, "game_cap": self.config.game_cap}
        sections: dict[str, dict[str, Any]] = {
            "chain": self.build_chain_section(keystore, password),
            "replay": self.build_replay_section(),
            "keeper": keeper,
            "service": {"metrics_port": self.get_metrics_port("keeper")},
        }
        write_node_config(self.layout.config_file("keeper"), sections, [])
        args = ("keeper", "--config", str(self.layout.config_file("keeper")))
        return Service(
            "keeper", "oracle", args, {}, self.get_health_url("keeper"), ("oracle.keeper.__main__",)
        )

    def build_api(self) -> Service:
        env = {
            "API_DATABASE_URL": self.database_url,
            "API_HOST": "127.0.0.1",
            "API_PORT": str(self.config.api_port),
            "API_SIWE_DOMAIN": f"127.0.0.1:{self.config.api_port}",
            # every simulated bettor is one client (127.0.0.1): a per-client limit would throttle them all
            "API_RATE_LIMIT": "1000000",
            "API_AUTH_RATE_LIMIT": "1000000",
        }
        return Service("api", "api", (), env, f"{self.api_url}/health", ("api.__main__",))

    def build_chain_section(self, keystore: Path, password: Path) -> dict[str, Any]:
        return {
            "rpc_url": self.rpc_url,
            "deployment_file": str(self.layout.deployment),
            "keystore": str(keystore),
            "password_file": str(password),
        }

    def build_replay_section(self) -> dict[str, Any]:
        assert self.replay is not None
        return {"start": self.replay.start, "speed": self.replay.speed}

    def get_metrics_port(self, name: str) -> int:
        return self.config.metrics_port_base + METRICS_OFFSETS[name]

    def get_health_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.get_metrics_port(name)}/healthz"

    def build_bettors(self) -> Service:
        args = ["--rpc-url", self.rpc_url, "--api-url", self.api_url]
        args += ["--deployment-file", str(self.layout.deployment), "--bettors", str(self.config.bettors)]
        args += ["--rate", str(self.config.bet_rate)]
        requires = ("api.__main__", "oracle.pricing.__main__")
        return Service("bettors", "scripts.bettors", tuple(args), {}, requires=requires)

    def get_failed(self) -> list[Child]:
        """Children that exited on their own."""
        return [child for child in self.children if not child.is_running()]
