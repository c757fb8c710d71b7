"""Book.set_params: the admin changes the challenge window and the void delay within fixed bounds."""

import boa
import pytest

from tests.contracts import actions

pytestmark = pytest.mark.unit

# constants.vy
MIN_CHALLENGE_WINDOW, MAX_CHALLENGE_WINDOW = 60, 86_400 * 7
MIN_VOID_DELAY, MAX_VOID_DELAY = 3_600, 86_400 * 30


def test_default_behavior(book, admin):
    assert (book.challenge_window(), book.void_delay()) == (3_600, 86_400 * 3)

    book.set_params(600, 86_400, sender=admin)

    [event] = book.get_logs()
    assert type(event).__name__ == "ParamsSet"
    assert (event.challenge_window, event.void_delay) == (600, 86_400)
    assert (book.challenge_window(), book.void_delay()) == (600, 86_400)


@pytest.mark.parametrize(
    ("window", "delay"), [(MIN_CHALLENGE_WINDOW, MIN_VOID_DELAY), (MAX_CHALLENGE_WINDOW, MAX_VOID_DELAY)]
)
def test_bounds_accepted(book, admin, window, delay):
    book.set_params(window, delay, sender=admin)
    assert (book.challenge_window(), book.void_delay()) == (window, delay)


@pytest.mark.parametrize("window", [0, MIN_CHALLENGE_WINDOW - 1, MAX_CHALLENGE_WINDOW + 1, 2**256 - 1])
def test_bad_challenge_window(book, admin, window):
    with boa.reverts("book: bad challenge window"):
        book.set_params(window, MIN_VOID_DELAY, sender=admin)
    assert book.challenge_window() == 3_600


@pytest.mark.parametrize("delay", [0, MIN_VOID_DELAY - 1, MAX_VOID_DELAY + 1, 2**256 - 1])
def test_bad_void_delay(book, admin, delay):
    with boa.reverts("book: bad void delay"):
        book.set_params(MIN_CHALLENGE_WINDOW, delay, sender=admin)
    assert book.void_delay() == 86_400 * 3


@pytest.mark.parametrize("role", ["attacker", "operator", "guardian"])
def test_not_owner(book, attacker, operator, guardian, role):
    caller = {"attacker": attacker, "operator": operator, "guardian": guardian}[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.set_params(600, 86_400, sender=caller)


def test_running_proposal_keeps_its_window(system, book, admin, game):
    actions.time_travel(book.game(game).kickoff - actions.now())
    actions.report(system, game, 1, 0)
    deadline = actions.now() + 3_600

    book.set_params(MAX_CHALLENGE_WINDOW, MAX_VOID_DELAY, sender=admin)

    assert book.game(game).deadline == deadline
    actions.time_travel(deadline - actions.now())
    book.finalize(game)


def test_later_proposals_use_new_window(system, book, admin, game):
    book.set_params(MIN_CHALLENGE_WINDOW, MIN_VOID_DELAY, sender=admin)
    actions.time_travel(book.game(game).kickoff - actions.now())

    actions.report(system, game, 1, 0)

    assert book.game(game).deadline == actions.now() + MIN_CHALLENGE_WINDOW


def test_created_game_keeps_its_void_deadline(system, book, admin, game):
    deadline = book.game(game).deadline

    book.set_params(MIN_CHALLENGE_WINDOW, MIN_VOID_DELAY, sender=admin)
    actions.create_game(system, 2)

    assert book.game(game).deadline == deadline
    assert book.game(2).deadline == book.game(2).kickoff + MIN_VOID_DELAY
