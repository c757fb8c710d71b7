"""Rows of the indexer's views into the API's bodies (`api.schemas` shapes), as plain dicts. Pure."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson

from oracle.markets import Kind

KIND_NAMES = {
    Kind.ONE_X_TWO: "1x2",
    Kind.MONEYLINE: "moneyline",
    Kind.TOTALS: "totals",
    Kind.HANDICAP: "handicap",
}
STATUS_NAMES = {1: "final", 2: "cancelled"}
STATE_OPEN, STATE_LIVE, STATE_CLOSED, STATE_FINAL = 1, 2, 3, 6
CANCELLED = 2

Row = Mapping[Any, Any]  # a view row (SQLAlchemy RowMapping)


def get_state_name(row: Row, has_quote: bool, now: float) -> str:
    """The game's state for bettors: scheduled, live, suspended, closed, proposed, final or void.

    Suspended: taking bets by the chain's rules (open before kickoff, or live) but no usable quote
    after an epoch bump, or open past kickoff waiting to go live.
    """
    state = row["state"]
    if state == STATE_FINAL:
        return "void" if row["result_status"] == CANCELLED else "final"
    if state > STATE_CLOSED:
        return "proposed"
    if state == STATE_CLOSED:
        return "closed"
    if state == STATE_OPEN and now >= row["kickoff"]:
        return "suspended"
    if has_quote or (state == STATE_OPEN and row["epoch"] == 0):
        return "live" if state == STATE_LIVE else "scheduled"
    return "suspended"


def build_ref(row: Row, prefix: str) -> dict[str, Any] | None:
    block = row[f"{prefix}_block"]
    if block is None:
        return None
    return {"block": block, "tx": row[f"{prefix}_tx"], "at": row[f"{prefix}_at"]}


def build_score(status: int | None, home: int | None, away: int | None) -> dict[str, Any] | None:
    if status is None or home is None or away is None:
        return None
    return {"home": home, "away": away, "status": STATUS_NAMES.get(status, "final")}


def present_game(row: Row, state_name: str) -> dict[str, Any]:
    return {
        "game": row["game"],
        "kickoff": row["kickoff"],
        "state": state_name,
        "epoch": row["epoch"],
        "market_cap": str(row["market_cap"]),
        "game_cap": str(row["game_cap"]),
        "market_count": row["market_count"],
        "bet_count": row["bet_count"],
        "total_stake": str(row["total_stake"]),
        "reserve": str(row["reserve"]),
        "result": build_score(row["result_status"], row["home"], row["away"]),
        "is_challenged": row["challenged_block"] is not None,
        "created": build_ref(row, "created"),
        "proposed": build_ref(row, "proposed"),
        "final": build_ref(row, "final"),
    }


def present_market(row: Row) -> dict[str, Any]:
    outcomes = row["outcomes"]
    return {
        "market": row["market"],
        "game": row["game"],
        "kind": KIND_NAMES[Kind(row["kind"])],
        "line": row["line"],
        "outcomes": outcomes,
        "bet_count": row["bet_count"],
        "total_stake": str(row["total_stake"]),
        "stakes": [str(row[f"stake_{o}"]) for o in range(outcomes)],
        "payouts": [str(row[f"payout_{o}"]) for o in range(outcomes)],
        "reserve": str(row["reserve"]),
        "created": build_ref(row, "created"),
    }


def present_bet(row: Row, facts: Mapping[int, tuple[list[str], str | None]]) -> dict[str, Any]:
    """A bet of the `bets` view, with its settlement once its game is final."""
    settlement = None
    if row["final_block"] is not None:
        signers, accumulator = facts.get(row["game"], ([], None))
        settlement = {
            "result": build_score(row["result_status"], row["home"], row["away"]),
            "grade": row["grade"],
            "outcome_result": row["result"],
            "amount_due": str(row["amount_due"]),
            "signers": signers,
            "accumulator": accumulator,
            "final": build_ref(row, "final"),
            "paid": build_ref(row, "paid"),
            "paid_amount": None if row["paid_amount"] is None else str(row["paid_amount"]),
        }
    return {
        "bet_id": row["bet_id"],
        "status": row["status"],
        "bettor": row["bettor"],
        "market": row["market"],
        "game": row["game"],
        "outcome": row["outcome"],
        "stake": str(row["stake"]),
        "odds": row["odds"],
        "payout": str(row["payout"]),
        "nonce": row["nonce"],
        "tx": row["placed_tx"],
        "placed": build_ref(row, "placed"),
        "log_index": row["placed_log_index"],
        "submitted_at_ms": None,
        "settlement": settlement,
    }


def present_submitted(row: Row) -> dict[str, Any]:
    """A registered bet the indexer has not seen yet."""
    return {
        "bet_id": None,
        "status": "submitted",
        "bettor": row["bettor"],
        "market": row["market"],
        "game": None,
        "outcome": row["outcome"],
        "stake": str(row["stake"]),
        "odds": None,
        "payout": None,
        "nonce": None,
        "tx": row["tx_hash"],
        "placed": None,
        "log_index": None,
        "submitted_at_ms": row["submitted_at_ms"],
        "settlement": None,
    }


def present_account(address: str, row: Row | None, shares: int) -> dict[str, Any]:
    def amount(key: str) -> str:
        return "0" if row is None else str(row[key] or 0)

    return {
        "address": address,
        "balance": amount("balance"),
        "deposited": amount("deposited"),
        "withdrawn": amount("withdrawn"),
        "staked": amount("staked"),
        "credited": amount("credited"),
        "bet_count": 0 if row is None else int(row["bet_count"] or 0),
        "open_bets": 0 if row is None else int(row["open_bets"] or 0),
        "open_stake": amount("open_stake"),
        "vault_shares": str(shares),
    }


def build_chain_ref(row: Row) -> dict[str, Any]:
    return {"block": row["block_number"], "tx": row["tx_hash"], "at": row["block_timestamp"]}


def present_movement(row: Row) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "delta": str(row["delta"]),
        "bet_id": row["bet_id"],
        "log_index": row["log_index"],
        "chain": build_chain_ref(row),
    }


def get_share_price(assets: int, supply: int) -> float:
    return assets / supply if supply > 0 else 1.0


def present_vault_event(row: Row) -> dict[str, Any]:
    assets, supply = int(row["total_assets"]), int(row["total_supply"])
    return {
        "kind": row["kind"],
        "account": row["account"],
        "game": row["game"],
        "assets_delta": str(row["assets_delta"]),
        "shares_delta": str(row["shares_delta"]),
        "total_assets": str(assets),
        "total_supply": str(supply),
        "share_price": get_share_price(assets, supply),
        "log_index": row["log_index"],
        "chain": build_chain_ref(row),
    }


def _integral(value: Any) -> int:
    """PostgreSQL aggregates over views come back as Decimal; they are whole numbers here."""
    if isinstance(value, Decimal):
        return int(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dump_json(body: Any) -> str:
    """A stream message as JSON text (REST bodies go through the response models instead)."""
    return orjson.dumps(body, default=_integral).decode()
