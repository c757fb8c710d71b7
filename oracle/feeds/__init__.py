"""Data-source adapters: every source answers `fetch_state(game) -> MatchState`.

- `replay`: recorded match timelines (`data/matchday.json`) played at any speed, a pure
  function of (timelines, start, speed, now);
- `http`: a provider's JSON over HTTP, its fields mapped onto `MatchState`.
"""

from typing import Protocol

from oracle.feeds.model import MatchState, MatchStatus, Side


class Source(Protocol):
    """What a service polls: one match at a time, by on-chain game id."""

    @property
    def name(self) -> str: ...

    def get_games(self) -> list[int]: ...

    def fetch_state(self, game: int) -> MatchState: ...


__all__ = ["MatchState", "MatchStatus", "Side", "Source"]
