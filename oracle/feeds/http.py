"""The HTTP JSON adapter: one GET per match from a provider, its fields mapped onto `MatchState`.

`FieldMapping` names where each field sits in the provider's JSON (dotted paths, list indexes
allowed: `"fixture.goals.home"`, `"scores.0"`) and how its status codes read
(`{"FT": "finished", "1H": "live", ...}`). Everything the provider sends is checked: unknown
status codes, scores out of range or of the wrong type raise `FeedError`, so a node never acts
on data it did not understand.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from oracle.exceptions import FeedError
from oracle.feeds.model import MAX_MINUTE, MAX_SCORE, MatchState, MatchStatus

MAX_BODY = 1_000_000  # bytes; a match's JSON is a few kilobytes


@dataclass(frozen=True)
class FieldMapping:
    """Paths into the provider's JSON; `None` where the provider has no such field."""

    status: str = "status"
    home: str = "home_score"
    away: str = "away_score"
    home_team: str | None = "home_team"
    away_team: str | None = "away_team"
    minute: str | None = "minute"
    red_home: str | None = None
    red_away: str | None = None
    provisional: str | None = None  # a boolean field
    kickoff_at: str | None = None  # unix seconds or ISO 8601
    ended_at: str | None = None  # unix seconds or ISO 8601
    # provider status code -> our status; codes not listed are errors
    statuses: dict[str, MatchStatus] = field(
        default_factory=lambda: {status.value: status for status in MatchStatus}
    )
    # provider status codes that mean "result given but not yet official"
    provisional_statuses: tuple[str, ...] = ()


def get_path(document: Any, path: str) -> Any:
    """The value at dotted `path` in `document`, or raise KeyError naming the missing step."""
    value = document
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            raise KeyError(path)
    return value


def build_state(document: Any, game: int, source: str, mapping: FieldMapping) -> MatchState:
    """A `MatchState` from one provider document; `FeedError` on anything unexpected."""
    reader = _Reader(document, source, game)
    code = str(reader.get(mapping.status, (str, int)))
    if code not in mapping.statuses:
        raise FeedError(source, f"game {game}: unknown status code {code!r:.40}")
    is_provisional = code in mapping.provisional_statuses
    if mapping.provisional is not None:
        is_provisional = is_provisional or reader.get(mapping.provisional, bool)
    return MatchState(
        game=game,
        source=source,
        home_team=reader.get_optional(mapping.home_team, str, ""),
        away_team=reader.get_optional(mapping.away_team, str, ""),
        status=mapping.statuses[code],
        minute=reader.get_count(mapping.minute, MAX_MINUTE),
        home=reader.get_count(mapping.home, MAX_SCORE),
        away=reader.get_count(mapping.away, MAX_SCORE),
        red_home=reader.get_count(mapping.red_home, 11),
        red_away=reader.get_count(mapping.red_away, 11),
        is_provisional=is_provisional,
        kickoff_at=reader.get_time(mapping.kickoff_at),
        ended_at=reader.get_time(mapping.ended_at),
    )


@dataclass
class _Reader:
    document: Any
    source: str
    game: int

    def fail(self, path: str, problem: str) -> FeedError:
        return FeedError(self.source, f"game {self.game}: field '{path}' {problem}")

    def get(self, path: str, kinds: type | tuple[type, ...]) -> Any:
        try:
            value = get_path(self.document, path)
        except KeyError:
            raise self.fail(path, "is missing") from None
        if isinstance(value, bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,)):
            raise self.fail(path, f"has the wrong type ({value!r})")
        if not isinstance(value, kinds):
            raise self.fail(path, f"has the wrong type ({value!r:.40})")
        return value

    def get_optional(self, path: str | None, kind: type, default: Any) -> Any:
        return default if path is None else self.get(path, kind)

    def get_count(self, path: str | None, bound: int) -> int:
        if path is None:
            return 0
        value = self.get(path, (int, type(None)))
        if value is None:
            return 0
        if not 0 <= value <= bound:
            raise self.fail(path, f"is {value}, outside 0..{bound}")
        return int(value)

    def get_time(self, path: str | None) -> float | None:
        if path is None:
            return None
        value = self.get(path, (int, float, str, type(None)))
        if value is None or isinstance(value, int | float):
            return None if value is None else float(value)
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise self.fail(path, f"is not a time ({value!r:.40})") from None


class HttpJsonSource:
    """A provider answering `GET url.format(game=<id>)` with one match's JSON."""

    def __init__(
        self,
        name: str,
        url: str,
        games: list[int],
        mapping: FieldMapping | None = None,
        timeout: float = 5.0,
        headers: dict[str, str] | None = None,
    ):
        if "{game}" not in url:
            raise ValueError(f"source {name}: the url needs a {{game}} placeholder, got {url!r}")
        self.name = name
        self.url = url
        self.games = sorted(games)
        self.mapping = mapping or FieldMapping()
        self.client = httpx.Client(timeout=timeout, headers=headers or {}, follow_redirects=False)

    def get_games(self) -> list[int]:
        return self.games

    def fetch_state(self, game: int) -> MatchState:
        url = self.url.format(game=game)
        try:
            response = self.client.get(url)
        except httpx.HTTPError as error:
            raise FeedError(self.name, f"GET {url} failed: {type(error).__name__}: {error}") from None
        if response.status_code != 200:
            raise FeedError(self.name, f"GET {url} answered HTTP {response.status_code}")
        if len(response.content) > MAX_BODY:
            raise FeedError(self.name, f"GET {url} answered {len(response.content)} bytes (> {MAX_BODY})")
        try:
            document = response.json()
        except ValueError:
            raise FeedError(self.name, f"GET {url} answered something that is not JSON") from None
        return build_state(document, game, self.name, self.mapping)

    def close(self) -> None:
        self.client.close()
