"""Vault.deposit: an LP adds assets and gets shares priced at the open book's best case."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.vault.helpers import (
    AWAY_WIN,
    LIQUIDITY,
    ONE,
    SUPPLY,
    UPSIDE,
    ZERO_ADDRESS,
    donate,
    give,
)

pytestmark = pytest.mark.unit

ASSETS = 1_000 * ONE


def test_default_behavior(system, vault, token, book, lp):
    give(system, lp, ASSETS)

    shares = vault.deposit(ASSETS, lp, sender=lp)

    # an empty vault prices a unit at its 10**3 virtual shares over 1 virtual asset
    assert shares == ASSETS * 1_000
    (event,) = actions.events(vault, "Deposit")
    assert (event.sender, event.owner, event.assets, event.shares) == (lp, lp, ASSETS, shares)
    assert vault.balanceOf(lp) == vault.totalSupply() == shares
    assert vault.totalAssets() == token.balanceOf(vault.address) == ASSETS
    assert token.balanceOf(lp) == 0
    assert book.headroom() == ASSETS


def test_deposit_for_another_receiver(system, vault, keeper, lp):
    give(system, keeper, ASSETS)

    shares = vault.deposit(ASSETS, lp, sender=keeper)

    (event,) = actions.events(vault, "Deposit")
    assert (event.sender, event.owner, event.assets, event.shares) == (keeper, lp, ASSETS, shares)
    assert vault.balanceOf(lp) == shares
    assert vault.balanceOf(keeper) == 0


def test_later_deposits_are_priced_pro_rata(system, vault, liquidity, keeper):
    give(system, keeper, ASSETS)
    # (SUPPLY + 10**3) / (LIQUIDITY + 1) is exactly 10**3 shares a unit
    assert vault.deposit(ASSETS, keeper, sender=keeper) == ASSETS * (SUPPLY + 1_000) // (LIQUIDITY + 1)
    assert vault.balanceOf(keeper) == ASSETS * 1_000


def test_entry_is_priced_at_the_best_case(system, vault, exposed, keeper):
    give(system, keeper, ASSETS)

    shares = vault.deposit(ASSETS, keeper, sender=keeper)

    assert shares == ASSETS * (SUPPLY + 1_000) // (LIQUIDITY + UPSIDE + 1)
    assert shares < vault.convertToShares(ASSETS)  # dearer than the held assets alone
    assert vault.totalAssets() == LIQUIDITY + ASSETS  # the upside is a price, not an asset


def test_late_lp_does_not_capture_a_known_win(system, vault, exposed, lp, keeper):
    """A result that will pay the vault is known (proposed); joining now buys none of it."""
    late_lp, assets = keeper, 100_000 * ONE
    actions.time_travel(3_600)
    actions.report(system, 1, *AWAY_WIN)
    give(system, late_lp, assets)
    shares = vault.deposit(assets, late_lp, sender=late_lp)

    actions.time_travel(system.book.challenge_window())
    system.book.finalize(1)

    assert vault.totalAssets() == LIQUIDITY + assets + UPSIDE
    assert vault.maxWithdraw(late_lp) <= assets
    assert vault.redeem(shares, late_lp, late_lp, sender=late_lp) <= assets
    # the whole win went to the LP who carried the risk (less a unit of rounding)
    assert vault.maxWithdraw(lp) >= LIQUIDITY + UPSIDE - 1


def test_first_depositor_cannot_inflate_the_share_price(system, vault, attacker, lp):
    give(system, attacker, 1)
    assert vault.deposit(1, attacker, sender=attacker) == 1_000
    donate(system, attacker, 10**12)
    give(system, lp, ASSETS)

    shares = vault.deposit(ASSETS, lp, sender=lp)

    # the donation is not an asset of the vault: the victim is priced as if it never happened
    assert shares == ASSETS * (1_000 + 1_000) // (1 + 1)
    assert vault.maxWithdraw(lp) >= ASSETS - 1
    assert vault.maxWithdraw(attacker) <= 1


def test_zero_assets_reverts(vault, lp):
    with boa.reverts("vault: zero assets"):
        vault.deposit(0, lp, sender=lp)


def test_deposit_worth_less_than_a_share_reverts(system, vault, book, lp, funded_bettor, market, keeper):
    """An entry price above 1,000 units a share makes a one-unit deposit worth 0 shares."""
    actions.provide_liquidity(system, lp, 100)
    # home at 1.01 reserves 100; the draw then reserves no more but can win the vault 1,020,000
    actions.place_bet(system, funded_bettor, market, 0, 10_000, (10_100, 10_100, 10_100))
    actions.place_bet(system, funded_bettor, market, 1, 1_010_000, (10_100, 10_100, 10_100))
    assert (book.headroom(), book.upside()) == (0, 1_020_000)
    give(system, keeper, 1)

    with boa.reverts("vault: zero shares"):
        vault.deposit(1, keeper, sender=keeper)


def test_zero_receiver_reverts(system, vault, lp):
    give(system, lp, ASSETS)
    with boa.reverts("vault: zero receiver"):
        vault.deposit(ASSETS, ZERO_ADDRESS, sender=lp)


def test_paused_book_blocks_deposits(system, vault, book, guardian, lp):
    give(system, lp, ASSETS)
    book.pause(sender=guardian)
    with boa.reverts("vault: paused"):
        vault.deposit(ASSETS, lp, sender=lp)


def test_missing_allowance_reverts(system, vault, token, lp):
    token.faucet(ASSETS, sender=lp)
    with boa.reverts("erc20: insufficient allowance"):
        vault.deposit(ASSETS, lp, sender=lp)
