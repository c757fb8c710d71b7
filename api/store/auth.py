"""SIWE nonces and sessions. A nonce is consumed by one conditional DELETE: single use across workers."""

from sqlalchemy import Connection, delete, insert, select

from indexer.models import ApiNonce, ApiSession


def insert_nonce(connection: Connection, nonce: str, address: str, expires_at_ms: int) -> None:
    connection.execute(insert(ApiNonce).values(nonce=nonce, address=address, expires_at_ms=expires_at_ms))


def consume_nonce(connection: Connection, nonce: str, address: str, now_ms: int) -> bool:
    """Delete the nonce if it was issued to `address` and is unexpired; True when this call used it."""
    statement = delete(ApiNonce).where(
        ApiNonce.nonce == nonce, ApiNonce.address == address, ApiNonce.expires_at_ms > now_ms
    )
    return connection.execute(statement.returning(ApiNonce.nonce)).first() is not None


def insert_session(
    connection: Connection, token_hash: str, address: str, now_ms: int, expires_at_ms: int
) -> None:
    values = {
        "token_hash": token_hash,
        "address": address,
        "created_at_ms": now_ms,
        "expires_at_ms": expires_at_ms,
    }
    connection.execute(insert(ApiSession).values(values))


def fetch_session(connection: Connection, token_hash: str, now_ms: int) -> tuple[str, int] | None:
    """(address, expiry) of an unexpired session."""
    query = select(ApiSession.address, ApiSession.expires_at_ms).where(
        ApiSession.token_hash == token_hash, ApiSession.expires_at_ms > now_ms
    )
    row = connection.execute(query).first()
    return None if row is None else (row.address, row.expires_at_ms)


def delete_session(connection: Connection, token_hash: str) -> None:
    connection.execute(delete(ApiSession).where(ApiSession.token_hash == token_hash))


def delete_expired(connection: Connection, now_ms: int) -> None:
    connection.execute(delete(ApiNonce).where(ApiNonce.expires_at_ms <= now_ms))
    connection.execute(delete(ApiSession).where(ApiSession.expires_at_ms <= now_ms))
