"""Games and markets from the indexer's `games` and `markets` views."""

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, text

MAX_MARKETS_PER_GAME = 256  # market ids are game << 8 | index


def fetch_games(
    connection: Connection, after: int | None, limit: int, state: str | None
) -> Sequence[RowMapping]:
    sql = "SELECT * FROM games WHERE game > :after"
    if state is not None:
        sql += " AND state_name = :state"
    sql += " ORDER BY game LIMIT :limit"
    params = {"after": -1 if after is None else after, "limit": limit + 1, "state": state}
    return connection.execute(text(sql), params).mappings().all()


def fetch_game(connection: Connection, game: int) -> RowMapping | None:
    return (
        connection.execute(text("SELECT * FROM games WHERE game = :game"), {"game": game}).mappings().first()
    )


def fetch_markets(connection: Connection, game: int) -> Sequence[RowMapping]:
    sql = "SELECT * FROM markets WHERE game = :game ORDER BY market LIMIT :limit"
    return connection.execute(text(sql), {"game": game, "limit": MAX_MARKETS_PER_GAME}).mappings().all()


def fetch_market(connection: Connection, market: int) -> RowMapping | None:
    sql = "SELECT * FROM markets WHERE market = :market"
    return connection.execute(text(sql), {"market": market}).mappings().first()
