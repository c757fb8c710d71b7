"""Volume, open stakes and house P&L: in total, per game, per UTC day."""

from datetime import UTC, datetime

from fastapi import APIRouter

from api.deps import ConnectionDep, CursorDep, LimitDep
from api.pagination import build_page, decode_cursor
from api.schemas import DayStatsPage, GameStatsPage, Totals
from api.store import stats as store

router = APIRouter(prefix="/stats", tags=["stats"])


@router.get("", response_model=Totals)
def get_totals(connection: ConnectionDep) -> dict:
    """Volume and bet count over every bet, stakes still open, house P&L over settled games."""
    row = store.fetch_totals(connection)
    return {
        "volume": str(row["volume"]),
        "bet_count": int(row["bet_count"]),
        "open_stake": str(row["open_stake"]),
        "house_pnl": str(row["house_pnl"]),
    }


@router.get("/games", response_model=GameStatsPage)
def list_games(connection: ConnectionDep, cursor: CursorDep = None, limit: LimitDep = 50) -> dict:
    """Per game: volume, bets, open stake and house P&L once settled."""
    after = decode_cursor(cursor, (int,))
    rows = store.fetch_games(connection, None if after is None else int(after[0]), limit)
    page = build_page(list(rows), limit, lambda r: (r["game"],))
    items = [
        {
            "game": r["game"],
            "volume": str(r["volume"]),
            "bet_count": int(r["bet_count"]),
            "open_stake": str(r["open_stake"]),
            "house_pnl": None if r["house_pnl"] is None else str(r["house_pnl"]),
        }
        for r in page.rows
    ]
    return {
        "items": items,
        "page_info": {"end_cursor": page.end_cursor, "has_next_page": page.end_cursor is not None},
    }


@router.get("/days", response_model=DayStatsPage)
def list_days(connection: ConnectionDep, cursor: CursorDep = None, limit: LimitDep = 50) -> dict:
    """Per UTC day, newest first: volume and bets placed, house P&L of games settled that day."""
    before = decode_cursor(cursor, (int,))
    rows = store.fetch_days(connection, None if before is None else int(before[0]), limit)
    page = build_page(list(rows), limit, lambda r: (int(r["day"]),))
    items = [
        {
            "day": datetime.fromtimestamp(int(r["day"]) * store.DAY, UTC).date().isoformat(),
            "volume": str(r["volume"]),
            "bet_count": int(r["bet_count"]),
            "house_pnl": str(r["house_pnl"]),
        }
        for r in page.rows
    ]
    return {
        "items": items,
        "page_info": {"end_cursor": page.end_cursor, "has_next_page": page.end_cursor is not None},
    }
