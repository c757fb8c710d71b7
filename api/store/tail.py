"""What the tailers read: the indexer's cursor, pricers, game states, new quotes and new chain events.

Chain events are ordered by `seq = block_number << 20 | log_index`, the streams' sequence numbers.
A bet's confirmation is an event of the block that confirms it (its own block + the indexer's
`confirmations`), placed after that block's logs: at log index `CONFIRMED_INDEX + its own`.
"""

from collections.abc import Sequence

from sqlalchemy import Connection, RowMapping, select, text

from indexer.models import PublishedQuote, SyncState

SEQ_SHIFT = 20  # log indexes stay below 2**20 per block
CONFIRMED_INDEX = 1 << 19  # a block holds far fewer logs (30M gas / 375 gas per log is 80,000)

# event table -> (stream kind, key column: "game" or "bet")
EVENTS = {
    "book_game_created": ("game_created", "game"),
    "book_market_created": ("market_created", "game"),
    "book_game_state_changed": ("state_changed", "game"),
    "book_caps_changed": ("caps_changed", "game"),
    "book_result_proposed": ("result_proposed", "game"),
    "book_result_challenged": ("result_challenged", "game"),
    "book_result_finalized": ("result_finalized", "game"),
    "book_bet_placed": ("bet_placed", "bet"),
    "book_bet_settled": ("bet_paid", "bet"),
}


def build_seq(block: int, log_index: int) -> int:
    return block << SEQ_SHIFT | log_index


def split_seq(seq: int) -> tuple[int, int]:
    return seq >> SEQ_SHIFT, seq & ((1 << SEQ_SHIFT) - 1)


def fetch_sync(connection: Connection) -> RowMapping | None:
    """The indexer's cursor row (one deployment per database)."""
    return connection.execute(select(SyncState).limit(1)).mappings().first()


def fetch_pricers(connection: Connection) -> frozenset[str]:
    sql = "SELECT pricer, is_pricer FROM book_pricer_set ORDER BY block_number, log_index"
    current: dict[str, bool] = {}
    for row in connection.execute(text(sql)):
        current[row.pricer] = bool(row.is_pricer)
    return frozenset(p for p, is_pricer in current.items() if is_pricer)


def fetch_game_states(connection: Connection) -> Sequence[RowMapping]:
    return connection.execute(text("SELECT game, epoch, state, kickoff FROM games")).mappings().all()


def fetch_quotes_after(
    connection: Connection, seq: int, limit: int, game: int | None = None, upto: int | None = None
) -> Sequence[RowMapping]:
    """Quotes with `seq` in (seq, upto], of one game or all, in seq order."""
    query = select(PublishedQuote).where(PublishedQuote.seq > seq)
    if game is not None:
        query = query.where(PublishedQuote.game == game)
    if upto is not None:
        query = query.where(PublishedQuote.seq <= upto)
    return connection.execute(query.order_by(PublishedQuote.seq).limit(limit)).mappings().all()


def fetch_latest_quotes(connection: Connection, min_expiry: int) -> Sequence[RowMapping]:
    """The newest quote of every market, if it has not expired."""
    sql = (
        "SELECT q.* FROM published_quotes q JOIN (SELECT market, MAX(seq) AS seq FROM published_quotes "
        "GROUP BY market) m ON q.seq = m.seq WHERE q.expiry > :expiry"
    )
    return connection.execute(text(sql), {"expiry": min_expiry}).mappings().all()


def fetch_max_quote_seq(connection: Connection, game: int | None = None) -> int:
    sql = "SELECT COALESCE(MAX(seq), 0) FROM published_quotes" + (
        "" if game is None else " WHERE game = :game"
    )
    return int(connection.execute(text(sql), {"game": game}).scalar() or 0)


def fetch_events(
    connection: Connection,
    tables: Sequence[str],
    after_seq: int,
    max_block: int,
    limit: int,
    bettor: str | None = None,
    confirmations: int | None = None,
) -> Sequence[RowMapping]:
    """Events of `tables` with seq > `after_seq` up to block `max_block`, in chain order.

    With `confirmations`, and `book_bet_placed` among `tables`, bet confirmations come too
    (kind `bet_confirmed`, at their confirming block).
    """
    block, index = split_seq(after_seq)
    parts = []
    params: dict[str, object] = {"block": block, "index": index, "max": max_block, "limit": limit}
    for table in tables:
        kind, key = EVENTS[table]
        parts.append(select_events(table, kind, key, bettor, ""))
    if confirmations is not None and "book_bet_placed" in tables:
        # the same rows seen from their confirming block: compare their own position, shifted back
        parts.append(select_events("book_bet_placed", "bet_confirmed", "bet", bettor, "c_"))
        params |= {"c_block": block - confirmations, "c_index": index - CONFIRMED_INDEX}
        params |= {"c_max": max_block - confirmations, "shift": confirmations, "offset": CONFIRMED_INDEX}
    sql = " UNION ALL ".join(parts) + " ORDER BY block_number, log_index LIMIT :limit"
    return connection.execute(text(sql), params | {"bettor": bettor}).mappings().all()


def select_events(table: str, kind: str, key: str, bettor: str | None, prefix: str) -> str:
    """One table's part of `fetch_events`; `prefix` "c_" reads its rows as confirmations."""
    # typed NULLs: PostgreSQL takes a UNION's column types from its first part
    keys = (
        "CAST(NULL AS BIGINT) AS game, bet_id, bettor"
        if key == "bet"
        else "game, CAST(NULL AS TEXT) AS bet_id, CAST(NULL AS TEXT) AS bettor"
    )
    position = (
        "block_number + :shift AS block_number, log_index + :offset AS log_index"
        if prefix
        else "block_number, log_index"
    )
    condition = (
        f"(block_number > :{prefix}block OR (block_number = :{prefix}block AND log_index > :{prefix}index))"
        f" AND block_number <= :{prefix}max"
    )
    if bettor is not None and key == "bet":
        condition += " AND bettor = :bettor"
    columns = f"'{kind}' AS kind, {position}, tx_hash, block_timestamp, {keys}"
    return f"SELECT {columns} FROM {table} WHERE {condition}"


def fetch_game_rows(connection: Connection, games: Sequence[int]) -> dict[int, RowMapping]:
    if not games:
        return {}
    params = {f"g{i}": g for i, g in enumerate(sorted(set(games)))}
    sql = f"SELECT * FROM games WHERE game IN ({', '.join(':' + name for name in params)})"
    return {row["game"]: row for row in connection.execute(text(sql), params).mappings()}


def fetch_bet_rows(connection: Connection, bet_ids: Sequence[str]) -> dict[str, RowMapping]:
    if not bet_ids:
        return {}
    params = {f"b{i}": b for i, b in enumerate(sorted(set(bet_ids)))}
    sql = f"SELECT * FROM bets WHERE bet_id IN ({', '.join(':' + name for name in params)})"
    return {row["bet_id"]: row for row in connection.execute(text(sql), params).mappings()}
