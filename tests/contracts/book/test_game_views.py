"""Book.game and Book.game_state: one packed word per game, read by phase.

While bets are taken (open, live, closed) the word holds the caps and the
reserve; once a result exists (proposed, challenged, final) it holds the
score, the cancelled flag and the deadline. The view shows what the phase
holds and zeros for the rest; the reserve stays held in `headroom` until
the result is final.
"""

import pytest

from oracle.markets import ResultStatus
from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

STATE_NONE, STATE_OPEN, STATE_LIVE, STATE_CLOSED = 0, 1, 2, 3
STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL = 4, 5, 6
MARKET_CAP, GAME_CAP = 10**6 * ONE, 10**7 * ONE  # actions.create_game's defaults


def _bring_to(system, game: int, state: int) -> None:
    """Move an open `game` (kickoff in the future) into `state` by the real paths."""
    book = system.book
    if state in (STATE_LIVE, STATE_CLOSED):
        book.set_live(game, True, sender=system.operator)
    if state == STATE_CLOSED:
        book.set_live(game, False, sender=system.operator)
    if state >= STATE_PROPOSED:
        actions.time_travel(book.game(game).kickoff - actions.now())
        actions.report(system, game, 2, 1)
    if state == STATE_CHALLENGED:
        book.challenge(game, sender=system.guardian)
    if state == STATE_FINAL:
        actions.time_travel(book.challenge_window())
        book.finalize(game)


@pytest.fixture
def bet(system, ready, funded_bettor) -> actions.Bet:
    """A 100-unit home bet at 1.95: the 1X2 market reserves 95 and may win 100."""
    return actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)


def test_default_behavior(system, book, game, bet):
    kickoff = book.game(game).kickoff
    void_after = kickoff + book.void_delay()
    headroom, upside = book.headroom(), book.upside()

    g = book.game(game)
    assert (g.kickoff, g.epoch, g.state, g.market_count) == (kickoff, 0, STATE_OPEN, 1)
    assert (g.market_cap, g.game_cap, g.reserve) == (MARKET_CAP, GAME_CAP, 95 * ONE)
    assert (g.home, g.away, g.cancelled, g.deadline) == (0, 0, False, void_after)
    assert book.game_state(game) == STATE_OPEN

    actions.time_travel(kickoff - actions.now())
    actions.report(system, game, 2, 1)

    g = book.game(game)
    final_after = actions.now() + book.challenge_window()
    assert (g.kickoff, g.epoch, g.state, g.market_count) == (kickoff, 0, STATE_PROPOSED, 1)
    assert (g.home, g.away, g.cancelled, g.deadline) == (2, 1, False, final_after)
    assert (g.market_cap, g.game_cap, g.reserve) == (0, 0, 0)
    assert book.game_state(game) == STATE_PROPOSED
    # the reserve left the view, not the books: it is held until finalize
    assert (book.headroom(), book.upside()) == (headroom, upside)
    assert book.market(bet.market).reserve == 95 * ONE


def test_unknown_game(book):
    g = book.game(1)
    assert g == (0, 0, STATE_NONE, 0, 0, 0, False, 0, 0, 0, 0)
    assert book.game_state(1) == STATE_NONE
    assert book.game_state(2**256 - 1) == STATE_NONE


@pytest.mark.parametrize(
    "state", [STATE_OPEN, STATE_LIVE, STATE_CLOSED, STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL]
)
def test_game_state_is_the_games(system, book, game, bet, state):
    _bring_to(system, game, state)

    assert book.game_state(game) == book.game(game).state == state
    assert book.game_state(game + 1) == STATE_NONE


@pytest.mark.parametrize("state", [STATE_OPEN, STATE_LIVE, STATE_CLOSED])
def test_betting_phase(system, book, operator, game, bet, state):
    book.set_caps(game, 300 * ONE, 900 * ONE, sender=operator)
    _bring_to(system, game, state)

    g = book.game(game)
    assert (g.market_cap, g.game_cap, g.reserve) == (300 * ONE, 900 * ONE, 95 * ONE)
    assert (g.home, g.away, g.cancelled) == (0, 0, False)
    assert g.deadline == g.kickoff + book.void_delay()


@pytest.mark.parametrize("state", [STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL])
def test_result_phase(system, book, game, bet, state):
    kickoff = book.game(game).kickoff

    _bring_to(system, game, state)

    g = book.game(game)
    assert (g.kickoff, g.market_count, g.state) == (kickoff, 1, state)
    assert (g.home, g.away, g.cancelled) == (2, 1, False)
    assert (g.market_cap, g.game_cap, g.reserve) == (0, 0, 0)
    expected_deadline = {
        STATE_PROPOSED: actions.now() + book.challenge_window(),
        STATE_CHALLENGED: actions.now() + book.void_delay(),
        STATE_FINAL: 0,
    }[state]
    assert g.deadline == expected_deadline


def test_reserve_held_until_finalize(system, book, vault, game, bet):
    assets = vault.totalAssets()
    assert (book.headroom(), book.upside()) == (assets - 95 * ONE, 100 * ONE)
    _bring_to(system, game, STATE_PROPOSED)
    assert (book.headroom(), book.upside()) == (assets - 95 * ONE, 100 * ONE)
    actions.time_travel(book.challenge_window())

    book.finalize(game)

    # home won: the vault pays the market's worst case, 95, and nothing more is held
    assert (book.headroom(), book.upside()) == (assets - 95 * ONE, 0)
    assert vault.totalAssets() == assets - 95 * ONE


def test_reserve_held_through_a_challenge(system, book, vault, admin, game, bet):
    assets = vault.totalAssets()
    _bring_to(system, game, STATE_CHALLENGED)
    assert (book.headroom(), book.upside()) == (assets - 95 * ONE, 100 * ONE)
    assert book.game(game).reserve == 0

    book.resolve_challenge(game, int(ResultStatus.FINAL), 0, 1, sender=admin)

    # away won: the vault earns the stake and every unit is free again
    assert (book.headroom(), book.upside()) == (assets + 100 * ONE, 0)


def test_void_from_the_betting_phase(book, game, bet):
    actions.time_travel(book.game(game).deadline - actions.now())

    book.void_game(game)

    g = book.game(game)
    assert (g.state, g.cancelled, g.home, g.away, g.deadline) == (STATE_FINAL, True, 0, 0, 0)
    assert (g.market_cap, g.game_cap, g.reserve, g.market_count) == (0, 0, 0, 1)


def test_cancelled_proposal(system, book, game, bet):
    actions.report(system, game, 0, 0, ResultStatus.CANCELLED)

    g = book.game(game)
    assert (g.state, g.cancelled, g.home, g.away) == (STATE_PROPOSED, True, 0, 0)
    assert (g.market_cap, g.game_cap, g.reserve) == (0, 0, 0)


def test_max_fields_do_not_overlap(system, book, admin, operator):
    """The widest values of each phase read back exactly: no field spills into another."""
    max_cap = (2**36 - 1) * ONE
    book.set_params(60, 86_400 * 30, sender=admin)
    kickoff = 2**39  # MAX_KICKOFF
    book.create_game(2**48 - 1, kickoff, max_cap, max_cap, sender=operator)
    book.suspend(2**48 - 1, sender=operator)

    g = book.game(2**48 - 1)
    assert (g.kickoff, g.epoch, g.state) == (kickoff, 1, STATE_OPEN)
    assert (g.market_cap, g.game_cap, g.reserve, g.market_count) == (max_cap, max_cap, 0, 0)
    assert g.deadline == kickoff + 86_400 * 30

    actions.time_travel(kickoff - actions.now())
    actions.report(system, 2**48 - 1, 1_000, 1_000)

    g = book.game(2**48 - 1)
    assert (g.kickoff, g.epoch, g.state) == (kickoff, 1, STATE_PROPOSED)
    assert (g.home, g.away, g.cancelled, g.deadline) == (1_000, 1_000, False, kickoff + 60)
