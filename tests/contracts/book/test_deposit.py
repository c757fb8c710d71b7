"""Book.deposit: stablecoin from the caller's wallet into their book balance."""

import boa
import pytest

from tests.contracts import actions
from tests.deployers import DEPLOYERS

pytestmark = pytest.mark.unit

AMOUNT = 250 * actions.ONE

# A token that keeps 1% of every transferFrom: the Book must refuse it,
# or balances would be credited with money it never received.
FEE_TOKEN = """
# pragma version ~=0.4.3

decimals: public(constant(uint8)) = 6
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])


@external
def mint(to: address, amount: uint256):
    self.balanceOf[to] += amount


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    return True


@external
def transferFrom(owner: address, to: address, amount: uint256) -> bool:
    self.allowance[owner][msg.sender] -= amount
    self.balanceOf[owner] -= amount
    self.balanceOf[to] += amount - amount // 100
    return True
"""


def test_default_behavior(book, token, bettor):
    token.faucet(2 * AMOUNT, sender=bettor)
    token.approve(book.address, 2 * AMOUNT, sender=bettor)

    book.deposit(AMOUNT, sender=bettor)

    [deposit] = actions.events(book, "Deposit")
    assert (deposit.account, deposit.amount) == (bettor, AMOUNT)
    assert book.balanceOf(bettor) == AMOUNT
    assert token.balanceOf(bettor) == AMOUNT
    assert token.balanceOf(book.address) == AMOUNT
    assert token.allowance(bettor, book.address) == AMOUNT

    book.deposit(AMOUNT, sender=bettor)

    assert book.balanceOf(bettor) == 2 * AMOUNT
    assert token.balanceOf(book.address) == 2 * AMOUNT
    assert book.bet_nonce(bettor) == 0


def test_rejects_zero_amount(book, token, bettor):
    token.faucet(AMOUNT, sender=bettor)
    token.approve(book.address, AMOUNT, sender=bettor)

    with boa.reverts("book: zero amount"):
        book.deposit(0, sender=bettor)


def test_rejects_while_paused(book, token, guardian, bettor):
    token.faucet(AMOUNT, sender=bettor)
    token.approve(book.address, AMOUNT, sender=bettor)
    book.pause(sender=guardian)

    with boa.reverts("book: paused"):
        book.deposit(AMOUNT, sender=bettor)


def test_rejects_without_allowance(book, token, bettor):
    token.faucet(AMOUNT, sender=bettor)
    token.approve(book.address, AMOUNT - 1, sender=bettor)

    with boa.reverts("erc20: insufficient allowance"):
        book.deposit(AMOUNT, sender=bettor)
    assert book.balanceOf(bettor) == 0


def test_rejects_more_than_wallet_holds(book, token, bettor):
    token.faucet(AMOUNT - 1, sender=bettor)
    token.approve(book.address, AMOUNT, sender=bettor)

    with boa.reverts("erc20: transfer amount exceeds balance"):
        book.deposit(AMOUNT, sender=bettor)


def test_rejects_fee_on_transfer_token(bettor):
    fee_token = boa.loads(FEE_TOKEN, name="FeeToken")
    fee_book = DEPLOYERS["Book"].deploy(fee_token.address, 10_000, 3_600, 86_400 * 3)
    fee_token.mint(bettor, AMOUNT)
    fee_token.approve(fee_book.address, AMOUNT, sender=bettor)

    with boa.reverts("book: token took a fee"):
        fee_book.deposit(AMOUNT, sender=bettor)
    assert fee_book.balanceOf(bettor) == 0
