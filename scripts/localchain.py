"""A local anvil chain and plain web3 transactions on it, for benchmarks and integration tests.

`Anvil.start()` runs the project's anvil (chain id 901, the EVM version
of ape-config.yaml, anvil's usual test mnemonic) on a free port and
waits until it answers; `Transactor` signs with eth-account and sends;
`web3_deployer` gives `scripts.system.deploy_system` a `deploy(name,
*args)` that deploys with web3 the bytecode ape compiles for
`ape run deploy`, so a benchmark measures what the deploy script ships.
"""

import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml  # type: ignore[import-untyped]  # (no stubs pinned; a dependency of ape)
from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

REPO = Path(__file__).resolve().parents[1]
CHAIN_ID = 901
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
MAX_FEE = 10**11  # 100 gwei: far above anvil's base fee, so every transaction is mined at once


class LocalChainError(Exception):
    """Anvil could not start, or a transaction on it failed."""


def get_anvil_binary() -> str:
    """`ROLLBOOK_ANVIL`, else the chain-901 wrapper `make install` writes, else `anvil` on PATH."""
    if explicit := os.environ.get("ROLLBOOK_ANVIL"):
        return explicit
    wrapper = REPO / ".venv" / "bin" / "anvil"
    if wrapper.exists():
        return str(wrapper)
    if found := shutil.which("anvil"):
        return found
    raise LocalChainError("no anvil found: run `make install` (it installs anvil from npm)")


def get_evm_version() -> str:
    """The hardfork ape's foundry provider runs anvil with (ape-config.yaml `foundry.evm_version`)."""
    config = yaml.safe_load((REPO / "ape-config.yaml").read_text())
    return str(config["foundry"]["evm_version"])


def get_free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@cache
def anvil_account(index: int) -> LocalAccount:
    """Anvil's pre-funded test account `index` (10,000 ETH each)."""
    Account.enable_unaudited_hdwallet_features()
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


class Anvil:
    """An anvil process on 127.0.0.1; a context manager that stops it on exit."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log: Path):
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        self.web3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 60}))

    @classmethod
    def start(cls, accounts: int = 10, chain_id: int = CHAIN_ID, timeout: float = 20.0) -> "Anvil":
        """Start anvil on a free port and wait until it serves `eth_chainId`."""
        fd, name = tempfile.mkstemp(prefix="rollbook-anvil-", suffix=".log")
        os.close(fd)
        log = Path(name)
        for _ in range(3):  # another process may take the free port before anvil binds it
            port = get_free_port()
            command = [get_anvil_binary(), "--host", "127.0.0.1", "--port", str(port)]
            command += ["--chain-id", str(chain_id), "--accounts", str(accounts)]
            command += ["--mnemonic", ANVIL_MNEMONIC, "--hardfork", get_evm_version()]
            with log.open("wb") as out:
                process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
            anvil = cls(process, port, log)
            if anvil._wait_ready(timeout):
                return anvil
        output = log.read_text()[-2000:]
        log.unlink(missing_ok=True)
        raise LocalChainError(f"anvil did not start; its output ends with:\n{output}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                self.web3.eth.chain_id  # noqa: B018  (the request is the point)
                return True
            except Exception:
                time.sleep(0.05)
        self.stop()
        raise LocalChainError(f"anvil at {self.url} did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> "Anvil":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def get_timestamp(self) -> int:
        return int(self.web3.eth.get_block("latest")["timestamp"])

    def increase_time(self, seconds: int) -> None:
        """Move chain time forward and mine a block at the new time."""
        self.web3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.web3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def snapshot(self) -> str:
        return str(self.web3.provider.make_request("evm_snapshot", [])["result"])  # type: ignore[arg-type]

    def revert(self, snapshot: str) -> None:
        self.web3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]


class Transactor:
    """Signs transactions with eth-account, sends them and returns successful receipts."""

    def __init__(self, web3: Web3):
        self.web3 = web3
        self.chain_id = web3.eth.chain_id
        self._nonces: dict[str, int] = {}

    def send(self, call: Any, sender: LocalAccount) -> TxReceipt:
        """Send a web3 contract call or constructor from `sender`; raise unless it succeeds."""
        nonce = self._nonces.get(sender.address)
        if nonce is None:
            nonce = self.web3.eth.get_transaction_count(sender.address, "pending")
        params = {
            "from": sender.address,
            "nonce": nonce,
            "chainId": self.chain_id,
            "maxFeePerGas": MAX_FEE,
            "maxPriorityFeePerGas": 0,
        }
        signed = sender.sign_transaction(call.build_transaction(params))  # estimates gas: reverts raise here
        self._nonces[sender.address] = nonce + 1
        receipt = self.web3.eth.wait_for_transaction_receipt(
            self.web3.eth.send_raw_transaction(signed.raw_transaction), timeout=30, poll_latency=0.01
        )
        if receipt["status"] != 1:
            raise LocalChainError(f"transaction {receipt['transactionHash'].hex()} reverted")
        return receipt


class Handle:
    """A deployed contract: `handle.f(*args, sender=account)` sends a transaction; views are called."""

    def __init__(self, transactor: Transactor, contract: Contract):
        self.transactor = transactor
        self.contract = contract
        self.address = contract.address

    def __getattr__(self, name: str) -> Callable[..., Any]:
        function = self.contract.get_function_by_name(name)
        is_view = function.abi["stateMutability"] in ("view", "pure")

        def method(*args: Any, sender: LocalAccount | None = None) -> Any:
            if is_view:
                return function(*args).call()
            if sender is None:
                raise LocalChainError(f"{name} sends a transaction: give sender=")
            return self.transactor.send(function(*args), sender)

        return method


@dataclass(frozen=True)
class Artifact:
    abi: list[dict[str, Any]]
    bytecode: str


def compile_fresh(project: Any) -> None:
    """Make sure ape's build matches every contract source, imports included.

    ape's incremental build recompiles only the files that changed: a
    contract whose imported module (grading.vy, an interface) changed would
    keep its old bytecode, and a deployment would run code no test saw. So
    the whole build is redone whenever the hash of all sources changes.
    """
    sources = sorted((project.path / "contracts").rglob("*.vy*"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    stamp = project.path / ".build" / "rollbook-sources.sha256"
    if stamp.exists() and stamp.read_text() == digest:
        project.load_contracts()
        return
    project.load_contracts(use_cache=False)
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(digest)


def load_artifacts(names: Iterable[str]) -> dict[str, Artifact]:
    """ABI and deployment bytecode of `names`, compiled by ape with ape-config.yaml's settings."""
    from ape import project  # slow to import; only the deployers need it

    compile_fresh(project)
    artifacts = {}
    for name in names:
        contract_type = project.get_contract(name).contract_type
        abi = [entry.model_dump(by_alias=True, mode="json") for entry in contract_type.abi]
        artifacts[name] = Artifact(abi=abi, bytecode=str(contract_type.deployment_bytecode.bytecode))
    return artifacts


def web3_deployer(
    transactor: Transactor, artifacts: dict[str, Artifact], sender: LocalAccount
) -> Callable[..., Handle]:
    """A `deploy(name, *args)` for `deploy_system`: deploys `name` from `sender` with web3."""
    web3 = transactor.web3

    def deploy(name: str, *args: Any) -> Handle:
        artifact = artifacts[name]
        constructor = web3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode).constructor(*args)
        receipt = transactor.send(constructor, sender)
        address = receipt["contractAddress"]
        if address is None:
            raise LocalChainError(f"deploying {name} created no contract")
        return Handle(transactor, web3.eth.contract(address=address, abi=artifact.abi))

    return deploy


APE = Path(sys.executable).parent / "ape"
# one `ape` at a time on this machine: concurrent runs would compile into the same .build/
APE_LOCK = Path(tempfile.gettempdir()) / "rollbook-ape.lock"


def run_ape(anvil: Anvil, *args: str) -> subprocess.CompletedProcess[str]:
    """`ape <args>` with ape's foundry provider pointed at `anvil`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ROLLBOOK_")}
    env["APE_FOUNDRY_HOST"] = anvil.url
    env["PATH"] = f"{APE.parent}{os.pathsep}{env.get('PATH', '')}"
    with APE_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(
            [str(APE), *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )


def run_ape_deploy(anvil: Anvil, *args: str) -> subprocess.CompletedProcess[str]:
    """`ape run deploy <args>` against `anvil`."""
    return run_ape(anvil, "run", "deploy", *args)


def deploy_with_ape(anvil: Anvil, path: Path, *args: str) -> Path:
    """`ape run deploy` of a local system onto `anvil`, written to `path`; raises with ape's output."""
    done = run_ape_deploy(anvil, "--network", "ethereum:local:foundry", "--out", str(path), *args)
    if done.returncode != 0:
        raise LocalChainError(f"ape run deploy failed:\n{done.stdout}\n{done.stderr}")
    return path
