"""Book.suspend: the pricer voids every outstanding quote of a game at once."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

STATE_OPEN, STATE_LIVE = 1, 2


def test_default_behavior(system, book, game):
    book.suspend(game, sender=system.pricer.address)

    [event] = book.get_logs()
    assert type(event).__name__ == "GameStateChanged"
    assert (event.game, event.state, event.epoch) == (game, STATE_OPEN, 1)
    g = book.game(game)
    assert (g.state, g.epoch) == (STATE_OPEN, 1)

    book.suspend(game, sender=system.pricer.address)

    [event] = book.get_logs()
    assert event.epoch == 2
    assert book.game(game).epoch == 2


def test_operator_may_suspend_live(book, operator, game):
    book.set_live(game, True, sender=operator)

    book.suspend(game, sender=operator)

    [event] = book.get_logs()
    assert (event.state, event.epoch) == (STATE_LIVE, 2)
    assert (book.game(game).state, book.game(game).epoch) == (STATE_LIVE, 2)


def test_keeps_every_other_field(system, book, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)  # reserve 95 in the game word
    before = book.game(ready >> 8)

    book.suspend(ready >> 8, sender=system.pricer.address)

    after = book.game(ready >> 8)
    assert after._replace(epoch=before.epoch) == before
    assert (after.epoch, after.reserve, after.market_count) == (1, 95 * ONE, 1)


@pytest.mark.parametrize("role", ["attacker", "guardian"])
def test_not_operator(book, attacker, guardian, game, role):
    caller = attacker if role == "attacker" else guardian
    with boa.reverts("book: not operator"):
        book.suspend(game, sender=caller)


def test_unknown_game(book, operator):
    with boa.reverts("book: game not open"):
        book.suspend(1, sender=operator)


@pytest.mark.parametrize("state", ["closed", "proposed", "challenged", "final"])
def test_game_not_open(system, book, operator, guardian, game, state):
    book.set_live(game, True, sender=operator)
    if state == "closed":
        book.set_live(game, False, sender=operator)
    else:
        actions.time_travel(3_600)
        actions.report(system, game, 0, 0)
        if state == "challenged":
            book.challenge(game, sender=guardian)
        elif state == "final":
            actions.time_travel(book.challenge_window())
            book.finalize(game)
    epoch = book.game(game).epoch

    with boa.reverts("book: game not open"):
        book.suspend(game, sender=operator)
    assert book.game(game).epoch == epoch


def test_kills_outstanding_quotes(system, book, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, ttl=600)

    book.suspend(ready >> 8, sender=system.pricer.address)

    with boa.reverts("book: stale quote"):
        book.place_bet(quote.as_tuple(), signature.as_tuple(), 0, ONE, 0, sender=funded_bettor)
    actions.place_bet(system, funded_bettor, ready, 0, ONE)
    assert book.balanceOf(funded_bettor) == 999 * ONE
