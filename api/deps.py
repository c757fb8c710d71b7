"""Dependencies of the routes, as `Annotated` aliases."""

import hashlib
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, WebSocket
from sqlalchemy import Connection

from api.exceptions import (
    AuthenticationRequiredError,
    ForbiddenError,
    InvalidAddressError,
    InvalidHashError,
)
from api.state import ApiState
from api.store import auth as auth_store

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HASH = re.compile(r"0x[0-9a-fA-F]{64}")


def get_state(request: Request) -> ApiState:
    return request.app.state.api


def get_ws_state(websocket: WebSocket) -> ApiState:
    return websocket.app.state.api


StateDep = Annotated[ApiState, Depends(get_state)]
WsStateDep = Annotated[ApiState, Depends(get_ws_state)]


def get_connection(state: StateDep) -> Iterator[Connection]:
    with state.engine.connect() as connection:
        yield connection


ConnectionDep = Annotated[Connection, Depends(get_connection)]


def build_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    address: str
    token_hash: str
    expires_at: int  # unix seconds


def get_signed_in(
    connection: ConnectionDep,
    authorization: Annotated[str | None, Header(max_length=200)] = None,
) -> SignedIn:
    """The session whose bearer token came with the request."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationRequiredError()
    return fetch_signed_in(connection, token.strip())


def fetch_signed_in(connection: Connection, token: str) -> SignedIn:
    token_hash = build_token_hash(token)
    session = auth_store.fetch_session(connection, token_hash, int(time.time() * 1000))
    if session is None:
        raise AuthenticationRequiredError()
    return SignedIn(session[0], token_hash, session[1] // 1000)


SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]


def validate_address(address: str) -> str:
    if not _ADDRESS.fullmatch(address):
        raise InvalidAddressError()
    return address.lower()


def validate_hash(value: str) -> str:
    if not _HASH.fullmatch(value):
        raise InvalidHashError()
    return value.lower()


def get_own_address(address: Annotated[str, Path(max_length=42)], signed_in: SignedInDep) -> str:
    """The path's account, which must be the signed-in one (403 otherwise)."""
    if validate_address(address) != signed_in.address:
        raise ForbiddenError()
    return signed_in.address


OwnAddressDep = Annotated[str, Depends(get_own_address)]
LimitDep = Annotated[int, Query(ge=1, le=200, description="page size")]
CursorDep = Annotated[str | None, Query(max_length=512, description="`end_cursor` of the previous page")]
