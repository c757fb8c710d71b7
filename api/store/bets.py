"""Bets from the `bets` view, their settlement facts, and bets registered by transaction hash."""

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, RowMapping, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from indexer.models import ApiSubmittedBet, BookBetPlaced

Key = tuple[int, int]  # (placed block, log index)


def fetch_bet(connection: Connection, bet_id: str) -> RowMapping | None:
    return (
        connection.execute(text("SELECT * FROM bets WHERE bet_id = :id"), {"id": bet_id}).mappings().first()
    )


def fetch_bettor_bets(
    connection: Connection, bettor: str, before: Key | None, limit: int
) -> Sequence[RowMapping]:
    """A bettor's bets, newest first, strictly before `before`."""
    block, index = before if before is not None else (2**62, 0)
    sql = (
        "SELECT * FROM bets WHERE bettor = :bettor AND (placed_block < :block OR "
        "(placed_block = :block AND placed_log_index < :index)) "
        "ORDER BY placed_block DESC, placed_log_index DESC LIMIT :limit"
    )
    params = {"bettor": bettor, "block": block, "index": index, "limit": limit + 1}
    return connection.execute(text(sql), params).mappings().all()


def fetch_settlement_facts(
    connection: Connection, games: Iterable[int]
) -> dict[int, tuple[list[str], str | None]]:
    """Per game with a result: the reporters behind it and the settlement accumulator once final."""
    wanted = sorted(set(games))
    if not wanted:
        return {}
    facts: dict[int, tuple[list[str], str | None]] = {g: ([], None) for g in wanted}
    params = {f"g{i}": g for i, g in enumerate(wanted)}
    names = ", ".join(f":{name}" for name in params)
    signers = f"SELECT game, reporter FROM result_signers WHERE game IN ({names}) ORDER BY game, position"
    for row in connection.execute(text(signers), params):
        facts[row.game][0].append(row.reporter)
    finals = f"SELECT game, accumulator FROM book_result_finalized WHERE game IN ({names})"
    for row in connection.execute(text(finals), params):
        facts[row.game] = (facts[row.game][0], row.accumulator)
    return facts


def fetch_pending(connection: Connection, bettor: str, since_ms: int) -> Sequence[RowMapping]:
    """Registrations of `bettor` since `since_ms` whose transaction the indexer has not seen yet."""
    seen = select(BookBetPlaced.tx_hash).where(BookBetPlaced.bettor == bettor)
    query = (
        select(ApiSubmittedBet)
        .where(
            ApiSubmittedBet.bettor == bettor,
            ApiSubmittedBet.submitted_at_ms >= since_ms,
            ApiSubmittedBet.tx_hash.not_in(seen),
        )
        .order_by(ApiSubmittedBet.submitted_at_ms.desc())
    )
    return connection.execute(query).mappings().all()


def count_pending(connection: Connection, bettor: str, since_ms: int) -> int:
    query = select(func.count()).where(
        ApiSubmittedBet.bettor == bettor, ApiSubmittedBet.submitted_at_ms >= since_ms
    )
    return int(connection.execute(query).scalar_one())


def insert_submitted(connection: Connection, values: dict[str, object]) -> bool:
    """Register a bet; False when this account already registered the transaction."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ApiSubmittedBet).values(values).on_conflict_do_nothing()
    return connection.execute(statement.returning(ApiSubmittedBet.tx_hash)).first() is not None


def fetch_bets_by_game(
    connection: Connection, games: Iterable[int]
) -> dict[int, dict[str, list[RowMapping]]]:
    """Every bet of each game, grouped by bettor (to tell each wallet its bets settled)."""
    grouped: dict[int, dict[str, list[RowMapping]]] = {}
    for game in games:
        sql = "SELECT * FROM bets WHERE game = :game ORDER BY placed_block, placed_log_index"
        for row in connection.execute(text(sql), {"game": game}).mappings():
            grouped.setdefault(game, {}).setdefault(row["bettor"], []).append(row)
    return grouped
