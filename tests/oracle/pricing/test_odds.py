"""Margin, shading, bounds: the configured overround, prices against one-sided money, contract bounds."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracle.markets import ODDS_SCALE
from oracle.pricing.config import MAX_QUOTE_TTL
from oracle.pricing.engine import price_market
from oracle.pricing.fair import get_fair_prices
from oracle.pricing.odds import (
    MAX_ODDS,
    MIN_ODDS,
    MarginMethod,
    OddsPolicy,
    apply_margin,
    apply_shading,
    build_odds,
    get_overround,
)
from oracle.pricing.scores import build_pregame_distribution

from .markets import SPECS, get_spec_id

pytestmark = pytest.mark.unit

CONSTANTS = Path(__file__).resolve().parents[3] / "contracts" / "constants.vy"
DIST = build_pregame_distribution(1.6, 1.1, -0.06)
probability_sets = st.lists(st.floats(0.02, 1.0), min_size=2, max_size=3).map(
    lambda xs: [x / sum(xs) for x in xs]
)


def test_odds_bounds_are_the_contracts():
    text = CONSTANTS.read_text()
    bounds = [("MIN_ODDS", MIN_ODDS), ("MAX_ODDS", MAX_ODDS), ("ODDS_SCALE", ODDS_SCALE)]
    for name, value in [*bounds, ("MAX_QUOTE_TTL", MAX_QUOTE_TTL)]:
        assert re.search(rf"^{name}: constant\(uint256\) = {value:_}(  #.*)?$", text, re.M), name


@pytest.mark.parametrize("method", list(MarginMethod))
@pytest.mark.parametrize("overround", [1.02, 1.05, 1.10])
@given(probabilities=probability_sets)
def test_margin_gives_the_overround(method, overround, probabilities):
    margined = apply_margin(probabilities, overround, method)
    assert sum(margined) == pytest.approx(overround, abs=1e-9)
    assert all(m >= p for m, p in zip(margined, probabilities, strict=True))  # never above fair odds


@given(probabilities=probability_sets)
def test_power_margin_loads_long_shots_more(probabilities):
    margined = apply_margin(probabilities, 1.06, MarginMethod.POWER)
    loads = sorted((p, m / p) for p, m in zip(probabilities, margined, strict=True))
    assert [load for _, load in loads] == sorted((load for _, load in loads), reverse=True)


@pytest.mark.parametrize("spec", SPECS, ids=get_spec_id)
def test_quoted_odds_carry_the_overround(spec):
    policy = OddsPolicy(overround=1.05, shading_strength=0)
    odds = price_market(DIST, spec, [0, 0, 0], 0, policy)
    offered = [o for o in odds if o]
    fair = [p.probability for p in get_fair_prices(DIST, spec)]
    if len(offered) < len(fair):  # an outcome too likely to offer: nothing left to hold the margin
        return
    # rounding each price down (in the book's favour) adds at most 1/odds² per 10**4 per outcome
    assert get_overround(odds) == pytest.approx(1.05, abs=2e-3)
    assert get_overround(odds) >= 1.05 - 1e-9
    assert all(MIN_ODDS <= o <= policy.max_odds for o in offered)


def test_outcome_too_likely_is_not_offered_and_long_shots_are_capped():
    policy = OddsPolicy(max_odds=200_000)
    assert build_odds([0.995, 0.004, 0.001], policy) == (0, 200_000, 200_000)
    assert build_odds([0.5, 0.5], policy) == (20_000, 20_000, 0)
    assert build_odds([0.0, 1.0], policy) == (0, 0, 0)


@given(probabilities=probability_sets, net=st.integers(1, 10**12), strength=st.floats(0.05, 2))
def test_shading_shortens_the_outcome_the_book_is_long_on(probabilities, net, strength):
    nets = [net] + [-net] * (len(probabilities) - 1)
    shaded = apply_shading(probabilities, nets, 10**12, strength)
    assert sum(shaded) == pytest.approx(1)
    assert shaded[0] > probabilities[0]
    assert all(s < p for s, p in zip(shaded[1:], probabilities[1:], strict=True))


def test_shading_is_bounded_at_the_cap():
    at_cap = apply_shading([0.5, 0.5], [10**6, -(10**6)], 10**6, 0.5)
    beyond = apply_shading([0.5, 0.5], [10**9, -(10**9)], 10**6, 0.5)
    assert at_cap == beyond


def test_book_exposure_moves_quoted_odds():
    spec = SPECS[0]
    flat = price_market(DIST, spec, [0, 0, 0], 10**9, OddsPolicy())
    long_home = price_market(DIST, spec, [5 * 10**8, -(10**8), -(10**8)], 10**9, OddsPolicy())
    assert long_home[0] < flat[0]
    assert long_home[1] > flat[1] and long_home[2] > flat[2]
