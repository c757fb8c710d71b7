"""Book.remove_liquidity: the Vault takes free liquidity out for a leaving LP."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


def test_default_behavior(book, vault, liquidity):
    with boa.env.prank(vault.address):
        book.remove_liquidity(400 * ONE)

    assert book.headroom() == liquidity - 400 * ONE
    assert book.upside() == 0


def test_all_headroom(book, vault, liquidity):
    with boa.env.prank(vault.address):
        book.remove_liquidity(liquidity)
    assert book.headroom() == 0


def test_more_than_headroom(book, vault, liquidity):
    with boa.env.prank(vault.address), boa.reverts("book: vault liquidity exceeded"):
        book.remove_liquidity(liquidity + 1)
    assert book.headroom() == liquidity


def test_reserved_liability_stays(system, book, vault, lp, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 200 * ONE)  # home net +190 reserved
    free = book.headroom()
    assert free == vault.totalAssets() - 190 * ONE

    with boa.env.prank(vault.address), boa.reverts("book: vault liquidity exceeded"):
        book.remove_liquidity(free + 1)
    with boa.env.prank(vault.address):
        book.remove_liquidity(free)
    assert book.headroom() == 0


def test_through_vault_redeem(system, book, vault, lp, liquidity, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 200 * ONE)
    shares = vault.balanceOf(lp)
    free = liquidity - 190 * ONE

    assets = vault.redeem(shares, lp, lp, sender=lp)

    # the only LP leaves at the worst case (10**3 virtual shares, 1 virtual asset)
    assert assets == shares * (free + 1) // (shares + 10**3)
    assert vault.totalAssets() == liquidity - assets
    assert book.headroom() == free - assets
    with boa.reverts("book: vault liquidity exceeded"):
        actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)


@pytest.mark.parametrize("role", ["attacker", "admin", "lp"])
def test_not_vault(book, admin, attacker, lp, liquidity, role):
    caller = {"attacker": attacker, "admin": admin, "lp": lp}[role]
    with boa.reverts("book: not vault"):
        book.remove_liquidity(ONE, sender=caller)
    assert book.headroom() == liquidity
