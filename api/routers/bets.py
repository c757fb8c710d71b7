"""Bets by id, and bets the webapp registers by transaction hash right after sending them."""

import time
from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ConnectionDep, SignedInDep, StateDep, validate_hash
from api.exceptions import ApiError, ConflictError, NotFoundError, TooManyPendingError
from api.present import present_bet, present_submitted
from api.schemas import Bet, BetRegistration
from api.store import bets as store

router = APIRouter(prefix="/bets", tags=["bets"])
STAKE_RANGE = "stake out of range: 1 to 2**63 - 1 token units"


@router.get("/{bet_id}", response_model=Bet, responses={404: {"description": "bet not found"}})
def get_bet(bet_id: Annotated[str, Path(max_length=66)], connection: ConnectionDep) -> dict:
    """One bet with its life cycle and, once its game is final, the settlement data to audit it."""
    row = store.fetch_bet(connection, validate_hash(bet_id))
    if row is None:
        raise NotFoundError("bet not found")
    facts = store.fetch_settlement_facts(connection, [row["game"]] if row["final_block"] is not None else [])
    return present_bet(row, facts)


@router.post("", response_model=Bet, status_code=201, responses={409: {"description": "already registered"}})
def register_bet(
    body: BetRegistration, session: SignedInDep, state: StateDep, connection: ConnectionDep
) -> dict:
    """Register a bet the signed-in wallet just sent; it shows as submitted until the indexer sees it."""
    bettor = session.address
    now_ms = int(time.time() * 1000)
    since_ms = now_ms - state.settings.pending_bet_ttl * 1000
    if store.count_pending(connection, bettor, since_ms) >= state.settings.max_pending_bets:
        raise TooManyPendingError()
    stake = int(body.stake)
    if not 0 < stake < 2**63:
        raise ApiError(STAKE_RANGE)
    values = body.model_dump() | {"tx_hash": body.tx_hash.lower(), "stake": stake}
    values |= {"bettor": bettor, "submitted_at_ms": now_ms}
    if not store.insert_submitted(connection, values):
        raise ConflictError()
    connection.commit()
    return present_submitted(values)
