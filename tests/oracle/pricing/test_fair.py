"""Fair prices: a market's implied probabilities sum to 1, graded as `oracle.markets` grades."""

import itertools

import pytest

from oracle.markets import Grade, Kind, grade, outcome_count
from oracle.pricing.fair import MarketSpec, get_fair_prices, get_grade_distribution
from oracle.pricing.scores import build_live_distribution, build_pregame_distribution

from .markets import SPECS, get_spec_id
from .states import live

pytestmark = pytest.mark.unit

DISTRIBUTIONS = {
    "even": build_pregame_distribution(1.3, 1.3, -0.08),
    "favourite": build_pregame_distribution(2.6, 0.7, -0.05),
    "live 2-1 at 70'": build_live_distribution(1.5, 1.1, -0.08, live(70, 2, 1, red_away=1)),
}
SHARE = {  # (payout share, stake share) a grade returns
    Grade.WIN: (1.0, 0.0),
    Grade.HALF_WIN: (0.5, 0.5),
    Grade.PUSH: (0.0, 1.0),
    Grade.HALF_LOSS: (0.0, 0.5),
    Grade.LOSS: (0.0, 0.0),
}


@pytest.mark.parametrize("spec", SPECS, ids=get_spec_id)
@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_implied_probabilities_sum_to_one(name, spec):
    prices = get_fair_prices(DISTRIBUTIONS[name], spec)
    assert len(prices) == outcome_count(spec.kind)
    assert sum(p.probability for p in prices) == pytest.approx(1, abs=1e-9)


@pytest.mark.parametrize("spec", SPECS, ids=get_spec_id)
@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_grades_of_each_outcome_sum_to_one(name, spec):
    for outcome in range(outcome_count(spec.kind)):
        grades = get_grade_distribution(DISTRIBUTIONS[name], spec, outcome)
        assert sum(grades.values()) == pytest.approx(1, abs=1e-9)


@pytest.mark.parametrize("spec", SPECS, ids=get_spec_id)
@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_fair_odds_return_the_stake_graded_score_by_score(name, spec):
    """Brute force over every score with `oracle.markets.grade`: fair odds have an expected return of 1."""
    dist = DISTRIBUTIONS[name]
    size = dist.remaining.shape[0]
    for outcome, price in enumerate(get_fair_prices(dist, spec)):
        if price.probability == 0:
            continue
        odds = 1 / price.probability
        expected = 0.0
        for i, j in itertools.product(range(size), repeat=2):
            home, away = dist.home_goals + i, dist.away_goals + j
            payout_share, stake_share = SHARE[grade(spec.kind, spec.line, outcome, home, away)]
            expected += dist.remaining[i, j] * (odds * payout_share + stake_share)
        assert expected == pytest.approx(1, abs=1e-9)
        assert price.get_expected_return(odds) == pytest.approx(1, abs=1e-9)


def test_quarter_line_splits_the_stake_over_its_neighbours():
    """A bet on a quarter line returns the average of half stakes on the two lines around it."""
    dist = DISTRIBUTIONS["favourite"]
    for kind, line in [(Kind.HANDICAP, -3), (Kind.HANDICAP, 1), (Kind.TOTALS, 9), (Kind.TOTALS, 11)]:
        for outcome in (0, 1):
            quarter = get_fair_prices(dist, MarketSpec(kind, line))[outcome]
            lower = get_fair_prices(dist, MarketSpec(kind, line - 1))[outcome]
            upper = get_fair_prices(dist, MarketSpec(kind, line + 1))[outcome]
            for odds in (1.5, 1.9, 2.4):
                split = (lower.get_expected_return(odds) + upper.get_expected_return(odds)) / 2
                assert quarter.get_expected_return(odds) == pytest.approx(split, abs=1e-12)


def test_moneyline_is_the_draw_no_bet_of_1x2():
    dist = DISTRIBUTIONS["favourite"]
    home, draw, away = (p.probability for p in get_fair_prices(dist, MarketSpec(Kind.ONE_X_TWO, 0)))
    moneyline = get_fair_prices(dist, MarketSpec(Kind.MONEYLINE, 0))
    assert moneyline[0].probability == pytest.approx(home / (home + away))
    assert moneyline[0].refund == pytest.approx(draw)


def test_a_line_that_cannot_lose_or_win_is_not_priced():
    dist = build_live_distribution(1.0, 1.0, 0.0, live(89, 5, 0))
    over = get_fair_prices(dist, MarketSpec(Kind.TOTALS, 2))  # over 0.5 with five goals in
    assert over[0].probability == pytest.approx(1)
    assert over[1].probability == pytest.approx(0)
