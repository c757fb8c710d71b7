"""Vault.redeem: an LP burns exact shares for their worst-case value, rounded down."""

import boa
import pytest

from oracle.markets import ResultStatus
from tests.contracts import actions
from tests.contracts.vault.helpers import (
    AWAY_WIN,
    HOME_WIN,
    LIQUIDITY,
    RESERVE,
    SUPPLY,
    ZERO_ADDRESS,
)

pytestmark = pytest.mark.unit

SHARES = SUPPLY // 2


def test_default_behavior(vault, token, book, liquidity, lp):
    assets = vault.redeem(SHARES, lp, lp, sender=lp)

    assert assets == SHARES * (LIQUIDITY + 1) // (SUPPLY + 1_000)
    (event,) = actions.events(vault, "Withdraw")
    assert (event.sender, event.receiver, event.owner, event.assets, event.shares) == (
        lp,
        lp,
        lp,
        assets,
        SHARES,
    )
    assert vault.balanceOf(lp) == vault.totalSupply() == SUPPLY - SHARES
    assert vault.totalAssets() == token.balanceOf(vault.address) == LIQUIDITY - assets
    assert token.balanceOf(lp) == assets
    assert book.headroom() == LIQUIDITY - assets


def test_redeem_to_another_receiver(vault, token, liquidity, lp, keeper):
    assets = vault.redeem(SHARES, keeper, lp, sender=lp)
    (event,) = actions.events(vault, "Withdraw")
    assert (event.sender, event.receiver, event.owner) == (lp, keeper, lp)
    assert (token.balanceOf(keeper), token.balanceOf(lp)) == (assets, 0)


def test_redeem_for_another_owner_spends_allowance(vault, token, liquidity, lp, keeper):
    vault.approve(keeper, SHARES + 7, sender=lp)

    assets = vault.redeem(SHARES, keeper, lp, sender=keeper)

    (event,) = actions.events(vault, "Withdraw")
    assert (event.sender, event.receiver, event.owner, event.shares) == (keeper, keeper, lp, SHARES)
    assert vault.allowance(lp, keeper) == 7
    assert token.balanceOf(keeper) == assets


def test_exit_is_priced_at_the_worst_case(vault, exposed, lp):
    assets = vault.redeem(SHARES, lp, lp, sender=lp)
    assert assets == SHARES * (LIQUIDITY - RESERVE + 1) // (SUPPLY + 1_000)
    assert assets < vault.convertToAssets(SHARES)


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (HOME_WIN, ResultStatus.FINAL),  # the vault's worst case
        ((1, 1), ResultStatus.FINAL),
        (AWAY_WIN, ResultStatus.FINAL),
        ((0, 0), ResultStatus.CANCELLED),
    ],
)
def test_leaving_early_never_beats_staying(system, vault, book, exposed, lp, score, status):
    """The result is proposed and the LP knows it; leaving before `finalize` gets the worst case at best."""
    actions.time_travel(3_600)  # kickoff
    actions.report(system, 1, *score, status)
    early = vault.previewRedeem(SUPPLY)
    with boa.env.anchor():
        assert vault.redeem(SUPPLY, lp, lp, sender=lp) == early

    actions.time_travel(book.challenge_window())
    book.finalize(1)

    staying = vault.previewRedeem(SUPPLY)
    assert staying >= early
    if score == HOME_WIN:
        assert staying == early  # leaving early is worth exactly the worst outcome


def test_paused_book_does_not_block_redemptions(vault, book, guardian, liquidity, lp):
    book.pause(sender=guardian)
    assert vault.maxRedeem(lp) == SUPPLY
    vault.redeem(SUPPLY, lp, lp, sender=lp)
    assert vault.totalSupply() == 0


def test_zero_shares_reverts(vault, liquidity, lp):
    # zero shares are worth zero assets: the zero-assets check fires first
    with boa.reverts("vault: zero assets"):
        vault.redeem(0, lp, lp, sender=lp)


def test_shares_worth_less_than_a_unit_revert(vault, liquidity, lp):
    """A share is a thousandth of a unit: burning one would pay nothing, so it is refused."""
    with boa.reverts("vault: zero assets"):
        vault.redeem(999, lp, lp, sender=lp)


def test_zero_receiver_reverts(vault, liquidity, lp):
    with boa.reverts("vault: zero receiver"):
        vault.redeem(SHARES, ZERO_ADDRESS, lp, sender=lp)


def test_other_owner_without_allowance_reverts(vault, liquidity, lp, attacker):
    with boa.reverts("erc20: insufficient allowance"):
        vault.redeem(SHARES, attacker, lp, sender=attacker)


def test_more_than_owned_reverts(vault, liquidity, lp):
    with boa.reverts("erc20: burn amount exceeds balance"):
        vault.redeem(SUPPLY + 1, lp, lp, sender=lp)
