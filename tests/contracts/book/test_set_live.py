"""Book.set_live: in-play opens at kickoff and closes at the final whistle."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

STATE_OPEN, STATE_LIVE, STATE_CLOSED = 1, 2, 3


def test_default_behavior(system, book, operator, game):
    pricer = system.pricer.address

    book.set_live(game, True, sender=pricer)

    [event] = book.get_logs()
    assert type(event).__name__ == "GameStateChanged"
    assert (event.game, event.state, event.epoch) == (game, STATE_LIVE, 1)
    assert (book.game(game).state, book.game(game).epoch) == (STATE_LIVE, 1)

    book.set_live(game, False, sender=operator)

    [event] = book.get_logs()
    assert (event.game, event.state, event.epoch) == (game, STATE_CLOSED, 2)
    assert (book.game(game).state, book.game(game).epoch) == (STATE_CLOSED, 2)


def test_keeps_every_other_field(system, book, game):
    before = book.game(game)
    book.set_live(game, True, sender=system.pricer.address)
    after = book.game(game)
    assert after._replace(state=before.state, epoch=before.epoch) == before


@pytest.mark.parametrize("is_live", [True, False])
def test_not_operator(system, book, attacker, guardian, game, is_live):
    if not is_live:
        book.set_live(game, True, sender=system.operator)
    for caller in (attacker, guardian):
        with boa.reverts("book: not operator"):
            book.set_live(game, is_live, sender=caller)


def test_retired_pricer(system, book, admin, game):
    book.set_pricer(system.pricer.address, False, sender=admin)
    with boa.reverts("book: not operator"):
        book.set_live(game, True, sender=system.pricer.address)


def test_unknown_game(book, operator):
    with boa.reverts("book: game not open"):
        book.set_live(1, True, sender=operator)
    with boa.reverts("book: game not live"):
        book.set_live(1, False, sender=operator)


def test_live_twice(book, operator, game):
    book.set_live(game, True, sender=operator)
    with boa.reverts("book: game not open"):
        book.set_live(game, True, sender=operator)


def test_close_before_live(book, operator, game):
    with boa.reverts("book: game not live"):
        book.set_live(game, False, sender=operator)


def test_closed_game_stays_closed(book, operator, game):
    book.set_live(game, True, sender=operator)
    book.set_live(game, False, sender=operator)
    with boa.reverts("book: game not open"):
        book.set_live(game, True, sender=operator)
    with boa.reverts("book: game not live"):
        book.set_live(game, False, sender=operator)


@pytest.mark.parametrize("state", ["proposed", "final"])
def test_after_result(system, book, operator, game, state):
    book.set_live(game, True, sender=operator)
    actions.time_travel(3_600)
    actions.report(system, game, 2, 0)
    if state == "final":
        actions.time_travel(book.challenge_window())
        book.finalize(game)
    with boa.reverts("book: game not open"):
        book.set_live(game, True, sender=operator)
    with boa.reverts("book: game not live"):
        book.set_live(game, False, sender=operator)


def test_epoch_bump_kills_pregame_quotes(system, book, operator, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready, ttl=600)

    book.set_live(ready >> 8, True, sender=operator)

    with boa.reverts("book: stale quote"):
        book.place_bet(quote.as_tuple(), signature.as_tuple(), 0, ONE, 0, sender=funded_bettor)
    # a quote for the new epoch is taken in play
    actions.place_bet(system, funded_bettor, ready, 0, ONE)
    assert book.bet_nonce(funded_bettor) == 1


def test_closing_stops_betting(system, book, operator, ready, funded_bettor):
    book.set_live(ready >> 8, True, sender=operator)
    book.set_live(ready >> 8, False, sender=operator)
    with boa.reverts("book: betting closed"):
        actions.place_bet(system, funded_bettor, ready, 0, ONE)
