"""The live model: odds move the right way on every event of a replayed match."""

import pytest

from oracle.feeds.model import MatchState
from oracle.feeds.replay import ReplayFeed
from oracle.feeds.timeline import EventKind, load_matchday
from oracle.markets import Kind
from oracle.pricing.engine import PricingPolicy, build_distribution, price_market
from oracle.pricing.fair import MarketSpec, get_fair_prices
from oracle.pricing.odds import OddsPolicy
from oracle.pricing.scores import build_live_distribution, build_pregame_distribution
from oracle.pricing.simulate import build_league_ratings

from .states import live

pytestmark = pytest.mark.unit

MATCH_DAY = load_matchday()
ONE_X_TWO, OVER_2_5 = MarketSpec(Kind.ONE_X_TWO, 0), MarketSpec(Kind.TOTALS, 10)
HOME_MINUS_HALF = MarketSpec(Kind.HANDICAP, -2)
RATES = (1.5, 1.1, -0.08)


def get_probabilities(state: MatchState, spec: MarketSpec) -> list[float]:
    return [p.probability for p in get_fair_prices(build_live_distribution(*RATES, state), spec)]


def test_kickoff_is_the_pregame_distribution():
    assert (
        build_live_distribution(*RATES, live()).remaining == build_pregame_distribution(*RATES).remaining
    ).all()


def test_time_without_goals_favours_the_draw_and_the_under():
    early, late = live(10), live(80)
    assert get_probabilities(late, ONE_X_TWO)[1] > get_probabilities(early, ONE_X_TWO)[1]
    assert get_probabilities(late, OVER_2_5)[1] > get_probabilities(early, OVER_2_5)[1]


def test_red_card_hurts_its_side():
    before, after = get_probabilities(live(30), ONE_X_TWO), get_probabilities(live(30, red_home=1), ONE_X_TWO)
    assert after[0] < before[0] and after[2] > before[2]


def test_stoppage_time_keeps_a_little_play():
    assert 0 < get_probabilities(live(93), OVER_2_5)[0] < get_probabilities(live(80), OVER_2_5)[0]


@pytest.mark.parametrize("game", sorted(MATCH_DAY.matches))
def test_replayed_match_moves_odds_the_right_way(game):
    """Each goal or red card of the recorded match, read from the replay feed a moment before and after.

    The scorer's chances rise strictly; its quoted odds shorten, or stay at a bound (50.0 for a
    long shot, or not offered once too likely).
    """
    feed, ratings = ReplayFeed(MATCH_DAY, start=0.0, speed=1.0), build_league_ratings()
    policy = PricingPolicy(odds=OddsPolicy(shading_strength=0))

    def price(state: MatchState, spec: MarketSpec) -> tuple[list[float], tuple[int, int, int]]:
        dist = build_distribution(ratings, state.home_team, state.away_team, state, policy)
        fair = [p.probability for p in get_fair_prices(dist, spec)]
        return fair, price_market(dist, spec, [0, 0, 0], 0, policy.odds)

    def assert_moves_towards(outcome: int, before: MatchState, after: MatchState, spec: MarketSpec) -> None:
        (p_before, o_before), (p_after, o_after) = price(before, spec), price(after, spec)
        assert p_after[outcome] > p_before[outcome] or p_before[outcome] > 1 - 1e-9, spec  # or already won
        assert o_after[outcome] <= o_before[outcome] or o_after[outcome] == 0, spec

    events = [e for e in MATCH_DAY.matches[game].events if e.kind in (EventKind.GOAL, EventKind.RED_CARD)]
    for event in events:
        at = feed.get_time(game, event.at)
        before, after = feed.get_state(game, at - 0.5), feed.get_state(game, at)
        is_home = event.side is not None and event.side.value == "home"
        if event.kind is EventKind.GOAL:
            assert_moves_towards(0 if is_home else 2, before, after, ONE_X_TWO)
            assert_moves_towards(0 if is_home else 1, before, after, HOME_MINUS_HALF)
            assert_moves_towards(0, before, after, OVER_2_5)
        else:  # a red card: the other side's chances rise
            assert_moves_towards(2 if is_home else 0, before, after, ONE_X_TWO)
