"""Book.claim: one bet of a final game settled into its bettor's balance, by anyone."""

import boa
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle.markets import Grade, ResultStatus
from tests.contracts import actions

pytestmark = pytest.mark.unit

ONE = actions.ONE
BET_ABI = ["address", "uint64", "uint64", "uint8", "uint128", "uint128"]


def _bet_id(bet: actions.Bet) -> bytes:
    return keccak(encode(BET_ABI, list(bet.as_tuple())))


@pytest.fixture
def home_bet(system, ready, funded_bettor) -> actions.Bet:
    """100 on the home side of the 1X2 market at 1.95: pays 195 on a home win."""
    return actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)


@pytest.fixture
def home_win(system, game, home_bet) -> None:
    """Game 1 finalized 2-1."""
    actions.settle_game(system, game, 2, 1)


def test_default_behavior(book, home_bet, home_win):
    balance = book.balanceOf(home_bet.bettor)

    amount = book.claim(home_bet.as_tuple(), sender=home_bet.bettor)

    [event] = actions.events(book, "BetSettled")
    assert amount == 195 * ONE == home_bet.payout
    assert (event.bet_id, event.bettor, event.market) == (_bet_id(home_bet), home_bet.bettor, home_bet.market)
    assert (event.grade, event.amount) == (Grade.WIN, 195 * ONE)
    assert book.balanceOf(home_bet.bettor) == balance + 195 * ONE
    assert not book.is_open(home_bet.as_tuple())


def test_anyone_may_claim_for_the_bettor(book, keeper, home_bet, home_win):
    balance = book.balanceOf(home_bet.bettor)

    amount = book.claim(home_bet.as_tuple(), sender=keeper)

    [event] = actions.events(book, "BetSettled")
    assert amount == home_bet.payout
    assert event.bettor == home_bet.bettor
    assert book.balanceOf(home_bet.bettor) == balance + home_bet.payout
    assert book.balanceOf(keeper) == 0


def test_losing_bet_claims_nothing(system, book, ready, funded_bettor, home_bet):
    draw = actions.place_bet(system, funded_bettor, ready, 1, 50 * ONE)
    actions.settle_game(system, 1, 2, 1)
    balance = book.balanceOf(funded_bettor)

    amount = book.claim(draw.as_tuple(), sender=funded_bettor)

    [event] = actions.events(book, "BetSettled")
    assert amount == 0
    assert (event.grade, event.amount) == (Grade.LOSS, 0)
    assert book.balanceOf(funded_bettor) == balance
    assert not book.is_open(draw.as_tuple())


def test_cancelled_game_returns_the_stake(system, book, game, home_bet):
    actions.settle_game(system, game, 0, 0, ResultStatus.CANCELLED)

    assert book.claim(home_bet.as_tuple(), sender=home_bet.bettor) == home_bet.stake
    assert actions.events(book, "BetSettled")[0].grade == Grade.PUSH


def test_works_while_paused(book, guardian, home_bet, home_win):
    book.pause(sender=guardian)

    assert book.claim(home_bet.as_tuple(), sender=home_bet.bettor) == home_bet.payout


def test_rejects_second_claim(book, home_bet, home_win):
    book.claim(home_bet.as_tuple(), sender=home_bet.bettor)
    balance = book.balanceOf(home_bet.bettor)

    with boa.reverts("book: bet not open"):
        book.claim(home_bet.as_tuple(), sender=home_bet.bettor)
    assert book.balanceOf(home_bet.bettor) == balance


@pytest.mark.parametrize("field", ["payout", "stake", "outcome", "nonce", "bettor"])
def test_rejects_forged_bet(book, attacker, home_bet, home_win, field):
    forged = {
        "payout": actions.Bet(*home_bet.as_tuple()[:5], home_bet.payout + 1),
        "stake": actions.Bet(*home_bet.as_tuple()[:4], home_bet.stake + 1, home_bet.payout),
        "outcome": actions.Bet(*home_bet.as_tuple()[:3], 2, *home_bet.as_tuple()[4:]),
        "nonce": actions.Bet(home_bet.bettor, home_bet.nonce + 1, *home_bet.as_tuple()[2:]),
        "bettor": actions.Bet(attacker, *home_bet.as_tuple()[1:]),
    }[field]

    with boa.reverts("book: bet not open"):
        book.claim(forged.as_tuple(), sender=attacker)
    assert book.is_open(home_bet.as_tuple())


def test_rejects_before_final(system, book, game, home_bet):
    actions.time_travel(book.game(game).kickoff - boa.env.evm.patch.timestamp)
    actions.report(system, game, 2, 1)

    with boa.reverts("book: game not final"):
        book.claim(home_bet.as_tuple(), sender=home_bet.bettor)
