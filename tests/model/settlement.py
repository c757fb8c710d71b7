"""How one bet fares at one result, exactly.

A bet on a whole or half line wins, pushes or loses. A bet on a quarter
line (2.25, -0.75) is two bets of half the stake on the neighbouring
lines (2.0 and 2.5; -0.5 and -1.0), graded separately and summed. A
return is the share of the full-win payout and the share of the stake
the bettor gets back; the credit is its exact amount rounded down.
"""

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from oracle.markets import Grade, Kind

ODDS_SCALE = 10_000


@dataclass(frozen=True)
class Result:
    """A game's final result: a score, or a cancellation (every bet refunded)."""

    home: int = 0
    away: int = 0
    is_cancelled: bool = False


CANCELLED = Result(is_cancelled=True)


@dataclass(frozen=True)
class Share:
    """What a bet returns: this share of its payout plus this share of its stake."""

    payout: Fraction
    stake: Fraction

    def __add__(self, other: "Share") -> "Share":
        return Share(self.payout + other.payout, self.stake + other.stake)

    def halved(self) -> "Share":
        return Share(self.payout / 2, self.stake / 2)


WIN = Share(Fraction(1), Fraction(0))
PUSH = Share(Fraction(0), Fraction(1))
LOSS = Share(Fraction(0), Fraction(0))

_GRADES = {
    WIN: Grade.WIN,
    WIN.halved() + PUSH.halved(): Grade.HALF_WIN,
    PUSH: Grade.PUSH,
    PUSH.halved() + LOSS.halved(): Grade.HALF_LOSS,
    LOSS: Grade.LOSS,
}


def get_payout(stake: int, odds: int) -> int:
    """The full-win payout of `stake` at decimal `odds` (4 decimals), whole units, rounded down."""
    return math.floor(stake * Fraction(odds, ODDS_SCALE))


def _compare(margin: Fraction) -> Share:
    """A single-line bet that is ahead by `margin` goals wins, level pushes, behind loses."""
    if margin > 0:
        return WIN
    if margin == 0:
        return PUSH
    return LOSS


def _single_line(kind: Kind, line: Fraction, outcome: int, result: Result) -> Share:
    """A bet on a whole or half `line` (in goals)."""
    goals = result.home - result.away
    if kind == Kind.TOTALS:
        over_by = result.home + result.away - line
        return _compare(over_by if outcome == 0 else -over_by)
    # a moneyline is a handicap of zero; the line is the home side's handicap
    home_by = goals + line
    return _compare(home_by if outcome == 0 else -home_by)


@cache
def get_share(kind: Kind, line: int, outcome: int, result: Result) -> Share:
    """The return of a bet on `outcome` of a (kind, line) market; `line` is in quarter goals."""
    if result.is_cancelled:
        return PUSH
    if kind == Kind.ONE_X_TWO:
        winner = 0 if result.home > result.away else 2 if result.home < result.away else 1
        return WIN if outcome == winner else LOSS
    if line % 2:
        # a quarter line: half the stake on each neighbouring line
        lower = _single_line(kind, Fraction(line - 1, 4), outcome, result)
        upper = _single_line(kind, Fraction(line + 1, 4), outcome, result)
        return lower.halved() + upper.halved()
    return _single_line(kind, Fraction(line, 4), outcome, result)


def get_grade(share: Share) -> Grade:
    """The grade the contracts report for a return."""
    return _GRADES[share]


def get_exact_return(share: Share, stake: int, payout: int) -> Fraction:
    """The exact amount a bet of `stake` that would pay `payout` on a win gets back."""
    return share.payout * payout + share.stake * stake


def get_credit(share: Share, stake: int, payout: int) -> int:
    """The whole units credited: the exact return rounded down, in the book's favour."""
    return math.floor(get_exact_return(share, stake, payout))
