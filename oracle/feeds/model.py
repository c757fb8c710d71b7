"""The one typed picture of a match that every data source returns."""

from dataclasses import dataclass
from enum import StrEnum


class MatchStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    FINISHED = "finished"
    ABANDONED = "abandoned"
    POSTPONED = "postponed"

    @property
    def is_terminal(self) -> bool:
        """Play will not resume: the match has a result or will never be completed today."""
        return self in (MatchStatus.FINISHED, MatchStatus.ABANDONED, MatchStatus.POSTPONED)

    @property
    def is_cancelled(self) -> bool:
        """Settles as a cancellation (every bet refunded), not by a score."""
        return self in (MatchStatus.ABANDONED, MatchStatus.POSTPONED)


class Side(StrEnum):
    HOME = "home"
    AWAY = "away"


MAX_SCORE = 1_000  # contracts/constants.vy MAX_SCORE
MAX_MINUTE = 200  # extra time and stoppages included


@dataclass(frozen=True)
class MatchState:
    """A match as one source sees it at one moment.

    `minute` is the match clock (0 before kickoff). `ended_at` is the unix time the status became
    terminal (the final whistle, the abandonment, the postponement), as the source reports it;
    None while the match is not over. `is_provisional` marks a result the source may still
    change (a score under review). `events` counts the events the source has seen, so a
    consumer notices a new one even when the score did not change.
    """

    game: int
    source: str
    home_team: str
    away_team: str
    status: MatchStatus
    minute: int = 0
    home: int = 0
    away: int = 0
    red_home: int = 0
    red_away: int = 0
    is_provisional: bool = False
    kickoff_at: float | None = None
    ended_at: float | None = None
    events: int = 0

    @property
    def score(self) -> tuple[int, int]:
        return (self.home, self.away)
