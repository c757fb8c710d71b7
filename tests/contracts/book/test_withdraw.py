"""Book.withdraw: book balance back to the bettor's wallet, never paused."""

import boa
import pytest

from tests.contracts import actions

pytestmark = pytest.mark.unit

BALANCE = 1_000 * actions.ONE  # what `funded_bettor` holds


def test_default_behavior(book, token, funded_bettor):
    book.withdraw(300 * actions.ONE, sender=funded_bettor)

    [withdrawal] = actions.events(book, "Withdrawal")
    assert (withdrawal.account, withdrawal.amount) == (funded_bettor, 300 * actions.ONE)
    assert book.balanceOf(funded_bettor) == 700 * actions.ONE
    assert token.balanceOf(funded_bettor) == 300 * actions.ONE
    assert token.balanceOf(book.address) == 700 * actions.ONE

    book.withdraw(700 * actions.ONE, sender=funded_bettor)

    assert book.balanceOf(funded_bettor) == 0
    assert token.balanceOf(funded_bettor) == BALANCE


def test_keeps_bet_nonce(system, book, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 10 * actions.ONE)

    book.withdraw(BALANCE - 10 * actions.ONE, sender=funded_bettor)

    assert book.balanceOf(funded_bettor) == 0
    assert book.bet_nonce(funded_bettor) == 1


def test_works_while_paused(book, token, guardian, funded_bettor):
    book.pause(sender=guardian)

    book.withdraw(BALANCE, sender=funded_bettor)

    assert book.balanceOf(funded_bettor) == 0
    assert token.balanceOf(funded_bettor) == BALANCE


def test_rejects_insufficient_balance(book, funded_bettor):
    with boa.reverts("book: insufficient balance"):
        book.withdraw(BALANCE + 1, sender=funded_bettor)


def test_rejects_stake_locked_in_a_bet(system, book, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 10 * actions.ONE)

    with boa.reverts("book: insufficient balance"):
        book.withdraw(BALANCE - 10 * actions.ONE + 1, sender=funded_bettor)


def test_rejects_account_without_balance(book, attacker):
    with boa.reverts("book: insufficient balance"):
        book.withdraw(1, sender=attacker)


def test_rejects_zero_amount(book, funded_bettor):
    with boa.reverts("book: zero amount"):
        book.withdraw(0, sender=funded_bettor)
