"""Past results the ratings are fitted on: a CSV file `date,home,away,home_goals,away_goals`.

The league shipped with the project is `data/history.csv` (see `data/README.md`). Every row
is checked: a malformed file stops the pricer with the line to fix, never a silent skip.
"""

import csv
from datetime import date
from pathlib import Path

from oracle.pricing.exceptions import HistoryFileError
from oracle.pricing.ratings import MatchResult

HISTORY_FILE = Path(__file__).resolve().parent / "data" / "history.csv"
COLUMNS = ["date", "home", "away", "home_goals", "away_goals"]
MAX_GOALS_IN_A_MATCH = 30
MAX_ROWS = 200_000


def load_results(path: Path = HISTORY_FILE) -> list[MatchResult]:
    """Every result in the file, oldest first."""
    try:
        with path.open(newline="") as file:
            rows = list(csv.reader(file))
    except OSError as error:
        raise HistoryFileError(path, 0, f"cannot read it ({error})") from None
    if not rows or rows[0] != COLUMNS:
        raise HistoryFileError(path, 1, f"the header must be {','.join(COLUMNS)}")
    if len(rows) > MAX_ROWS + 1:
        raise HistoryFileError(path, MAX_ROWS + 2, f"more than {MAX_ROWS} results")
    results = [_parse_row(path, number, row) for number, row in enumerate(rows[1:], start=2)]
    return sorted(results, key=lambda r: r.played_on)


def _parse_row(path: Path, number: int, row: list[str]) -> MatchResult:
    if len(row) != len(COLUMNS):
        raise HistoryFileError(path, number, f"expected {len(COLUMNS)} fields, got {len(row)}")
    played_on, home, away, home_goals, away_goals = (field.strip() for field in row)
    try:
        result = MatchResult(date.fromisoformat(played_on), home, away, int(home_goals), int(away_goals))
    except ValueError as error:
        raise HistoryFileError(path, number, str(error)) from None
    if not home or not away or home == away:
        raise HistoryFileError(path, number, "home and away must be two different teams")
    for goals in (result.home_goals, result.away_goals):
        if not 0 <= goals <= MAX_GOALS_IN_A_MATCH:
            raise HistoryFileError(path, number, f"{goals} goals is not a football score")
    return result
