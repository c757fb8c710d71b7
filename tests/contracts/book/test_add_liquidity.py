"""Book.add_liquidity: the Vault reports LP assets that now back the book."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


def test_default_behavior(book, vault):
    with boa.env.prank(vault.address):
        book.add_liquidity(250 * ONE)

    assert book.headroom() == 250 * ONE
    assert book.upside() == 0

    with boa.env.prank(vault.address):
        book.add_liquidity(50 * ONE)

    assert book.headroom() == 300 * ONE


def test_through_vault_deposit(system, book, vault, lp):
    actions.provide_liquidity(system, lp, 1_000 * ONE)
    actions.provide_liquidity(system, lp, 234 * ONE + 1)
    assert book.headroom() == vault.totalAssets() == 1_234 * ONE + 1


def test_keeps_upside_and_pause(system, book, vault, guardian, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 2, 10 * ONE)  # away pays 41: upside 10
    book.pause(sender=guardian)
    headroom = book.headroom()

    with boa.env.prank(vault.address):
        book.add_liquidity(7)

    assert (book.headroom(), book.upside(), book.paused()) == (headroom + 7, 10 * ONE, True)


@pytest.mark.parametrize("role", ["attacker", "admin", "lp"])
def test_not_vault(book, admin, attacker, lp, role):
    caller = {"attacker": attacker, "admin": admin, "lp": lp}[role]
    with boa.reverts("book: not vault"):
        book.add_liquidity(ONE, sender=caller)
    assert book.headroom() == 0
