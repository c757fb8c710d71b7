"""The agreement policy: when the node's sources allow a signature, and over what. Pure.

A node signs only when every configured source answered, all say the match is over and none
calls its result provisional, they describe the same fixture, and they agree on one result:
the same final score, or a cancellation (abandoned or postponed; which of the two does not
matter, both refund every bet). Anything else waits, and sources that are all over but
disagree are reported as a disagreement, never signed. The signature is due only once chain
time has passed the end of the match plus the grace period.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from oracle.feeds.model import MatchState, MatchStatus
from oracle.markets import ResultStatus
from oracle.signing import GameResult


@dataclass(frozen=True)
class Reading:
    """One source's answer for a game: a state, or why there is none."""

    source: str
    state: MatchState | None = None
    error: str | None = None


class Verdict(StrEnum):
    SIGN = "sign"
    WAIT = "wait"
    DISAGREE = "disagree"


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str
    result: GameResult | None = None
    ended_at: float | None = None  # the latest end time the sources report, if any does


def build_result(game: int, state: MatchState) -> GameResult:
    """What a terminal state settles as: the final score, or the one canonical cancellation (0-0)."""
    if state.status.is_cancelled:
        return GameResult(game, int(ResultStatus.CANCELLED), 0, 0)
    return GameResult(game, int(ResultStatus.FINAL), state.home, state.away)


def decide(game: int, readings: Sequence[Reading]) -> Decision:
    """Sign, wait, or report a disagreement, from every configured source's reading."""
    if not readings:
        return Decision(Verdict.WAIT, "no sources configured")
    failed = [r.source for r in readings if r.state is None]
    if failed:
        return Decision(Verdict.WAIT, f"no answer from {', '.join(failed)}")
    states = [r.state for r in readings if r.state is not None]
    fixtures = {
        (s.home_team.casefold(), s.away_team.casefold()) for s in states if s.home_team and s.away_team
    }
    if len(fixtures) > 1:
        return Decision(Verdict.DISAGREE, f"sources describe different fixtures: {sorted(fixtures)}")
    if not all(s.status.is_terminal for s in states):
        return Decision(
            Verdict.WAIT, "not over in " + ", ".join(s.source for s in states if not s.status.is_terminal)
        )
    if any(s.is_provisional for s in states):
        return Decision(
            Verdict.WAIT, "provisional in " + ", ".join(s.source for s in states if s.is_provisional)
        )
    results = {build_result(game, s) for s in states}
    if len(results) > 1:
        seen = "; ".join(f"{s.source}: {_describe(s)}" for s in states)
        return Decision(Verdict.DISAGREE, f"sources disagree ({seen})")
    ends = [s.ended_at for s in states if s.ended_at is not None]
    return Decision(Verdict.SIGN, "sources agree", results.pop(), max(ends) if ends else None)


def get_due_time(decision: Decision, first_agreed_at: int, grace: int) -> float:
    """Chain time from which the signature is due: the match's end (or when the node first saw the
    sources agree, if none reports an end) plus the grace period."""
    end = decision.ended_at if decision.ended_at is not None else first_agreed_at
    return end + grace


def _describe(state: MatchState) -> str:
    if state.status is MatchStatus.FINISHED:
        return f"finished {state.home}-{state.away}"
    return state.status.value
