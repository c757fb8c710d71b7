"""Match day files are checked on load; every malformed shape names the match and the event."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from oracle.exceptions import FeedDataError
from oracle.feeds.timeline import build_matchday, load_matchday

pytestmark = pytest.mark.unit

MATCH: dict[str, Any] = {
    "game": 7,
    "home": "Kingsbridge Rovers",
    "away": "Ashford Town",
    "kickoff": 0,
    "events": [
        {"minute": 0, "kind": "kickoff"},
        {"minute": 10, "kind": "goal", "side": "home"},
        {"minute": 45, "kind": "half_time"},
        {"minute": 90, "kind": "full_time", "score": [1, 0]},
    ],
}


def day(**changes: Any) -> dict[str, Any]:
    match = copy.deepcopy(MATCH) | changes
    return {"name": "test", "matches": [match]}


def with_events(*events: dict[str, Any]) -> dict[str, Any]:
    return day(events=list(events))


def test_default_behavior() -> None:
    matchday = build_matchday(day())
    timeline = matchday.matches[7]
    assert [e.at for e in timeline.events] == [0, 600, 2_700, 2_700 + 900 + 45 * 60]


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(FeedDataError, match="no match day file"):
        load_matchday(tmp_path / "none.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(FeedDataError, match="not valid JSON"):
        load_matchday(broken)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(day()))
    assert load_matchday(good).matches[7].home_team == "Kingsbridge Rovers"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "'matches' list"),
        ({"matches": []}, "between 1 and"),
        (day(game=0), "outside 1..2"),
        (day(game=2**48), "outside 1..2"),
        (day(game="7"), "'game' must be int"),
        (day(game=True), "'game' must be int"),
        (day(away="Kingsbridge Rovers"), "distinct team names"),
        (day(kickoff=-1), "kickoff >= 0"),
        (with_events({"minute": 0, "kind": "whistle"}), "unknown kind"),
        (with_events({"minute": 0, "kind": "kickoff"}, {"minute": 5, "kind": "goal"}), "needs side"),
        (with_events({"minute": 10, "kind": "goal", "side": "home"}), "opens with one kickoff"),
        (with_events({"minute": 0, "kind": "kickoff"}, {"minute": 1, "kind": "kickoff"}), "opens with one"),
        (
            with_events({"minute": 0, "kind": "kickoff"}, {"minute": -5, "kind": "goal", "side": "home"}),
            "range",
        ),
        (
            with_events(
                {"minute": 0, "kind": "kickoff"},
                {"minute": 50, "kind": "goal", "side": "home"},
                {"minute": 40, "kind": "goal", "side": "home"},
            ),
            "time order",
        ),
        (with_events({"minute": 0, "kind": "kickoff"}, {"minute": 90, "kind": "full_time"}), "needs 'score'"),
        (
            with_events(
                {"minute": 0, "kind": "kickoff"}, {"minute": 90, "kind": "full_time", "score": [1, 0]}
            ),
            "goals make",
        ),
        (
            with_events(
                {"minute": 0, "kind": "kickoff"},
                {"minute": 80, "kind": "abandoned"},
                {"minute": 85, "kind": "goal", "side": "home"},
            ),
            "after the match ended",
        ),
        (
            with_events({"minute": 0, "kind": "kickoff"}, {"minute": 90, "kind": "confirmed"}),
            "follows a provisional",
        ),
        (
            with_events(
                {"minute": 0, "kind": "kickoff"},
                {"minute": 10, "kind": "goal", "side": "home", "provisional": True},
            ),
            "only full_time may be provisional",
        ),
        (
            with_events({"minute": 0, "kind": "kickoff"}, {"minute": 5, "added": 99, "kind": "half_time"}),
            "added",
        ),
        (
            with_events(
                {"minute": 0, "kind": "kickoff"},
                {"minute": 45, "kind": "half_time"},
                {"minute": 46, "kind": "half_time"},
            ),
            "second half_time",
        ),
    ],
)
def test_rejects(raw: Any, message: str) -> None:
    with pytest.raises(FeedDataError, match=message):
        build_matchday(raw)


def test_duplicate_game() -> None:
    raw = day()
    raw["matches"].append(copy.deepcopy(MATCH))
    with pytest.raises(FeedDataError, match="appears twice"):
        build_matchday(raw)
