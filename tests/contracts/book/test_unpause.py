"""Book.unpause: only the admin lets bets and deposits in again."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


@pytest.fixture
def paused(book, guardian) -> None:
    book.pause(sender=guardian)


def test_default_behavior(system, book, admin, ready, funded_bettor, paused):
    book.unpause(sender=admin)

    [event] = book.get_logs()
    assert type(event).__name__ == "PauseSet"
    assert (event.paused, event.by) == (False, admin)
    assert book.paused() is False
    actions.place_bet(system, funded_bettor, ready, 0, ONE)
    actions.fund(system, funded_bettor, ONE)
    assert book.balanceOf(funded_bettor) == 1_000 * ONE
    assert system.vault.maxDeposit(funded_bettor) == 2**256 - 1


@pytest.mark.parametrize("role", ["guardian", "attacker", "operator"])
def test_not_owner(book, guardian, attacker, operator, paused, role):
    caller = {"guardian": guardian, "attacker": attacker, "operator": operator}[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.unpause(sender=caller)
    assert book.paused() is True


def test_keeps_risk_word(system, book, admin, guardian, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 2, 10 * ONE)
    headroom, upside = book.headroom(), book.upside()
    book.pause(sender=guardian)

    book.unpause(sender=admin)

    assert (book.headroom(), book.upside(), book.paused()) == (headroom, upside, False)


def test_unpause_when_running(book, admin):
    book.unpause(sender=admin)
    assert book.paused() is False
