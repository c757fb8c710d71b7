"""The replay feed: a pure function of (timelines, start, speed, now), played from the shipped match day."""

import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracle.exceptions import FeedError
from oracle.feeds.model import MatchStatus
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import HALF_TIME_BREAK, MATCHDAY_FILE, load_matchday
from scripts.localchain import REPO

pytestmark = pytest.mark.unit

START = 1_700_000_000.0
SPEED = 60.0  # a match minute per real second


@pytest.fixture(scope="module")
def feed() -> ReplayFeed:
    return ReplayFeed(load_matchday(), START, SPEED)


def at(feed: ReplayFeed, game: int, clock_seconds: float) -> float:
    """Unix time of `clock_seconds` of match clock after `game`'s kickoff."""
    return START + (feed.get_timeline(game).kickoff + clock_seconds) / SPEED


def test_default_behavior(feed: ReplayFeed) -> None:
    """Before kickoff scheduled, then live with the goals so far, then finished with the final score."""
    assert feed.get_state(1001, at(feed, 1001, -1)).status is MatchStatus.SCHEDULED
    live = feed.get_state(1001, at(feed, 1001, 30 * 60))
    assert (live.status, live.minute, live.score, live.events) == (MatchStatus.LIVE, 30, (1, 0), 2)
    assert (live.home_team, live.away_team) == ("Kingsbridge Rovers", "Ashford Town")
    end = feed.get_end_time(1001)
    assert end is not None
    before, after = feed.get_state(1001, end - 0.01), feed.get_state(1001, end)
    assert before.status is MatchStatus.LIVE and before.score == (2, 1)
    assert (after.status, after.score, after.minute, after.ended_at) == (
        MatchStatus.FINISHED,
        (2, 1),
        94,
        end,
    )
    assert not after.is_provisional


def test_shipped_matchday_has_what_the_services_need(feed: ReplayFeed) -> None:
    day = feed.matchday
    assert len(day.matches) >= 6
    finals = {g: feed.get_state(g, 10**10) for g in feed.games}
    statuses = {s.status for s in finals.values()}
    assert {MatchStatus.FINISHED, MatchStatus.ABANDONED, MatchStatus.POSTPONED} <= statuses
    assert any(s.red_home or s.red_away for s in finals.values())
    late = [e for t in day.matches.values() for e in t.events if e.kind == "goal" and e.minute >= 85]
    assert late
    assert any(e.is_provisional for t in day.matches.values() for e in t.events)
    teams = [name for t in day.matches.values() for name in (t.home_team, t.away_team)]
    assert len(teams) == len(set(teams))  # a team plays once a day


def test_half_time_break_stops_the_clock(feed: ReplayFeed) -> None:
    timeline = feed.get_timeline(1001)
    half_time = next(e for e in timeline.events if e.kind == "half_time")
    during = feed.get_state(1001, at(feed, 1001, half_time.at + HALF_TIME_BREAK / 2))
    assert during.minute == 45 and during.status is MatchStatus.LIVE
    second = next(e for e in timeline.events if e.minute == 58)
    assert second.at == half_time.at + HALF_TIME_BREAK + 13 * 60


def test_provisional_result_until_confirmed(feed: ReplayFeed) -> None:
    timeline = feed.get_timeline(1006)
    full_time, confirmed = timeline.events[-2], timeline.events[-1]
    provisional = feed.get_state(1006, at(feed, 1006, full_time.at))
    assert provisional.status is MatchStatus.FINISHED and provisional.is_provisional
    official = feed.get_state(1006, at(feed, 1006, confirmed.at))
    assert not official.is_provisional and official.score == (1, 1)
    assert official.ended_at == provisional.ended_at == feed.get_end_time(1006)


def test_abandoned_and_postponed(feed: ReplayFeed) -> None:
    abandoned = feed.get_state(1004, 10**10)
    assert abandoned.status is MatchStatus.ABANDONED and abandoned.status.is_cancelled
    assert abandoned.minute == 67
    postponed_at = feed.get_end_time(1005)
    assert postponed_at is not None and postponed_at < feed.get_kickoff_time(1005)
    assert feed.get_state(1005, postponed_at - 1).status is MatchStatus.SCHEDULED
    assert feed.get_state(1005, postponed_at).status is MatchStatus.POSTPONED


def test_speed_scales_time() -> None:
    day = load_matchday()
    slow, fast = ReplayFeed(day, START, 1.0), ReplayFeed(day, START, 600.0)
    for game in slow.games:
        for clock in (0, 1_800, 5_400, 30_000, 40_000):
            one, two = slow.get_state(game, START + clock), fast.get_state(game, START + clock / 600)
            assert (one.status, one.score, one.minute, one.events) == (
                two.status,
                two.score,
                two.minute,
                two.events,
            )


def test_unknown_game_is_a_feed_error(feed: ReplayFeed) -> None:
    with pytest.raises(FeedError, match="game 7 is not in match day"):
        feed.get_state(7, START)


def test_bad_speed() -> None:
    with pytest.raises(ValueError, match="speed"):
        ReplayFeed(load_matchday(), START, 0)


def test_source_reads_its_clock(feed: ReplayFeed) -> None:
    source = ReplaySource(feed, clock=lambda: 10.0**10)
    assert source.name == "replay" and source.get_games() == feed.games
    assert source.fetch_state(1001) == feed.get_state(1001, 10**10)


@given(now=st.floats(min_value=START - 1_000, max_value=START + 1_000, allow_nan=False))
def test_pure_in_now(now: float) -> None:
    """Two feeds built apart from the same file agree at every moment, and scores never go down."""
    one, two = ReplayFeed(load_matchday(), START, SPEED), ReplayFeed(load_matchday(), START, SPEED)
    for game in one.games:
        state = one.get_state(game, now)
        assert state == two.get_state(game, now)
        later = one.get_state(game, now + 1)
        assert later.home >= state.home and later.away >= state.away and later.events >= state.events


def test_separate_processes_agree(feed: ReplayFeed) -> None:
    """The shared-clock promise across processes: a child process computes the same states."""
    moments = [START + k * 37.5 for k in range(0, 40)]
    code = (
        "import json,sys; from oracle.feeds.replay import ReplayFeed;"
        "from oracle.feeds.timeline import load_matchday;"
        f"f=ReplayFeed(load_matchday(), {START}, {SPEED});"
        f"print(json.dumps([[f.get_state(g, t).__dict__ for g in f.games] for t in {moments}]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    here = [[feed.get_state(g, t).__dict__ for g in feed.games] for t in moments]
    assert json.loads(out.stdout) == json.loads(json.dumps(here))
    assert MATCHDAY_FILE.exists()
