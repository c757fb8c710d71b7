"""Book.void_game: anyone cancels a game nobody settled in time; every stake is refunded."""

import boa
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle.markets import Kind, ResultStatus
from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

CANCELLED = int(ResultStatus.CANCELLED)
STATE_OPEN, STATE_FINAL = 1, 6
FUNDS = 1_000 * ONE


@pytest.fixture
def bettors(system) -> list[str]:
    bettors = [boa.env.generate_address(f"bettor {i}") for i in range(3)]
    for bettor in bettors:
        actions.fund(system, bettor, FUNDS)
    return bettors


@pytest.fixture
def bets(system, liquidity, game, market, bettors) -> list:
    """Bets on every outcome of a 1X2 and a quarter-line handicap market, pre-game and in play."""
    handicap = actions.add_market(system, game, Kind.HANDICAP, -3)
    placed = [actions.place_bet(system, b, market, o, (o + 1) * 7 * ONE + 1) for o, b in enumerate(bettors)]
    system.book.set_live(game, True, sender=system.operator)
    placed += [
        actions.place_bet(system, b, handicap, o, 13 * ONE + o, (20_500, 18_300, 0))
        for o, b in enumerate(bettors[:2])
    ]
    return placed


def _to_void_deadline(book, game: int, early: int = 0) -> None:
    actions.time_travel(book.game(game).deadline - actions.now() - early)


def test_default_behavior(system, book, vault, token, keeper, game, bets, bettors):
    assets = vault.totalAssets()
    assert book.game(game).deadline == book.game(game).kickoff + book.void_delay()
    assert book.headroom() < assets
    _to_void_deadline(book, game)

    book.void_game(game, sender=keeper)

    [finalized] = actions.events(book, "ResultFinalized")
    accumulator = keccak(
        encode(["bytes32", "uint256", "uint256", "uint256", "uint256"], [b"\x00" * 32, game, CANCELLED, 0, 0])
    )
    assert (finalized.game, finalized.status, finalized.home, finalized.away) == (game, CANCELLED, 0, 0)
    assert (finalized.vault_net, finalized.accumulator) == (0, accumulator)
    assert actions.events(book, "Settled", emitter=system.vault) == []
    g = book.game(game)
    assert (g.state, g.cancelled, g.home, g.away, g.deadline, g.reserve) == (STATE_FINAL, True, 0, 0, 0, 0)
    assert (g.market_cap, g.game_cap, g.market_count) == (0, 0, 2)
    assert (book.headroom(), book.upside()) == (assets, 0)
    assert book.finalized_games() == 1

    assert book.settle_bets([b.as_tuple() for b in bets], sender=keeper) == len(bets)

    assert [book.balanceOf(b) for b in bettors] == [FUNDS] * 3
    assert vault.totalAssets() == assets
    assert token.balanceOf(book) == 3 * FUNDS


def test_one_second_early(book, keeper, game, bets):
    _to_void_deadline(book, game, early=1)
    with boa.reverts("book: too early to void"):
        book.void_game(game, sender=keeper)


def test_before_kickoff(book, game):
    with boa.reverts("book: too early to void"):
        book.void_game(game)


@pytest.mark.parametrize("state", ["live", "closed"])
def test_from_live_or_closed(book, operator, game, state):
    book.set_live(game, True, sender=operator)
    if state == "closed":
        book.set_live(game, False, sender=operator)
    _to_void_deadline(book, game)

    book.void_game(game)

    assert (book.game(game).state, book.game(game).cancelled) == (STATE_FINAL, True)


def test_unknown_game(book):
    with boa.reverts("book: unknown game"):
        book.void_game(1)


def test_result_proposed(system, book, game, bets):
    actions.time_travel(book.game(game).kickoff - actions.now())
    actions.report(system, game, 1, 0)
    actions.time_travel(book.void_delay() * 2)
    with boa.reverts("book: result proposed"):
        book.void_game(game)


def test_game_final(system, book, game, bets):
    actions.settle_game(system, game, 1, 0)
    _to_void_deadline(book, game)
    actions.time_travel(book.void_delay())
    with boa.reverts("book: game final"):
        book.void_game(game)
    assert book.game(game).cancelled is False


def test_voided_twice(book, game):
    _to_void_deadline(book, game)
    book.void_game(game)
    with boa.reverts("book: game final"):
        book.void_game(game)
    assert book.finalized_games() == 1


def test_after_challenge_clock_restarts(system, book, guardian, game, bets):
    actions.time_travel(book.game(game).kickoff - actions.now() + 7_200)
    actions.report(system, game, 2, 2)
    book.challenge(game, sender=guardian)
    void_after = actions.now() + book.void_delay()
    assert void_after > book.game(game).kickoff + book.void_delay()

    actions.time_travel(void_after - actions.now() - 1)
    with boa.reverts("book: too early to void"):
        book.void_game(game)
    actions.time_travel(1)
    book.void_game(game)

    assert (book.game(game).state, book.game(game).cancelled, book.game(game).home) == (STATE_FINAL, True, 0)


def test_challenge_of_early_cancellation(system, book, guardian, game):
    actions.report(system, game, 0, 0, ResultStatus.CANCELLED)
    book.challenge(game, sender=guardian)
    void_after = actions.now() + book.void_delay()
    # the challenge set the clock, even ahead of the kickoff-based deadline
    assert void_after < book.game(game).kickoff + book.void_delay()

    actions.time_travel(void_after - actions.now())
    book.void_game(game)

    assert book.game(game).state == STATE_FINAL


@pytest.mark.parametrize("void_delay", [3_600, 86_400 * 30])
def test_deadline_fixed_at_creation(book, admin, game, void_delay):
    deadline = book.game(game).deadline
    book.set_params(book.challenge_window(), void_delay, sender=admin)

    actions.time_travel(deadline - actions.now() - 1)
    with boa.reverts("book: too early to void"):
        book.void_game(game)
    actions.time_travel(1)
    book.void_game(game)
    assert book.game(game).state == STATE_FINAL


def test_not_paused(book, guardian, game, bets, bettors):
    book.pause(sender=guardian)
    _to_void_deadline(book, game)

    book.void_game(game)

    assert book.settle_bets([b.as_tuple() for b in bets]) == len(bets)
    assert book.balanceOf(bettors[2]) == FUNDS
