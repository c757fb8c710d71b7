"""Deployment files: `deployments/<network>.json`, written by `ape run deploy`, read by every service.

A file holds what a service needs to talk to one deployed system: the
chain it lives on, each contract's address, ABI and deployment block,
the block to start indexing from, the roles and parameters it was
deployed with, and the compiler that built it. `load_deployment` checks
the file's shape (and, given a web3 instance, that the RPC serves the
same chain) and raises `DeploymentError` with a message saying what to do.
"""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress, HexStr
from eth_utils import is_address, is_hex, keccak, to_checksum_address
from web3 import Web3
from web3.contract import Contract

FORMAT = 1
CONTRACTS = ("token", "book", "vault", "oracle")
DEPLOYMENTS_DIR = Path(__file__).resolve().parents[1] / "deployments"
LOCAL_NETWORK = "local"
EXTERNAL_TOKEN = "ERC20"  # the name of a stablecoin someone else deployed
# The roles a local deployment fills with `local_account(role)` keys.
LOCAL_ROLES = ("reporter 0", "reporter 1", "reporter 2", "pricer", "operator", "guardian")


class DeploymentError(Exception):
    """A deployment file is missing, malformed, or for another chain."""


@dataclass(frozen=True)
class ContractInfo:
    name: str  # its contract in contracts/, or EXTERNAL_TOKEN (ABI: the ERC-20 + permit part of MockUSD's)
    address: ChecksumAddress
    abi: list[dict[str, Any]]
    block: int | None  # deployment block; None for a token deployed by someone else
    tx: HexStr | None


@dataclass(frozen=True)
class Roles:
    admin: ChecksumAddress
    reporters: list[ChecksumAddress]  # sorted by address, as the ResultOracle holds them
    quorum: int
    pricers: list[ChecksumAddress]
    operators: list[ChecksumAddress]
    guardian: ChecksumAddress


@dataclass(frozen=True)
class Params:
    min_stake: int
    challenge_window: int
    void_delay: int
    token_decimals: int


@dataclass(frozen=True)
class Compiler:
    name: str
    version: str
    evm_version: str


@dataclass(frozen=True)
class Deployment:
    chain_id: int
    network: str  # file stem: "local", "optimism-sepolia", ...
    ape_network: str  # the `--network` choice it was deployed with
    deployer: ChecksumAddress
    start_block: int  # block of the first deployment transaction: indexers start here
    token_is_mock: bool
    contracts: dict[str, ContractInfo]
    roles: Roles
    params: Params
    compiler: Compiler
    format: int = FORMAT

    @property
    def token(self) -> ContractInfo:
        return self.contracts["token"]

    @property
    def book(self) -> ContractInfo:
        return self.contracts["book"]

    @property
    def vault(self) -> ContractInfo:
        return self.contracts["vault"]

    @property
    def oracle(self) -> ContractInfo:
        return self.contracts["oracle"]

    def get_contract(self, web3: Web3, key: str) -> Contract:
        """A web3 contract for `key` (one of `CONTRACTS`) at its deployed address."""
        info = self.contracts[key]
        return web3.eth.contract(address=info.address, abi=info.abi)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def get_deployment_path(network: str, folder: Path = DEPLOYMENTS_DIR) -> Path:
    """Where the deployment of `network` ("local", "optimism-sepolia", ...) lives."""
    return folder / f"{network}.json"


def local_account(role: str) -> LocalAccount:
    """The publicly known key of a role on a local chain: keccak("rollbook local <role>").

    Never use these anywhere real money is: anyone can derive them.
    """
    return Account.from_key(keccak(text=f"rollbook local {role}"))


def write_deployment(path: Path, deployment: Deployment) -> None:
    """Write `deployment` to `path` atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(deployment.to_json(), indent=2) + "\n")
    os.replace(tmp, path)


def load_deployment(path: Path | str, web3: Web3 | None = None) -> Deployment:
    """Read and check a deployment file; with `web3`, also check the RPC serves its chain."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise DeploymentError(
            f"no deployment file at {path}: deploy first (`ape run deploy --network <choice>`) "
            "or point the service at an existing file"
        ) from None
    except json.JSONDecodeError as exc:
        raise DeploymentError(f"{path} is not valid JSON ({exc}); redeploy or restore the file") from None
    deployment = _Reader(path).build_deployment(raw)
    if web3 is not None:
        validate_chain(deployment, web3, path)
    return deployment


def validate_chain(deployment: Deployment, web3: Web3, path: Path | str = "the deployment") -> None:
    """Raise unless the RPC behind `web3` reports the deployment's chain id."""
    try:
        rpc_chain_id = int(web3.eth.chain_id)
    except Exception as exc:
        raise DeploymentError(f"cannot read eth_chainId from the RPC: {exc}") from exc
    if rpc_chain_id != deployment.chain_id:
        raise DeploymentError(
            f"{path} is for chain {deployment.chain_id} ({deployment.network}) but the RPC serves "
            f"chain {rpc_chain_id}: point the RPC URL at {deployment.network} or use that chain's file"
        )


class _Reader:
    """Typed access to the raw JSON, with errors that name the file and the field."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, problem: str) -> DeploymentError:
        return DeploymentError(f"{self.path}: field '{where}' {problem}; redeploy or fix the file")

    def get(self, obj: Any, where: str, kind: type) -> Any:
        parent, _, key = where.rpartition(".")
        if not isinstance(obj, dict):
            raise self.fail(parent or "<root>", "must be an object")
        if key not in obj:
            raise self.fail(where, "is missing")
        value = obj[key]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise self.fail(where, f"must be {kind.__name__}, got {value!r:.60}")
        return value

    def address(self, value: Any, where: str) -> ChecksumAddress:
        if not isinstance(value, str) or not is_address(value):
            raise self.fail(where, f"must be an address, got {value!r:.60}")
        return to_checksum_address(value)

    def addresses(self, obj: dict[str, Any], where: str) -> list[ChecksumAddress]:
        values = self.get(obj, where, list)
        return [self.address(v, f"{where}[{i}]") for i, v in enumerate(values)]

    def build_deployment(self, raw: Any) -> Deployment:
        if not isinstance(raw, dict):
            raise DeploymentError(f"{self.path}: a deployment file is a JSON object")
        if (version := raw.get("format")) != FORMAT:
            raise self.fail("format", f"is {version!r}, this code reads format {FORMAT}")
        contracts = self.get(raw, "contracts", dict)
        return Deployment(
            chain_id=self.get(raw, "chain_id", int),
            network=self.get(raw, "network", str),
            ape_network=self.get(raw, "ape_network", str),
            deployer=self.address(self.get(raw, "deployer", str), "deployer"),
            start_block=self.get(raw, "start_block", int),
            token_is_mock=self.get(raw, "token_is_mock", bool),
            contracts={key: self.build_contract(contracts, key) for key in CONTRACTS},
            roles=self.build_roles(self.get(raw, "roles", dict)),
            params=self.build_params(self.get(raw, "params", dict)),
            compiler=self.build_compiler(self.get(raw, "compiler", dict)),
        )

    def build_contract(self, contracts: dict[str, Any], key: str) -> ContractInfo:
        where = f"contracts.{key}"
        obj = self.get(contracts, where, dict)
        block, tx = obj.get("block"), obj.get("tx")
        if block is not None and not isinstance(block, int):
            raise self.fail(f"{where}.block", f"must be int or null, got {block!r}")
        if tx is not None and not (isinstance(tx, str) and is_hex(tx) and len(tx) == 66):
            raise self.fail(f"{where}.tx", f"must be a transaction hash or null, got {tx!r}")
        abi = self.get(obj, f"{where}.abi", list)
        if not abi:
            raise self.fail(f"{where}.abi", "is empty")
        return ContractInfo(
            name=self.get(obj, f"{where}.name", str),
            address=self.address(self.get(obj, f"{where}.address", str), f"{where}.address"),
            abi=abi,
            block=block,
            tx=HexStr(tx) if tx is not None else None,
        )

    def build_roles(self, obj: dict[str, Any]) -> Roles:
        reporters = self.addresses(obj, "roles.reporters")
        quorum = self.get(obj, "roles.quorum", int)
        if not reporters or not (len(reporters) < 2 * quorum <= 2 * len(reporters)):
            raise self.fail("roles.quorum", f"{quorum} is not a majority of {len(reporters)} reporters")
        return Roles(
            admin=self.address(self.get(obj, "roles.admin", str), "roles.admin"),
            reporters=reporters,
            quorum=quorum,
            pricers=self.addresses(obj, "roles.pricers"),
            operators=self.addresses(obj, "roles.operators"),
            guardian=self.address(self.get(obj, "roles.guardian", str), "roles.guardian"),
        )

    def build_params(self, obj: dict[str, Any]) -> Params:
        return Params(
            min_stake=self.get(obj, "params.min_stake", int),
            challenge_window=self.get(obj, "params.challenge_window", int),
            void_delay=self.get(obj, "params.void_delay", int),
            token_decimals=self.get(obj, "params.token_decimals", int),
        )

    def build_compiler(self, obj: dict[str, Any]) -> Compiler:
        return Compiler(
            name=self.get(obj, "compiler.name", str),
            version=self.get(obj, "compiler.version", str),
            evm_version=self.get(obj, "compiler.evm_version", str),
        )
