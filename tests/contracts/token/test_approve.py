"""MockUSD.approve: set an allowance (overwriting the previous one)."""

import boa
import pytest

from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit


def test_default_behavior(token, bettor, book):
    assert token.approve(book.address, 7 * ONE, sender=bettor) is True

    (approval,) = token.get_logs()
    assert (approval.owner, approval.spender, approval.value) == (bettor, book.address, 7 * ONE)
    assert token.allowance(bettor, book.address) == 7 * ONE


def test_overwrites(token, bettor, book):
    token.approve(book.address, 7 * ONE, sender=bettor)

    token.approve(book.address, 2 * ONE, sender=bettor)

    assert token.allowance(bettor, book.address) == 2 * ONE


def test_to_zero_address(token, bettor):
    with boa.reverts("erc20: approve to the zero address"):
        token.approve("0x" + "00" * 20, ONE, sender=bettor)
