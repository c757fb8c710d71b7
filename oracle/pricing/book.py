"""What the pricer reads from the Book: a game's state, epoch and caps, its markets and their nets.

A game's markets are read in one JSON-RPC batch (`Book.market` for each index), so a refresh
costs two round trips per game however many markets it has.
"""

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.contract import Contract

from oracle.chain import call_rpc
from oracle.markets import Kind
from oracle.pricing.fair import MarketSpec

STATE_NONE, STATE_OPEN, STATE_LIVE = 0, 1, 2


@dataclass(frozen=True)
class GameView:
    game: int
    kickoff: int
    epoch: int
    state: int
    market_cap: int
    market_count: int

    @property
    def is_open(self) -> bool:
        return self.state == STATE_OPEN

    @property
    def is_live(self) -> bool:
        return self.state == STATE_LIVE


@dataclass(frozen=True)
class MarketView:
    market: int
    spec: MarketSpec
    nets: tuple[int, int, int]


def fetch_game(book: Contract, game: int, rpc_url: str) -> GameView:
    view = call_rpc(rpc_url, lambda: book.functions.game(game).call())
    return build_game_view(game, view)


def build_game_view(game: int, view: Any) -> GameView:
    kickoff, epoch, state, *_, market_cap, _game_cap, market_count = view
    return GameView(game, int(kickoff), int(epoch), int(state), int(market_cap), int(market_count))


def fetch_markets(web3: Web3, book: Contract, game: GameView, rpc_url: str) -> list[MarketView]:
    """Every market of `game`, with the book's current nets."""
    ids = [game.game << 8 | index for index in range(game.market_count)]
    if not ids:
        return []

    def read() -> list[Any]:
        with web3.batch_requests() as batch:
            for market in ids:
                batch.add(book.functions.market(market))
            return list(batch.execute())

    return [
        build_market_view(market, view) for market, view in zip(ids, call_rpc(rpc_url, read), strict=True)
    ]


def build_market_view(market: int, view: Any) -> MarketView:
    _game, kind, line, _outcomes, nets, *_ = view
    return MarketView(
        market, MarketSpec(Kind(int(kind)), int(line)), (int(nets[0]), int(nets[1]), int(nets[2]))
    )
