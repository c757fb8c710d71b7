"""Fixtures for contract tests: one deployment per module, every test in its own anchor."""

import boa
import pytest

from oracle.markets import Kind
from tests.contracts import actions
from tests.deployers import System, deploy_boa_system


@pytest.fixture(scope="module")
def system() -> System:
    """A fresh system per test module: token, Book, Vault, ResultOracle, roles wired."""
    return deploy_boa_system()


@pytest.fixture(autouse=True)
def _isolate(system: System):
    """Roll every test's state and time back when it ends."""
    with boa.env.anchor():
        yield


@pytest.fixture
def book(system: System):
    return system.book


@pytest.fixture
def vault(system: System):
    return system.vault


@pytest.fixture
def token(system: System):
    return system.token


@pytest.fixture
def oracle(system: System):
    return system.oracle


@pytest.fixture
def admin(system: System) -> str:
    return system.admin


@pytest.fixture
def guardian(system: System) -> str:
    return system.guardian


@pytest.fixture
def operator(system: System) -> str:
    return system.operator


@pytest.fixture
def bettor() -> str:
    return boa.env.generate_address("bettor")


@pytest.fixture
def lp() -> str:
    return boa.env.generate_address("lp")


@pytest.fixture
def keeper() -> str:
    return boa.env.generate_address("keeper")


@pytest.fixture
def attacker() -> str:
    return boa.env.generate_address("attacker")


@pytest.fixture
def deadline() -> int:
    """A permit deadline ten minutes ahead."""
    return boa.env.evm.patch.timestamp + 600


@pytest.fixture
def liquidity(system: System, lp: str) -> int:
    """The vault holds 1,000,000 units of LP capital."""
    amount = 1_000_000 * actions.ONE
    actions.provide_liquidity(system, lp, amount)
    return amount


@pytest.fixture
def funded_bettor(system: System, bettor: str) -> str:
    """A bettor with 1,000 units in their book balance."""
    actions.fund(system, bettor, 1_000 * actions.ONE)
    return bettor


@pytest.fixture
def game(system: System) -> int:
    """Game 1, kickoff in one hour."""
    actions.create_game(system, 1)
    return 1


@pytest.fixture
def market(system: System, game: int) -> int:
    """A 1X2 market on game 1."""
    return actions.add_market(system, game, Kind.ONE_X_TWO, 0)


@pytest.fixture
def ready(system: System, liquidity: int, funded_bettor: str, market: int) -> int:
    """Liquidity in the vault, a funded bettor and an open 1X2 market; returns the market id."""
    return market
