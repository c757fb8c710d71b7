"""Ratings: maximum likelihood recovers known ratings; the shipped history loads and fits."""

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from oracle.pricing.exceptions import FitError, HistoryFileError, UnknownTeamError
from oracle.pricing.history import HISTORY_FILE, load_results
from oracle.pricing.ratings import MatchResult, fit_ratings
from oracle.pricing.simulate import build_league_ratings, simulate_seasons

pytestmark = pytest.mark.unit

MATCH_DAY = Path(__file__).resolve().parents[3] / "oracle" / "feeds" / "data" / "matchday.json"
# Ten simulated seasons give each team 300 matches: a rating's standard error is about 0.05,
# so the largest of 32 errors stays under 0.2 (four standard errors).
RATING_TOLERANCE = 0.2
RATING_RMSE_TOLERANCE = 0.1
HOME_TOLERANCE = 0.08
RHO_TOLERANCE = 0.06


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fit_recovers_known_ratings(seed):
    truth = build_league_ratings()
    fitted = fit_ratings(simulate_seasons(truth, seasons=10, seed=seed))
    assert fitted.teams == truth.teams
    errors = np.array(fitted.attack + fitted.defence) - np.array(truth.attack + truth.defence)
    assert np.abs(errors).max() < RATING_TOLERANCE
    assert np.sqrt((errors**2).mean()) < RATING_RMSE_TOLERANCE
    assert abs(fitted.home_advantage - truth.home_advantage) < HOME_TOLERANCE
    assert abs(fitted.intercept - truth.intercept) < HOME_TOLERANCE
    assert abs(fitted.rho - truth.rho) < RHO_TOLERANCE
    assert abs(sum(fitted.attack)) < 1e-9 and abs(sum(fitted.defence)) < 1e-9


def test_expected_goals_favour_the_stronger_side_and_home():
    ratings = fit_ratings(load_results())
    strong_home = ratings.get_expected_goals("Kingsbridge Rovers", "Marston Athletic")
    strong_away = ratings.get_expected_goals("Marston Athletic", "Kingsbridge Rovers")
    assert strong_home[0] > strong_home[1]
    assert strong_home[0] > strong_away[1]  # the same side scores more at home


def test_shipped_history_rates_every_team_of_the_match_day():
    ratings = fit_ratings(load_results(HISTORY_FILE))
    matches = json.loads(MATCH_DAY.read_text())["matches"]
    for match in matches:
        home, away = ratings.get_expected_goals(match["home"], match["away"])
        assert 0.3 < home < 4 and 0.3 < away < 4


def test_recent_results_weigh_more():
    old = [MatchResult(date(2020, 1, 1), "A", "B", 0, 3)] * 20
    new = [MatchResult(date(2024, 1, 1), "A", "B", 3, 0)] * 20
    ratings = fit_ratings(old + new, half_life_days=90)
    home, away = ratings.get_expected_goals("A", "B")
    assert home > away


def test_unknown_team():
    ratings = build_league_ratings()
    with pytest.raises(UnknownTeamError, match="Nowhere FC"):
        ratings.get_expected_goals("Nowhere FC", "Redcliffe")


def test_too_few_results():
    with pytest.raises(FitError):
        fit_ratings([MatchResult(date(2024, 1, 1), "A", "B", 1, 0)])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "header"),
        ("date,home,away,home_goals,away_goals\n2024-01-01,A,B,1\n", "expected 5 fields"),
        ("date,home,away,home_goals,away_goals\n2024-13-01,A,B,1,0\n", "month"),
        ("date,home,away,home_goals,away_goals\n2024-01-01,A,A,1,0\n", "two different teams"),
        ("date,home,away,home_goals,away_goals\n2024-01-01,A,B,-1,0\n", "not a football score"),
        ("date,home,away,home_goals,away_goals\n2024-01-01,A,B,x,0\n", "invalid literal"),
    ],
)
def test_malformed_history(tmp_path, content, problem):
    path = tmp_path / "history.csv"
    path.write_text(content)
    with pytest.raises(HistoryFileError, match=problem):
        load_results(path)


def test_missing_history(tmp_path):
    with pytest.raises(HistoryFileError, match="cannot read"):
        load_results(tmp_path / "absent.csv")
