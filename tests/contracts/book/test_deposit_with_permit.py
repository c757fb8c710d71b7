"""Book.deposit_with_permit: a deposit authorised by an EIP-2612 signature instead of an approval."""

import boa
import pytest

from tests.contracts import actions
from tests.deployers import account_of

pytestmark = pytest.mark.unit

AMOUNT = 250 * actions.ONE


@pytest.fixture
def bettor(token) -> str:
    """A bettor with a key (permits are signatures) and AMOUNT in their wallet, no approval."""
    address = account_of("bettor").address
    token.faucet(AMOUNT, sender=address)
    return address


def test_default_behavior(book, token, bettor, deadline):
    permit = actions.sign_permit(token, account_of("bettor"), book.address, AMOUNT, deadline)

    book.deposit_with_permit(AMOUNT, deadline, permit, sender=bettor)

    [deposit] = actions.events(book, "Deposit")
    assert (deposit.account, deposit.amount) == (bettor, AMOUNT)
    assert book.balanceOf(bettor) == AMOUNT
    assert token.balanceOf(bettor) == 0
    assert token.balanceOf(book.address) == AMOUNT
    assert token.nonces(bettor) == 1
    assert token.allowance(bettor, book.address) == 0


def test_front_run_permit_still_deposits(book, token, bettor, attacker, deadline):
    permit = actions.sign_permit(token, account_of("bettor"), book.address, AMOUNT, deadline)
    # someone copies the permit from the mempool and submits it first
    v, r, s = permit
    r_bytes, s_bytes = r.to_bytes(32, "big"), s.to_bytes(32, "big")  # MockUSD's permit takes bytes32
    token.permit(bettor, book.address, AMOUNT, deadline, v, r_bytes, s_bytes, sender=attacker)
    assert token.allowance(bettor, book.address) == AMOUNT

    book.deposit_with_permit(AMOUNT, deadline, permit, sender=bettor)

    [deposit] = actions.events(book, "Deposit")
    assert (deposit.account, deposit.amount) == (bettor, AMOUNT)
    assert book.balanceOf(bettor) == AMOUNT
    assert book.balanceOf(attacker) == 0
    assert token.nonces(bettor) == 1


@pytest.mark.parametrize("flaw", ["other signer", "smaller amount", "expired", "other spender"])
def test_rejects_bad_permit_without_allowance(book, token, bettor, attacker, deadline, flaw):
    signer, amount, spender = account_of("bettor"), AMOUNT, book.address
    if flaw == "other signer":
        signer = account_of("attacker")
    elif flaw == "smaller amount":
        amount = AMOUNT - 1
    elif flaw == "expired":
        deadline = boa.env.evm.patch.timestamp - 1
    else:
        spender = attacker
    permit = actions.sign_permit(token, signer, spender, amount, deadline, owner=bettor)

    with boa.reverts("book: permit failed"):
        book.deposit_with_permit(AMOUNT, deadline, permit, sender=bettor)
    assert book.balanceOf(bettor) == 0
    assert token.nonces(bettor) == 0


def test_bad_permit_with_enough_allowance_deposits(book, token, bettor, deadline):
    token.approve(book.address, AMOUNT, sender=bettor)
    permit = actions.sign_permit(token, account_of("attacker"), book.address, AMOUNT, deadline, owner=bettor)

    book.deposit_with_permit(AMOUNT, deadline, permit, sender=bettor)

    assert book.balanceOf(bettor) == AMOUNT


def test_permit_is_bound_to_its_owner(book, token, bettor, attacker, deadline):
    """The permit names the bettor; the attacker submitting it deposits nothing of the bettor's."""
    permit = actions.sign_permit(token, account_of("bettor"), book.address, AMOUNT, deadline)

    with boa.reverts("book: permit failed"):
        book.deposit_with_permit(AMOUNT, deadline, permit, sender=attacker)
    assert token.balanceOf(bettor) == AMOUNT


def test_rejects_while_paused(book, token, guardian, bettor, deadline):
    permit = actions.sign_permit(token, account_of("bettor"), book.address, AMOUNT, deadline)
    book.pause(sender=guardian)

    with boa.reverts("book: paused"):
        book.deposit_with_permit(AMOUNT, deadline, permit, sender=bettor)


def test_rejects_zero_amount(book, token, bettor, deadline):
    permit = actions.sign_permit(token, account_of("bettor"), book.address, 0, deadline)

    with boa.reverts("book: zero amount"):
        book.deposit_with_permit(0, deadline, permit, sender=bettor)
