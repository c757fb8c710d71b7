"""What a set of bets can cost or earn the vault, by enumerating every result.

No `nets` shortcut: each market's net is settled bet by bet at every
score from 0-0 to 12-12 and at a cancellation, and the extremes are read
off. A market's net is what its bettors get back minus what they staked;
positive means the vault pays.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from oracle.markets import Kind
from tests.model.settlement import CANCELLED, Result, get_credit, get_exact_return, get_share

# Every full result of a line within 11.75 goals of zero happens by 12 goals a side.
MAX_GOALS = 12
RESULTS = (*(Result(home, away) for home in range(MAX_GOALS + 1) for away in range(MAX_GOALS + 1)), CANCELLED)


@dataclass(frozen=True)
class Market:
    kind: Kind
    line: int  # quarter goals


@dataclass(frozen=True)
class Bet:
    market: Market
    outcome: int
    stake: int
    payout: int


def _in(market: Market, bets: Iterable[Bet]) -> list[Bet]:
    return [bet for bet in bets if bet.market == market]


def _net(market: Market, bets: Iterable[Bet], result: Result) -> Fraction:
    net = Fraction(0)
    for bet in bets:
        share = get_share(market.kind, market.line, bet.outcome, result)
        net += get_exact_return(share, bet.stake, bet.payout) - bet.stake
    return net


def get_market_net(market: Market, bets: Iterable[Bet], result: Result) -> Fraction:
    """Exactly what the vault pays (positive) or earns (negative) on `market` at `result`."""
    return _net(market, _in(market, bets), result)


def get_market_nets(market: Market, bets: Iterable[Bet]) -> list[Fraction]:
    """The market's net at every result of `RESULTS`."""
    mine = _in(market, bets)
    return [_net(market, mine, result) for result in RESULTS]


def get_worst_case(market: Market, bets: Sequence[Bet]) -> Fraction:
    """The most `market` can cost the vault over every result."""
    return max(get_market_nets(market, bets))


def get_best_case(market: Market, bets: Sequence[Bet]) -> Fraction:
    """The most `market` can earn the vault over every result."""
    return -min(get_market_nets(market, bets))


def get_extremes(market: Market, bets: Sequence[Bet]) -> tuple[Fraction, Fraction]:
    """(worst case, best case) of `market`, from one enumeration."""
    nets = get_market_nets(market, bets)
    return max(nets), -min(nets)


def get_game_reserve(markets: Iterable[Market], bets: Sequence[Bet]) -> Fraction:
    """What the book sets aside for a game: the sum of its markets' worst cases."""
    return sum((get_worst_case(market, bets) for market in markets), Fraction(0))


def get_game_upside(markets: Iterable[Market], bets: Sequence[Bet]) -> Fraction:
    """The most a game can still earn the vault: the sum of its markets' best cases."""
    return sum((get_best_case(market, bets) for market in markets), Fraction(0))


def get_bettors_net(bets: Iterable[Bet], result: Result) -> int:
    """What bettors are credited in whole units minus what they staked (the vault net without dust)."""
    total = 0
    for bet in bets:
        share = get_share(bet.market.kind, bet.market.line, bet.outcome, result)
        total += get_credit(share, bet.stake, bet.payout) - bet.stake
    return total


def get_vault_net(markets: Iterable[Market], bets: Sequence[Bet], result: Result) -> int:
    """What the vault pays the book (negative: earns) for a game at `result`.

    Each market settles with the vault on its own, its exact net rounded up
    to a whole unit, so the book always holds at least what its bettors are
    credited; the difference stays in the book as dust.
    """
    return sum(math.ceil(get_market_net(market, bets, result)) for market in markets)
