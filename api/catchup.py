"""What a (re)subscribing stream client is sent first: the messages after its `since`, or a snapshot.

Catch-ups read the database only up to this worker's tailer watermarks, so the live messages that
follow continue exactly where the catch-up ended. A client with no `since`, or further behind than
`API_WS_BACKLOG` messages, gets a snapshot of the channel's current state carrying the watermark.
"""

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from api.present import dump_json, get_state_name, present_bet, present_game
from api.state import ApiState
from api.store import bets as bet_store
from api.store import tail as store
from api.tail import (
    BET_CHANNEL_TABLES,
    GAME_CHANNEL_TABLES,
    SETTLEMENT_TABLES,
    build_chain_messages,
    build_quote_row,
)

SNAPSHOT_GAMES = 500
SNAPSHOT_BETS = 200
SNAPSHOT_SETTLEMENTS = 100


def build_snapshot(seq: int, items: list[Any]) -> str:
    return dump_json({"type": "snapshot", "seq": seq, "data": items})


async def catch_up_quotes(state: ApiState, game: int, since: int | None) -> tuple[int, list[str]]:
    upto = state.marks.quote_seq
    if since is not None and since >= upto:
        return since, []
    if since is not None:
        rows = await _read(
            state, lambda c: store.fetch_quotes_after(c, since, state.settings.ws_backlog + 1, game, upto)
        )
        if len(rows) <= state.settings.ws_backlog:
            payloads = ((row["seq"], state.quotes.accept(build_quote_row(row))) for row in rows)
            return upto, [
                dump_json({"type": "quote", "seq": seq, "data": p}) for seq, p in payloads if p is not None
            ]
    bodies = state.quotes.get_game_quotes(game, state.get_now())
    return upto, [f'{{"type":"snapshot","seq":{upto},"data":[{b",".join(bodies).decode()}]}}']


async def catch_up_chain(
    state: ApiState, channel: str, since: int | None, bettor: str | None = None
) -> tuple[int, list[str]]:
    upto = state.marks.chain_seq
    if since is not None and since >= upto:
        return since, []
    tables = {"games": GAME_CHANNEL_TABLES, "settlements": SETTLEMENT_TABLES}.get(channel, BET_CHANNEL_TABLES)
    max_block = store.split_seq(upto + 1)[0] - 1

    def read(connection: Connection) -> list[str] | None:
        if since is None:
            return None
        events = store.fetch_events(
            connection,
            tables,
            since,
            max_block,
            state.settings.ws_backlog + 1,
            bettor,
            state.marks.confirmations,
        )
        if len(events) > state.settings.ws_backlog:
            return None
        wanted = channel if bettor is None else f"bets:{bettor}"
        messages = build_chain_messages(state, connection, events)
        return [dump_json(body) for name, _, body in messages if name == wanted]

    messages = await _read(state, read)
    if messages is not None:
        return upto, messages
    snapshot = await _read(state, lambda c: SNAPSHOTS[channel](state, c, bettor))
    return upto, [build_snapshot(upto, snapshot)]


def _snapshot_games(state: ApiState, connection: Connection, bettor: str | None) -> list[Any]:
    sql = "SELECT * FROM games ORDER BY game DESC LIMIT :limit"
    rows = connection.execute(text(sql), {"limit": SNAPSHOT_GAMES}).mappings().all()
    now = state.get_now()
    return [
        present_game(r, get_state_name(r, bool(state.quotes.get_game_quotes(r["game"], now)), now))
        for r in rows
    ]


def _snapshot_bets(state: ApiState, connection: Connection, bettor: str | None) -> list[Any]:
    assert bettor is not None
    rows = bet_store.fetch_bettor_bets(connection, bettor, None, SNAPSHOT_BETS)[:SNAPSHOT_BETS]
    facts = bet_store.fetch_settlement_facts(
        connection, [r["game"] for r in rows if r["final_block"] is not None]
    )
    return [present_bet(r, facts) for r in rows]


def _snapshot_settlements(state: ApiState, connection: Connection, bettor: str | None) -> list[Any]:
    sql = (
        "SELECT * FROM games WHERE final_block IS NOT NULL ORDER BY final_block DESC, game DESC LIMIT :limit"
    )
    rows = connection.execute(text(sql), {"limit": SNAPSHOT_SETTLEMENTS}).mappings().all()
    return [present_game(r, get_state_name(r, False, state.get_now())) for r in rows]


SNAPSHOTS: dict[str, Callable[[ApiState, Connection, str | None], list[Any]]] = {
    "games": _snapshot_games,
    "bets": _snapshot_bets,
    "settlements": _snapshot_settlements,
}


async def _read(state: ApiState, work: Callable[[Connection], Any]) -> Any:
    def run() -> Any:
        with state.engine.connect() as connection:
            return work(connection)

    return await asyncio.to_thread(run)
