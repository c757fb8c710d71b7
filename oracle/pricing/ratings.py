"""Team ratings of a Dixon-Coles model, fitted by maximum likelihood on past results.

A match between `home` and `away` has expected goals

    λ_home = exp(intercept + home_advantage + attack[home] - defence[away])
    λ_away = exp(intercept + attack[away] - defence[home])

and the score is Poisson in each team, with Dixon and Coles' (1997) correction τ of the four
low scores 0-0, 1-0, 0-1, 1-1 by the dependence parameter rho (see `scores.py`). Attack and
defence ratings each sum to zero, so `intercept` is the log goal rate of an average away side.
Older matches weigh less: a result `age` days old has weight 2^(-age / half_life).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from oracle.pricing.exceptions import FitError, UnknownTeamError

RHO_BOUND = 0.15  # |rho| beyond this makes τ negative for high-scoring sides
_TAU_FLOOR = 1e-9


@dataclass(frozen=True)
class MatchResult:
    played_on: date
    home: str
    away: str
    home_goals: int
    away_goals: int


@dataclass(frozen=True)
class Ratings:
    teams: tuple[str, ...]
    attack: tuple[float, ...]
    defence: tuple[float, ...]
    home_advantage: float
    intercept: float
    rho: float

    def get_expected_goals(self, home: str, away: str) -> tuple[float, float]:
        """(λ_home, λ_away) of a match at `home`'s ground."""
        h, a = self.get_index(home), self.get_index(away)
        log_home = self.intercept + self.home_advantage + self.attack[h] - self.defence[a]
        log_away = self.intercept + self.attack[a] - self.defence[h]
        return float(np.exp(log_home)), float(np.exp(log_away))

    def get_index(self, team: str) -> int:
        try:
            return self.teams.index(team)
        except ValueError:
            raise UnknownTeamError(team, self.teams) from None


def fit_ratings(
    results: Sequence[MatchResult], as_of: date | None = None, half_life_days: float | None = None
) -> Ratings:
    """Maximum-likelihood ratings from `results`; with `half_life_days`, older results weigh less."""
    if len(results) < 2:
        raise FitError(f"{len(results)} results are too few to fit ratings")
    teams = tuple(sorted({r.home for r in results} | {r.away for r in results}))
    data = _Data.build(results, teams, as_of, half_life_days)
    n = len(teams)
    start = np.zeros(2 * n + 3)
    start[2 * n + 1] = float(np.log(max(data.mean_goals, 0.1)))
    bounds = [(None, None)] * (2 * n + 2) + [(-RHO_BOUND, RHO_BOUND)]
    fitted = minimize(data.get_loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    if not fitted.success and "ABNORMAL" not in str(fitted.message):
        raise FitError(f"the optimiser did not converge: {fitted.message}")
    return _build_ratings(teams, fitted.x)


def _build_ratings(teams: tuple[str, ...], x: NDArray[np.float64]) -> Ratings:
    n = len(teams)
    attack, defence = x[:n], x[n : 2 * n]
    # the likelihood only sees attack - defence sums: centre both and move the means into the intercept
    intercept = float(x[2 * n + 1] + attack.mean() - defence.mean())
    return Ratings(
        teams=teams,
        attack=tuple(float(v) for v in attack - attack.mean()),
        defence=tuple(float(v) for v in defence - defence.mean()),
        home_advantage=float(x[2 * n]),
        intercept=intercept,
        rho=float(x[2 * n + 2]),
    )


@dataclass(frozen=True)
class _Data:
    home: NDArray[np.intp]
    away: NDArray[np.intp]
    x: NDArray[np.float64]  # home goals
    y: NDArray[np.float64]  # away goals
    weight: NDArray[np.float64]
    n: int

    @classmethod
    def build(
        cls,
        results: Sequence[MatchResult],
        teams: tuple[str, ...],
        as_of: date | None,
        half_life: float | None,
    ) -> "_Data":
        index = {team: i for i, team in enumerate(teams)}
        newest = as_of or max(r.played_on for r in results)
        ages = np.array([(newest - r.played_on).days for r in results], dtype=float)
        weight = (
            np.ones(len(results)) if half_life is None else np.power(2.0, -np.maximum(ages, 0) / half_life)
        )
        return cls(
            home=np.array([index[r.home] for r in results]),
            away=np.array([index[r.away] for r in results]),
            x=np.array([r.home_goals for r in results], dtype=float),
            y=np.array([r.away_goals for r in results], dtype=float),
            weight=weight,
            n=len(teams),
        )

    @property
    def mean_goals(self) -> float:
        return float((self.x + self.y).mean() / 2)

    def get_loss(self, params: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """Negative weighted log-likelihood and its gradient (the Poisson factorials are constant)."""
        n, x, y, w = self.n, self.x, self.y, self.weight
        attack, defence = params[:n], params[n : 2 * n]
        home_adv, intercept, rho = params[2 * n], params[2 * n + 1], params[2 * n + 2]
        eta_h = intercept + home_adv + attack[self.home] - defence[self.away]
        eta_a = intercept + attack[self.away] - defence[self.home]
        lam, mu = np.exp(eta_h), np.exp(eta_a)
        tau, d_tau_h, d_tau_a, d_tau_rho = _tau_terms(x, y, lam, mu, rho)
        loglik = w * (np.log(tau) + x * eta_h - lam + y * eta_a - mu)
        g_h = w * (x - lam + d_tau_h / tau)  # d loglik / d eta_h
        g_a = w * (y - mu + d_tau_a / tau)
        grad = np.zeros_like(params)
        grad[:n] = np.bincount(self.home, g_h, n) + np.bincount(self.away, g_a, n)
        grad[n : 2 * n] = -np.bincount(self.away, g_h, n) - np.bincount(self.home, g_a, n)
        grad[2 * n] = g_h.sum()
        grad[2 * n + 1] = g_h.sum() + g_a.sum()
        grad[2 * n + 2] = (w * d_tau_rho / tau).sum()
        # ratings are only defined up to a shift: a small pull of their sums to zero fixes it
        penalty = attack.sum() ** 2 + defence.sum() ** 2
        grad[:n] -= 2 * attack.sum()
        grad[n : 2 * n] -= 2 * defence.sum()
        return float(-loglik.sum() + penalty), -grad


def _tau_terms(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    lam: NDArray[np.float64],
    mu: NDArray[np.float64],
    rho: float,
) -> tuple[NDArray[np.float64], ...]:
    """τ and its derivatives by log λ, log μ and rho, for every match."""
    is00, is01 = (x == 0) & (y == 0), (x == 0) & (y == 1)
    is10, is11 = (x == 1) & (y == 0), (x == 1) & (y == 1)
    one = np.ones_like(lam)
    tau = np.where(is00, 1 - lam * mu * rho, one)
    tau = np.where(is01, 1 + lam * rho, tau)
    tau = np.where(is10, 1 + mu * rho, tau)
    tau = np.where(is11, 1 - rho, tau)
    d_h = np.where(is00, -lam * mu * rho, 0.0) + np.where(is01, lam * rho, 0.0)
    d_a = np.where(is00, -lam * mu * rho, 0.0) + np.where(is10, mu * rho, 0.0)
    d_rho = np.where(is00, -lam * mu, 0.0) + np.where(is01, lam, 0.0) + np.where(is10, mu, 0.0)
    d_rho = d_rho - is11.astype(float)
    return np.maximum(tau, _TAU_FLOOR), d_h, d_a, d_rho
