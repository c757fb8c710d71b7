"""The one deployment sequence of a rollbook system.

Tests (titanoboa) and the deploy script (ape) both call
`deploy_system`, each with its own `deploy` function, so what is
tested is what is deployed.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Deploy = Callable[..., Any]


@dataclass(frozen=True)
class SystemConfig:
    """Everything a deployment decides; addresses are checksummed strings."""

    reporters: list[str]
    quorum: int
    pricers: list[str]
    operators: list[str]
    guardian: str
    min_stake: int = 10_000  # 0.01 of a 6-decimal stablecoin
    challenge_window: int = 3_600  # 1 hour
    void_delay: int = 86_400 * 3  # 3 days
    token: str | None = None  # None deploys MockUSD (local chains only)
    token_decimals: int = 6
    vault_name: str = "rollbook LP"
    vault_symbol: str = "rbLP"
    extra: dict[str, Any] = field(default_factory=dict)


def deploy_system(deploy: Deploy, config: SystemConfig, **tx: Any) -> dict[str, Any]:
    """Deploy token (if none given), Book, Vault and ResultOracle, then wire roles.

    `deploy(name, *args)` deploys the contract `name` and returns a handle
    whose methods take `**tx` (e.g. `sender=`).
    """
    token = deploy("MockUSD") if config.token is None else config.token
    token_address = token if isinstance(token, str) else token.address
    book = deploy("Book", token_address, config.min_stake, config.challenge_window, config.void_delay)
    vault = deploy(
        "Vault", token_address, book.address, config.token_decimals, config.vault_name, config.vault_symbol
    )
    reporters = sorted(config.reporters, key=lambda a: int(a, 16))
    oracle = deploy("ResultOracle", book.address, reporters, config.quorum)
    book.connect(vault.address, oracle.address, **tx)
    for pricer in config.pricers:
        book.set_pricer(pricer, True, **tx)
    for operator in config.operators:
        book.set_operator(operator, True, **tx)
    book.set_guardian(config.guardian, **tx)
    return {"token": token, "book": book, "vault": vault, "oracle": oracle}
