"""Vault.withdraw: an LP takes exact assets out, burning shares at the worst-case price."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.vault.helpers import (
    AWAY_WIN,
    HOME_WIN,
    LIQUIDITY,
    ONE,
    PAYOUT,
    RESERVE,
    SUPPLY,
    UPSIDE,
    ZERO_ADDRESS,
    ceil_div,
    finalize,
)

pytestmark = pytest.mark.unit

ASSETS = 400 * ONE


def test_default_behavior(vault, token, book, liquidity, lp):
    shares = vault.withdraw(ASSETS, lp, lp, sender=lp)

    assert shares == ceil_div(ASSETS * (SUPPLY + 1_000), LIQUIDITY + 1)
    (event,) = actions.events(vault, "Withdraw")
    assert (event.sender, event.receiver, event.owner, event.assets, event.shares) == (
        lp,
        lp,
        lp,
        ASSETS,
        shares,
    )
    assert vault.balanceOf(lp) == vault.totalSupply() == SUPPLY - shares
    assert vault.totalAssets() == token.balanceOf(vault.address) == LIQUIDITY - ASSETS
    assert token.balanceOf(lp) == ASSETS
    assert book.headroom() == LIQUIDITY - ASSETS


def test_withdraw_to_another_receiver(vault, token, liquidity, lp, keeper):
    vault.withdraw(ASSETS, keeper, lp, sender=lp)
    (event,) = actions.events(vault, "Withdraw")
    assert (event.sender, event.receiver, event.owner) == (lp, keeper, lp)
    assert (token.balanceOf(keeper), token.balanceOf(lp)) == (ASSETS, 0)


def test_withdraw_for_another_owner_spends_allowance(vault, token, liquidity, lp, keeper):
    shares = vault.previewWithdraw(ASSETS)
    vault.approve(keeper, shares, sender=lp)

    assert vault.withdraw(ASSETS, keeper, lp, sender=keeper) == shares

    (event,) = actions.events(vault, "Withdraw")
    assert (event.sender, event.receiver, event.owner) == (keeper, keeper, lp)
    assert vault.allowance(lp, keeper) == 0
    assert token.balanceOf(keeper) == ASSETS


def test_exit_is_priced_at_the_worst_case(vault, exposed, lp):
    headroom = LIQUIDITY - RESERVE
    shares = vault.withdraw(ASSETS, lp, lp, sender=lp)
    assert shares == ceil_div(ASSETS * (SUPPLY + 1_000), headroom + 1)
    assert shares > vault.convertToShares(ASSETS)


def test_withdraw_rounds_shares_burned_up(vault, exposed, lp):
    # a unit is worth 1,000.095 shares at the worst case: it burns 1,001
    assert vault.withdraw(1, lp, lp, sender=lp) == 1_001


def test_withdrawals_never_touch_reserved_exposure(system, vault, book, exposed, lp):
    """With 95 reserved for the open bet, the LP can take out at most the other 999,905."""
    headroom = LIQUIDITY - RESERVE
    most = vault.maxWithdraw(lp)
    assert most == SUPPLY * (headroom + 1) // (SUPPLY + 1_000)
    assert most <= headroom
    with boa.reverts("erc20: burn amount exceeds balance"):
        vault.withdraw(most + 1, lp, lp, sender=lp)

    vault.withdraw(most, lp, lp, sender=lp)

    assert vault.totalAssets() >= RESERVE
    assert book.headroom() == headroom - most
    # the book's own guard: liquidity reserved for open markets never leaves
    with boa.reverts("book: vault liquidity exceeded"):
        book.remove_liquidity(book.headroom() + 1, sender=vault.address)
    # the worst case still pays in full
    finalize(system, HOME_WIN)
    assert book.claim(exposed.as_tuple(), sender=exposed.bettor) == PAYOUT


def test_paused_book_does_not_block_withdrawals(vault, book, guardian, liquidity, lp):
    book.pause(sender=guardian)
    assert vault.maxWithdraw(lp) == LIQUIDITY
    vault.withdraw(ASSETS, lp, lp, sender=lp)
    assert vault.totalAssets() == LIQUIDITY - ASSETS


def test_settlement_frees_the_reserve(system, vault, token, exposed, lp):
    finalize(system, AWAY_WIN)
    most = vault.maxWithdraw(lp)
    assert most == SUPPLY * (LIQUIDITY + UPSIDE + 1) // (SUPPLY + 1_000)
    vault.withdraw(most, lp, lp, sender=lp)
    assert token.balanceOf(lp) == most


def test_zero_assets_reverts(vault, liquidity, lp):
    with boa.reverts("vault: zero assets"):
        vault.withdraw(0, lp, lp, sender=lp)


def test_zero_receiver_reverts(vault, liquidity, lp):
    with boa.reverts("vault: zero receiver"):
        vault.withdraw(ASSETS, ZERO_ADDRESS, lp, sender=lp)


def test_other_owner_without_allowance_reverts(vault, liquidity, lp, attacker):
    with boa.reverts("erc20: insufficient allowance"):
        vault.withdraw(ASSETS, attacker, lp, sender=attacker)


def test_more_than_owned_reverts(vault, liquidity, lp):
    with boa.reverts("erc20: burn amount exceeds balance"):
        vault.withdraw(LIQUIDITY + 1, lp, lp, sender=lp)
