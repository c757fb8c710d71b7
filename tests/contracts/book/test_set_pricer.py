"""Book.set_pricer: the admin registers or retires a quote signer."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE
from tests.deployers import account_of

pytestmark = pytest.mark.unit

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def pricer():
    """A second quote signer, not yet registered."""
    return account_of("pricer 2")


def test_default_behavior(system, book, admin, ready, funded_bettor, pricer):
    assert book.is_pricer(pricer.address) is False

    book.set_pricer(pricer.address, True, sender=admin)

    [event] = book.get_logs()
    assert type(event).__name__ == "PricerSet"
    assert (event.pricer, event.is_pricer) == (pricer.address, True)
    assert book.is_pricer(pricer.address) is True
    quote, signature = actions.make_quote(system, ready, signer_key=pricer.key)
    book.place_bet(quote.as_tuple(), signature.as_tuple(), 0, ONE, 0, sender=funded_bettor)
    assert book.bet_nonce(funded_bettor) == 1


def test_retire(system, book, admin, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)

    book.set_pricer(system.pricer.address, False, sender=admin)

    [event] = book.get_logs()
    assert (event.pricer, event.is_pricer) == (system.pricer.address, False)
    assert book.is_pricer(system.pricer.address) is False
    # quotes it signed before retiring die with it
    with boa.reverts("book: unknown pricer"):
        book.place_bet(quote.as_tuple(), signature.as_tuple(), 0, ONE, 0, sender=funded_bettor)
    with boa.reverts("book: not operator"):
        book.suspend(ready >> 8, sender=system.pricer.address)


def test_pricer_may_run_the_game(book, admin, game, pricer):
    book.set_pricer(pricer.address, True, sender=admin)
    book.suspend(game, sender=pricer.address)
    book.set_live(game, True, sender=pricer.address)
    assert book.game(game).epoch == 2
    # but listing stays with operators
    with boa.reverts("book: not operator"):
        book.create_game(2, boa.env.evm.patch.timestamp + 60, ONE, ONE, sender=pricer.address)


@pytest.mark.parametrize("role", ["attacker", "operator", "guardian", "pricer"])
def test_not_owner(system, book, attacker, operator, guardian, pricer, role):
    caller = {
        "attacker": attacker,
        "operator": operator,
        "guardian": guardian,
        "pricer": system.pricer.address,
    }[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.set_pricer(pricer.address, True, sender=caller)
    assert book.is_pricer(pricer.address) is False


def test_zero_address(book, admin):
    with boa.reverts("book: zero address"):
        book.set_pricer(ZERO, True, sender=admin)
