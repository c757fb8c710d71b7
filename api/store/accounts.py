"""Account balances, movements, vault shares and preferences."""

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, select, text
from sqlalchemy.dialects import postgresql, sqlite

from indexer.models import ApiPreferences

Key = tuple[int, int]  # (block, log index)


def fetch_account(connection: Connection, address: str) -> RowMapping | None:
    sql = "SELECT * FROM account_balances WHERE account = :address"
    return connection.execute(text(sql), {"address": address}).mappings().first()


def fetch_shares(connection: Connection, address: str) -> int:
    sql = "SELECT shares FROM vault_accounts WHERE account = :address"
    return int(connection.execute(text(sql), {"address": address}).scalar() or 0)


def fetch_movements(
    connection: Connection, address: str, before: Key | None, limit: int
) -> Sequence[RowMapping]:
    """An account's balance changes, newest first, strictly before `before`."""
    block, index = before if before is not None else (2**62, 0)
    sql = (
        "SELECT * FROM account_movements WHERE account = :address AND (block_number < :block OR "
        "(block_number = :block AND log_index < :index)) "
        "ORDER BY block_number DESC, log_index DESC LIMIT :limit"
    )
    params = {"address": address, "block": block, "index": index, "limit": limit + 1}
    return connection.execute(text(sql), params).mappings().all()


def fetch_preferences(connection: Connection, address: str) -> str | None:
    query = select(ApiPreferences.settings).where(ApiPreferences.address == address)
    return connection.execute(query).scalar()


def save_preferences(connection: Connection, address: str, settings: str, now_ms: int) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ApiPreferences).values(
        address=address, settings=settings, updated_at_ms=now_ms
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["address"], set_={"settings": settings, "updated_at_ms": now_ms}
        )
    )
