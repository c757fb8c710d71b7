"""Build the node's data sources from its settings, and read them all for one game."""

from collections.abc import Sequence

from oracle.exceptions import FeedError
from oracle.feeds import Source
from oracle.feeds.http import HttpJsonSource
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import load_matchday
from oracle.reporter.agreement import Reading
from oracle.reporter.config import ReplaySourceSettings, Settings


def build_sources(settings: Settings) -> list[Source]:
    sources: list[Source] = []
    for spec in settings.sources:
        if isinstance(spec, ReplaySourceSettings):
            start = spec.start if spec.start is not None else settings.replay.start
            assert start is not None  # Settings.check
            speed = spec.speed if spec.speed is not None else settings.replay.speed
            sources.append(ReplaySource(ReplayFeed(load_matchday(spec.file), start, speed, spec.name)))
        else:
            sources.append(
                HttpJsonSource(spec.name, spec.url, spec.games, spec.build_mapping(), spec.timeout)
            )
    return sources


def get_games(sources: Sequence[Source], only: Sequence[int]) -> list[int]:
    """The games to report: `only` if given, else every game any source lists."""
    if only:
        return sorted(set(only))
    return sorted({game for source in sources for game in source.get_games()})


def fetch_readings(sources: Sequence[Source], game: int) -> list[Reading]:
    """Every source's answer for `game`; a failing source gives a reading with its error."""
    readings = []
    for source in sources:
        try:
            readings.append(Reading(source.name, state=source.fetch_state(game)))
        except FeedError as error:
            readings.append(Reading(source.name, error=str(error)))
    return readings
