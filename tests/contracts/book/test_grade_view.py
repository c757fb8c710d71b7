"""Book.grade: the on-chain settlement function equals its Python twin `oracle.markets.grade`."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oracle.markets import Grade, Kind, grade, outcome_count

pytestmark = pytest.mark.unit

W, HW, P, HL, L = Grade.WIN, Grade.HALF_WIN, Grade.PUSH, Grade.HALF_LOSS, Grade.LOSS

# (kind, line in quarters, home, away, grade of each outcome), written out by hand
KNOWN = [
    (Kind.ONE_X_TWO, 0, 2, 1, (W, L, L)),
    (Kind.ONE_X_TWO, 0, 1, 1, (L, W, L)),
    (Kind.ONE_X_TWO, 0, 0, 3, (L, L, W)),
    (Kind.MONEYLINE, 0, 1, 0, (W, L)),
    (Kind.MONEYLINE, 0, 2, 2, (P, P)),
    (Kind.MONEYLINE, 0, 0, 1, (L, W)),
    (Kind.TOTALS, 10, 2, 1, (W, L)),  # over 2.5, three goals
    (Kind.TOTALS, 10, 1, 1, (L, W)),
    (Kind.TOTALS, 8, 1, 1, (P, P)),  # 2.0, two goals
    (Kind.TOTALS, 9, 1, 1, (HL, HW)),  # 2.25: half on 2.0 (push), half on 2.5 (under)
    (Kind.TOTALS, 9, 2, 1, (W, L)),
    (Kind.TOTALS, 11, 2, 1, (HW, HL)),  # 2.75: half on 2.5 (over), half on 3.0 (push)
    (Kind.TOTALS, 11, 1, 1, (L, W)),
    (Kind.TOTALS, 1, 0, 0, (HL, HW)),  # 0.25 at nil-nil
    (Kind.HANDICAP, -2, 1, 0, (W, L)),  # home -0.5
    (Kind.HANDICAP, -2, 1, 1, (L, W)),
    (Kind.HANDICAP, -1, 0, 0, (HL, HW)),  # home -0.25 at a draw
    (Kind.HANDICAP, -3, 1, 0, (HW, HL)),  # home -0.75 winning by one
    (Kind.HANDICAP, -4, 1, 0, (P, P)),  # home -1.0 winning by one
    (Kind.HANDICAP, 5, 0, 1, (HW, HL)),  # home +1.25 losing by one
    (Kind.HANDICAP, 5, 0, 2, (L, W)),
    (Kind.HANDICAP, 3, 0, 1, (HL, HW)),  # home +0.75 losing by one
    (Kind.HANDICAP, 0, 3, 3, (P, P)),
]


@pytest.mark.parametrize(("kind", "line", "home", "away", "grades"), KNOWN)
def test_default_behavior(book, kind, line, home, away, grades):
    for outcome, expected in enumerate(grades):
        assert book.grade(int(kind), line, outcome, home, away, False) == expected
        assert grade(kind, line, outcome, home, away) == expected


@pytest.mark.parametrize("kind", list(Kind))
def test_cancelled_pushes(book, kind):
    for outcome in range(outcome_count(kind)):
        assert book.grade(int(kind), 9 if kind == Kind.TOTALS else 0, outcome, 3, 0, True) == P


@st.composite
def _cases(draw):
    kind = draw(st.sampled_from(list(Kind)))
    if kind in (Kind.ONE_X_TWO, Kind.MONEYLINE):
        line = 0
    elif kind == Kind.TOTALS:
        line = draw(st.integers(1, 40))
    else:
        line = draw(st.integers(-40, 40))
    outcome = draw(st.integers(0, outcome_count(kind) - 1))
    home, away = draw(st.integers(0, 12)), draw(st.integers(0, 12))
    return kind, line, outcome, home, away, draw(st.booleans())


@pytest.mark.fuzz
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_cases())
def test_equals_python_twin(book, case):
    kind, line, outcome, home, away, cancelled = case
    assert book.grade(int(kind), line, outcome, home, away, cancelled) == grade(
        kind, line, outcome, home, away, cancelled
    )


@pytest.mark.fuzz
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=_cases())
def test_two_way_sides_mirror(book, case):
    kind, line, _, home, away, cancelled = case
    if kind == Kind.ONE_X_TWO:
        grades = [book.grade(0, 0, o, home, away, cancelled) for o in range(3)]
        assert sorted(grades) == ([P] * 3 if cancelled else [L, L, W])
    else:
        first = book.grade(int(kind), line, 0, home, away, cancelled)
        assert book.grade(int(kind), line, 1, home, away, cancelled) == W - first
