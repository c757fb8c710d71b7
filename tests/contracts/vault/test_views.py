"""Vault views: asset, totalAssets, convertTo*, max* and preview*."""

import boa
import pytest

from tests.contracts.vault.helpers import (
    LIQUIDITY,
    MAX_UINT256,
    ONE,
    RESERVE,
    SUPPLY,
    UPSIDE,
    VIRTUAL_ASSETS,
    VIRTUAL_SHARES,
    ceil_div,
    donate,
    give,
)

pytestmark = pytest.mark.unit

ASSETS = 1_234 * ONE + 567
SHARES = ASSETS * 1_000 + 89


def all_views(vault, owner: str) -> tuple:
    return (
        vault.totalAssets(),
        vault.convertToShares(ASSETS),
        vault.convertToAssets(SHARES),
        vault.maxWithdraw(owner),
        vault.maxRedeem(owner),
        vault.previewDeposit(ASSETS),
        vault.previewMint(SHARES),
        vault.previewWithdraw(ASSETS),
        vault.previewRedeem(SHARES),
    )


def test_default_behavior(vault, token, lp):
    assert vault.asset() == token.address
    assert vault.totalAssets() == 0
    # an empty vault: 10**3 virtual shares over 1 virtual asset, whichever side of the book
    assert vault.convertToShares(1) == vault.previewDeposit(1) == vault.previewWithdraw(1) == 1_000
    assert vault.convertToAssets(1_000) == vault.previewMint(1_000) == vault.previewRedeem(1_000) == 1
    assert vault.maxDeposit(lp) == vault.maxMint(lp) == MAX_UINT256
    assert vault.maxWithdraw(lp) == vault.maxRedeem(lp) == 0


def test_conversions_ignore_open_bets_and_previews_do_not(vault, exposed):
    supply, held = SUPPLY + VIRTUAL_SHARES, LIQUIDITY + VIRTUAL_ASSETS
    assert vault.convertToShares(ASSETS) == ASSETS * supply // held
    assert vault.convertToAssets(SHARES) == SHARES * held // supply
    # entries at the best case, exits at the worst case
    assert vault.previewDeposit(ASSETS) == ASSETS * supply // (held + UPSIDE)
    assert vault.previewMint(SHARES) == ceil_div(SHARES * (held + UPSIDE), supply)
    assert vault.previewWithdraw(ASSETS) == ceil_div(ASSETS * supply, held - RESERVE)
    assert vault.previewRedeem(SHARES) == SHARES * (held - RESERVE) // supply


def test_previews_are_what_the_calls_do(system, vault, exposed, lp):
    give(system, lp, 2 * ASSETS)
    expected = (
        vault.previewDeposit(ASSETS),
        vault.previewMint(SHARES),
        vault.previewWithdraw(ASSETS),
        vault.previewRedeem(SHARES),
    )
    done = []
    for call in (
        lambda: vault.deposit(ASSETS, lp, sender=lp),
        lambda: vault.mint(SHARES, lp, sender=lp),
        lambda: vault.withdraw(ASSETS, lp, lp, sender=lp),
        lambda: vault.redeem(SHARES, lp, lp, sender=lp),
    ):
        with boa.env.anchor():
            done.append(call())
    assert tuple(done) == expected


def test_a_donation_changes_no_price(system, vault, token, exposed, lp, attacker):
    before = all_views(vault, lp)

    donate(system, attacker, 10**12)

    assert token.balanceOf(vault.address) == LIQUIDITY + 10**12
    assert all_views(vault, lp) == before


def test_max_withdraw_is_the_owners_share_of_headroom(vault, exposed, lp):
    assert vault.maxWithdraw(lp) == SUPPLY * (LIQUIDITY - RESERVE + 1) // (SUPPLY + 1_000)
    # every share can be redeemed, at the worst-case price
    assert vault.maxRedeem(lp) == vault.balanceOf(lp) == SUPPLY


def test_max_of_a_stranger_is_zero(vault, liquidity, attacker):
    assert vault.maxWithdraw(attacker) == vault.maxRedeem(attacker) == 0


def test_max_deposit_and_mint_are_zero_while_paused(vault, book, guardian, admin, lp):
    book.pause(sender=guardian)
    assert vault.maxDeposit(lp) == vault.maxMint(lp) == 0
    book.unpause(sender=admin)
    assert vault.maxDeposit(lp) == vault.maxMint(lp) == MAX_UINT256
