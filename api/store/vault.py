"""The vault: totals, history with running assets and supply, LP positions."""

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, text

Key = tuple[int, int]  # (block, log index)


def fetch_totals(connection: Connection) -> RowMapping | None:
    sql = (
        "SELECT total_assets, total_supply FROM vault_history "
        "ORDER BY block_number DESC, log_index DESC LIMIT 1"
    )
    return connection.execute(text(sql)).mappings().first()


def fetch_reserved(connection: Connection) -> int:
    return int(connection.execute(text("SELECT COALESCE(SUM(reserve), 0) FROM games")).scalar() or 0)


def fetch_lp_count(connection: Connection) -> int:
    return int(connection.execute(text("SELECT COUNT(*) FROM vault_accounts WHERE shares > 0")).scalar() or 0)


def fetch_history(connection: Connection, before: Key | None, limit: int) -> Sequence[RowMapping]:
    block, index = before if before is not None else (2**62, 0)
    sql = (
        "SELECT * FROM vault_history WHERE block_number < :block OR "
        "(block_number = :block AND log_index < :index) "
        "ORDER BY block_number DESC, log_index DESC LIMIT :limit"
    )
    return (
        connection.execute(text(sql), {"block": block, "index": index, "limit": limit + 1}).mappings().all()
    )
