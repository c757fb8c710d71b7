"""The agreement policy, offline: sign only on full, final, matching, non-provisional agreement."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracle.feeds.model import MatchState, MatchStatus
from oracle.markets import ResultStatus
from oracle.reporter.agreement import Reading, Verdict, decide, get_due_time
from oracle.signing import GameResult

pytestmark = pytest.mark.unit

GAME = 1001


def state(
    source: str, status: MatchStatus = MatchStatus.FINISHED, score: tuple[int, int] = (2, 1), **kw
) -> MatchState:
    fields = {"home_team": "Kingsbridge Rovers", "away_team": "Ashford Town", "ended_at": 1_000.0} | kw
    return MatchState(GAME, source, status=status, home=score[0], away=score[1], **fields)  # type: ignore[arg-type]


def read(*states: MatchState) -> list[Reading]:
    return [Reading(s.source, state=s) for s in states]


def test_default_behavior() -> None:
    decision = decide(GAME, read(state("a"), state("b", ended_at=1_010.0)))
    assert decision.verdict is Verdict.SIGN
    assert decision.result == GameResult(GAME, int(ResultStatus.FINAL), 2, 1)
    assert decision.ended_at == 1_010.0  # the latest end any source reports


def test_cancellations_agree_whatever_their_kind() -> None:
    decision = decide(
        GAME, read(state("a", MatchStatus.ABANDONED), state("b", MatchStatus.POSTPONED, (0, 0)))
    )
    assert decision.verdict is Verdict.SIGN
    assert decision.result == GameResult(GAME, int(ResultStatus.CANCELLED), 0, 0)


@pytest.mark.parametrize(
    ("readings", "verdict", "reason"),
    [
        ([], Verdict.WAIT, "no sources"),
        ([Reading("a", state=state("a")), Reading("b", error="HTTP 503")], Verdict.WAIT, "no answer from b"),
        (read(state("a"), state("b", MatchStatus.LIVE)), Verdict.WAIT, "not over in b"),
        (read(state("a", MatchStatus.SCHEDULED)), Verdict.WAIT, "not over in a"),
        (read(state("a"), state("b", is_provisional=True)), Verdict.WAIT, "provisional in b"),
        (read(state("a"), state("b", score=(1, 1))), Verdict.DISAGREE, "sources disagree"),
        (read(state("a"), state("b", MatchStatus.ABANDONED)), Verdict.DISAGREE, "sources disagree"),
        (read(state("a"), state("b", away_team="Redcliffe")), Verdict.DISAGREE, "different fixtures"),
    ],
)
def test_fails_closed(readings: list[Reading], verdict: Verdict, reason: str) -> None:
    decision = decide(GAME, readings)
    assert decision.verdict is verdict and reason in decision.reason and decision.result is None


def test_team_names_compare_without_case() -> None:
    decision = decide(GAME, read(state("a"), state("b", home_team="KINGSBRIDGE ROVERS")))
    assert decision.verdict is Verdict.SIGN


def test_due_time_is_end_plus_grace_or_first_agreement() -> None:
    signed = decide(GAME, read(state("a", ended_at=500.0)))
    assert get_due_time(signed, first_agreed_at=900, grace=60) == 560
    no_end = decide(GAME, read(state("a", ended_at=None)))
    assert get_due_time(no_end, first_agreed_at=900, grace=60) == 960


statuses = st.sampled_from(list(MatchStatus))
readings = st.lists(
    st.builds(
        lambda i, status, h, a, prov: state(f"s{i}", status, (h, a), is_provisional=prov),
        st.integers(0, 5),
        statuses,
        st.integers(0, 3),
        st.integers(0, 3),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda s: s.source,
)


@given(readings)
def test_signs_only_what_every_source_says(states: list[MatchState]) -> None:
    """Property: a SIGN means every source is terminal, official and gives exactly that result."""
    decision = decide(GAME, read(*states))
    if decision.verdict is Verdict.SIGN:
        assert decision.result is not None
        for s in states:
            assert s.status.is_terminal and not s.is_provisional
            expected = (int(ResultStatus.CANCELLED), 0, 0) if s.status.is_cancelled else (1, s.home, s.away)
            assert (decision.result.status, decision.result.home, decision.result.away) == expected
