"""MockUSD.faucet: anyone mints up to FAUCET_LIMIT per call to themselves."""

import boa
import pytest

from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

FAUCET_LIMIT = 1_000_000 * ONE
ZERO = "0x" + "00" * 20


def test_default_behavior(token, bettor):
    supply = token.totalSupply()

    token.faucet(1_000 * ONE, sender=bettor)

    (transfer,) = token.get_logs()
    assert (transfer.sender, transfer.receiver, transfer.value) == (ZERO, bettor, 1_000 * ONE)
    assert token.balanceOf(bettor) == 1_000 * ONE
    assert token.totalSupply() == supply + 1_000 * ONE


def test_limit(token, bettor):
    assert token.FAUCET_LIMIT() == FAUCET_LIMIT

    token.faucet(FAUCET_LIMIT, sender=bettor)

    assert token.balanceOf(bettor) == FAUCET_LIMIT


def test_calls_add_up(token, bettor):
    token.faucet(FAUCET_LIMIT, sender=bettor)
    token.faucet(FAUCET_LIMIT, sender=bettor)

    assert token.balanceOf(bettor) == 2 * FAUCET_LIMIT


def test_above_limit(token, attacker):
    with boa.reverts("mockusd: above faucet limit"):
        token.faucet(FAUCET_LIMIT + 1, sender=attacker)
