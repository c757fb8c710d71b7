"""Book.challenge: the guardian disputes a proposed result inside its window."""

import boa
import pytest

from oracle.markets import ResultStatus
from tests.contracts import actions

pytestmark = pytest.mark.unit

STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL = 4, 5, 6


@pytest.fixture
def proposed(system, book, game) -> int:
    """Game 1 with a 2-1 result proposed at kickoff; returns the end of its window."""
    actions.time_travel(book.game(game).kickoff - actions.now())
    actions.report(system, game, 2, 1)
    return book.game(game).deadline


def test_default_behavior(book, guardian, game, proposed):
    actions.time_travel(600)
    void_after = actions.now() + book.void_delay()

    book.challenge(game, sender=guardian)

    [event] = book.get_logs()
    assert type(event).__name__ == "ResultChallenged"
    assert (event.game, event.guardian, event.void_after) == (game, guardian, void_after)
    g = book.game(game)
    assert (g.state, g.deadline) == (STATE_CHALLENGED, void_after)
    # the disputed score is kept for the admin to read
    assert (g.home, g.away, g.cancelled) == (2, 1, False)
    assert book.game_state(game) == STATE_CHALLENGED


def test_last_second_of_window(book, guardian, game, proposed):
    actions.time_travel(proposed - actions.now() - 1)
    book.challenge(game, sender=guardian)
    assert book.game(game).state == STATE_CHALLENGED


def test_window_closed_at_deadline(book, guardian, game, proposed):
    actions.time_travel(proposed - actions.now())
    with boa.reverts("book: challenge window closed"):
        book.challenge(game, sender=guardian)
    assert book.game(game).state == STATE_PROPOSED


@pytest.mark.parametrize("role", ["attacker", "admin", "operator"])
def test_not_guardian(book, admin, attacker, operator, game, proposed, role):
    caller = {"attacker": attacker, "admin": admin, "operator": operator}[role]
    with boa.reverts("book: not guardian"):
        book.challenge(game, sender=caller)


def test_replaced_guardian(book, admin, guardian, game, proposed):
    successor = boa.env.generate_address("guardian successor")
    book.set_guardian(successor, sender=admin)
    with boa.reverts("book: not guardian"):
        book.challenge(game, sender=guardian)
    book.challenge(game, sender=successor)
    assert book.game(game).state == STATE_CHALLENGED


def test_unknown_game(book, guardian):
    with boa.reverts("book: result not proposed"):
        book.challenge(1, sender=guardian)


@pytest.mark.parametrize("state", ["open", "live", "closed"])
def test_not_proposed(book, operator, guardian, game, state):
    if state != "open":
        book.set_live(game, True, sender=operator)
    if state == "closed":
        book.set_live(game, False, sender=operator)
    with boa.reverts("book: result not proposed"):
        book.challenge(game, sender=guardian)


def test_challenged_twice(book, guardian, game, proposed):
    book.challenge(game, sender=guardian)
    with boa.reverts("book: result not proposed"):
        book.challenge(game, sender=guardian)


def test_final(book, guardian, game, proposed):
    actions.time_travel(proposed - actions.now())
    book.finalize(game)
    with boa.reverts("book: result not proposed"):
        book.challenge(game, sender=guardian)
    assert book.game(game).state == STATE_FINAL


def test_cancelled_proposal(system, book, guardian, game):
    actions.report(system, game, 0, 0, ResultStatus.CANCELLED)

    book.challenge(game, sender=guardian)

    assert book.game(game).state == STATE_CHALLENGED
    assert book.game(game).cancelled is True


def test_blocks_finalize(book, guardian, game, proposed):
    book.challenge(game, sender=guardian)
    actions.time_travel(proposed - actions.now())
    with boa.reverts("book: result not proposed"):
        book.finalize(game)


def test_uses_void_delay_in_force(book, admin, guardian, game, proposed):
    book.set_params(book.challenge_window(), 7_200, sender=admin)

    book.challenge(game, sender=guardian)

    assert book.game(game).deadline == actions.now() + 7_200


def test_not_paused(book, guardian, game, proposed):
    book.pause(sender=guardian)
    book.challenge(game, sender=guardian)
    assert book.game(game).state == STATE_CHALLENGED
