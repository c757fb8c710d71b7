"""The contracts against the reference model in `tests/model/` (STYLE rule 15).

Grading, credits, exposure, settlement and vault pricing are each drawn at
random and compared with the model's exact `Fraction` arithmetic: every
worst and best case is found by settling every bet at every score, never
from the Book's `nets`.
"""

from dataclasses import dataclass, replace

import boa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle.markets import Grade, Kind, ResultStatus, outcome_count
from tests.contracts import actions
from tests.deployers import System, deploy_boa_system
from tests.model import exposure
from tests.model.exposure import Market
from tests.model.settlement import CANCELLED, Result, get_credit, get_grade, get_payout, get_share
from tests.model.vault import Vault

pytestmark = pytest.mark.fuzz

GAME = 1
LIQUIDITY = 10**6 * actions.ONE
BOARD = (
    Market(Kind.ONE_X_TWO, 0),
    Market(Kind.MONEYLINE, 0),
    Market(Kind.TOTALS, 9),
    Market(Kind.TOTALS, 10),
    Market(Kind.TOTALS, 12),
    Market(Kind.HANDICAP, -3),
    Market(Kind.HANDICAP, 1),
)
PRICING_BOARD = (Market(Kind.ONE_X_TWO, 0), Market(Kind.TOTALS, 9))
BETTORS = 3
BETTOR_FUNDS = 10**4 * actions.ONE
MIN_STAKE = 10_000
MAX_ODDS = 10_000_000
FAUCET_LIMIT = 10**12


@dataclass(frozen=True)
class Board:
    """Game 1 with every market of `BOARD` open, a vault of `LIQUIDITY`, funded bettors."""

    markets: dict[Market, int]
    bettors: list[str]


@pytest.fixture(scope="module")
def board(system: System) -> Board:
    lp = boa.env.generate_address("lp")
    actions.provide_liquidity(system, lp, LIQUIDITY)
    actions.create_game(system, GAME)
    markets = {market: actions.add_market(system, GAME, market.kind, market.line) for market in BOARD}
    bettors = [boa.env.generate_address(f"bettor {i}") for i in range(BETTORS)]
    for bettor in bettors:
        actions.fund(system, bettor, BETTOR_FUNDS)
    return Board(markets, bettors)


@pytest.fixture(scope="module")
def unbacked() -> tuple[System, Board]:
    """A system of its own whose vault is still empty, with game 1 open on `PRICING_BOARD`."""
    system = deploy_boa_system()
    actions.create_game(system, GAME)
    markets = {market: actions.add_market(system, GAME, market.kind, market.line) for market in PRICING_BOARD}
    bettor = boa.env.generate_address("bettor")
    actions.fund(system, bettor, FAUCET_LIMIT)
    return system, Board(markets, [bettor])


# ---------------------------------------------------------------- #
#                             Strategies                           #
# ---------------------------------------------------------------- #


def results_of(goals: st.SearchStrategy[int]) -> st.SearchStrategy[Result]:
    """Final scores with `goals` a side; one game in eight is cancelled instead."""
    return st.tuples(goals, goals, st.integers(0, 7)).map(
        lambda drawn: Result(drawn[0], drawn[1]) if drawn[2] else CANCELLED
    )


kinds = st.sampled_from(list(Kind))
results = results_of(st.integers(0, 12) | st.integers(0, 1_000))
settling_results = results_of(st.integers(0, 4) | st.integers(0, 12))
stakes = st.integers(MIN_STAKE, 10**9)
odds = st.integers(10_100, 200_000) | st.integers(10_100, MAX_ODDS)


@st.composite
def market_specs(draw: st.DrawFn) -> Market:
    """Any market the Book accepts: no line for 1X2 and moneyline, totals from 0.5 up."""
    kind = draw(kinds)
    if kind in (Kind.ONE_X_TWO, Kind.MONEYLINE):
        return Market(kind, 0)
    if kind == Kind.TOTALS:
        return Market(kind, draw(st.integers(2, 60) | st.integers(2, 2_000)))
    return Market(kind, draw(st.integers(-60, 60) | st.integers(-2_000, 2_000)))


@st.composite
def board_bets(draw: st.DrawFn) -> tuple[Market, int, int, int, int]:
    """(market, outcome, stake, odds, bettor index), sized so no cap or liquidity limit binds."""
    market = draw(st.sampled_from(BOARD))
    outcome = draw(st.integers(0, outcome_count(market.kind) - 1))
    return (
        market,
        outcome,
        draw(stakes),
        draw(st.integers(10_100, 200_000)),
        draw(st.integers(0, BETTORS - 1)),
    )


# ---------------------------------------------------------------- #
#                               Helpers                            #
# ---------------------------------------------------------------- #


def place(
    system: System, bettor: str, market_id: int, outcome: int, stake: int, price: int
) -> tuple[bytes, int]:
    """Place a bet through a real signed quote at epoch 0; returns its id and the payout the Book recorded."""
    quote, signature = actions.make_quote(system, market_id, (price, price, price), epoch=0)
    bet_id = system.book.place_bet(quote.as_tuple(), signature.as_tuple(), outcome, stake, 0, sender=bettor)
    (placed,) = [log for log in system.book.get_logs() if type(log).__name__ == "BetPlaced"]
    return bet_id, placed.payout


def settle(system: System, result: Result) -> int:
    """Finalize game 1 at `result`; returns the `vault_net` the Book reported."""
    if result.is_cancelled:
        actions.settle_game(system, GAME, 0, 0, ResultStatus.CANCELLED)
    else:
        actions.settle_game(system, GAME, result.home, result.away)
    (finalized,) = [log for log in system.book.get_logs() if type(log).__name__ == "ResultFinalized"]
    return finalized.vault_net


def half_graded(bets: list[exposure.Bet], result: Result) -> int:
    """How many bets a result grades half-win or half-loss: the only ones rounding touches."""
    halves = (Grade.HALF_WIN, Grade.HALF_LOSS)
    return sum(get_grade(get_share(b.market.kind, b.market.line, b.outcome, result)) in halves for b in bets)


# ---------------------------------------------------------------- #
#                        Grading and credits                       #
# ---------------------------------------------------------------- #


@given(market=market_specs(), outcome=st.integers(0, 2), result=results)
def test_grade_matches_model(system: System, market: Market, outcome: int, result: Result) -> None:
    outcome %= outcome_count(market.kind)
    expected = get_grade(get_share(market.kind, market.line, outcome, result))
    graded = system.book.grade(
        market.kind, market.line, outcome, result.home, result.away, result.is_cancelled
    )
    assert graded == expected


@given(market=market_specs(), outcome=st.integers(0, 2), stake=stakes, price=odds, result=settling_results)
def test_credit_of_a_settled_bet_matches_model(
    system: System, board: Board, market: Market, outcome: int, stake: int, price: int, result: Result
) -> None:
    outcome %= outcome_count(market.kind)
    bettor = board.bettors[0]
    with boa.env.anchor():
        market_id = system.book.market_id(GAME, market.kind, market.line)
        if market_id == 0:
            market_id = actions.add_market(system, GAME, market.kind, market.line)
        _, payout = place(system, bettor, market_id, outcome, stake, price)
        assert payout == get_payout(stake, price)
        bet = exposure.Bet(market, outcome, stake, payout)
        assert settle(system, result) == exposure.get_vault_net([market], [bet], result)
        balance = system.book.balanceOf(bettor)

        nonce = system.book.bet_nonce(bettor) - 1
        credited = system.book.claim((bettor, nonce, market_id, outcome, stake, payout), sender=bettor)

        share = get_share(market.kind, market.line, outcome, result)
        assert credited == get_credit(share, stake, payout)
        (settled,) = [log for log in system.book.get_logs() if type(log).__name__ == "BetSettled"]
        assert (settled.grade, settled.amount) == (get_grade(share), credited)
        assert system.book.balanceOf(bettor) == balance + credited


# ---------------------------------------------------------------- #
#                       Exposure and settlement                    #
# ---------------------------------------------------------------- #


@settings(max_examples=30)  # one example places up to 12 bets and settles them all
@given(placed=st.lists(board_bets(), min_size=1, max_size=12), result=settling_results)
def test_exposure_and_settlement_match_model(
    system: System, board: Board, placed: list[tuple[Market, int, int, int, int]], result: Result
) -> None:
    book, vault, token = system.book, system.vault, system.token
    with boa.env.anchor():
        bets: list[exposure.Bet] = []
        stored = []
        nonces = dict.fromkeys(board.bettors, 0)
        balances = dict.fromkeys(board.bettors, BETTOR_FUNDS)
        for market, outcome, stake, price, who in placed:
            bettor, market_id = board.bettors[who], board.markets[market]
            bet_id, payout = place(system, bettor, market_id, outcome, stake, price)
            assert payout == get_payout(stake, price)
            bets.append(exposure.Bet(market, outcome, stake, payout))
            stored.append((bet_id, (bettor, nonces[bettor], market_id, outcome, stake, payout)))
            nonces[bettor] += 1
            balances[bettor] -= stake

        extremes = {market: exposure.get_extremes(market, bets) for market in BOARD}
        for market, market_id in board.markets.items():
            view = book.market(market_id)
            assert (view.reserve, view.upside) == extremes[market]
        reserve = sum(worst for worst, _ in extremes.values())
        assert book.game(GAME).reserve == reserve
        assert book.upside() == sum(best for _, best in extremes.values())
        assert book.headroom() == LIQUIDITY - reserve

        vault_net = exposure.get_vault_net(BOARD, bets, result)
        assert settle(system, result) == vault_net
        assert vault.totalAssets() == LIQUIDITY - vault_net
        assert book.headroom() == LIQUIDITY - vault_net

        book.settle_bets([bet for _, bet in stored])
        credited = {log.bet_id: log.amount for log in book.get_logs() if type(log).__name__ == "BetSettled"}
        for bet, (bet_id, (bettor, *_)) in zip(bets, stored, strict=True):
            share = get_share(bet.market.kind, bet.market.line, bet.outcome, result)
            assert credited[bet_id] == get_credit(share, bet.stake, bet.payout)
            balances[bettor] += credited[bet_id]
        assert {bettor: book.balanceOf(bettor) for bettor in board.bettors} == balances

        # the vault pays at least what bettors are credited; the rest stays in the book
        dust = token.balanceOf(book.address) - sum(balances.values())
        assert dust == vault_net - exposure.get_bettors_net(bets, result)
        assert 0 <= dust <= half_graded(bets, result)


@pytest.mark.parametrize(
    ("over_bets", "under_bets", "dust"),
    [
        # 2.25 goals at 1-1: over half-loses, under half-wins; stake 10_001 pays 20_000 on a win
        (2, 3, 3),  # 3 x 15_000.5 + 2 x 5_000.5 - 50_005 = 4_997.5: the vault pays 4_998, bettors get 4_995
        (1, 0, 1),  # a lone half-loss: the vault earns 5_000 of 10_001, the bettor gets 5_000 back
        (0, 1, 1),  # a lone half-win: the vault pays 5_000 (4_999.5), the bettor gets 15_000 of 15_000.5
    ],
)
def test_rounding_dust_is_at_most_one_unit_per_half_graded_bet(
    system: System, board: Board, over_bets: int, under_bets: int, dust: int
) -> None:
    """Half results round every credit down and the vault's side up, so the book is never short.

    What stays behind is under one unit per bet the result grades by halves
    (half-win *or* half-loss: a lone half-loss leaves a unit too).
    """
    book, token = system.book, system.token
    market_id = board.markets[Market(Kind.TOTALS, 9)]
    bettor = board.bettors[0]
    sides = [0] * over_bets + [1] * under_bets
    for outcome in sides:
        place(system, bettor, market_id, outcome, 10_001, 19_999)
    settle(system, Result(1, 1))
    book.settle_bets(
        [(bettor, nonce, market_id, outcome, 10_001, 20_000) for nonce, outcome in enumerate(sides)]
    )

    held = token.balanceOf(book.address) - sum(book.balanceOf(b) for b in board.bettors)
    assert held == dust
    assert dust <= len(sides)


# ---------------------------------------------------------------- #
#                           Vault pricing                          #
# ---------------------------------------------------------------- #

VAULT_OPS = ("deposit", "mint", "withdraw", "redeem", "settle")


def assert_vault_matches(system: System, model: Vault, shares: dict[str, int], data: st.DataObject) -> None:
    """State, every preview and conversion at a random amount, and each LP's limits."""
    vault, book = system.vault, system.book
    assert (vault.totalAssets(), vault.totalSupply()) == (model.total_assets, model.supply)
    assert (book.headroom(), book.upside()) == (model.exit_value, model.upside)
    assets = data.draw(st.integers(1, FAUCET_LIMIT), label="probe assets")
    assert vault.previewDeposit(assets) == model.preview_deposit(assets)
    assert vault.previewWithdraw(assets) == model.preview_withdraw(assets)
    assert vault.convertToShares(assets) == model.convert_to_shares(assets)
    amount = data.draw(st.integers(1, 10**18), label="probe shares")
    assert vault.previewMint(amount) == model.preview_mint(amount)
    assert vault.previewRedeem(amount) == model.preview_redeem(amount)
    assert vault.convertToAssets(amount) == model.convert_to_assets(amount)
    for owner, balance in shares.items():
        assert (vault.balanceOf(owner), vault.maxWithdraw(owner)) == (balance, model.max_withdraw(balance))


def open_book(
    system: System, board: Board, data: st.DataObject, model: Vault
) -> tuple[Vault, list[exposure.Bet]]:
    """Take a few bets on `PRICING_BOARD`; those the vault cannot back must be refused."""
    bettor = board.bettors[0]
    bets: list[exposure.Bet] = []
    for market, outcome, stake, price in data.draw(st.lists(pricing_bets, max_size=4), label="bets"):
        candidate = [*bets, exposure.Bet(market, outcome, stake, get_payout(stake, price))]
        if exposure.get_game_reserve(PRICING_BOARD, candidate) > model.total_assets:
            with boa.reverts("book: vault liquidity exceeded"):
                place(system, bettor, board.markets[market], outcome, stake, price)
            continue
        place(system, bettor, board.markets[market], outcome, stake, price)
        bets = candidate
    reserve = exposure.get_game_reserve(PRICING_BOARD, bets)
    upside = exposure.get_game_upside(PRICING_BOARD, bets)
    return replace(model, reserve=int(reserve), upside=int(upside)), bets


pricing_bets = st.sampled_from(PRICING_BOARD).flatmap(
    lambda market: st.tuples(
        st.just(market),
        st.integers(0, outcome_count(market.kind) - 1),
        st.integers(MIN_STAKE, 10**8),
        st.integers(10_100, 100_000),
    )
)


def enter(system: System, model: Vault, who: str, assets: int, shares: int, by_mint: bool) -> Vault:
    """Deposit `assets` (or mint `shares`) for `who`; the model has priced both already."""
    vault = system.vault
    system.token.faucet(assets, sender=who)
    system.token.approve(vault.address, assets, sender=who)
    if shares == 0:
        with boa.reverts("vault: zero shares"):
            vault.deposit(assets, who, sender=who)
        return model
    if by_mint:
        assert vault.mint(shares, who, sender=who) == assets
    else:
        assert vault.deposit(assets, who, sender=who) == shares
    return model.entered(assets, shares)


def leave(system: System, model: Vault, who: str, assets: int, shares: int, by_redeem: bool) -> Vault:
    """Withdraw `assets` (or redeem `shares`) of `who`; the model has priced both already."""
    vault = system.vault
    received = system.token.balanceOf(who)
    if assets == 0:
        with boa.reverts("vault: zero assets"):
            vault.redeem(shares, who, who, sender=who)
        return model
    if by_redeem:
        assert vault.redeem(shares, who, who, sender=who) == assets
    else:
        assert vault.withdraw(assets, who, who, sender=who) == shares
    assert system.token.balanceOf(who) == received + assets
    return model.exited(assets, shares)


@settings(max_examples=25)  # one example runs up to 6 vault operations around open bets
@given(
    seed=st.integers(10**9, FAUCET_LIMIT) | st.integers(1, FAUCET_LIMIT),
    ops=st.lists(st.sampled_from(VAULT_OPS), min_size=1, max_size=6),
    data=st.data(),
)
def test_vault_pricing_matches_model(
    unbacked: tuple[System, Board], seed: int, ops: list[str], data: st.DataObject
) -> None:
    """Deposits, mints, withdrawals and redemptions around open exposure, priced by the model."""
    system, board = unbacked
    lp, other_lp = boa.env.generate_address("lp"), boa.env.generate_address("other lp")
    with boa.env.anchor():
        model = Vault(total_assets=0, supply=0)
        shares = {lp: model.preview_deposit(seed), other_lp: 0}
        model = enter(system, model, lp, seed, shares[lp], by_mint=False)
        model, bets = open_book(system, board, data, model)
        assert_vault_matches(system, model, shares, data)

        is_open = True
        for op in ops:
            who = data.draw(st.sampled_from(list(shares)), label="lp")
            balance, supply = shares[who], model.supply
            if op == "deposit":
                assets = data.draw(st.integers(1, FAUCET_LIMIT), label="assets")
                minted = model.preview_deposit(assets)
                model = enter(system, model, who, assets, minted, by_mint=False)
            elif op == "mint":
                affordable = model.preview_deposit(FAUCET_LIMIT)
                minted = data.draw(st.integers(1, affordable), label="shares")
                model = enter(system, model, who, model.preview_mint(minted), minted, by_mint=True)
            elif op == "withdraw" and model.max_withdraw(balance) > 0:
                assets = data.draw(st.integers(1, model.max_withdraw(balance)), label="assets")
                model = leave(system, model, who, assets, model.preview_withdraw(assets), by_redeem=False)
            elif op == "redeem" and balance > 0:
                burned = data.draw(st.integers(1, balance), label="shares")
                model = leave(system, model, who, model.preview_redeem(burned), burned, by_redeem=True)
            elif op == "settle" and is_open:
                result = data.draw(settling_results, label="result")
                settle(system, result)
                vault_net = exposure.get_vault_net(PRICING_BOARD, bets, result)
                model, is_open = Vault(model.total_assets - vault_net, model.supply), False
            shares[who] += model.supply - supply
            assert_vault_matches(system, model, shares, data)
