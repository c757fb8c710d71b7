"""Contracts compiled once for every test, fuzzer and benchmark that uses titanoboa."""

from dataclasses import dataclass
from pathlib import Path

import boa
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from scripts.system import SystemConfig, deploy_system

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
DEPLOYERS = {
    name: boa.load_partial(str(CONTRACTS / f"{name}.vy"))
    for name in ("MockUSD", "Book", "Vault", "ResultOracle")
}


def account_of(role: str) -> LocalAccount:
    """A deterministic key for a named actor, so failures replay exactly."""
    return Account.from_key(keccak(text=f"rollbook test {role}"))


@dataclass
class System:
    token: object
    book: object
    vault: object
    oracle: object
    admin: str
    guardian: str
    operator: str
    pricer: LocalAccount
    reporters: list[LocalAccount]


def deploy_boa_system(n_reporters: int = 3, quorum: int = 2, **overrides: object) -> System:
    """A whole system on the current boa env, deployed by its eoa (the admin)."""
    reporters = sorted(
        (account_of(f"reporter {i}") for i in range(n_reporters)), key=lambda a: int(a.address, 16)
    )
    pricer = account_of("pricer")
    guardian = boa.env.generate_address("guardian")
    operator = boa.env.generate_address("operator")
    config = SystemConfig(
        reporters=[r.address for r in reporters],
        quorum=quorum,
        pricers=[pricer.address],
        operators=[operator],
        guardian=guardian,
        **overrides,  # type: ignore[arg-type]
    )
    contracts = deploy_system(lambda name, *args: DEPLOYERS[name].deploy(*args), config)
    return System(
        admin=boa.env.eoa,
        guardian=guardian,
        operator=operator,
        pricer=pricer,
        reporters=reporters,
        **contracts,
    )
