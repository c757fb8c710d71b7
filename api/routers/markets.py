"""Markets and their current quote, ready to submit to `Book.place_bet`."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.deps import ConnectionDep
from api.exceptions import NotFoundError
from api.present import present_market
from api.schemas import Market, SignedQuote
from api.store import games as store

router = APIRouter(prefix="/markets", tags=["markets"])
MAX_MARKET = 2**56  # game (48 bits) << 8 | index
MarketId = Annotated[int, Path(ge=0, lt=MAX_MARKET)]
NO_QUOTE = "no current quote for this market: it is suspended, closed or not priced yet"


@router.get("/{market}", response_model=Market, responses={404: {"description": "market not found"}})
def get_market(market: MarketId, connection: ConnectionDep) -> dict:
    """One market: kind, line, stakes, payouts and reserve per outcome."""
    row = store.fetch_market(connection, market)
    if row is None:
        raise NotFoundError("market not found")
    return present_market(row)


@router.get("/{market}/quote", response_model=SignedQuote, responses={404: {"description": NO_QUOTE}})
async def get_quote(market: MarketId, request: Request) -> Response:
    """The market's current quote signed by a Book pricer: pass `quote` and `signature` to `place_bet`."""
    state = request.app.state.api  # the hottest route: no dependency resolution
    body = state.quotes.get_current(market, state.get_now())
    if body is None:
        raise NotFoundError(NO_QUOTE)
    return Response(body, media_type="application/json", headers={"cache-control": "no-store"})
