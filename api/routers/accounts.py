"""A signed-in account's balance, exposure, bets, history, vault position and preferences."""

import time
from typing import Any

import orjson
from fastapi import APIRouter

from api.deps import ConnectionDep, CursorDep, LimitDep, OwnAddressDep, StateDep
from api.pagination import build_page, decode_cursor
from api.present import present_account, present_bet, present_movement, present_submitted
from api.schemas import Account, BetPage, MovementPage, Preferences, VaultPosition
from api.store import accounts as store
from api.store import bets as bet_store
from api.store import vault as vault_store

router = APIRouter(prefix="/accounts/{address}", tags=["accounts"])
OWN: dict[int | str, dict[str, Any]] = {
    401: {"description": "not signed in"},
    403: {"description": "another account's resource"},
}


@router.get("", response_model=Account, responses=OWN)
def get_account(address: OwnAddressDep, connection: ConnectionDep) -> dict:
    """Balance in the Book, totals, open bets and open stake (the account's exposure), vault shares."""
    return present_account(
        address, store.fetch_account(connection, address), store.fetch_shares(connection, address)
    )


@router.get("/bets", response_model=BetPage, responses=OWN)
def list_bets(
    address: OwnAddressDep,
    state: StateDep,
    connection: ConnectionDep,
    cursor: CursorDep = None,
    limit: LimitDep = 50,
) -> dict:
    """The account's bets, newest first; the first page starts with bets registered but not yet indexed."""
    before = decode_cursor(cursor, (int, int))
    rows = bet_store.fetch_bettor_bets(connection, address, before, limit)  # type: ignore[arg-type]
    page = build_page(list(rows), limit, lambda r: (r["placed_block"], r["placed_log_index"]))
    games = [r["game"] for r in page.rows if r["final_block"] is not None]
    facts = bet_store.fetch_settlement_facts(connection, games)
    items = [present_bet(r, facts) for r in page.rows]
    if before is None:
        since_ms = int(time.time() * 1000) - state.settings.pending_bet_ttl * 1000
        items = [present_submitted(r) for r in bet_store.fetch_pending(connection, address, since_ms)] + items
    return {
        "items": items,
        "page_info": {"end_cursor": page.end_cursor, "has_next_page": page.end_cursor is not None},
    }


@router.get("/history", response_model=MovementPage, responses=OWN)
def list_history(
    address: OwnAddressDep, connection: ConnectionDep, cursor: CursorDep = None, limit: LimitDep = 50
) -> dict:
    """Every change of the account's Book balance (deposit, withdrawal, bet, settlement), newest first."""
    before = decode_cursor(cursor, (int, int))
    rows = store.fetch_movements(connection, address, before, limit)  # type: ignore[arg-type]
    page = build_page(list(rows), limit, lambda r: (r["block_number"], r["log_index"]))
    items = [present_movement(r) for r in page.rows]
    return {
        "items": items,
        "page_info": {"end_cursor": page.end_cursor, "has_next_page": page.end_cursor is not None},
    }


@router.get("/vault", response_model=VaultPosition, responses=OWN)
def get_position(address: OwnAddressDep, connection: ConnectionDep) -> dict:
    """The account's LP position: vault shares and their value at the current share price."""
    shares = store.fetch_shares(connection, address)
    totals = vault_store.fetch_totals(connection)
    assets, supply = (0, 0) if totals is None else (int(totals["total_assets"]), int(totals["total_supply"]))
    value = shares * assets // supply if supply > 0 else 0
    return {"address": address, "shares": str(shares), "assets": str(value)}


@router.get("/preferences", response_model=Preferences, responses=OWN)
def get_preferences(address: OwnAddressDep, connection: ConnectionDep) -> Preferences:
    """The account's preferences (defaults until it saves some)."""
    saved = store.fetch_preferences(connection, address)
    return Preferences() if saved is None else Preferences.model_validate_json(saved)


@router.put("/preferences", response_model=Preferences, responses=OWN)
def put_preferences(address: OwnAddressDep, body: Preferences, connection: ConnectionDep) -> Preferences:
    """Replace the account's preferences."""
    store.save_preferences(
        connection, address, orjson.dumps(body.model_dump()).decode(), int(time.time() * 1000)
    )
    connection.commit()
    return body
