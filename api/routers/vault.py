"""The vault backing the book: assets, reserved exposure, share price history."""

from fastapi import APIRouter

from api.deps import ConnectionDep, CursorDep, LimitDep
from api.pagination import build_page, decode_cursor
from api.present import get_share_price, present_vault_event
from api.schemas import Vault, VaultEventPage
from api.store import vault as store

router = APIRouter(prefix="/vault", tags=["vault"])


@router.get("", response_model=Vault)
def get_vault(connection: ConnectionDep) -> dict:
    """Assets, share supply and price, liability reserved for open games, free liquidity, LP count."""
    totals = store.fetch_totals(connection)
    assets, supply = (0, 0) if totals is None else (int(totals["total_assets"]), int(totals["total_supply"]))
    reserved = store.fetch_reserved(connection)
    return {
        "total_assets": str(assets),
        "total_supply": str(supply),
        "share_price": get_share_price(assets, supply),
        "reserved": str(reserved),
        "free": str(max(0, assets - reserved)),
        "lp_count": store.fetch_lp_count(connection),
    }


@router.get("/history", response_model=VaultEventPage)
def list_history(connection: ConnectionDep, cursor: CursorDep = None, limit: LimitDep = 50) -> dict:
    """Deposits, withdrawals and game settlements, newest first, with the share price after each."""
    before = decode_cursor(cursor, (int, int))
    rows = store.fetch_history(connection, before, limit)  # type: ignore[arg-type]
    page = build_page(list(rows), limit, lambda r: (r["block_number"], r["log_index"]))
    items = [present_vault_event(r) for r in page.rows]
    return {
        "items": items,
        "page_info": {"end_cursor": page.end_cursor, "has_next_page": page.end_cursor is not None},
    }
