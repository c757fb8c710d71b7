"""Book.set_operator: the admin grants or revokes the right to list games and markets."""

import boa
import pytest

from oracle.markets import Kind
from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def keeper_operator(keeper) -> str:
    return keeper


def test_default_behavior(book, admin, keeper_operator):
    assert book.is_operator(keeper_operator) is False

    book.set_operator(keeper_operator, True, sender=admin)

    [event] = book.get_logs()
    assert type(event).__name__ == "OperatorSet"
    assert (event.operator, event.is_operator) == (keeper_operator, True)
    assert book.is_operator(keeper_operator) is True
    book.create_game(9, actions.now() + 60, ONE, ONE, sender=keeper_operator)
    book.add_market(9, int(Kind.ONE_X_TWO), 0, sender=keeper_operator)
    book.set_live(9, True, sender=keeper_operator)
    assert book.game(9).market_count == 1


def test_revoke(book, admin, operator, game):
    book.set_operator(operator, False, sender=admin)

    [event] = book.get_logs()
    assert (event.operator, event.is_operator) == (operator, False)
    assert book.is_operator(operator) is False
    with boa.reverts("book: not operator"):
        book.create_game(2, actions.now() + 60, ONE, ONE, sender=operator)
    with boa.reverts("book: not operator"):
        book.add_market(game, int(Kind.ONE_X_TWO), 0, sender=operator)
    with boa.reverts("book: not operator"):
        book.set_live(game, True, sender=operator)
    with boa.reverts("book: not operator"):
        book.set_caps(game, ONE, ONE, sender=operator)


@pytest.mark.parametrize("role", ["attacker", "operator", "guardian"])
def test_not_owner(book, attacker, operator, guardian, keeper_operator, role):
    caller = {"attacker": attacker, "operator": operator, "guardian": guardian}[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.set_operator(keeper_operator, True, sender=caller)
    assert book.is_operator(keeper_operator) is False


def test_zero_address(book, admin):
    with boa.reverts("book: zero address"):
        book.set_operator(ZERO, True, sender=admin)
