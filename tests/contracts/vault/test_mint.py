"""Vault.mint: an LP asks for exact shares and pays their best-case price, rounded up."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.vault.helpers import (
    LIQUIDITY,
    ONE,
    SUPPLY,
    UPSIDE,
    ZERO_ADDRESS,
    ceil_div,
    give,
)

pytestmark = pytest.mark.unit

SHARES = 5 * ONE * 1_000  # five units' worth in an empty vault


def test_default_behavior(system, vault, token, book, lp):
    give(system, lp, 10 * ONE)

    assets = vault.mint(SHARES, lp, sender=lp)

    assert assets == 5 * ONE
    (event,) = actions.events(vault, "Deposit")
    assert (event.sender, event.owner, event.assets, event.shares) == (lp, lp, assets, SHARES)
    assert vault.balanceOf(lp) == vault.totalSupply() == SHARES
    assert vault.totalAssets() == token.balanceOf(vault.address) == assets
    assert token.balanceOf(lp) == 10 * ONE - assets
    assert book.headroom() == assets


def test_mint_for_another_receiver(system, vault, keeper, lp):
    give(system, keeper, 5 * ONE)
    vault.mint(SHARES, lp, sender=keeper)
    (event,) = actions.events(vault, "Deposit")
    assert (event.sender, event.owner) == (keeper, lp)
    assert (vault.balanceOf(lp), vault.balanceOf(keeper)) == (SHARES, 0)


def test_mint_rounds_the_cost_up(system, vault, lp):
    give(system, lp, 3)
    assert vault.mint(1, lp, sender=lp) == 1  # a thousandth of a unit still costs a unit
    assert vault.mint(1_001, lp, sender=lp) == ceil_div(1_001 * (1 + 1), 1 + 1_000)


def test_mint_is_priced_at_the_best_case(system, vault, exposed, keeper):
    shares = 10**12
    cost = ceil_div(shares * (LIQUIDITY + UPSIDE + 1), SUPPLY + 1_000)
    give(system, keeper, cost)

    assert vault.mint(shares, keeper, sender=keeper) == cost
    assert cost > vault.convertToAssets(shares)
    assert vault.totalAssets() == LIQUIDITY + cost


def test_zero_shares_reverts(vault, lp):
    # nothing to pay for: the zero-assets check fires first
    with boa.reverts("vault: zero assets"):
        vault.mint(0, lp, sender=lp)


def test_zero_receiver_reverts(system, vault, lp):
    give(system, lp, 5 * ONE)
    with boa.reverts("vault: zero receiver"):
        vault.mint(SHARES, ZERO_ADDRESS, sender=lp)


def test_paused_book_blocks_mints(system, vault, book, guardian, lp):
    give(system, lp, 5 * ONE)
    book.pause(sender=guardian)
    with boa.reverts("vault: paused"):
        vault.mint(SHARES, lp, sender=lp)


def test_missing_allowance_reverts(system, vault, token, lp):
    token.faucet(5 * ONE, sender=lp)
    with boa.reverts("erc20: insufficient allowance"):
        vault.mint(SHARES, lp, sender=lp)
