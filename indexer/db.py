"""The database side of the indexer: engine, migrations, the cursor, bulk writes and reorg rollbacks.

Every write of chain data happens in `write_range` or `roll_back`, each one transaction that also
moves the cursor, so a crash at any point leaves the data and the cursor in step. Rows are inserted
with "on conflict do nothing" on their `(block_hash, log_index)` key: re-running a range is a no-op.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, Table, create_engine, delete, event, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import ConnectionPoolEntry

from indexer.decode import Header
from indexer.exceptions import DatabaseLockedError, SchemaMismatchError
from indexer.models import EVENT_TABLES, Base, Block, Checkpoint, SyncState

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass(frozen=True)
class Cursor:
    """The last block whose data is committed; `hash` is None before the first range."""

    number: int
    hash: str | None
    timestamp: int | None


def build_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL (readers never block the writer) and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _tune_sqlite(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a process crash, which is what we face
    cursor.close()


# ---------------------------------------------------------------- schema


def build_alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> str:
    """Upgrade the schema to this code's head revision; return it."""
    head = get_head_revision()
    with engine.begin() as connection:
        try:
            command.upgrade(build_alembic_config(connection), "head")
        except CommandError:
            raise SchemaMismatchError(get_current_revision(connection), head) from None
    return head


def get_head_revision() -> str:
    head = ScriptDirectory.from_config(build_alembic_config()).get_current_head()
    assert head is not None, "indexer/migrations has no revisions"
    return head


def get_current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def validate_schema(engine: Engine) -> None:
    """Raise unless the database is at this code's head revision."""
    with engine.connect() as connection:
        current = get_current_revision(connection)
    if current != (head := get_head_revision()):
        raise SchemaMismatchError(current, head)


def lock_writer(engine: Engine, chain_id: int, book: str) -> Connection | None:
    """On PostgreSQL, hold a session advisory lock for this deployment while the returned connection lives."""
    if engine.dialect.name != "postgresql":
        return None
    key = int.from_bytes(hashlib.sha256(f"{chain_id}:{book}".encode()).digest()[:8], "big", signed=True)
    connection = engine.connect()
    if not connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
        connection.close()
        raise DatabaseLockedError()
    connection.commit()
    return connection


# ---------------------------------------------------------------- cursor


def load_cursor(connection: Connection, chain_id: int, book: str) -> Cursor | None:
    row = connection.execute(
        select(SyncState.cursor_number, SyncState.cursor_hash, SyncState.cursor_timestamp).where(
            SyncState.chain_id == chain_id, SyncState.book == book
        )
    ).first()
    return None if row is None else Cursor(row.cursor_number, row.cursor_hash, row.cursor_timestamp)


def get_indexed_deployments(connection: Connection) -> list[tuple[int, str]]:
    return [(r.chain_id, r.book) for r in connection.execute(select(SyncState.chain_id, SyncState.book))]


def create_cursor(
    connection: Connection, chain_id: int, book: str, number: int, confirmations: int
) -> Cursor:
    """The cursor of a fresh database: just before the deployment's first block."""
    connection.execute(
        insert(SyncState).values(
            chain_id=chain_id,
            book=book,
            cursor_number=number,
            cursor_hash=None,
            cursor_timestamp=None,
            head_number=number,
            head_timestamp=None,
            confirmations=confirmations,
            updated_at=datetime.now(UTC),
        )
    )
    return Cursor(number, None, None)


def save_head(connection: Connection, chain_id: int, book: str, head: Header, confirmations: int) -> None:
    connection.execute(
        update(SyncState)
        .where(SyncState.chain_id == chain_id, SyncState.book == book)
        .values(
            head_number=head.number,
            head_timestamp=head.timestamp,
            confirmations=confirmations,
            updated_at=datetime.now(UTC),
        )
    )


def _save_cursor(connection: Connection, chain_id: int, book: str, cursor: Cursor) -> None:
    connection.execute(
        update(SyncState)
        .where(SyncState.chain_id == chain_id, SyncState.book == book)
        .values(
            cursor_number=cursor.number,
            cursor_hash=cursor.hash,
            cursor_timestamp=cursor.timestamp,
            updated_at=datetime.now(UTC),
        )
    )


# ---------------------------------------------------------------- writes


def write_range(
    connection: Connection,
    chain_id: int,
    book: str,
    rows: dict[str, list[dict[str, Any]]],
    end: Header,
) -> None:
    """Insert one range's rows and move the cursor to its end block: call inside one transaction."""
    tables = Base.metadata.tables
    for name, table_rows in rows.items():
        insert_rows(connection, tables[name], table_rows)
    end_row = {
        "number": end.number,
        "hash": end.hash,
        "parent_hash": end.parent_hash,
        "timestamp": end.timestamp,
    }
    insert_rows(connection, tables[Checkpoint.__tablename__], [end_row])
    _save_cursor(connection, chain_id, book, Cursor(end.number, end.hash, end.timestamp))


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk insert that skips rows whose key exists: COPY on PostgreSQL when nothing collides."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        savepoint = connection.begin_nested()
        try:
            _copy_rows(connection, table, rows)
            savepoint.commit()
            return
        except Exception as error:
            savepoint.rollback()
            if getattr(error, "sqlstate", None) != "23505":  # unique_violation: a range indexed again
                raise
        connection.execute(postgresql.insert(table).on_conflict_do_nothing(), list(rows))
    elif connection.dialect.name == "sqlite":
        connection.execute(sqlite.insert(table).on_conflict_do_nothing(), list(rows))
    else:
        connection.execute(insert(table).prefix_with("IGNORE"), list(rows))


def _copy_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    assert raw is not None
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def roll_back(connection: Connection, chain_id: int, book: str, ancestor: Header) -> None:
    """Delete everything above `ancestor` and put the cursor on it: call inside one transaction."""
    tables = Base.metadata.tables
    for name in EVENT_TABLES:
        connection.execute(delete(tables[name]).where(tables[name].c.block_number > ancestor.number))
    connection.execute(delete(Block).where(Block.number > ancestor.number))
    connection.execute(delete(Checkpoint).where(Checkpoint.number > ancestor.number))
    _save_cursor(connection, chain_id, book, Cursor(ancestor.number, ancestor.hash, ancestor.timestamp))


def get_known_hashes(connection: Connection, low: int, high: int) -> list[tuple[int, str]]:
    """Stored (number, hash) of blocks and checkpoints in [low, high], highest first."""
    query = (
        select(Block.number, Block.hash)
        .where(Block.number.between(low, high))
        .union(select(Checkpoint.number, Checkpoint.hash).where(Checkpoint.number.between(low, high)))
    )
    return sorted(((n, h) for n, h in connection.execute(query)), reverse=True)


def get_stored_header(connection: Connection, number: int, block_hash: str) -> Header | None:
    """A block or checkpoint row we stored, as a header (parent unknown for blocks read from logs)."""
    for table in (Checkpoint.__table__, Block.__table__):
        row = connection.execute(
            select(table.c.parent_hash, table.c.timestamp).where(
                table.c.hash == block_hash, table.c.number == number
            )
        ).first()
        if row is not None:
            return Header(number, block_hash, row.parent_hash or "", row.timestamp)
    return None


# ---------------------------------------------------------------- inspection


def build_digest(engine: Engine, tables: Iterable[str] | None = None) -> dict[str, str]:
    """A sha256 per chain-data table over its rows in key order: equal digests, equal data.

    Covers the event tables, `oracle_reporter` and `blocks` (not the bookkeeping: `checkpoints` and
    `sync_state` depend on how the work was split into ranges).
    """
    names = list(tables) if tables is not None else [*EVENT_TABLES, Block.__tablename__]
    digests = {}
    with engine.connect() as connection:
        for name in names:
            table = Base.metadata.tables[name]
            order = list(table.primary_key.columns)
            digest = hashlib.sha256()
            for row in connection.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
            digests[name] = digest.hexdigest()
    return digests
