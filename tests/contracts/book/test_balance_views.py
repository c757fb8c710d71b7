"""Book views of accounts and exposure: balanceOf, bet_nonce, is_open and market()."""

import boa
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle.markets import Kind
from tests.contracts import actions

pytestmark = pytest.mark.unit

ONE = actions.ONE
BALANCE = 1_000 * ONE  # what `funded_bettor` holds
BET_ABI = ["address", "uint64", "uint64", "uint8", "uint128", "uint128"]


def _bet_id(bet: actions.Bet) -> bytes:
    return keccak(encode(BET_ABI, list(bet.as_tuple())))


@pytest.fixture
def other_bettor(system) -> str:
    address = boa.env.generate_address("other bettor")
    actions.fund(system, address, BALANCE)
    return address


def test_default_behavior(book, bettor):
    assert book.balanceOf(bettor) == 0
    assert book.bet_nonce(bettor) == 0
    assert not book.is_open((bettor, 0, 1 << 8, 0, 0, 0))


def test_balance_follows_every_move(system, book, ready, funded_bettor):
    assert book.balanceOf(funded_bettor) == BALANCE

    bet = actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)
    assert book.balanceOf(funded_bettor) == BALANCE - 100 * ONE

    book.withdraw(400 * ONE, sender=funded_bettor)
    assert book.balanceOf(funded_bettor) == 500 * ONE

    actions.settle_game(system, 1, 1, 0)
    book.claim(bet.as_tuple(), sender=funded_bettor)
    assert book.balanceOf(funded_bettor) == 500 * ONE + 195 * ONE


def test_nonces_count_each_bettors_bets(system, book, ready, funded_bettor, other_bettor):
    first = actions.place_bet(system, funded_bettor, ready, 0, 10 * ONE)
    second = actions.place_bet(system, funded_bettor, ready, 0, 10 * ONE)
    other = actions.place_bet(system, other_bettor, ready, 0, 10 * ONE)

    assert (first.nonce, second.nonce, other.nonce) == (0, 1, 0)
    assert book.bet_nonce(funded_bettor) == 2
    assert book.bet_nonce(other_bettor) == 1
    # identical bets differ by nonce, so each has an id of its own
    assert len({_bet_id(first), _bet_id(second), _bet_id(other)}) == 3
    assert all(book.is_open(b.as_tuple()) for b in (first, second, other))
    assert book.balanceOf(funded_bettor) == BALANCE - 20 * ONE


def test_is_open_until_settled(system, book, ready, funded_bettor):
    bet = actions.place_bet(system, funded_bettor, ready, 1, 10 * ONE)
    assert book.is_open(bet.as_tuple())
    assert not book.is_open((*bet.as_tuple()[:5], bet.payout + 1))

    actions.settle_game(system, 1, 1, 1)
    book.claim(bet.as_tuple(), sender=funded_bettor)

    assert not book.is_open(bet.as_tuple())


@pytest.mark.parametrize("first_settled", [0, 1])
def test_the_two_bets_sharing_a_slot_settle_apart(system, book, ready, funded_bettor, first_settled):
    """Nonces 0 and 1 share one storage slot: settling either leaves the other open, and only
    the exact fields of each bet open it."""
    pair = [actions.place_bet(system, funded_bettor, ready, outcome, 10 * ONE) for outcome in (0, 1)]
    assert [b.nonce for b in pair] == [0, 1]
    assert all(book.is_open(b.as_tuple()) for b in pair)
    forged = [(*b.as_tuple()[:3], 2, b.stake, b.payout) for b in pair]  # another outcome, same nonce
    assert not any(book.is_open(f) for f in forged)

    actions.settle_game(system, 1, 1, 1)
    book.claim(pair[first_settled].as_tuple(), sender=funded_bettor)

    assert not book.is_open(pair[first_settled].as_tuple())
    assert book.is_open(pair[1 - first_settled].as_tuple())
    with boa.reverts("book: bet not open"):
        book.claim(forged[1 - first_settled], sender=funded_bettor)
    book.claim(pair[1 - first_settled].as_tuple(), sender=funded_bettor)
    assert not any(book.is_open(b.as_tuple()) for b in pair)


def test_market_describes_its_definition(system, book, game):
    market = actions.add_market(system, game, Kind.HANDICAP, -9)  # home -2.25

    view = book.market(market)

    assert market == game << 8
    assert (view.game, view.kind, view.line, view.outcomes) == (game, Kind.HANDICAP, -9, 2)
    assert (list(view.nets), view.reserve, view.upside) == ([0, 0, 0], 0, 0)
    assert book.market_id(game, int(Kind.HANDICAP), -9) == market


def test_market_exposure_after_bets_on_both_sides(system, book, liquidity, game, funded_bettor, other_bettor):
    market = actions.add_market(system, game, Kind.HANDICAP, -9)
    actions.place_bet(system, funded_bettor, market, 0, 200 * ONE, (18_000, 20_500, 0))
    actions.place_bet(system, other_bettor, market, 1, 120 * ONE, (18_000, 20_500, 0))

    view = book.market(market)

    # home pays 360 of 320 staked; away pays 246 of 320 staked
    assert list(view.nets) == [40 * ONE, -74 * ONE, 0]
    assert (view.reserve, view.upside) == (40 * ONE, 74 * ONE)
    assert book.game(game).reserve == 40 * ONE
    assert book.headroom() == liquidity - 40 * ONE
    assert book.upside() == 74 * ONE


def test_balanced_market_reserves_nothing(system, book, liquidity, ready, funded_bettor):
    for outcome in range(3):
        actions.place_bet(system, funded_bettor, ready, outcome, 100 * ONE, (25_000, 25_000, 25_000))

    view = book.market(ready)

    # every outcome pays 250 of the 300 staked: the book wins 50 whatever happens
    assert list(view.nets) == [-50 * ONE] * 3
    assert (view.reserve, view.upside) == (0, 50 * ONE)
    assert book.game(1).reserve == 0
    assert book.headroom() == liquidity


def test_market_rejects_unknown_market(book, game):
    with boa.reverts("book: unknown market"):
        book.market(game << 8 | 1)
