"""Volume, open stakes and house P&L: in total, per game and per UTC day."""

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, text

DAY = 86_400


def fetch_totals(connection: Connection) -> RowMapping:
    sql = """
SELECT COALESCE(SUM(stake), 0) AS volume, COUNT(*) AS bet_count,
  COALESCE(SUM(CASE WHEN final_block IS NULL THEN stake ELSE 0 END), 0) AS open_stake,
  (SELECT COALESCE(SUM(profit - loss), 0) FROM vault_settled) AS house_pnl
FROM bets"""
    return connection.execute(text(sql)).mappings().one()


def fetch_games(connection: Connection, after: int | None, limit: int) -> Sequence[RowMapping]:
    sql = """
SELECT g.game, g.total_stake AS volume, g.bet_count,
  CASE WHEN g.final_block IS NULL THEN g.total_stake ELSE 0 END AS open_stake,
  (SELECT SUM(profit - loss) FROM vault_settled s WHERE s.game = g.game) AS house_pnl
FROM games g WHERE g.game > :after ORDER BY g.game LIMIT :limit"""
    params = {"after": -1 if after is None else after, "limit": limit + 1}
    return connection.execute(text(sql), params).mappings().all()


def fetch_days(connection: Connection, before: int | None, limit: int) -> Sequence[RowMapping]:
    """Per UTC day (days since the epoch), newest first, strictly before day `before`."""
    sql = f"""
SELECT day, SUM(volume) AS volume, SUM(bet_count) AS bet_count, SUM(house_pnl) AS house_pnl FROM (
  SELECT block_timestamp / {DAY} AS day, stake AS volume, 1 AS bet_count, 0 AS house_pnl FROM book_bet_placed
  UNION ALL
  SELECT block_timestamp / {DAY}, 0, 0, profit - loss FROM vault_settled
) d WHERE day < :before GROUP BY day ORDER BY day DESC LIMIT :limit"""
    params = {"before": 2**40 if before is None else before, "limit": limit + 1}
    return connection.execute(text(sql), params).mappings().all()
