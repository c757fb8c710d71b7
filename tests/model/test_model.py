"""The reference model on its own: textbook cases, and agreement with the oracle's grading twin."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oracle import markets
from oracle.markets import Grade, Kind
from tests.model.exposure import (
    RESULTS,
    Bet,
    Market,
    get_best_case,
    get_bettors_net,
    get_game_reserve,
    get_market_net,
    get_vault_net,
    get_worst_case,
)
from tests.model.settlement import (
    CANCELLED,
    LOSS,
    PUSH,
    WIN,
    Result,
    Share,
    get_credit,
    get_exact_return,
    get_grade,
    get_payout,
    get_share,
)
from tests.model.vault import Vault

pytestmark = pytest.mark.unit


def grade_at(kind: Kind, line: float, outcome: int, home: int, away: int) -> Grade:
    return get_grade(get_share(kind, markets.line_to_quarters(line), outcome, Result(home, away)))


@pytest.mark.parametrize(
    ("kind", "line", "outcome", "home", "away", "expected"),
    [
        # 1X2 and moneyline
        (Kind.ONE_X_TWO, 0, 0, 2, 1, Grade.WIN),
        (Kind.ONE_X_TWO, 0, 1, 1, 1, Grade.WIN),
        (Kind.ONE_X_TWO, 0, 2, 1, 1, Grade.LOSS),
        (Kind.MONEYLINE, 0, 0, 1, 1, Grade.PUSH),
        (Kind.MONEYLINE, 0, 1, 0, 3, Grade.WIN),
        # totals: whole, half and both quarter lines around them
        (Kind.TOTALS, 2.5, 0, 2, 1, Grade.WIN),
        (Kind.TOTALS, 2.5, 1, 2, 0, Grade.WIN),
        (Kind.TOTALS, 3, 0, 2, 1, Grade.PUSH),
        (Kind.TOTALS, 2.25, 0, 1, 1, Grade.HALF_LOSS),
        (Kind.TOTALS, 2.25, 1, 1, 1, Grade.HALF_WIN),
        (Kind.TOTALS, 2.25, 0, 3, 0, Grade.WIN),
        (Kind.TOTALS, 2.75, 0, 2, 1, Grade.HALF_WIN),
        (Kind.TOTALS, 2.75, 1, 2, 1, Grade.HALF_LOSS),
        (Kind.TOTALS, 2.75, 1, 1, 1, Grade.WIN),
        # handicaps (the line is the home side's)
        (Kind.HANDICAP, -0.75, 0, 1, 0, Grade.HALF_WIN),
        (Kind.HANDICAP, -0.75, 1, 1, 0, Grade.HALF_LOSS),
        (Kind.HANDICAP, -0.75, 0, 2, 0, Grade.WIN),
        (Kind.HANDICAP, -0.75, 0, 0, 0, Grade.LOSS),
        (Kind.HANDICAP, 0.25, 0, 0, 0, Grade.HALF_WIN),
        (Kind.HANDICAP, 0.25, 1, 0, 0, Grade.HALF_LOSS),
        (Kind.HANDICAP, 0.25, 1, 0, 1, Grade.WIN),
        (Kind.HANDICAP, -1, 0, 1, 0, Grade.PUSH),
        (Kind.HANDICAP, 1.5, 1, 0, 2, Grade.WIN),
        (Kind.HANDICAP, -0.25, 1, 0, 0, Grade.HALF_WIN),
    ],
)
def test_textbook_grades(
    kind: Kind, line: float, outcome: int, home: int, away: int, expected: Grade
) -> None:
    assert grade_at(kind, line, outcome, home, away) == expected


@pytest.mark.parametrize("kind", list(Kind))
def test_cancellation_refunds_every_outcome(kind: Kind) -> None:
    line = 9 if kind in (Kind.TOTALS, Kind.HANDICAP) else 0
    for outcome in range(markets.outcome_count(kind)):
        assert get_share(kind, line, outcome, CANCELLED) == Share(Fraction(0), Fraction(1))


@pytest.mark.parametrize(
    ("grade", "stake", "payout", "exact", "credit"),
    [
        (Grade.WIN, 1_001, 1_951, Fraction(1_951), 1_951),
        (Grade.HALF_WIN, 1_001, 1_952, Fraction(2_953, 2), 1_476),
        (Grade.HALF_WIN, 1_000, 1_950, Fraction(1_475), 1_475),
        (Grade.PUSH, 1_001, 1_951, Fraction(1_001), 1_001),
        (Grade.HALF_LOSS, 1_001, 1_951, Fraction(1_001, 2), 500),
        (Grade.LOSS, 1_001, 1_951, Fraction(0), 0),
    ],
)
def test_returns_are_exact_and_credits_round_down(
    grade: Grade, stake: int, payout: int, exact: Fraction, credit: int
) -> None:
    share = {
        Grade.WIN: WIN,
        Grade.HALF_WIN: WIN.halved() + PUSH.halved(),
        Grade.PUSH: PUSH,
        Grade.HALF_LOSS: PUSH.halved() + LOSS.halved(),
        Grade.LOSS: LOSS,
    }
    assert get_exact_return(share[grade], stake, payout) == exact
    assert get_credit(share[grade], stake, payout) == credit


def test_payout_rounds_down() -> None:
    assert get_payout(1_001, 19_500) == 1_951  # 1951.95
    assert get_payout(10**6, 10_100) == 1_010_000


@given(
    kind=st.sampled_from(list(Kind)),
    quarters=st.integers(-40, 40),
    outcome=st.integers(0, 2),
    home=st.integers(0, 15),
    away=st.integers(0, 15),
    is_cancelled=st.booleans(),
)
def test_agrees_with_the_oracle_twin(
    kind: Kind, quarters: int, outcome: int, home: int, away: int, is_cancelled: bool
) -> None:
    """`oracle.markets` grades quarters by margin arithmetic; the model splits the bet. They must agree."""
    line = 0 if kind in (Kind.ONE_X_TWO, Kind.MONEYLINE) else quarters
    if kind == Kind.TOTALS:
        line = abs(quarters) + 1
    outcome %= markets.outcome_count(kind)
    result = CANCELLED if is_cancelled else Result(home, away)
    expected = markets.grade(kind, line, outcome, home, away, is_cancelled)
    assert get_grade(get_share(kind, line, outcome, result)) == expected


def test_single_bet_exposure() -> None:
    market = Market(Kind.ONE_X_TWO, 0)
    bets = [Bet(market, 0, stake=100, payout=195)]
    assert get_worst_case(market, bets) == 95
    assert get_best_case(market, bets) == 100


def test_quarter_line_extremes_are_full_results() -> None:
    """Half results sit between a full result and a push, so they never set the worst case."""
    market = Market(Kind.TOTALS, 9)
    bets = [Bet(market, 0, stake=101, payout=200), Bet(market, 1, stake=51, payout=99)]
    assert get_market_net(market, bets, Result(1, 1)) == Fraction(99 - 152, 2)  # half-win for the under
    assert get_worst_case(market, bets) == 200 - 152
    assert get_best_case(market, bets) == 152 - 99


def test_under_a_quarter_goal_can_only_half_win() -> None:
    """No score has fewer than 0 goals, so under 0.25 at best half-wins (at 0-0): half its full-win net."""
    market = Market(Kind.TOTALS, 1)
    bets = [Bet(market, 1, stake=100, payout=200)]
    assert get_grade(get_share(Kind.TOTALS, 1, 1, Result(0, 0))) == Grade.HALF_WIN
    assert get_worst_case(market, bets) == Fraction(200 - 100, 2)


def test_a_hedged_market_still_reserves_nothing_below_zero() -> None:
    """A cancellation always nets zero, so neither extreme is ever negative."""
    market = Market(Kind.MONEYLINE, 0)
    bets = [Bet(market, 0, stake=1_000, payout=1_010), Bet(market, 1, stake=1_000, payout=1_010)]
    assert get_worst_case(market, bets) == 0
    assert get_best_case(market, bets) == 990


def test_game_reserve_sums_market_worst_cases() -> None:
    over, home = Market(Kind.TOTALS, 10), Market(Kind.ONE_X_TWO, 0)
    bets = [Bet(over, 0, 100, 300), Bet(home, 0, 100, 250)]
    # one score (3-0) loses both at once; the reserve still adds them up
    assert get_game_reserve([over, home], bets) == 200 + 150


def test_vault_net_rounds_each_market_up() -> None:
    under, away = Market(Kind.TOTALS, 9), Market(Kind.HANDICAP, -1)
    bets = [Bet(under, 1, stake=101, payout=200), Bet(away, 1, stake=101, payout=200)]
    result = Result(1, 1)  # under 2.25 and away +0.25 at 1-1: both half-win
    assert get_market_net(under, bets, result) == get_market_net(away, bets, result) == Fraction(99, 2)
    assert get_bettors_net(bets, result) == 2 * (150 - 101)
    # 49.5 is paid as 50 per market: 100, not ceil(99) = 99 for the game
    assert get_vault_net([under, away], bets, result) == 100


def test_vault_net_of_a_half_loss_market_rounds_toward_the_bettors() -> None:
    market = Market(Kind.HANDICAP, -3)
    bets = [Bet(market, 1, stake=11, payout=20)]
    result = Result(1, 0)  # away +0.75 losing by one: half-loss
    assert get_market_net(market, bets, result) == Fraction(-11, 2)
    assert get_bettors_net(bets, result) == 5 - 11
    assert get_vault_net([market], bets, result) == -5


def test_results_cover_every_score_and_a_cancellation() -> None:
    assert len(RESULTS) == 13 * 13 + 1
    assert CANCELLED in RESULTS


def test_empty_vault_prices_a_unit_at_a_thousand_shares() -> None:
    vault = Vault(total_assets=0, supply=0)
    assert vault.preview_deposit(1) == 1_000
    assert vault.preview_mint(1) == 1  # a sliver of a unit still costs a whole one
    assert vault.preview_mint(1_000) == 1


def test_entries_at_best_case_and_exits_at_worst_case() -> None:
    vault = Vault(total_assets=10_000, supply=10_000_000, reserve=2_000, upside=3_000)
    assert vault.preview_deposit(13_001) == 13_001 * 10_001_000 // 13_001
    assert vault.preview_redeem(10_000_000) == 10_000_000 * 8_001 // 10_001_000
    assert vault.preview_withdraw(1) == -(-10_001_000 // 8_001)
    assert vault.convert_to_assets(10_000_000) == 10_000_000 * 10_001 // 10_001_000


@given(
    total_assets=st.integers(0, 10**15),
    supply=st.integers(0, 10**18),
    reserve_share=st.fractions(0, 1),
    upside=st.integers(0, 10**12),
    amount=st.integers(1, 10**15),
)
def test_round_trips_never_profit(
    total_assets: int, supply: int, reserve_share: Fraction, upside: int, amount: int
) -> None:
    """Whatever the open book, entering then leaving at once returns at most what went in."""
    vault = Vault(total_assets, supply, int(total_assets * reserve_share), upside)
    shares = vault.preview_deposit(amount)
    after = vault.entered(amount, shares)
    assert after.preview_redeem(shares) <= amount
    assert vault.preview_mint(shares) <= amount
    assert after.preview_withdraw(after.preview_redeem(shares)) <= shares
