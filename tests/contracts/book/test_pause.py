"""Book.pause: the guardian (or admin) stops new bets and deposits; nothing else stops."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


@pytest.fixture
def bet(system, ready, funded_bettor) -> actions.Bet:
    """A 10-unit home bet at 1.95 on the 1X2 market."""
    return actions.place_bet(system, funded_bettor, ready, 0, 10 * ONE)


@pytest.fixture
def won(system, game, bet) -> actions.Bet:
    """The home bet after a final 1-0."""
    actions.settle_game(system, game, 1, 0)
    return bet


def test_default_behavior(book, guardian):
    assert book.paused() is False

    book.pause(sender=guardian)

    [event] = book.get_logs()
    assert type(event).__name__ == "PauseSet"
    assert (event.paused, event.by) == (True, guardian)
    assert book.paused() is True


def test_admin_may_pause(book, admin):
    book.pause(sender=admin)

    [event] = book.get_logs()
    assert (event.paused, event.by) == (True, admin)
    assert book.paused() is True


@pytest.mark.parametrize("role", ["attacker", "operator", "pricer"])
def test_not_guardian(system, book, attacker, operator, role):
    caller = {"attacker": attacker, "operator": operator, "pricer": system.pricer.address}[role]
    with boa.reverts("book: not guardian"):
        book.pause(sender=caller)
    assert book.paused() is False


def test_pause_keeps_risk_word(system, book, guardian, bet):
    headroom, upside = book.headroom(), book.upside()
    book.pause(sender=guardian)
    assert (book.headroom(), book.upside()) == (headroom, upside)


def test_stops_deposits(system, book, guardian, bettor):
    actions.fund(system, bettor, 5 * ONE, deposit=False)
    system.token.approve(book.address, 5 * ONE, sender=bettor)
    book.pause(sender=guardian)
    with boa.reverts("book: paused"):
        book.deposit(5 * ONE, sender=bettor)


def test_stops_bets(system, book, guardian, ready, funded_bettor):
    book.pause(sender=guardian)
    with boa.reverts("book: paused"):
        actions.place_bet(system, funded_bettor, ready, 0, ONE)


def test_stops_vault_entries(system, vault, book, guardian, lp):
    system.token.faucet(10 * ONE, sender=lp)
    system.token.approve(vault.address, 10 * ONE, sender=lp)
    book.pause(sender=guardian)
    assert (vault.maxDeposit(lp), vault.maxMint(lp)) == (0, 0)
    with boa.reverts("vault: paused"):
        vault.deposit(10 * ONE, lp, sender=lp)
    with boa.reverts("vault: paused"):
        vault.mint(10**3, lp, sender=lp)


def test_withdraw_goes_on(system, book, token, guardian, funded_bettor):
    book.pause(sender=guardian)
    book.withdraw(400 * ONE, sender=funded_bettor)
    assert (book.balanceOf(funded_bettor), token.balanceOf(funded_bettor)) == (600 * ONE, 400 * ONE)


def test_claim_goes_on(book, guardian, funded_bettor, won):
    book.pause(sender=guardian)
    assert book.claim(won.as_tuple(), sender=funded_bettor) == 19_500_000
    assert book.balanceOf(funded_bettor) == 1_009_500_000


def test_settle_bets_goes_on(book, guardian, keeper, funded_bettor, won):
    book.pause(sender=guardian)
    assert book.settle_bets([won.as_tuple()], sender=keeper) == 1
    assert book.balanceOf(funded_bettor) == 1_009_500_000


def test_finalize_goes_on(system, book, guardian, game, bet):
    actions.time_travel(book.game(game).kickoff - boa.env.evm.patch.timestamp)
    actions.report(system, game, 0, 1)
    book.pause(sender=guardian)
    actions.time_travel(book.challenge_window())
    book.finalize(game)
    assert book.game(game).state == 6


def test_void_game_goes_on(book, guardian, game, bet, funded_bettor):
    book.pause(sender=guardian)
    actions.time_travel(book.game(game).deadline - boa.env.evm.patch.timestamp)
    book.void_game(game)
    assert book.claim(bet.as_tuple(), sender=funded_bettor) == 10 * ONE


def test_vault_redeem_goes_on(vault, book, token, guardian, lp, liquidity):
    book.pause(sender=guardian)
    shares = vault.balanceOf(lp) // 2
    assets = vault.redeem(shares, lp, lp, sender=lp)
    assert assets == shares * (liquidity + 1) // (2 * shares + 10**3)
    assert token.balanceOf(lp) == assets
    vault.withdraw(ONE, lp, lp, sender=lp)
    assert token.balanceOf(lp) == assets + ONE


def test_pause_twice(book, guardian, admin):
    book.pause(sender=guardian)
    book.pause(sender=admin)
    assert book.paused() is True
