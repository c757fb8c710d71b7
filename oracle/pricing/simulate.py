"""Seasons simulated from known ratings: the shipped history, and the fitting tests' ground truth.

`python -m oracle.pricing.simulate [--seasons 4] [--seed 2024] [--out oracle/pricing/data/history.csv]`
rewrites the shipped history: a double round robin per season of the league whose teams play
the recorded match days (`oracle/feeds/data`), with scores drawn from the Dixon-Coles model at
`LEAGUE` ratings. It is deterministic for a seed.
"""

import argparse
import csv
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from oracle.pricing.history import COLUMNS, HISTORY_FILE
from oracle.pricing.ratings import MatchResult, Ratings
from oracle.pricing.scores import MAX_GOALS, build_goal_grid

# team: (attack, defence); centred by `build_league_ratings`
LEAGUE_STRENGTHS = {
    "Kingsbridge Rovers": (0.35, 0.25),
    "Eastwick City": (0.30, 0.20),
    "Hallam Park": (0.20, 0.15),
    "Westfield Albion": (0.15, 0.10),
    "Millbrook United": (0.10, 0.05),
    "Thornbury Villa": (0.05, 0.10),
    "Fenwick Borough": (0.05, -0.05),
    "Brackley Forest": (0.00, 0.00),
    "Redcliffe": (-0.05, 0.05),
    "Corbridge Town": (-0.05, -0.10),
    "Linwood Rangers": (-0.10, -0.05),
    "Ashford Town": (-0.10, -0.15),
    "Harrow Athletic": (-0.15, -0.10),
    "Stonegate Wanderers": (-0.20, -0.15),
    "Oakham County": (-0.25, -0.20),
    "Marston Athletic": (-0.30, -0.30),
}
HOME_ADVANTAGE = 0.25
INTERCEPT = 0.12  # an average away side scores e^0.12 ≈ 1.13 goals
RHO = -0.08


def build_league_ratings(strengths: dict[str, tuple[float, float]] = LEAGUE_STRENGTHS) -> Ratings:
    teams = tuple(sorted(strengths))
    attack = np.array([strengths[t][0] for t in teams])
    defence = np.array([strengths[t][1] for t in teams])
    return Ratings(
        teams=teams,
        attack=tuple(float(v) for v in attack - attack.mean()),
        defence=tuple(float(v) for v in defence - defence.mean()),
        home_advantage=HOME_ADVANTAGE,
        intercept=INTERCEPT,
        rho=RHO,
    )


def build_fixtures(teams: Sequence[str]) -> list[list[tuple[str, str]]]:
    """A double round robin by the circle method: rounds of (home, away) pairs."""
    players = list(teams) + (["-"] if len(teams) % 2 else [])
    n = len(players)
    rounds = []
    for r in range(n - 1):
        pairs = [(players[i], players[n - 1 - i]) for i in range(n // 2)]
        pairs = [(b, a) if (r + i) % 2 else (a, b) for i, (a, b) in enumerate(pairs)]
        rounds.append([p for p in pairs if "-" not in p])
        players = [players[0], players[-1], *players[1:-1]]
    return rounds + [[(away, home) for home, away in pairs] for pairs in rounds]


def simulate_season(ratings: Ratings, first_day: date, rng: np.random.Generator) -> list[MatchResult]:
    """One season of results, a round a week from `first_day`."""
    results = []
    for week, pairs in enumerate(build_fixtures(ratings.teams)):
        for home, away in pairs:
            grid = build_goal_grid(*ratings.get_expected_goals(home, away), ratings.rho)
            cell = int(rng.choice(grid.size, p=grid.ravel()))
            home_goals, away_goals = divmod(cell, MAX_GOALS + 1)
            results.append(MatchResult(first_day + timedelta(weeks=week), home, away, home_goals, away_goals))
    return results


def simulate_seasons(ratings: Ratings, seasons: int, seed: int, first_year: int = 2022) -> list[MatchResult]:
    rng = np.random.default_rng(seed)
    results: list[MatchResult] = []
    for season in range(seasons):
        results += simulate_season(ratings, date(first_year + season, 8, 6), rng)
    return results


def write_results(path: Path, results: Sequence[MatchResult]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(COLUMNS)
        for r in results:
            writer.writerow([r.played_on.isoformat(), r.home, r.away, r.home_goals, r.away_goals])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m oracle.pricing.simulate", description=__doc__)
    parser.add_argument("--seasons", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--out", type=Path, default=HISTORY_FILE)
    args = parser.parse_args(argv)
    results = simulate_seasons(build_league_ratings(), args.seasons, args.seed)
    write_results(args.out, results)
    print(f"wrote {len(results)} results to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
