"""Recorded match timelines: the match day file format, read and checked.

A match day file is JSON:

    {"name": "...", "matches": [
        {"game": 1001, "home": "Kingsbridge Rovers", "away": "Ashford Town", "kickoff": 0,
         "events": [{"minute": 0, "kind": "kickoff"},
                    {"minute": 23, "kind": "goal", "side": "home"},
                    {"minute": 45, "added": 2, "kind": "half_time"},
                    {"minute": 61, "kind": "red_card", "side": "away"},
                    {"minute": 90, "added": 4, "kind": "full_time", "score": [1, 0]}]}]}

`game` is the on-chain game id; `kickoff` is in match-day seconds (0 = the day's start).
`minute` + `added` is the match clock; second-half events come after a 15-minute break that
starts at the `half_time` event. A `postponed` event has a negative minute (minutes before
kickoff it was announced). `full_time` carries the final score, which must equal the goals;
`"provisional": true` on it means the result may still change until a later `confirmed`
event. `abandoned` stops a match where it is. Every file is checked on load, and a malformed
one raises `FeedDataError` naming the match and the event.
"""

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from oracle.exceptions import FeedDataError
from oracle.feeds.model import MAX_MINUTE, Side

HALF_TIME_BREAK = 900  # seconds of match clock between the halves
MAX_GAME_ID = 2**48 - 1  # contracts/constants.vy MAX_GAME_ID
MAX_MATCHES = 1_000
MAX_EVENTS = 500
DATA_DIR = Path(__file__).resolve().parent / "data"
MATCHDAY_FILE = DATA_DIR / "matchday.json"


class EventKind(StrEnum):
    KICKOFF = "kickoff"
    GOAL = "goal"
    RED_CARD = "red_card"
    HALF_TIME = "half_time"
    FULL_TIME = "full_time"
    CONFIRMED = "confirmed"
    ABANDONED = "abandoned"
    POSTPONED = "postponed"


TERMINAL_KINDS = (EventKind.FULL_TIME, EventKind.ABANDONED, EventKind.POSTPONED)


@dataclass(frozen=True)
class MatchEvent:
    kind: EventKind
    minute: int
    added: int = 0
    side: Side | None = None
    score: tuple[int, int] | None = None
    is_provisional: bool = False
    at: int = 0  # match-clock seconds after kickoff (negative before it)


@dataclass(frozen=True)
class Timeline:
    game: int
    home_team: str
    away_team: str
    kickoff: int  # match-day seconds
    events: tuple[MatchEvent, ...]


@dataclass(frozen=True)
class MatchDay:
    name: str
    matches: dict[int, Timeline]


def load_matchday(path: Path | str = MATCHDAY_FILE) -> MatchDay:
    """Read and check a match day file."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise FeedDataError(f"no match day file at {path}") from None
    except json.JSONDecodeError as error:
        raise FeedDataError(f"{path} is not valid JSON ({error})") from None
    return build_matchday(raw, str(path))


def build_matchday(raw: Any, where: str = "match day") -> MatchDay:
    """A `MatchDay` from parsed JSON; raises `FeedDataError` on anything malformed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("matches"), list):
        raise FeedDataError(f"{where}: expected an object with a 'matches' list")
    if not 0 < len(raw["matches"]) <= MAX_MATCHES:
        raise FeedDataError(f"{where}: between 1 and {MAX_MATCHES} matches, got {len(raw['matches'])}")
    matches: dict[int, Timeline] = {}
    for index, entry in enumerate(raw["matches"]):
        timeline = _build_timeline(entry, f"{where} match #{index}")
        if timeline.game in matches:
            raise FeedDataError(f"{where}: game {timeline.game} appears twice")
        matches[timeline.game] = timeline
    return MatchDay(name=str(raw.get("name", where)), matches=matches)


def _field(obj: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise FeedDataError(f"{where}: '{key}' must be {kind.__name__}, got {value!r:.60}")
    return value


def _build_timeline(entry: Any, where: str) -> Timeline:
    if not isinstance(entry, dict):
        raise FeedDataError(f"{where}: a match is an object")
    game = _field(entry, "game", int, where)
    if not 0 < game <= MAX_GAME_ID:
        raise FeedDataError(f"{where}: game id {game} outside 1..2**48-1")
    where = f"{where} (game {game})"
    home, away = _field(entry, "home", str, where), _field(entry, "away", str, where)
    kickoff = _field(entry, "kickoff", int, where)
    raw_events = _field(entry, "events", list, where)
    if not home.strip() or not away.strip() or home == away or kickoff < 0 or len(raw_events) > MAX_EVENTS:
        raise FeedDataError(f"{where}: needs two distinct team names, kickoff >= 0, <= {MAX_EVENTS} events")
    events = _place_events([_build_event(e, f"{where} event #{i}") for i, e in enumerate(raw_events)], where)
    return Timeline(game=game, home_team=home, away_team=away, kickoff=kickoff, events=events)


def _build_event(raw: Any, where: str) -> MatchEvent:
    if not isinstance(raw, dict):
        raise FeedDataError(f"{where}: an event is an object")
    try:
        kind = EventKind(str(raw.get("kind")))
    except ValueError:
        raise FeedDataError(f"{where}: unknown kind {raw.get('kind')!r:.40}") from None
    minute, added = _field(raw, "minute", int, where), raw.get("added", 0)
    if not isinstance(added, int) or isinstance(added, bool) or not 0 <= added <= 30:
        raise FeedDataError(f"{where}: 'added' must be 0..30 minutes")
    if not -10_000 <= minute <= MAX_MINUTE or (minute < 0 and kind is not EventKind.POSTPONED):
        raise FeedDataError(f"{where}: minute {minute} out of range")
    side = None
    if kind in (EventKind.GOAL, EventKind.RED_CARD):
        try:
            side = Side(str(raw.get("side")))
        except ValueError:
            raise FeedDataError(f"{where}: a {kind} needs side 'home' or 'away'") from None
    score = None
    if kind is EventKind.FULL_TIME:
        pair = raw.get("score")
        if not (isinstance(pair, list) and len(pair) == 2 and all(type(g) is int and g >= 0 for g in pair)):
            raise FeedDataError(f"{where}: full_time needs 'score': [home, away]")
        score = (pair[0], pair[1])
    provisional = raw.get("provisional", False)
    if not isinstance(provisional, bool) or (provisional and kind is not EventKind.FULL_TIME):
        raise FeedDataError(f"{where}: only full_time may be provisional (true/false)")
    return MatchEvent(kind, minute, added, side, score, provisional)


def _place_events(events: list[MatchEvent], where: str) -> tuple[MatchEvent, ...]:
    """Give each event its clock time; check order, kickoff first, goals adding up, one ending."""
    placed: list[MatchEvent] = []
    second_half_start: int | None = None
    goals = [0, 0]
    ended = False
    for index, event in enumerate(events):
        clock = (event.minute + event.added) * 60
        if second_half_start is not None:
            clock = second_half_start + (event.minute + event.added - 45) * 60
        if placed and clock < placed[-1].at:
            raise FeedDataError(f"{where} event #{index}: events must be in time order")
        opens = event.kind in (EventKind.KICKOFF, EventKind.POSTPONED)
        if opens == bool(placed):
            raise FeedDataError(f"{where} event #{index}: a timeline opens with one kickoff or postponement")
        if event.kind is EventKind.HALF_TIME and second_half_start is not None:
            raise FeedDataError(f"{where} event #{index}: a second half_time")
        if ended and event.kind is not EventKind.CONFIRMED:
            raise FeedDataError(f"{where} event #{index}: nothing but 'confirmed' after the match ended")
        if event.kind is EventKind.CONFIRMED and not (placed and placed[-1].is_provisional):
            raise FeedDataError(f"{where} event #{index}: 'confirmed' follows a provisional full_time")
        if event.kind is EventKind.GOAL:
            goals[event.side is Side.AWAY] += 1
        if event.kind is EventKind.FULL_TIME and event.score != tuple(goals):
            raise FeedDataError(f"{where} event #{index}: score {event.score} but the goals make {goals}")
        placed.append(MatchEvent(**{**event.__dict__, "at": clock}))
        if event.kind is EventKind.HALF_TIME:
            second_half_start = clock + HALF_TIME_BREAK
        ended = ended or event.kind in TERMINAL_KINDS
    return tuple(placed)
