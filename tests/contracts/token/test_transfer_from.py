"""MockUSD.transferFrom: transfers spending an allowance."""

import boa
import pytest

from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

MAX_UINT256 = 2**256 - 1


@pytest.fixture
def holder(token, bettor) -> str:
    """A bettor holding 100 units in their wallet."""
    token.faucet(100 * ONE, sender=bettor)
    return bettor


def test_default_behavior(token, holder, keeper, lp):
    token.approve(keeper, 50 * ONE, sender=holder)

    assert token.transferFrom(holder, lp, 20 * ONE, sender=keeper) is True

    approval, transfer = token.get_logs()
    assert (approval.owner, approval.spender, approval.value) == (holder, keeper, 30 * ONE)
    assert (transfer.sender, transfer.receiver, transfer.value) == (holder, lp, 20 * ONE)
    assert token.allowance(holder, keeper) == 30 * ONE
    assert (token.balanceOf(holder), token.balanceOf(lp)) == (80 * ONE, 20 * ONE)


def test_infinite_allowance_is_kept(token, holder, keeper, lp):
    token.approve(keeper, MAX_UINT256, sender=holder)

    token.transferFrom(holder, lp, 20 * ONE, sender=keeper)

    assert token.allowance(holder, keeper) == MAX_UINT256


def test_insufficient_allowance(token, holder, attacker):
    token.approve(attacker, ONE, sender=holder)

    with boa.reverts("erc20: insufficient allowance"):
        token.transferFrom(holder, attacker, ONE + 1, sender=attacker)


def test_no_allowance(token, holder, attacker):
    with boa.reverts("erc20: insufficient allowance"):
        token.transferFrom(holder, attacker, 1, sender=attacker)


def test_exceeds_balance(token, holder, keeper, lp):
    token.approve(keeper, MAX_UINT256, sender=holder)

    with boa.reverts("erc20: transfer amount exceeds balance"):
        token.transferFrom(holder, lp, 100 * ONE + 1, sender=keeper)
