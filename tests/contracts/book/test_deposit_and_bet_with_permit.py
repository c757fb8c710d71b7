"""Book.deposit_and_bet_with_permit: a newcomer's permit, deposit and first bet in one transaction."""

import boa
import pytest

from tests.contracts import actions
from tests.deployers import account_of

pytestmark = pytest.mark.unit

ONE = actions.ONE
AMOUNT = 250 * ONE
STAKE = 100 * ONE


@pytest.fixture
def bettor(token) -> str:
    """A newcomer: AMOUNT in the wallet, nothing in the book, no approval, a key to sign permits."""
    address = account_of("bettor").address
    token.faucet(AMOUNT, sender=address)
    return address


def _bet_in_one_go(system, market: int, bettor: str, deadline: int, stake: int = STAKE, permit=None) -> bytes:
    """Permit AMOUNT, deposit it and bet `stake` on the home side of `market`."""
    book = system.book
    permit = permit or actions.sign_permit(system.token, account_of("bettor"), book.address, AMOUNT, deadline)
    quote, signature = actions.make_quote(system, market)
    return book.deposit_and_bet_with_permit(
        AMOUNT, deadline, permit, quote.as_tuple(), signature.as_tuple(), 0, stake, 0, sender=bettor
    )


def test_default_behavior(system, book, token, liquidity, market, bettor, deadline):
    assert book.balanceOf(bettor) == 0

    bet_id = _bet_in_one_go(system, market, bettor, deadline)

    logs = [e for e in book.get_logs() if e.address == book.address]
    assert [type(e).__name__ for e in logs] == ["Deposit", "BetPlaced"]
    deposit, placed = logs
    assert (deposit.account, deposit.amount) == (bettor, AMOUNT)
    assert (placed.bet_id, placed.bettor, placed.market, placed.nonce) == (bet_id, bettor, market, 0)
    assert (placed.outcome, placed.stake, placed.payout) == (0, STAKE, 195 * ONE)
    assert book.balanceOf(bettor) == AMOUNT - STAKE
    assert book.bet_nonce(bettor) == 1
    assert book.is_open((bettor, 0, market, 0, STAKE, 195 * ONE))
    assert token.balanceOf(bettor) == 0
    assert token.allowance(bettor, book.address) == 0
    assert book.market(market).reserve == 95 * ONE


def test_existing_balance_adds_to_the_deposit(system, book, liquidity, market, bettor, deadline):
    actions.fund(system, bettor, 50 * ONE)

    _bet_in_one_go(system, market, bettor, deadline, stake=AMOUNT + 50 * ONE)

    assert book.balanceOf(bettor) == 0


def test_rejects_stake_above_the_deposit(system, book, token, liquidity, market, bettor, deadline):
    with boa.reverts("book: insufficient balance"):
        _bet_in_one_go(system, market, bettor, deadline, stake=AMOUNT + 1)
    assert book.balanceOf(bettor) == 0
    assert token.balanceOf(bettor) == AMOUNT
    assert token.nonces(bettor) == 0


def test_rejected_bet_undoes_the_deposit(system, book, token, liquidity, market, bettor, deadline):
    book.suspend(1, sender=system.pricer.address)
    permit = actions.sign_permit(token, account_of("bettor"), book.address, AMOUNT, deadline)
    stale, signature = actions.make_quote(system, market, epoch=0)

    with boa.reverts("book: stale quote"):
        book.deposit_and_bet_with_permit(
            AMOUNT, deadline, permit, stale.as_tuple(), signature.as_tuple(), 0, STAKE, 0, sender=bettor
        )
    assert book.balanceOf(bettor) == 0
    assert token.balanceOf(bettor) == AMOUNT


def test_rejects_bad_permit(system, book, liquidity, market, bettor, deadline):
    attacker = account_of("attacker")
    forged = actions.sign_permit(system.token, attacker, book.address, AMOUNT, deadline, owner=bettor)

    with boa.reverts("book: permit failed"):
        _bet_in_one_go(system, market, bettor, deadline, permit=forged)


def test_rejects_while_paused(system, book, guardian, liquidity, market, bettor, deadline):
    book.pause(sender=guardian)

    with boa.reverts("book: paused"):
        _bet_in_one_go(system, market, bettor, deadline)
