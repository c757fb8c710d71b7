"""The pricer and the Book agree: fair odds graded by the contract's own `Book.grade` return the stake.

Distributions here live on a small grid of scores, so every score with any probability is
graded by the contract (titanoboa), for every market kind on whole, half and quarter lines.
"""

import itertools

import numpy as np
import pytest

from oracle.markets import Grade
from oracle.pricing.fair import MarketSpec, get_fair_prices
from oracle.pricing.scores import ScoreDistribution, build_goal_grid
from tests.deployers import deploy_boa_system

from .markets import SPECS, get_spec_id

pytestmark = pytest.mark.unit

SHARE = {Grade.WIN: (1, 0), Grade.HALF_WIN: (0.5, 0.5), Grade.PUSH: (0, 1), Grade.HALF_LOSS: (0, 0.5)}


def build_small_distribution(home_rate: float, away_rate: float, size: int, home: int, away: int):
    grid = build_goal_grid(home_rate, away_rate, -0.05)[:size, :size]
    return ScoreDistribution(np.asarray(grid / grid.sum()), home, away)


DISTRIBUTIONS = {
    "pre-game": build_small_distribution(1.4, 1.1, 6, 0, 0),
    "live 1-2": build_small_distribution(0.6, 0.3, 4, 1, 2),
}


@pytest.fixture(scope="module")
def book():
    return deploy_boa_system().book


@pytest.mark.parametrize("spec", SPECS, ids=get_spec_id)
@pytest.mark.parametrize("name", DISTRIBUTIONS)
def test_fair_odds_return_the_stake_under_the_contracts_grading(book, name, spec: MarketSpec):
    dist = DISTRIBUTIONS[name]
    size = dist.remaining.shape[0]
    for outcome, price in enumerate(get_fair_prices(dist, spec)):
        if price.probability == 0:
            continue
        expected = 0.0
        for i, j in itertools.product(range(size), repeat=2):
            home, away = dist.home_goals + i, dist.away_goals + j
            graded = Grade(book.grade(int(spec.kind), spec.line, outcome, home, away, False))
            payout_share, stake_share = SHARE.get(graded, (0, 0))
            expected += dist.remaining[i, j] * (payout_share / price.probability + stake_share)
        assert expected == pytest.approx(1, abs=1e-9)
