"""Market kinds, lines and grading: the off-chain twin of `contracts/grading.vy`.

Lines are quarter units (2.25 goals is 9). A market's outcomes are
indexed: 1X2 home/draw/away; every two-way market home/away or
over/under. Grading is a pure function of the final score, so one
result settles every line of a game. The Book exposes the same
function as `grade()`; tests hold the two equal.
"""

from dataclasses import dataclass
from enum import IntEnum
from fractions import Fraction


class Kind(IntEnum):
    ONE_X_TWO = 0
    MONEYLINE = 1
    TOTALS = 2
    HANDICAP = 3


class Grade(IntEnum):
    LOSS = 0
    HALF_LOSS = 1
    PUSH = 2
    HALF_WIN = 3
    WIN = 4


class ResultStatus(IntEnum):
    FINAL = 1
    CANCELLED = 2


ODDS_SCALE = 10_000
MAX_LINE = 2_000


def outcome_count(kind: Kind) -> int:
    """Number of outcomes a market of `kind` offers."""
    return 3 if kind == Kind.ONE_X_TWO else 2


def line_to_quarters(line: Fraction | float | str) -> int:
    """Turn a human line (2.25, "-0.5") into quarter units, exactly."""
    quarters = Fraction(str(line)) * 4
    if quarters.denominator != 1:
        raise ValueError(f"line {line} is not a multiple of 0.25")
    return int(quarters)


def _grade_margin(d: int) -> Grade:
    """Grade outcome 0 of a two-way market from its margin in quarters."""
    if d % 2 == 0:
        return Grade.WIN if d > 0 else Grade.PUSH if d == 0 else Grade.LOSS
    # a quarter line: half the stake on d - 1, half on d + 1
    halves = (_grade_margin(d - 1), _grade_margin(d + 1))
    if halves == (Grade.WIN, Grade.WIN):
        return Grade.WIN
    if Grade.LOSS not in halves:
        return Grade.HALF_WIN
    if Grade.WIN not in halves:
        return Grade.HALF_LOSS if Grade.PUSH in halves else Grade.LOSS
    raise AssertionError("neighbouring lines cannot split win and loss")


def grade(kind: Kind, line: int, outcome: int, home: int, away: int, cancelled: bool = False) -> Grade:
    """How a bet on `outcome` of a (kind, line) market fares at this score."""
    if cancelled:
        return Grade.PUSH
    if kind == Kind.ONE_X_TWO:
        winner = 0 if home > away else 2 if home < away else 1
        return Grade.WIN if outcome == winner else Grade.LOSS
    # margin of outcome 0 in quarter units; moneyline is a handicap of zero
    d = 4 * (home + away) - line if kind == Kind.TOTALS else 4 * (home - away) + line
    g = _grade_margin(d)
    return Grade(Grade.WIN - g) if outcome == 1 else g


@dataclass(frozen=True)
class Bet:
    """A bet as the Book stores it: `BetPlaced` emits these fields, settlement sends them back."""

    bettor: str
    nonce: int
    market: int
    outcome: int
    stake: int
    payout: int

    def as_tuple(self) -> tuple[str, int, int, int, int, int]:
        return (self.bettor, self.nonce, self.market, self.outcome, self.stake, self.payout)


def payout_for(stake: int, odds: int) -> int:
    """Full-win payout of a bet, stake included, rounded down."""
    return stake * odds // ODDS_SCALE


def amount_due(g: Grade, stake: int, payout: int) -> int:
    """What a settled bet is credited; half results round down."""
    return {
        Grade.WIN: payout,
        Grade.HALF_WIN: (payout + stake) // 2,
        Grade.PUSH: stake,
        Grade.HALF_LOSS: stake // 2,
        Grade.LOSS: 0,
    }[g]


def exact_share(g: Grade) -> tuple[Fraction, Fraction]:
    """The exact (share of payout, share of stake) a grade returns."""
    return {
        Grade.WIN: (Fraction(1), Fraction(0)),
        Grade.HALF_WIN: (Fraction(1, 2), Fraction(1, 2)),
        Grade.PUSH: (Fraction(0), Fraction(1)),
        Grade.HALF_LOSS: (Fraction(0), Fraction(1, 2)),
        Grade.LOSS: (Fraction(0), Fraction(0)),
    }[g]
