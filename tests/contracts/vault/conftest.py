"""Vault fixtures: an open book the vault backs."""

import pytest

from tests.contracts import actions
from tests.contracts.vault.helpers import STAKE
from tests.deployers import System


@pytest.fixture
def exposed(system: System, ready: int, funded_bettor: str) -> actions.Bet:
    """`ready` plus a bet of 100 on home at 1.95: the vault reserves 95 and may gain 100."""
    return actions.place_bet(system, funded_bettor, ready, 0, STAKE)
