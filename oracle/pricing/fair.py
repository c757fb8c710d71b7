"""Fair prices of a market's outcomes from a final-score distribution, graded as the Book grades.

A bet can win, half-win, push, half-lose or lose (`oracle.markets.grade`, the twin of the
contract's `grading.vy`), so its fair price is set on expected return, not on the chance
of a win. At decimal odds O a bet returns O · q + r per unit staked, where

    q = P(win) + P(half-win) / 2            the share of the payout it expects back
    r = P(half-win) / 2 + P(push) + P(half-loss) / 2   the share of the stake refunded

The fair odds return exactly the stake, O = (1 - r) / q, and their implied probability is
p = q / (1 - r). Outcome 1 of a two-way market mirrors outcome 0 (a win is the other's loss,
a half-win the other's half-loss, a push both's), so both share r and the p of a market sum
to 1, pushes and quarter lines included.

Grades depend on the final margin (1X2, moneyline, handicap) or the final total (totals)
only, so each is graded once per reachable margin or total at a score that has it.
"""

from dataclasses import dataclass

from oracle.markets import Grade, Kind, grade, outcome_count
from oracle.pricing.scores import ScoreDistribution


@dataclass(frozen=True)
class FairPrice:
    """What one unit staked on an outcome returns: `win` x odds + `refund`."""

    win: float
    refund: float

    @property
    def probability(self) -> float:
        """The implied probability of the fair odds (0 when the bet can only be refunded)."""
        return self.win / (1 - self.refund) if self.refund < 1 - 1e-12 else 0.0

    def get_expected_return(self, odds: float) -> float:
        return odds * self.win + self.refund


@dataclass(frozen=True)
class MarketSpec:
    kind: Kind
    line: int  # quarter units, as the Book stores it


def get_grade_distribution(dist: ScoreDistribution, spec: MarketSpec, outcome: int) -> dict[Grade, float]:
    """P(each grade) of a bet on `outcome` of `spec` at the final score."""
    grades = dict.fromkeys(Grade, 0.0)
    if spec.kind == Kind.TOTALS:
        for total, p in dist.get_total_distribution().items():
            grades[grade(spec.kind, spec.line, outcome, total, 0)] += p
    else:
        for margin, p in dist.get_margin_distribution().items():
            grades[grade(spec.kind, spec.line, outcome, max(margin, 0), max(-margin, 0))] += p
    return grades


def get_fair_price(dist: ScoreDistribution, spec: MarketSpec, outcome: int) -> FairPrice:
    g = get_grade_distribution(dist, spec, outcome)
    half_win, half_loss = g[Grade.HALF_WIN] / 2, g[Grade.HALF_LOSS] / 2
    return FairPrice(win=g[Grade.WIN] + half_win, refund=half_win + g[Grade.PUSH] + half_loss)


def get_fair_prices(dist: ScoreDistribution, spec: MarketSpec) -> list[FairPrice]:
    """One fair price per outcome of the market."""
    return [get_fair_price(dist, spec, outcome) for outcome in range(outcome_count(spec.kind))]
