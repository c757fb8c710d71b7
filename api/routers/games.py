"""Games and their markets, with state and current quotes."""

from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Path, Query

from api.deps import ConnectionDep, CursorDep, LimitDep, StateDep
from api.exceptions import NotFoundError
from api.pagination import build_page, decode_cursor
from api.present import get_state_name, present_game, present_market
from api.schemas import GameDetail, GamePage, Market
from api.store import games as store

router = APIRouter(prefix="/games", tags=["games"])
GameId = Annotated[int, Path(ge=0, lt=2**48)]
NOT_FOUND = "game not found"


@router.get("", response_model=GamePage)
def list_games(
    state: StateDep,
    connection: ConnectionDep,
    cursor: CursorDep = None,
    limit: LimitDep = 50,
    status: Annotated[
        Literal["open", "live", "closed", "proposed", "challenged", "final"] | None, Query()
    ] = None,
) -> dict:
    """Games by id, optionally only those in one on-chain state."""
    after = decode_cursor(cursor, (int,))
    rows = store.fetch_games(connection, None if after is None else int(after[0]), limit, status)
    page = build_page(list(rows), limit, lambda r: (r["game"],))
    now = state.get_now()
    items = [
        present_game(r, get_state_name(r, bool(state.quotes.get_game_quotes(r["game"], now)), now))
        for r in page.rows
    ]
    return {
        "items": items,
        "page_info": {"end_cursor": page.end_cursor, "has_next_page": page.end_cursor is not None},
    }


@router.get("/{game}", response_model=GameDetail, responses={404: {"description": NOT_FOUND}})
def get_game(game: GameId, state: StateDep, connection: ConnectionDep) -> dict:
    """One game with its markets and their current signed quotes."""
    row = store.fetch_game(connection, game)
    if row is None:
        raise NotFoundError(NOT_FOUND)
    now = state.get_now()
    quotes = [orjson.loads(body) for body in state.quotes.get_game_quotes(game, now)]
    markets = [present_market(m) for m in store.fetch_markets(connection, game)]
    return present_game(row, get_state_name(row, bool(quotes), now)) | {"markets": markets, "quotes": quotes}


@router.get("/{game}/markets", response_model=list[Market], responses={404: {"description": NOT_FOUND}})
def list_markets(game: GameId, connection: ConnectionDep) -> list[dict]:
    """The markets of one game, with stakes, payouts and reserve per outcome."""
    if store.fetch_game(connection, game) is None:
        raise NotFoundError(NOT_FOUND)
    return [present_market(m) for m in store.fetch_markets(connection, game)]
