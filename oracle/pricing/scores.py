"""Final-score distributions: pre-game from expected goals, in play from minute, score and red cards.

Goals still to come are Poisson in each team with the Dixon-Coles correction tau of the low
scores (rho scaled by the share of the match left, so a match in its last minute is nearly
independent). In play, each side's rate is its pre-game rate times the share of regulation
time left, times a factor per red card: a side down a player scores less (`red_card_own`)
and concedes more (`red_card_opponent`). At kickoff with no cards the live distribution is
the pre-game one. A match is read from the feeds' `MatchState` (minute, score, red cards).
Grids stop at `MAX_GOALS` more goals a side and are renormalised (the mass cut off is below
1e-6 for rates under 4 goals).
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import poisson

from oracle.feeds.model import MatchState

MAX_GOALS = 12
REGULATION_MINUTES = 90.0
STOPPAGE_MINUTES = 2.0  # play still expected once the clock shows 90: the rate of this many minutes


@dataclass(frozen=True)
class LiveFactors:
    """Multipliers of a side's scoring rate per red card (its own, and its opponent's)."""

    red_card_own: float = 0.67
    red_card_opponent: float = 1.25


@dataclass(frozen=True)
class ScoreDistribution:
    """P(final score): a grid of goals still to come, offset by the goals already scored."""

    remaining: NDArray[np.float64]  # remaining[i, j]: P(home scores i more, away j more)
    home_goals: int = 0
    away_goals: int = 0

    def get_margin_distribution(self) -> dict[int, float]:
        """P(final home - away goals = m) for every reachable m."""
        size = self.remaining.shape[0]
        offset = self.home_goals - self.away_goals
        return {offset + k: float(np.trace(self.remaining, offset=-k)) for k in range(-(size - 1), size)}

    def get_total_distribution(self) -> dict[int, float]:
        """P(final home + away goals = t) for every reachable t."""
        flipped = np.fliplr(self.remaining)
        size = self.remaining.shape[0]
        offset = self.home_goals + self.away_goals
        return {offset + t: float(np.trace(flipped, offset=size - 1 - t)) for t in range(2 * size - 1)}

    def get_score_probability(self, home: int, away: int) -> float:
        i, j = home - self.home_goals, away - self.away_goals
        size = self.remaining.shape[0]
        return float(self.remaining[i, j]) if 0 <= i < size and 0 <= j < size else 0.0


def build_goal_grid(home_rate: float, away_rate: float, rho: float) -> NDArray[np.float64]:
    """P(home scores i, away scores j) with the Dixon-Coles τ, normalised over the grid."""
    goals = np.arange(MAX_GOALS + 1)
    grid = np.outer(poisson.pmf(goals, home_rate), poisson.pmf(goals, away_rate))
    grid[0, 0] *= max(1 - home_rate * away_rate * rho, 0.0)
    grid[0, 1] *= max(1 + home_rate * rho, 0.0)
    grid[1, 0] *= max(1 + away_rate * rho, 0.0)
    grid[1, 1] *= max(1 - rho, 0.0)
    total = grid.sum()
    return np.asarray(grid / total, dtype=np.float64)


def build_pregame_distribution(home_rate: float, away_rate: float, rho: float) -> ScoreDistribution:
    return ScoreDistribution(build_goal_grid(home_rate, away_rate, rho))


def get_remaining_share(minute: float) -> float:
    """Share of a match's goals still to come at `minute` (stoppage keeps a little after 90)."""
    left = max(REGULATION_MINUTES - max(minute, 0.0), 0.0)
    return max(left, STOPPAGE_MINUTES) / REGULATION_MINUTES if minute > 0 else 1.0


def build_live_distribution(
    home_rate: float, away_rate: float, rho: float, state: MatchState, factors: LiveFactors = LiveFactors()
) -> ScoreDistribution:
    """The final-score distribution of a match in `state`, from the sides' pre-game rates."""
    share = get_remaining_share(state.minute)
    home = home_rate * share * _red_card_factor(state.red_home, state.red_away, factors)
    away = away_rate * share * _red_card_factor(state.red_away, state.red_home, factors)
    grid = build_goal_grid(home, away, rho * share)
    return ScoreDistribution(grid, state.home, state.away)


def _red_card_factor(own: int, opponent: int, factors: LiveFactors) -> float:
    own_cards, opponent_cards = min(max(own, 0), 4), min(max(opponent, 0), 4)
    return float(factors.red_card_own**own_cards * factors.red_card_opponent**opponent_cards)
