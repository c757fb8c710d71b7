"""Vault.settle: the Book books a finished game's net, once, as profit or loss."""

import boa
import pytest

from oracle.markets import ResultStatus
from tests.contracts import actions
from tests.contracts.vault.helpers import (
    AWAY_WIN,
    HOME_WIN,
    LIQUIDITY,
    PAYOUT,
    RESERVE,
    UPSIDE,
    finalize,
)

pytestmark = pytest.mark.unit


def test_default_behavior(system, vault, token, book, exposed):
    """The bettor loses: the Book sends the stake over and books it as profit."""
    finalize(system, AWAY_WIN)

    (event,) = actions.events(book, "Settled", emitter=vault)
    assert (event.game, event.profit, event.loss, event.total_assets) == (1, UPSIDE, 0, LIQUIDITY + UPSIDE)
    assert vault.totalAssets() == token.balanceOf(vault.address) == LIQUIDITY + UPSIDE
    assert (book.headroom(), book.upside()) == (LIQUIDITY + UPSIDE, 0)


def test_a_loss_is_paid_to_the_book(system, vault, token, book, exposed):
    book_before = token.balanceOf(book.address)

    finalize(system, HOME_WIN)

    (event,) = actions.events(book, "Settled", emitter=vault)
    assert (event.game, event.profit, event.loss, event.total_assets) == (1, 0, RESERVE, LIQUIDITY - RESERVE)
    assert vault.totalAssets() == token.balanceOf(vault.address) == LIQUIDITY - RESERVE
    assert token.balanceOf(book.address) == book_before + RESERVE
    assert book.claim(exposed.as_tuple(), sender=exposed.bettor) == PAYOUT


def test_a_game_that_nets_zero_is_not_booked(system, vault, book, exposed):
    actions.settle_game(system, 1, 0, 0, ResultStatus.CANCELLED)

    assert actions.events(book, "Settled", emitter=vault) == []
    assert vault.totalAssets() == book.headroom() == LIQUIDITY


def test_only_the_book_settles(vault, admin, attacker, liquidity):
    with boa.reverts("vault: not book"):
        vault.settle(1, 0, LIQUIDITY, sender=attacker)
    with boa.reverts("vault: not book"):
        vault.settle(1, 10**12, 0, sender=admin)
