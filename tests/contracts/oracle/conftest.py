"""Fixtures of the ResultOracle tests: the reporter set and a game past kickoff."""

import pytest
from eth_account.signers.local import LocalAccount

from tests.contracts import actions
from tests.deployers import System, account_of


@pytest.fixture
def reporters(system: System) -> list[LocalAccount]:
    """The current reporters, in the (sorted) order the oracle indexes them."""
    return system.reporters


@pytest.fixture
def outsider() -> LocalAccount:
    """A key that was never a reporter."""
    return account_of("outsider")


@pytest.fixture
def started(system: System, game: int) -> int:
    """Game 1, kickoff passed: the Book accepts a final score for it."""
    actions.time_travel(3_600)
    return game
