"""Book.finalize: a proposed result becomes final and the game's net moves with the Vault.

The lifecycle tests at the end run one market of every kind from the
first bet to the last settlement and check conservation of money
against a plain-Python model of grading.
"""

import math
from fractions import Fraction

import boa
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle.markets import Kind, ResultStatus, amount_due, grade, outcome_count
from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

FINAL, CANCELLED = int(ResultStatus.FINAL), int(ResultStatus.CANCELLED)
STATE_FINAL = 6
ZERO = b"\x00" * 32


def _accumulate(prev: bytes, game: int, status: int, home: int, away: int) -> bytes:
    return keccak(
        encode(["bytes32", "uint256", "uint256", "uint256", "uint256"], [prev, game, status, home, away])
    )


def _market_net(kind: Kind, line: int, bets: list, home: int, away: int, cancelled: bool = False) -> int:
    """What the Vault owes (> 0) or earns (< 0) on one market: exact, half results rounded up."""
    exact = sum(
        (
            _exact_due(grade(kind, line, b.outcome, home, away, cancelled), b.stake, b.payout) - b.stake
            for b in bets
        ),
        Fraction(0),
    )
    return math.ceil(exact)


def _exact_due(g, stake: int, payout: int) -> Fraction:
    return Fraction(amount_due(g, 2 * stake, 2 * payout), 2)


def _propose_and_wait(system, game: int, home: int, away: int, status=ResultStatus.FINAL) -> int:
    """Report at or after kickoff; returns the end of the challenge window."""
    kickoff = system.book.game(game).kickoff
    if actions.now() < kickoff:
        actions.time_travel(kickoff - actions.now())
    actions.report(system, game, home, away, status)
    deadline = system.book.game(game).deadline
    actions.time_travel(deadline - actions.now())
    return deadline


@pytest.fixture
def bets(system, ready, funded_bettor) -> list:
    """Bets on every outcome of the 1X2 market: stakes 180, nets home +15, draw -10, away -57."""
    return [
        actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE),  # pays 195
        actions.place_bet(system, funded_bettor, ready, 1, 50 * ONE),  # pays 170
        actions.place_bet(system, funded_bettor, ready, 2, 30 * ONE),  # pays 123
    ]


@pytest.mark.parametrize(("home", "away", "vault_net"), [(2, 1, 15), (1, 1, -10), (0, 3, -57)])
def test_default_behavior(system, book, vault, token, keeper, game, bets, home, away, vault_net):
    vault_net *= ONE
    assets = vault.totalAssets()
    assert book.game(game).reserve == 15 * ONE
    assert (book.headroom(), book.upside()) == (assets - 15 * ONE, 57 * ONE)
    vault_tokens, book_tokens = token.balanceOf(vault), token.balanceOf(book)
    deadline = _propose_and_wait(system, game, home, away)
    assert actions.now() == deadline  # exactly at the end of the window
    # proposing took the reserve out of the game's view but not out of the risk word
    assert book.game(game).reserve == 0
    assert (book.headroom(), book.upside()) == (assets - 15 * ONE, 57 * ONE)

    book.finalize(game, sender=keeper)

    [finalized] = actions.events(book, "ResultFinalized")
    [settled] = actions.events(book, "Settled", emitter=system.vault)
    accumulator = _accumulate(ZERO, game, FINAL, home, away)
    assert (finalized.game, finalized.status, finalized.home, finalized.away) == (game, FINAL, home, away)
    assert (finalized.vault_net, finalized.accumulator) == (vault_net, accumulator)
    assert (settled.game, settled.profit, settled.loss) == (game, max(0, -vault_net), max(0, vault_net))
    assert settled.total_assets == assets - vault_net
    assert vault.totalAssets() == assets - vault_net
    assert token.balanceOf(vault) == vault_tokens - vault_net
    assert token.balanceOf(book) == book_tokens + vault_net
    assert (book.headroom(), book.upside()) == (assets - vault_net, 0)
    g = book.game(game)
    assert (g.state, g.home, g.away, g.cancelled, g.deadline, g.reserve) == (
        STATE_FINAL,
        home,
        away,
        False,
        0,
        0,
    )
    assert book.settlement_accumulator() == accumulator
    assert book.finalized_games() == 1


def test_challenge_window_open(system, book, game, bets):
    deadline = _propose_and_wait(system, game, 1, 0)
    actions.time_travel(-1)
    assert actions.now() == deadline - 1
    with boa.reverts("book: challenge window open"):
        book.finalize(game)


def test_unknown_game(book):
    with boa.reverts("book: result not proposed"):
        book.finalize(1)


@pytest.mark.parametrize("state", ["open", "live", "closed"])
def test_not_proposed(book, operator, game, state):
    if state != "open":
        book.set_live(game, True, sender=operator)
    if state == "closed":
        book.set_live(game, False, sender=operator)
    actions.time_travel(book.void_delay() + 3_600)
    with boa.reverts("book: result not proposed"):
        book.finalize(game)


def test_already_final(system, book, game, bets):
    _propose_and_wait(system, game, 1, 0)
    book.finalize(game)
    with boa.reverts("book: result not proposed"):
        book.finalize(game)
    assert book.finalized_games() == 1


def test_challenged(system, book, guardian, game, bets):
    _propose_and_wait(system, game, 1, 0)
    actions.time_travel(-1)
    book.challenge(game, sender=guardian)
    actions.time_travel(book.void_delay())
    with boa.reverts("book: result not proposed"):
        book.finalize(game)


def test_game_without_markets(system, book, vault, game):
    assets = vault.totalAssets()
    _propose_and_wait(system, game, 0, 0)

    book.finalize(game)

    [finalized] = actions.events(book, "ResultFinalized")
    assert finalized.vault_net == 0
    assert actions.events(book, "Settled", emitter=system.vault) == []
    assert vault.totalAssets() == assets


def test_cancelled_result_moves_nothing(system, book, vault, token, game, bets):
    assets, book_tokens = vault.totalAssets(), token.balanceOf(book)
    _propose_and_wait(system, game, 0, 0, ResultStatus.CANCELLED)

    book.finalize(game)

    [finalized] = actions.events(book, "ResultFinalized")
    assert (finalized.status, finalized.vault_net) == (CANCELLED, 0)
    assert finalized.accumulator == _accumulate(ZERO, game, CANCELLED, 0, 0)
    assert (vault.totalAssets(), token.balanceOf(book)) == (assets, book_tokens)
    assert (book.headroom(), book.upside()) == (assets, 0)


def test_only_this_games_risk_is_released(system, book, vault, game, bets, funded_bettor):
    actions.create_game(system, 2)
    other = actions.add_market(system, 2, Kind.TOTALS, 10)
    actions.place_bet(system, funded_bettor, other, 0, 40 * ONE, odds=(25_000, 15_000, 0))  # over net +60
    assets = vault.totalAssets()
    assert (book.headroom(), book.upside()) == (assets - 75 * ONE, 97 * ONE)
    _propose_and_wait(system, game, 0, 3)

    book.finalize(game)

    assert vault.totalAssets() == assets + 57 * ONE
    assert (book.headroom(), book.upside()) == (assets + 57 * ONE - 60 * ONE, 40 * ONE)
    assert (book.game(2).reserve, book.game(2).state) == (60 * ONE, 1)


def test_game_net_sums_its_markets(system, book, vault, game, bets, funded_bettor):
    totals = actions.add_market(system, game, Kind.TOTALS, 9)  # 2.25 goals
    handicap = actions.add_market(system, game, Kind.HANDICAP, -2)  # home -0.5
    more = [
        actions.place_bet(system, funded_bettor, totals, 0, 60 * ONE, odds=(19_000, 19_000, 0)),
        actions.place_bet(system, funded_bettor, totals, 1, 20 * ONE, odds=(19_000, 19_000, 0)),
        actions.place_bet(system, funded_bettor, handicap, 1, 30 * ONE, odds=(21_000, 17_000, 0)),
    ]
    assets = vault.totalAssets()
    _propose_and_wait(system, game, 1, 1)

    book.finalize(game)

    # 1X2 at a draw: -10. Totals 2.25 at two goals: under half-wins its net of 38 - 80, so -21.
    # Handicap home -0.5 at a draw: away wins its net of 51 - 30, so +21.
    expected = -10 * ONE
    assert expected == (
        -10 * ONE
        + _market_net(Kind.TOTALS, 9, more[:2], 1, 1)
        + _market_net(Kind.HANDICAP, -2, more[2:], 1, 1)
    )
    [finalized] = actions.events(book, "ResultFinalized")
    assert finalized.vault_net == expected
    assert vault.totalAssets() == assets - expected


def test_half_win_rounds_the_vaults_debt_up(system, book, vault, token, ready, game, funded_bettor):
    handicap = actions.add_market(system, game, Kind.HANDICAP, -3)  # home -0.75
    bet = actions.place_bet(system, funded_bettor, handicap, 0, 3 * ONE + 1, odds=(20_000, 18_000, 0))
    assets = vault.totalAssets()
    _propose_and_wait(system, game, 1, 0)  # winning by one: home half-wins

    book.finalize(game)

    # the net of 3_000_001 is owed half: 1_500_000.5 rounds up to 1_500_001
    [finalized] = actions.events(book, "ResultFinalized")
    assert finalized.vault_net == 1_500_001
    assert vault.totalAssets() == assets - 1_500_001
    # the bettor gets (6_000_002 + 3_000_001) // 2; the half unit stays in the book
    assert book.claim(bet.as_tuple(), sender=funded_bettor) == 4_500_001
    assert token.balanceOf(book) - book.balanceOf(funded_bettor) == 1


def test_accumulator_chains_games(system, book, game, bets):
    actions.create_game(system, 2, kickoff_in=7_200)
    _propose_and_wait(system, game, 4, 2)
    book.finalize(game)
    _propose_and_wait(system, 2, 0, 0, ResultStatus.CANCELLED)

    book.finalize(2)

    first = _accumulate(ZERO, game, FINAL, 4, 2)
    assert book.settlement_accumulator() == _accumulate(first, 2, CANCELLED, 0, 0)
    assert book.finalized_games() == 2


def test_not_paused(system, book, guardian, game, bets):
    _propose_and_wait(system, game, 2, 1)
    book.pause(sender=guardian)

    book.finalize(game)

    assert book.game(game).state == STATE_FINAL


# ---------------------------------------------------------------- #
#                  Lifecycle: conservation of money                #
# ---------------------------------------------------------------- #

PREGAME_ODDS = (19_500, 18_500, 34_000)
INPLAY_ODDS = (22_000, 16_500, 51_000)


def _solvent(system, bettors: list[str]) -> bool:
    held = system.token.balanceOf(system.book)
    return held >= sum(system.book.balanceOf(b) for b in bettors)


def _bet_each_outcome(system, market: int, bettors: list[str], unit: int, odds) -> list:
    """Bettor `o` backs outcome `o` with `(o + 1) * unit`; checks solvency after each bet."""
    placed = []
    for outcome, bettor in enumerate(bettors):
        placed.append(actions.place_bet(system, bettor, market, outcome, (outcome + 1) * unit, odds))
        assert _solvent(system, bettors)
    return placed


def _bet_everything(system, market: int, bettors: list[str], unit: int) -> list:
    """Pre-game and in-play bets on every outcome of `market`, then the final whistle."""
    book, game = system.book, market >> 8
    placed = _bet_each_outcome(system, market, bettors, 4 * unit, PREGAME_ODDS)
    book.set_live(game, True, sender=system.operator)
    placed += _bet_each_outcome(system, market, bettors, unit, INPLAY_ODDS)
    book.set_live(game, False, sender=system.operator)
    return placed


def _run_lifecycle(system, kind: Kind, line: int, home: int, away: int, unit: int, status=ResultStatus.FINAL):
    """Bet, finalize, settle one by one; returns (stakes, credits, vault change, dust held, bets)."""
    book, vault, token = system.book, system.vault, system.token
    actions.create_game(system, 1)
    market = actions.add_market(system, 1, kind, line)
    bettors = [boa.env.generate_address(f"bettor {o}") for o in range(outcome_count(kind))]
    for bettor in bettors:
        actions.fund(system, bettor, 1_000 * ONE)
    placed = _bet_everything(system, market, bettors, unit)
    stakes = sum(b.stake for b in placed)
    balances = sum(book.balanceOf(b) for b in bettors)
    assets = vault.totalAssets()

    _propose_and_wait(system, 1, home, away, status)
    book.finalize(1)
    assert _solvent(system, bettors)
    cancelled = status == ResultStatus.CANCELLED
    for bet in placed:
        assert book.settle_bets([bet.as_tuple()]) == 1
        [settled] = actions.events(book, "BetSettled")
        g = grade(kind, line, bet.outcome, home, away, cancelled)
        assert (settled.grade, settled.amount) == (int(g), amount_due(g, bet.stake, bet.payout))
        assert _solvent(system, bettors)

    credits = sum(book.balanceOf(b) for b in bettors) - balances
    vault_change = vault.totalAssets() - assets
    assert vault_change == -_market_net(kind, line, placed, home, away, cancelled)
    dust = token.balanceOf(book) - sum(book.balanceOf(b) for b in bettors)
    return stakes, credits, vault_change, dust, placed


LIFECYCLES = [
    (Kind.ONE_X_TWO, 0, 2, 1),
    (Kind.ONE_X_TWO, 0, 1, 1),
    (Kind.ONE_X_TWO, 0, 0, 3),
    (Kind.MONEYLINE, 0, 1, 0),
    (Kind.MONEYLINE, 0, 2, 2),  # a draw pushes
    (Kind.MONEYLINE, 0, 0, 1),
    (Kind.TOTALS, 8, 1, 1),  # 2.0: push
    (Kind.TOTALS, 8, 3, 0),
    (Kind.TOTALS, 10, 1, 1),  # 2.5: under
    (Kind.TOTALS, 10, 2, 1),
    (Kind.TOTALS, 9, 1, 1),  # 2.25 at two goals: over half-loses
    (Kind.TOTALS, 11, 2, 1),  # 2.75 at three goals: over half-wins
    (Kind.TOTALS, 9, 0, 0),
    (Kind.HANDICAP, -1, 0, 0),  # home -0.25 at a draw: home half-loses
    (Kind.HANDICAP, -3, 1, 0),  # home -0.75 winning by one: home half-wins
    (Kind.HANDICAP, 5, 0, 1),  # home +1.25 losing by one: home half-wins
    (Kind.HANDICAP, 5, 0, 2),
    (Kind.HANDICAP, 4, 0, 1),  # home +1.0 losing by one: push
    (Kind.HANDICAP, -6, 3, 0),  # home -1.5
]


@pytest.mark.parametrize(("kind", "line", "home", "away"), LIFECYCLES)
def test_lifecycle_conserves_money(system, liquidity, kind, line, home, away):
    stakes, credits, vault_change, dust, _ = _run_lifecycle(system, kind, line, home, away, unit=2 * ONE)

    # even stakes and payouts: nothing to round, so every unit is accounted for
    assert credits + vault_change == stakes
    assert dust == 0
    assert system.book.headroom() == system.vault.totalAssets()
    assert system.book.upside() == 0


@pytest.mark.parametrize("kind", list(Kind))
def test_lifecycle_cancelled_refunds_stakes(system, liquidity, kind):
    line = {Kind.TOTALS: 9, Kind.HANDICAP: -3}.get(kind, 0)
    stakes, credits, vault_change, dust, _ = _run_lifecycle(
        system, kind, line, 0, 0, unit=ONE + 1, status=ResultStatus.CANCELLED
    )
    assert (credits, vault_change, dust) == (stakes, 0, 0)


@pytest.mark.parametrize(
    ("kind", "line", "home", "away"), [(Kind.TOTALS, 11, 2, 1), (Kind.HANDICAP, -1, 0, 0)]
)
def test_lifecycle_rounding_stays_in_the_book(system, liquidity, kind, line, home, away):
    # odd stakes and odd payouts: half results round down for bettors and up for the vault's debt
    stakes, credits, vault_change, dust, placed = _run_lifecycle(system, kind, line, home, away, unit=ONE + 1)

    assert credits + vault_change + dust == stakes
    assert 0 < dust <= len(placed)
