"""Book.settle_bets: a keeper pays batches of bets of final games into their bettors' balances."""

import boa
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle.markets import Grade, Kind, ResultStatus, amount_due, grade
from tests.contracts import actions

pytestmark = pytest.mark.unit

ONE = actions.ONE
MAX_BATCH = 256  # contracts/constants.vy
BET_ABI = ["address", "uint64", "uint64", "uint8", "uint128", "uint128"]

# game 1 ends 2-1; (kind, line, outcome, stake, odds) -> the grade that score gives
GRADED_BETS = [
    ((Kind.ONE_X_TWO, 0, 0, 10_000_001, 19_500), Grade.WIN),  # home wins
    ((Kind.ONE_X_TWO, 0, 1, 7 * ONE, 34_000), Grade.LOSS),  # no draw
    ((Kind.TOTALS, 13, 0, 3_333_333, 19_100), Grade.HALF_LOSS),  # over 3.25 with 3 goals
    ((Kind.TOTALS, 13, 1, 5_000_001, 18_700), Grade.HALF_WIN),  # under 3.25 with 3 goals
    ((Kind.HANDICAP, -4, 0, 4 * ONE, 19_000), Grade.PUSH),  # home -1 winning by one
]


def _bet_id(bet: actions.Bet) -> bytes:
    return keccak(encode(BET_ABI, list(bet.as_tuple())))


def _market(system, kind: Kind, line: int) -> int:
    return system.book.market_id(1, int(kind), line) or actions.add_market(system, 1, kind, line)


def _bet(system, bettor: str, kind: Kind, line: int, outcome: int, stake: int, odds: int) -> actions.Bet:
    quote_odds = tuple(odds if o == outcome else 0 for o in range(3))
    return actions.place_bet(system, bettor, _market(system, kind, line), outcome, stake, quote_odds)


@pytest.fixture
def other_bettor(system) -> str:
    address = boa.env.generate_address("other bettor")
    actions.fund(system, address, 1_000 * actions.ONE)
    return address


@pytest.fixture
def home_bet(system, ready, funded_bettor) -> actions.Bet:
    """100 on the home side of the 1X2 market at 1.95."""
    return actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)


@pytest.fixture
def draw_bet(system, ready, funded_bettor) -> actions.Bet:
    """50 on the draw at 3.40."""
    return actions.place_bet(system, funded_bettor, ready, 1, 50 * ONE)


def test_default_behavior(system, book, keeper, liquidity, game, funded_bettor, other_bettor):
    bettors = [funded_bettor, other_bettor]
    bets = [_bet(system, bettors[i % 2], *spec) for i, (spec, _) in enumerate(GRADED_BETS)]
    actions.settle_game(system, game, 2, 1)
    balances = [book.balanceOf(b) for b in bettors]

    settled = book.settle_bets([b.as_tuple() for b in bets], sender=keeper)

    events = actions.events(book, "BetSettled")
    assert settled == len(bets)
    assert len(events) == len(bets)
    credited = dict.fromkeys(bettors, 0)
    for bet, (spec, expected_grade), event in zip(bets, GRADED_BETS, events, strict=True):
        kind, line = spec[0], spec[1]
        assert grade(kind, line, bet.outcome, 2, 1) == expected_grade
        due = amount_due(expected_grade, bet.stake, bet.payout)
        assert (event.bet_id, event.bettor, event.market) == (_bet_id(bet), bet.bettor, bet.market)
        assert (event.grade, event.amount) == (expected_grade, due)
        assert not book.is_open(bet.as_tuple())
        credited[bet.bettor] += due
    assert [book.balanceOf(b) - before for b, before in zip(bettors, balances, strict=True)] == [
        credited[b] for b in bettors
    ]
    # the rounding cases, by hand: half-loss keeps half the stake, half-win averages payout and stake
    assert [e.amount for e in events] == [19_500_001, 0, 1_666_666, 7_175_001, 4 * ONE]


def test_loser_is_settled_with_nothing(system, book, keeper, game, draw_bet):
    actions.settle_game(system, game, 2, 1)
    balance = book.balanceOf(draw_bet.bettor)

    settled = book.settle_bets([draw_bet.as_tuple()], sender=keeper)

    [event] = actions.events(book, "BetSettled")
    assert settled == 1
    assert (event.bet_id, event.grade, event.amount) == (_bet_id(draw_bet), Grade.LOSS, 0)
    assert book.balanceOf(draw_bet.bettor) == balance
    assert not book.is_open(draw_bet.as_tuple())


def test_settles_each_bet_once(system, book, keeper, game, home_bet, draw_bet):
    actions.settle_game(system, game, 2, 1)
    batch = [home_bet.as_tuple(), draw_bet.as_tuple()]
    assert book.settle_bets(batch, sender=keeper) == 2
    balance = book.balanceOf(home_bet.bettor)

    settled = book.settle_bets(batch, sender=keeper)

    assert actions.events(book, "BetSettled") == []
    assert settled == 0
    assert book.balanceOf(home_bet.bettor) == balance


def test_skips_bet_claimed_first(system, book, keeper, game, home_bet, draw_bet):
    actions.settle_game(system, game, 2, 1)
    balance = book.balanceOf(home_bet.bettor)
    book.claim(home_bet.as_tuple(), sender=home_bet.bettor)

    settled = book.settle_bets([home_bet.as_tuple(), draw_bet.as_tuple()], sender=keeper)

    [event] = actions.events(book, "BetSettled")
    assert settled == 1
    assert event.bet_id == _bet_id(draw_bet)
    assert book.balanceOf(home_bet.bettor) == balance + home_bet.payout


def test_skips_forged_bets(system, book, keeper, attacker, game, home_bet):
    actions.settle_game(system, game, 2, 1)
    inflated = actions.Bet(*home_bet.as_tuple()[:5], home_bet.payout * 10)
    stolen = actions.Bet(attacker, *home_bet.as_tuple()[1:])
    balance = book.balanceOf(home_bet.bettor)

    settled = book.settle_bets([inflated.as_tuple(), stolen.as_tuple(), home_bet.as_tuple()], sender=keeper)

    [event] = actions.events(book, "BetSettled")
    assert settled == 1
    assert event.bet_id == _bet_id(home_bet)
    assert book.balanceOf(home_bet.bettor) == balance + home_bet.payout
    assert book.balanceOf(attacker) == 0


@pytest.mark.parametrize("stage", ["open", "proposed", "challenged"])
def test_rejects_game_not_final(system, book, keeper, guardian, game, home_bet, stage):
    if stage != "open":
        actions.time_travel(book.game(game).kickoff - boa.env.evm.patch.timestamp)
        actions.report(system, game, 2, 1)
    if stage == "challenged":
        book.challenge(game, sender=guardian)

    with boa.reverts("book: game not final"):
        book.settle_bets([home_bet.as_tuple()], sender=keeper)
    assert book.is_open(home_bet.as_tuple())


def test_one_unfinished_game_fails_the_batch(system, book, keeper, liquidity, game, home_bet):
    actions.create_game(system, 2, kickoff_in=7_200)
    other = actions.place_bet(system, home_bet.bettor, actions.add_market(system, 2), 0, 10 * ONE)
    actions.settle_game(system, game, 2, 1)

    with boa.reverts("book: game not final"):
        book.settle_bets([home_bet.as_tuple(), other.as_tuple()], sender=keeper)
    assert book.is_open(home_bet.as_tuple())


def test_works_while_paused(system, book, keeper, guardian, game, home_bet):
    actions.settle_game(system, game, 2, 1)
    balance = book.balanceOf(home_bet.bettor)
    book.pause(sender=guardian)

    assert book.settle_bets([home_bet.as_tuple()], sender=keeper) == 1
    assert book.balanceOf(home_bet.bettor) == balance + home_bet.payout


@pytest.mark.parametrize("ending", ["cancelled", "voided"])
def test_cancelled_game_refunds_every_stake(system, book, keeper, liquidity, game, funded_bettor, ending):
    bets = [_bet(system, funded_bettor, *spec) for spec, _ in GRADED_BETS]
    staked = sum(b.stake for b in bets)
    if ending == "cancelled":
        actions.settle_game(system, game, 0, 0, ResultStatus.CANCELLED)
    else:
        g = book.game(game)
        actions.time_travel(g.kickoff + book.void_delay() - boa.env.evm.patch.timestamp)
        book.void_game(game, sender=keeper)
    balance = book.balanceOf(funded_bettor)

    assert book.settle_bets([b.as_tuple() for b in bets], sender=keeper) == len(bets)

    events = actions.events(book, "BetSettled")
    assert [(e.grade, e.amount) for e in events] == [(Grade.PUSH, b.stake) for b in bets]
    assert book.balanceOf(funded_bettor) == balance + staked


def test_settles_a_full_batch(system, book, keeper, ready, funded_bettor):
    quote, signature = actions.make_quote(system, ready)
    for _ in range(MAX_BATCH):
        book.place_bet(quote.as_tuple(), signature.as_tuple(), 0, ONE, 0, sender=funded_bettor)
    bets = [actions.Bet(funded_bettor, n, ready, 0, ONE, 19_500 * ONE // 10_000) for n in range(MAX_BATCH)]
    actions.settle_game(system, 1, 1, 0)
    balance = book.balanceOf(funded_bettor)

    settled = book.settle_bets([b.as_tuple() for b in bets], sender=keeper)

    assert settled == MAX_BATCH
    assert len(actions.events(book, "BetSettled")) == MAX_BATCH
    assert book.balanceOf(funded_bettor) == balance + MAX_BATCH * 1_950_000
    assert not any(book.is_open(b.as_tuple()) for b in bets)
