"""MockUSD.transfer: plain ERC-20 transfers."""

import boa
import pytest

from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


@pytest.fixture
def holder(token, bettor) -> str:
    """A bettor holding 100 units in their wallet."""
    token.faucet(100 * ONE, sender=bettor)
    return bettor


def test_default_behavior(token, holder, lp):
    supply = token.totalSupply()

    assert token.transfer(lp, 30 * ONE, sender=holder) is True

    (transfer,) = token.get_logs()
    assert (transfer.sender, transfer.receiver, transfer.value) == (holder, lp, 30 * ONE)
    assert (token.balanceOf(holder), token.balanceOf(lp)) == (70 * ONE, 30 * ONE)
    assert token.totalSupply() == supply


def test_whole_balance(token, holder, lp):
    token.transfer(lp, 100 * ONE, sender=holder)

    assert (token.balanceOf(holder), token.balanceOf(lp)) == (0, 100 * ONE)


def test_to_self(token, holder):
    token.transfer(holder, 40 * ONE, sender=holder)

    assert token.balanceOf(holder) == 100 * ONE


def test_exceeds_balance(token, holder, lp):
    with boa.reverts("erc20: transfer amount exceeds balance"):
        token.transfer(lp, 100 * ONE + 1, sender=holder)


def test_to_zero_address(token, holder):
    with boa.reverts("erc20: transfer to the zero address"):
        token.transfer("0x" + "00" * 20, ONE, sender=holder)
