"""The pure pricing core: a game's state and book in, the odds and quote of each market out.

`price_market` chains the steps: final-score distribution (pre-game or live, `scores.py`) →
fair prices graded as the Book grades (`fair.py`) → shading by the book's nets, margin and
bounds (`odds.py`). `build_quote` wraps odds in the EIP-712 `Quote` the Book checks. No I/O.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from oracle.feeds.model import MatchState
from oracle.pricing.fair import MarketSpec, get_fair_prices
from oracle.pricing.odds import NOT_OFFERED, OddsPolicy, apply_margin, apply_shading, build_odds
from oracle.pricing.ratings import Ratings
from oracle.pricing.scores import (
    LiveFactors,
    ScoreDistribution,
    build_live_distribution,
    build_pregame_distribution,
)
from oracle.signing import Quote


@dataclass(frozen=True)
class PricingPolicy:
    odds: OddsPolicy = field(default_factory=OddsPolicy)
    live: LiveFactors = field(default_factory=LiveFactors)
    max_stake: int = 1_000 * 10**6  # token units per bet, pre-game
    live_stake_share: float = 0.5  # in play a quote allows this share of max_stake
    ttl: int = 30  # seconds a quote lives


def build_distribution(
    ratings: Ratings, home: str, away: str, state: MatchState | None, policy: PricingPolicy
) -> ScoreDistribution:
    """The final-score distribution before kickoff (`state` None) or in play."""
    home_rate, away_rate = ratings.get_expected_goals(home, away)
    if state is None:
        return build_pregame_distribution(home_rate, away_rate, ratings.rho)
    return build_live_distribution(home_rate, away_rate, ratings.rho, state, policy.live)


def price_market(
    dist: ScoreDistribution, spec: MarketSpec, nets: Sequence[int], exposure_scale: int, policy: OddsPolicy
) -> tuple[int, int, int]:
    """Odds (x ODDS_SCALE, 0 = not offered) of each outcome of one market."""
    fair = [price.probability for price in get_fair_prices(dist, spec)]
    shaded = apply_shading(fair, nets, exposure_scale, policy.shading_strength)
    return build_odds(apply_margin(shaded, policy.overround, policy.method), policy)


def is_offered(odds: tuple[int, int, int]) -> bool:
    return any(o != NOT_OFFERED for o in odds)


def get_max_stake(is_live: bool, policy: PricingPolicy) -> int:
    return int(policy.max_stake * policy.live_stake_share) if is_live else policy.max_stake


def build_quote(
    market: int, epoch: int, now: int, odds: tuple[int, int, int], max_stake: int, ttl: int
) -> Quote:
    """A quote for `market` valid from `now` for `ttl` seconds."""
    return Quote(market=market, epoch=epoch, expiry=now + ttl, max_stake=max_stake, odds=odds)
