# pragma version ~=0.4.3
# pragma evm-version cancun
"""
@title rollbook settlement grading
@notice One pure function turns a final score into the grade of every
        outcome of every market kind, so one signed score settles every
        line of a game. Quarter lines split the stake over the two
        neighbouring lines and grade half-win or half-loss.
@dev Lines are in quarter units (2.25 is 9, -0.5 is -2). For two-way
     markets the margin `d` of outcome 0 is measured in quarters:
     totals over `4 * (home + away) - line`, handicap home
     `4 * (home - away) + line`; outcome 1 is the mirror image.
"""

from . import constants as c


@internal
@pure
def _outcome_count(kind: uint256) -> uint256:
    """
    @notice Number of outcomes a market of `kind` offers.
    @param kind One of the `KIND_*` constants.
    @return uint256 3 for 1X2, 2 for every two-way market.
    """
    if kind == c.KIND_1X2:
        return 3
    return 2


@internal
@pure
def _validate_line(kind: uint256, line: int256):
    """
    @notice Reverts unless `line` is a line `kind` can be offered on.
    @param kind One of the `KIND_*` constants.
    @param line The line in quarter units.
    """
    assert kind < c.KIND_COUNT, "book: unknown market kind"
    if kind == c.KIND_1X2 or kind == c.KIND_MONEYLINE:
        assert line == 0, "book: market takes no line"
    elif kind == c.KIND_TOTALS:
        # from 0.5 up: under 0.25 could never fully win, so its worst case would be overstated
        assert line >= 2 and line <= c.MAX_LINE, "book: line out of range"
    else:
        assert line >= -c.MAX_LINE and line <= c.MAX_LINE, "book: line out of range"


@internal
@pure
def _grade_margin(d: int256) -> uint256:
    """
    @notice Grades outcome 0 of a two-way market from its margin.
    @dev An odd margin means a quarter line: half the stake rides on
         `d - 1`, half on `d + 1`, both of which are even.
    @param d The margin in quarter units.
    @return uint256 A `GRADE_*` constant.
    """
    if d % 2 == 0:
        if d > 0:
            return c.GRADE_WIN
        if d == 0:
            return c.GRADE_PUSH
        return c.GRADE_LOSS
    if d - 1 > 0:
        return c.GRADE_WIN
    if d - 1 == 0:
        return c.GRADE_HALF_WIN
    if d + 1 == 0:
        return c.GRADE_HALF_LOSS
    return c.GRADE_LOSS


@internal
@pure
def _grade(kind: uint256, line: int256, outcome: uint256, home: uint256, away: uint256, cancelled: bool) -> uint256:
    """
    @notice The grade of `outcome` of a market once its game is final.
    @param kind One of the `KIND_*` constants.
    @param line The line in quarter units.
    @param outcome The outcome index the bet is on.
    @param home Goals or points of the home side.
    @param away Goals or points of the away side.
    @param cancelled True when the game was cancelled: every bet pushes.
    @return uint256 A `GRADE_*` constant.
    """
    if cancelled:
        return c.GRADE_PUSH
    h: int256 = convert(home, int256)
    a: int256 = convert(away, int256)
    if kind == c.KIND_1X2:
        winner: uint256 = 1
        if h > a:
            winner = 0
        elif h < a:
            winner = 2
        if outcome == winner:
            return c.GRADE_WIN
        return c.GRADE_LOSS

    d: int256 = 0
    if kind == c.KIND_TOTALS:
        d = 4 * (h + a) - line
    else:
        # moneyline is a handicap of zero: a draw pushes
        d = 4 * (h - a) + line
    grade: uint256 = self._grade_margin(d)
    if outcome == 1:
        # the other side: win <-> loss, half-win <-> half-loss, push stays
        return c.GRADE_WIN - grade
    return grade


@internal
@pure
def _amount_due(grade: uint256, stake: uint256, payout: uint256) -> uint256:
    """
    @notice What a bet of `stake` that would pay `payout` on a win is owed.
    @dev Half results round down, in the book's favour.
    @param grade A `GRADE_*` constant.
    @param stake The stake of the bet.
    @param payout The full-win payout of the bet (stake included).
    @return uint256 The amount to credit the bettor.
    """
    if grade == c.GRADE_WIN:
        return payout
    if grade == c.GRADE_HALF_WIN:
        return (payout + stake) // 2
    if grade == c.GRADE_PUSH:
        return stake
    if grade == c.GRADE_HALF_LOSS:
        return stake // 2
    return 0
