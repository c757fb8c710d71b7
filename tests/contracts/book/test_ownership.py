"""Book ownership: snekmate's two-step transfer; renouncing is not exported."""

import boa
import pytest
from eth.exceptions import Revert
from eth_utils import function_signature_to_4byte_selector

pytestmark = pytest.mark.unit

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def successor() -> str:
    return boa.env.generate_address("admin successor")


def test_default_behavior(book, admin, successor):
    assert (book.owner(), book.pending_owner()) == (admin, ZERO)

    book.transfer_ownership(successor, sender=admin)

    [started] = book.get_logs()
    assert type(started).__name__ == "OwnershipTransferStarted"
    assert (started.previous_owner, started.new_owner) == (admin, successor)
    assert (book.owner(), book.pending_owner()) == (admin, successor)

    book.accept_ownership(sender=successor)

    [transferred] = book.get_logs()
    assert type(transferred).__name__ == "OwnershipTransferred"
    assert (transferred.previous_owner, transferred.new_owner) == (admin, successor)
    assert (book.owner(), book.pending_owner()) == (successor, ZERO)


def test_powers_move_with_ownership(book, admin, successor):
    book.transfer_ownership(successor, sender=admin)
    book.accept_ownership(sender=successor)

    with boa.reverts("ownable: caller is not the owner"):
        book.set_params(600, 7_200, sender=admin)
    with boa.reverts("ownable: caller is not the owner"):
        book.unpause(sender=admin)
    book.set_params(600, 7_200, sender=successor)
    assert book.challenge_window() == 600


def test_pending_owner_has_no_power(book, admin, successor):
    book.transfer_ownership(successor, sender=admin)
    with boa.reverts("ownable: caller is not the owner"):
        book.set_params(600, 7_200, sender=successor)
    book.set_params(600, 7_200, sender=admin)


@pytest.mark.parametrize("role", ["attacker", "guardian", "operator"])
def test_transfer_not_owner(book, attacker, guardian, operator, role):
    caller = {"attacker": attacker, "guardian": guardian, "operator": operator}[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.transfer_ownership(caller, sender=caller)
    assert book.pending_owner() == ZERO


def test_accept_not_pending(book, admin, attacker, successor):
    book.transfer_ownership(successor, sender=admin)
    with boa.reverts("ownable_2step: caller is not the new owner"):
        book.accept_ownership(sender=attacker)
    with boa.reverts("ownable_2step: caller is not the new owner"):
        book.accept_ownership(sender=admin)
    assert book.owner() == admin


def test_accept_without_transfer(book, attacker):
    with boa.reverts("ownable_2step: caller is not the new owner"):
        book.accept_ownership(sender=attacker)


def test_replace_and_cancel(book, admin, attacker, successor):
    book.transfer_ownership(attacker, sender=admin)
    book.transfer_ownership(successor, sender=admin)
    with boa.reverts("ownable_2step: caller is not the new owner"):
        book.accept_ownership(sender=attacker)

    book.transfer_ownership(ZERO, sender=admin)

    assert book.pending_owner() == ZERO
    with boa.reverts("ownable_2step: caller is not the new owner"):
        book.accept_ownership(sender=successor)
    assert book.owner() == admin


def test_renounce_not_exported(book, admin):
    assert not hasattr(book, "renounce_ownership")
    with pytest.raises(Revert):
        boa.env.raw_call(
            book.address, sender=admin, data=function_signature_to_4byte_selector("renounce_ownership()")
        )
    assert book.owner() == admin
