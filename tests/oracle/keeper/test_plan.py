"""The keeper's plan: each row of the life-cycle table, from chain state, chain time and the feed."""

import pytest

from oracle.feeds.model import MatchState, MatchStatus
from oracle.keeper.plan import (
    STATE_CHALLENGED,
    STATE_CLOSED,
    STATE_FINAL,
    STATE_LIVE,
    STATE_NONE,
    STATE_OPEN,
    STATE_PROPOSED,
    GameView,
    Step,
    Timing,
    plan_steps,
)

pytestmark = pytest.mark.unit

KICKOFF, DEADLINE = 10_000, 10_000 + 3_600
TIMING = Timing(create_ahead=3_000, min_lead=10, market_count=15)


def feed(status: MatchStatus) -> MatchState:
    return MatchState(game=7, source="replay", home_team="A", away_team="B", status=status)


def view(state: int, markets: int = 15, deadline: int = DEADLINE) -> GameView:
    return GameView(game=7, kickoff=KICKOFF, state=state, deadline=deadline, market_count=markets)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (KICKOFF - 3_001, []),  # too early to list
        (KICKOFF - 3_000, [Step.CREATE, Step.ADD_MARKETS]),
        (KICKOFF - 11, [Step.CREATE, Step.ADD_MARKETS]),
        (KICKOFF - 10, []),  # too close to kickoff: the Book would refuse it or nobody could bet
        (KICKOFF + 5, []),
    ],
)
def test_default_behavior(now, expected):
    """A game is listed (created with its markets) inside the window before kickoff."""
    assert plan_steps(KICKOFF, feed(MatchStatus.SCHEDULED), view(STATE_NONE, 0), now, TIMING) == expected


def test_a_match_called_off_is_not_listed():
    assert plan_steps(KICKOFF, feed(MatchStatus.POSTPONED), view(STATE_NONE, 0), KICKOFF - 100, TIMING) == []


def test_missing_markets_are_added_until_kickoff_or_in_play():
    assert plan_steps(KICKOFF, feed(MatchStatus.SCHEDULED), view(STATE_OPEN, 3), KICKOFF - 1, TIMING) == [
        Step.ADD_MARKETS
    ]
    assert plan_steps(KICKOFF, feed(MatchStatus.SCHEDULED), view(STATE_OPEN, 3), KICKOFF, TIMING) == []
    assert plan_steps(KICKOFF, feed(MatchStatus.LIVE), view(STATE_LIVE, 3), KICKOFF + 60, TIMING) == [
        Step.ADD_MARKETS
    ]


def test_kickoff_opens_play_and_the_end_closes_it():
    assert plan_steps(KICKOFF, feed(MatchStatus.LIVE), view(STATE_OPEN), KICKOFF, TIMING) == [Step.SET_LIVE]
    assert plan_steps(KICKOFF, feed(MatchStatus.LIVE), view(STATE_LIVE), KICKOFF + 60, TIMING) == []
    for over in (MatchStatus.FINISHED, MatchStatus.ABANDONED):
        assert plan_steps(KICKOFF, feed(over), view(STATE_LIVE), KICKOFF + 3_000, TIMING) == [Step.CLOSE]
    assert plan_steps(KICKOFF, feed(MatchStatus.FINISHED), view(STATE_CLOSED), KICKOFF + 3_000, TIMING) == []


@pytest.mark.parametrize("state", [STATE_OPEN, STATE_LIVE, STATE_CLOSED, STATE_CHALLENGED])
def test_an_unsettled_game_is_voided_at_its_deadline(state):
    status = feed(MatchStatus.FINISHED)
    assert Step.VOID not in plan_steps(KICKOFF, status, view(state), DEADLINE - 1, TIMING)
    assert plan_steps(KICKOFF, status, view(state), DEADLINE, TIMING) == [Step.VOID]


def test_a_proposed_result_is_finalized_after_its_window():
    proposed = view(STATE_PROPOSED, deadline=KICKOFF + 7_000)
    assert plan_steps(KICKOFF, feed(MatchStatus.FINISHED), proposed, KICKOFF + 6_999, TIMING) == []
    assert plan_steps(KICKOFF, feed(MatchStatus.FINISHED), proposed, KICKOFF + 7_000, TIMING) == [
        Step.FINALIZE
    ]


def test_a_final_game_is_paid():
    assert plan_steps(KICKOFF, feed(MatchStatus.FINISHED), view(STATE_FINAL), KICKOFF + 9_999, TIMING) == [
        Step.PAY
    ]
