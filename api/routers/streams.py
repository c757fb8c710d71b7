"""WebSocket streams: quotes per game, games, bets per wallet, settlements.

Every message is `{"type", "seq", "data"}`. Connect with `since=<seq>` (the last seq you
processed) to get what you missed, or a `snapshot` (data: the channel's current state) when
`since` is absent or too far behind. `heartbeat` messages (seq null) come every
`API_WS_HEARTBEAT` seconds. Close code 4008: you fell behind and were dropped; 4001: the chain
reorganised; reconnect (with `since`, or without after 4001).
"""

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query, WebSocket

from api.catchup import catch_up_chain, catch_up_quotes
from api.deps import SignedIn, WsStateDep, fetch_signed_in, validate_address
from api.exceptions import ApiError

router = APIRouter(prefix="/ws", tags=["streams"])
Since = Annotated[int | None, Query(ge=0, lt=2**62)]
CLOSE_POLICY = 1008
CLOSE_TRY_LATER = 1013


async def _admit(websocket: WebSocket, state: WsStateDep) -> bool:
    if not state.marks.is_ready or state.hub.get_client_count() >= state.settings.ws_max_clients:
        await websocket.close(CLOSE_TRY_LATER)
        return False
    await websocket.accept()
    return True


@router.websocket("/quotes/{game}")
async def stream_quotes(websocket: WebSocket, game: int, state: WsStateDep, since: Since = None) -> None:
    """Every new signed quote of one game's markets."""
    if not 0 <= game < 2**48:
        return await websocket.close(CLOSE_POLICY)
    if await _admit(websocket, state):
        await state.hub.serve(websocket, f"quotes:{game}", since, lambda s: catch_up_quotes(state, game, s))


@router.websocket("/games")
async def stream_games(websocket: WebSocket, state: WsStateDep, since: Since = None) -> None:
    """Game changes: created, markets added, live, suspended, caps, results proposed, challenged, final."""
    if await _admit(websocket, state):
        await state.hub.serve(websocket, "games", since, lambda s: catch_up_chain(state, "games", s))


@router.websocket("/settlements")
async def stream_settlements(websocket: WebSocket, state: WsStateDep, since: Since = None) -> None:
    """Final results and every bet paid."""
    if await _admit(websocket, state):
        await state.hub.serve(
            websocket, "settlements", since, lambda s: catch_up_chain(state, "settlements", s)
        )


@router.websocket("/bets/{address}")
async def stream_bets(
    websocket: WebSocket,
    address: str,
    state: WsStateDep,
    token: Annotated[str, Query(max_length=100)],
    since: Since = None,
) -> None:
    """One wallet's bets placed, settled and paid; `token` is the wallet's session token."""

    def check() -> SignedIn:
        with state.engine.connect() as connection:
            return fetch_signed_in(connection, token)

    try:
        wallet = validate_address(address)
        signed_in = await asyncio.to_thread(check)
    except ApiError:
        return await websocket.close(CLOSE_POLICY)
    if signed_in.address != wallet:
        return await websocket.close(CLOSE_POLICY)
    if await _admit(websocket, state):
        channel = f"bets:{wallet}"
        await state.hub.serve(websocket, channel, since, lambda s: catch_up_chain(state, "bets", s, wallet))
