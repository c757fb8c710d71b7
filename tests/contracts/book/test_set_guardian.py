"""Book.set_guardian: the admin sets who may pause the book and challenge results."""

import boa
import pytest

from tests.contracts import actions

pytestmark = pytest.mark.unit

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def successor() -> str:
    return boa.env.generate_address("guardian successor")


def test_default_behavior(system, book, admin, guardian, game, successor):
    assert book.guardian() == guardian

    book.set_guardian(successor, sender=admin)

    [event] = book.get_logs()
    assert type(event).__name__ == "GuardianSet"
    assert event.guardian == successor
    assert book.guardian() == successor
    with boa.reverts("book: not guardian"):
        book.pause(sender=guardian)
    book.pause(sender=successor)
    assert book.paused() is True
    actions.time_travel(book.game(game).kickoff - boa.env.evm.patch.timestamp)
    actions.report(system, game, 1, 1)
    with boa.reverts("book: not guardian"):
        book.challenge(game, sender=guardian)
    book.challenge(game, sender=successor)


@pytest.mark.parametrize("role", ["attacker", "operator", "guardian"])
def test_not_owner(book, attacker, operator, guardian, successor, role):
    caller = {"attacker": attacker, "operator": operator, "guardian": guardian}[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.set_guardian(successor, sender=caller)
    assert book.guardian() == guardian


def test_zero_address(book, admin, guardian):
    with boa.reverts("book: zero address"):
        book.set_guardian(ZERO, sender=admin)
    assert book.guardian() == guardian
