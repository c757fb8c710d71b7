"""The replay feed: recorded match timelines played at any speed, as a pure function of time.

Match-day second `t` happens at unix time `start + t / speed` (`speed` = match seconds per real
second). `get_state(game, now)` folds the events of a timeline up to `now`; nothing else goes
in, so every process given the same file, `start` and `speed` sees the same match at the same
moment. `ReplaySource` binds a feed to a clock for the services that poll "now".
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from oracle.exceptions import FeedError
from oracle.feeds.model import MatchState, MatchStatus, Side
from oracle.feeds.timeline import HALF_TIME_BREAK, EventKind, MatchDay, MatchEvent, Timeline


@dataclass(frozen=True)
class ReplayFeed:
    matchday: MatchDay
    start: float  # unix time of match-day second 0
    speed: float = 1.0  # match seconds per real second
    name: str = "replay"

    def __post_init__(self) -> None:
        if not self.speed > 0:
            raise ValueError(f"replay speed must be > 0, got {self.speed}")

    @property
    def games(self) -> list[int]:
        return sorted(self.matchday.matches)

    def get_timeline(self, game: int) -> Timeline:
        try:
            return self.matchday.matches[game]
        except KeyError:
            raise FeedError(self.name, f"game {game} is not in match day '{self.matchday.name}'") from None

    def get_time(self, game: int, at: int) -> float:
        """Unix time of clock second `at` after the kickoff of `game`."""
        return self.start + (self.get_timeline(game).kickoff + at) / self.speed

    def get_kickoff_time(self, game: int) -> float:
        return self.get_time(game, 0)

    def get_end_time(self, game: int) -> float | None:
        """Unix time of the event that ends `game` (full time, abandonment, postponement)."""
        ending = [e for e in self.get_timeline(game).events if e.kind in _ENDINGS]
        return self.get_time(game, ending[0].at) if ending else None

    def get_events(self, game: int, now: float) -> list[MatchEvent]:
        """The events of `game` that have happened by unix time `now`, in order."""
        return [e for e in self.get_timeline(game).events if self.get_time(game, e.at) <= now]

    def get_state(self, game: int, now: float) -> MatchState:
        timeline = self.get_timeline(game)
        state = _Fold(timeline, self.name, self.get_kickoff_time(game))
        for event in self.get_events(game, now):
            state.apply(event, self.get_time(game, event.at))
        elapsed = (now - self.get_kickoff_time(game)) * self.speed
        return state.build(elapsed)


_ENDINGS = (EventKind.FULL_TIME, EventKind.ABANDONED, EventKind.POSTPONED)


@dataclass
class _Fold:
    timeline: Timeline
    source: str
    kickoff_at: float
    status: MatchStatus = MatchStatus.SCHEDULED
    goals: list[int] = field(default_factory=lambda: [0, 0])
    reds: list[int] = field(default_factory=lambda: [0, 0])
    is_provisional: bool = False
    ended_at: float | None = None
    end_minute: int = 0
    second_half_start: int | None = None
    count: int = 0

    def apply(self, event: MatchEvent, when: float) -> None:
        self.count += 1
        kind = event.kind
        if kind is EventKind.KICKOFF:
            self.status = MatchStatus.LIVE
        elif kind in (EventKind.GOAL, EventKind.RED_CARD):
            tally = self.goals if kind is EventKind.GOAL else self.reds
            tally[event.side is Side.AWAY] += 1
        elif kind is EventKind.HALF_TIME:
            self.second_half_start = event.at + HALF_TIME_BREAK
        elif kind in _ENDINGS:
            self.status = {
                EventKind.FULL_TIME: MatchStatus.FINISHED,
                EventKind.ABANDONED: MatchStatus.ABANDONED,
                EventKind.POSTPONED: MatchStatus.POSTPONED,
            }[kind]
            self.is_provisional = event.is_provisional
            self.ended_at = when
            self.end_minute = max(0, event.minute + event.added)
        elif kind is EventKind.CONFIRMED:
            self.is_provisional = False

    def get_minute(self, elapsed: float) -> int:
        if self.status is MatchStatus.SCHEDULED:
            return 0
        if self.status is not MatchStatus.LIVE:
            return self.end_minute
        if self.second_half_start is None:
            return max(0, int(elapsed // 60))
        return 45 + max(0, int((elapsed - self.second_half_start) // 60))

    def build(self, elapsed: float) -> MatchState:
        return MatchState(
            game=self.timeline.game,
            source=self.source,
            home_team=self.timeline.home_team,
            away_team=self.timeline.away_team,
            status=self.status,
            minute=self.get_minute(elapsed),
            home=self.goals[0],
            away=self.goals[1],
            red_home=self.reds[0],
            red_away=self.reds[1],
            is_provisional=self.is_provisional,
            kickoff_at=self.kickoff_at,
            ended_at=self.ended_at,
            events=self.count,
        )


@dataclass(frozen=True)
class ReplaySource:
    """A replay feed read at the current time of `clock` (the host clock unless given)."""

    feed: ReplayFeed
    clock: Callable[[], float] = time.time

    @property
    def name(self) -> str:
        return self.feed.name

    def get_games(self) -> list[int]:
        return self.feed.games

    def fetch_state(self, game: int) -> MatchState:
        return self.feed.get_state(game, self.clock())
