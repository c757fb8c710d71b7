"""The keeper's pure core: from a fixture, what the feed shows and what the Book holds, the next steps.

Every decision is taken from the chain's state and time at the start of a cycle, never from
memory, so a restarted keeper (or a second one) takes the same decisions and a step already
done by someone else is simply not planned again:

| Book state | when | step |
|---|---|---|
| none | kickoff within `create_ahead`, over `min_lead` away, not called off | create, add markets |
| open or live | fewer markets than planned (open: before kickoff) | add markets |
| open | the feed shows the match in play | set live |
| live | the feed shows it over (full time, abandoned) | close |
| open, live, closed, challenged | chain time at or past the void deadline | void |
| proposed | chain time at or past the end of the challenge window | finalize |
| final | some bet still open | pay (settle_bets in batches) |
"""

from dataclasses import dataclass
from enum import StrEnum

from oracle.feeds import MatchState, MatchStatus

STATE_NONE, STATE_OPEN, STATE_LIVE, STATE_CLOSED = 0, 1, 2, 3
STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL = 4, 5, 6


class Step(StrEnum):
    CREATE = "create"
    ADD_MARKETS = "add markets"
    SET_LIVE = "set live"
    CLOSE = "close"
    VOID = "void"
    FINALIZE = "finalize"
    PAY = "pay"


@dataclass(frozen=True)
class GameView:
    """`Book.game(game)`, the fields the keeper acts on."""

    game: int
    kickoff: int
    state: int
    deadline: int  # the void deadline; the end of the challenge window while proposed
    market_count: int


@dataclass(frozen=True)
class Timing:
    create_ahead: float
    min_lead: float
    market_count: int  # markets planned per game


def plan_steps(kickoff: int, feed: MatchState, view: GameView, now: int, timing: Timing) -> list[Step]:
    """The steps due for one game, in order, at chain time `now`."""
    state = view.state
    if state == STATE_NONE:
        is_listable = now + timing.min_lead < kickoff <= now + timing.create_ahead
        return [Step.CREATE, Step.ADD_MARKETS] if is_listable and not feed.status.is_terminal else []
    if state == STATE_FINAL:
        return [Step.PAY]
    if state == STATE_PROPOSED:
        return [Step.FINALIZE] if now >= view.deadline else []
    if now >= view.deadline:
        return [Step.VOID]
    return _plan_betting(feed, view, now, timing) if state in (STATE_OPEN, STATE_LIVE) else []


def _plan_betting(feed: MatchState, view: GameView, now: int, timing: Timing) -> list[Step]:
    steps = []
    can_add = view.state == STATE_LIVE or now < view.kickoff
    if view.market_count < timing.market_count and can_add:
        steps.append(Step.ADD_MARKETS)
    if view.state == STATE_OPEN and feed.status == MatchStatus.LIVE:
        steps.append(Step.SET_LIVE)
    if view.state == STATE_LIVE and feed.status in (MatchStatus.FINISHED, MatchStatus.ABANDONED):
        steps.append(Step.CLOSE)
    return steps
