"""Sign-In with Ethereum (EIP-4361): nonce, verify, session, sign out."""

import secrets
import string
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.exc import IntegrityError

from api import siwe
from api.deps import ConnectionDep, SignedInDep, StateDep, build_token_hash, validate_address
from api.exceptions import NotReadyError, SignInError
from api.schemas import NonceIssued, NonceRequest, Session, SessionInfo, SignIn
from api.store import auth as store

router = APIRouter(prefix="/auth", tags=["auth"])
ALPHABET = string.ascii_letters + string.digits
FAILED: dict[int | str, dict[str, Any]] = {401: {"description": "sign-in failed; the detail names the check"}}


@router.post("/nonce", response_model=NonceIssued)
def issue_nonce(body: NonceRequest, state: StateDep, connection: ConnectionDep) -> dict:
    """A single-use nonce for the address about to sign in; put it in the EIP-4361 message."""
    chain_id = state.get_chain_id()
    if chain_id is None:
        raise NotReadyError()
    nonce = "".join(secrets.choice(ALPHABET) for _ in range(24))
    expires_at = int(time.time()) + state.settings.nonce_ttl
    store.delete_expired(connection, int(time.time() * 1000))
    store.insert_nonce(connection, nonce, validate_address(body.address), expires_at * 1000)
    connection.commit()
    return {
        "nonce": nonce,
        "expires_at": expires_at,
        "domain": state.settings.siwe_domain,
        "chain_id": chain_id,
    }


@router.post("/verify", response_model=Session, responses=FAILED)
def verify(body: SignIn, state: StateDep, connection: ConnectionDep) -> dict:
    """Check a signed EIP-4361 message; a session token for its address. The nonce is used only on success."""
    chain_id = state.get_chain_id()
    if chain_id is None:
        raise NotReadyError()
    message = siwe.parse_message(body.message)
    now = datetime.now(UTC)
    settings = state.settings
    siwe.validate_message(message, settings.siwe_domain, chain_id, now, settings.max_clock_skew)
    siwe.validate_signature(body.message, body.signature, message.address)
    address = message.address.lower()
    now_ms = int(now.timestamp() * 1000)
    if not store.consume_nonce(connection, message.nonce, address, now_ms):
        raise SignInError(siwe.BAD_NONCE)
    token = secrets.token_urlsafe(32)
    expires_at = int(now.timestamp()) + settings.session_ttl
    if message.expiration_time is not None:
        expires_at = min(expires_at, int(message.expiration_time.timestamp()))
    try:
        store.insert_session(connection, build_token_hash(token), address, now_ms, expires_at * 1000)
    except IntegrityError:  # a 256-bit token colliding: retry sign-in
        raise SignInError() from None
    connection.commit()
    return {"token": token, "address": address, "expires_at": expires_at}


@router.get("/session", response_model=SessionInfo, responses={401: {"description": "not signed in"}})
def get_session(session: SignedInDep) -> dict:
    """Who the bearer token signs in as, and until when."""
    return {"address": session.address, "expires_at": session.expires_at}


@router.post("/logout", status_code=204, responses={401: {"description": "not signed in"}})
def logout(session: SignedInDep, connection: ConnectionDep) -> Response:
    """End the session of the bearer token."""
    store.delete_session(connection, session.token_hash)
    connection.commit()
    return Response(status_code=204)
