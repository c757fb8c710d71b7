"""MockUSD.mint: only minters (the deployer) mint to any account."""

import boa
import pytest

from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


def test_default_behavior(token, admin, lp):
    supply = token.totalSupply()

    token.mint(lp, 5 * ONE, sender=admin)

    (transfer,) = token.get_logs()
    assert (transfer.receiver, transfer.value) == (lp, 5 * ONE)
    assert token.balanceOf(lp) == 5 * ONE
    assert token.totalSupply() == supply + 5 * ONE


def test_not_minter(token, attacker):
    with boa.reverts("erc20: access is denied"):
        token.mint(attacker, ONE, sender=attacker)


def test_to_zero_address(token, admin):
    with boa.reverts("erc20: mint to the zero address"):
        token.mint("0x" + "00" * 20, ONE, sender=admin)
