"""From fair probabilities to the odds a quote offers: exposure shading, margin, bounds.

1. **Shading.** The Book's net per outcome (`Book.market(m).nets[o]`: what it pays beyond the
   market's stakes if `o` wins) moves the price against one-sided money: each probability is
   multiplied by exp(strength · clip(net / scale, -1, 1)) and the set renormalised, so the
   outcome the book is long on gets shorter odds and the others longer. `scale` is the
   game's market cap: at full exposure a price moves by a factor of e^strength.
2. **Margin.** The bookmaker's overround M (Σ 1/odds = M, e.g. 1.05) is put on by the *power*
   method: p' = p^k with k < 1 chosen so that Σ p' = M. It loads more margin on long shots than
   on favourites, as the favourite-long-shot bias of betting markets asks, and never prices an
   outcome below its fair probability. The *multiplicative* method (p' = M · p) is the
   alternative setting. Markets with pushes are priced on p = q / (1 - r) (see `fair.py`).
3. **Odds.** odds = 1 / p' at 4 decimals, rounded down (in the book's favour). An outcome whose
   odds would fall under the lowest offered odds is not offered (0): raising its price to the
   bound would pay more than it is worth. Odds above the highest bound are cut to it.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from scipy.optimize import brentq

from oracle.markets import ODDS_SCALE

MIN_ODDS = 10_100  # contracts/constants.vy: the lowest odds a quote may offer (1.0100)
MAX_ODDS = 10_000_000  # contracts/constants.vy: the highest (1000.0000)
NOT_OFFERED = 0


class MarginMethod(StrEnum):
    POWER = "power"
    MULTIPLICATIVE = "multiplicative"


@dataclass(frozen=True)
class OddsPolicy:
    overround: float = 1.05
    method: MarginMethod = MarginMethod.POWER
    shading_strength: float = 0.5
    min_odds: int = MIN_ODDS
    max_odds: int = 500_000  # 50.0: long shots beyond this are offered at 50


def apply_shading(
    probabilities: Sequence[float], nets: Sequence[int], scale: int, strength: float
) -> list[float]:
    """Probabilities moved towards the outcomes the book would lose most on."""
    if scale <= 0 or strength == 0:
        return list(probabilities)
    moved = [
        p * math.exp(strength * min(max(net / scale, -1.0), 1.0))
        for p, net in zip(probabilities, nets, strict=False)
    ]
    total = sum(moved)
    return [p / total for p in moved] if total > 0 else list(probabilities)


def apply_margin(probabilities: Sequence[float], overround: float, method: MarginMethod) -> list[float]:
    """Probabilities summing to `overround` (from a set summing to 1)."""
    offered = [p for p in probabilities if p > 0]
    if method == MarginMethod.MULTIPLICATIVE or len(offered) < 2 or overround <= 1:
        return [p * overround for p in probabilities]
    if max(offered) >= 1:
        return [p * overround for p in probabilities]

    def excess(k: float) -> float:
        return sum(p**k for p in offered) - overround

    k = brentq(excess, 1e-6, 1.0, xtol=1e-12)
    return [p**k if p > 0 else 0.0 for p in probabilities]


def build_odds(probabilities: Sequence[float], policy: OddsPolicy) -> tuple[int, int, int]:
    """Quote odds (x ODDS_SCALE, 0 = not offered) for up to three outcomes."""
    odds = [_to_odds(p, policy) for p in probabilities]
    odds += [NOT_OFFERED] * (3 - len(odds))
    return (odds[0], odds[1], odds[2])


def _to_odds(probability: float, policy: OddsPolicy) -> int:
    if probability <= 0:
        return NOT_OFFERED
    odds = math.floor(ODDS_SCALE / probability)
    if odds < policy.min_odds:
        return NOT_OFFERED
    return min(odds, policy.max_odds)


def get_overround(odds: Sequence[int]) -> float:
    """Σ 1/odds over the offered outcomes."""
    return sum(ODDS_SCALE / o for o in odds if o > 0)
