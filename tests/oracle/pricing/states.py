"""Match states as the feeds report them, for the pricing tests."""

from oracle.feeds.model import MatchState, MatchStatus


def live(minute: int = 0, home: int = 0, away: int = 0, red_home: int = 0, red_away: int = 0) -> MatchState:
    return MatchState(
        game=1,
        source="test",
        home_team="Home",
        away_team="Away",
        status=MatchStatus.LIVE,
        minute=minute,
        home=home,
        away=away,
        red_home=red_home,
        red_away=red_away,
    )
