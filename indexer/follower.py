"""The run-cycle: read the head, fetch ranges of logs (one ahead, in a thread), commit each with the cursor.

One cycle indexes from the cursor to the head it read. Before each range the parent hash of its
first block must be the hash the previous range ended on; otherwise the chain reorganised, the
indexer finds the highest stored block still canonical, deletes everything above it in one
transaction and carries on from there. `run` holds the error policy: transient errors are logged
with structured fields and retried after a backoff, fatal ones stop the process.
"""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from indexer import db
from indexer.config import Settings
from indexer.decode import EventRecord, Header, SpecTable, build_event_specs, decode_logs
from indexer.exceptions import (
    ConfigError,
    DatabaseUnavailableError,
    OtherDeploymentError,
    RangeTooLargeError,
    ReorgInFlightError,
    ReorgTooDeepError,
    TransientError,
    WrongChainError,
)
from indexer.metrics import Metrics
from indexer.plan import RangePlanner, find_common_ancestor
from indexer.project import Rows, build_rows
from indexer.rpc import RpcClient, get_backoff
from scripts.deployment import Deployment, DeploymentError, load_deployment

log = logging.getLogger("indexer")
INDEXED_CONTRACTS = ("book", "vault", "oracle")


@dataclass(frozen=True)
class Target:
    """What the indexer follows: one deployment's contracts on one chain."""

    chain_id: int
    book: str
    addresses: list[str]
    specs: SpecTable
    start_block: int


def build_target(deployment: Deployment) -> Target:
    contracts = {
        key: (deployment.contracts[key].address, deployment.contracts[key].abi) for key in INDEXED_CONTRACTS
    }
    return Target(
        chain_id=deployment.chain_id,
        book=deployment.book.address.lower(),
        addresses=[address.lower() for address, _ in contracts.values()],
        specs=build_event_specs(contracts),
        start_block=deployment.start_block,
    )


def load_target(settings: Settings) -> Target:
    try:
        return build_target(load_deployment(settings.deployment_file))
    except DeploymentError as error:
        raise ConfigError(f"{error} (INDEXER_DEPLOYMENT_FILE={settings.deployment_file})") from None


@dataclass(frozen=True)
class FetchedRange:
    start: int
    end: Header
    rows: Rows
    events: int


@dataclass(frozen=True)
class ReorgDetected:
    block: int  # first block whose parent is not the hash we hold


def fetch_range(
    rpc: RpcClient, target: Target, planner: RangePlanner, start: int, head: int, parent: str | None
) -> FetchedRange | ReorgDetected:
    """Logs of the next range from `start`, decoded and projected; shrinks the range until the node agrees.

    Headers are read before logs: if the chain changes in between, the end hash we keep is the
    older one and the next range's parent check catches it.
    """
    while True:
        start, end = planner.get_range(start, head)
        first, last = rpc.get_headers([start, end]) if end > start else rpc.get_headers([start]) * 2
        if parent is not None and first.parent_hash != parent:
            return ReorgDetected(start)
        try:
            logs = rpc.get_logs(start, end, target.addresses)
        except RangeTooLargeError:
            planner.shrink(start, end)
            continue
        planner.record(start, end, len(logs))
        records = decode_logs(target.specs, logs)
        validate_hashes(records, [first, last])
        headers = fetch_missing_headers(rpc, records)
        return FetchedRange(start, last, build_rows(records, headers), len(records))


def validate_hashes(records: list[EventRecord], headers: list[Header]) -> None:
    """Raise if a log sits in a block whose header we read with another hash."""
    known = {header.number: header.hash for header in headers}
    for record in records:
        expected = known.get(record.block_number)
        if expected is not None and expected != record.block_hash:
            raise ReorgInFlightError(record.block_number, expected, record.block_hash)


def fetch_missing_headers(rpc: RpcClient, records: list[EventRecord]) -> dict[str, Header]:
    """Headers of the blocks whose logs came without `blockTimestamp` (nodes other than anvil)."""
    missing = sorted({r.block_number for r in records if r.block_timestamp is None})
    if not missing:
        return {}
    headers = {header.number: header for header in rpc.get_headers(missing)}
    validate_hashes(records, list(headers.values()))
    return {header.hash: header for header in headers.values()}


class Follower:
    """Indexes one deployment into one database; `run` until stopped, or `run_cycle` once."""

    def __init__(self, settings: Settings, target: Target, rpc: RpcClient, engine: Engine, metrics: Metrics):
        self.settings = settings
        self.target = target
        self.rpc = rpc
        self.engine = engine
        self.metrics = metrics
        self.planner = RangePlanner(settings.batch_size, settings.max_batch_size, settings.target_logs)
        self.cursor = db.Cursor(target.start_block - 1, None, None)
        self._lock_connection: Any = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="indexer-fetch")

    def prepare(self) -> None:
        """Check the chain, migrate the schema, take the writer lock and load (or create) the cursor."""
        chain_id = self.rpc.get_chain_id()
        if chain_id != self.target.chain_id:
            raise WrongChainError(self.target.chain_id, chain_id, self.settings.rpc_url)
        revision = db.migrate(self.engine)
        self._lock_connection = db.lock_writer(self.engine, self.target.chain_id, self.target.book)
        with self.engine.begin() as connection:
            for chain, book in db.get_indexed_deployments(connection):
                if (chain, book) != (self.target.chain_id, self.target.book):
                    raise OtherDeploymentError(chain, book, self.target.chain_id, self.target.book)
            cursor = db.load_cursor(connection, self.target.chain_id, self.target.book)
            if cursor is None:
                cursor = db.create_cursor(
                    connection,
                    self.target.chain_id,
                    self.target.book,
                    self.target.start_block - 1,
                    self.settings.confirmations,
                )
        self.cursor = cursor
        log.info("indexer ready", extra={"schema": revision, "cursor": cursor.number, "chain_id": chain_id})

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._lock_connection is not None:
            self._lock_connection.close()
            self._lock_connection = None

    def run(self, stop: threading.Event) -> None:
        """Cycle until `stop` is set; transient errors back off and retry, fatal ones propagate."""
        failures = 0
        while not stop.is_set():
            try:
                is_caught_up = self.run_cycle()
            except (TransientError, OperationalError, InterfaceError) as error:
                failures += 1
                self.metrics.observe_cycle(error)
                log.warning(
                    "cycle failed; retrying",
                    extra={"error": str(error), "kind": type(error).__name__, "cursor": self.cursor.number},
                )
                stop.wait(get_backoff(min(failures, 8), base=0.1, cap=10.0))
                continue
            failures = 0
            self.metrics.observe_cycle(None)
            if is_caught_up:
                stop.wait(self.settings.poll_interval)

    def run_cycle(self) -> bool:
        """Index from the cursor to the current head; True when nothing was left to do."""
        head = self.rpc.get_head()
        try:
            if head.number > self.cursor.number:
                self._index_until(head)
                return False
            if self.cursor.hash is not None and not self._is_on_chain(head):
                self._roll_back(head.number + 1)
                return False
            self._save_head(head)
            return True
        except (OperationalError, InterfaceError) as error:
            raise DatabaseUnavailableError(str(error).splitlines()[0]) from error

    def _is_on_chain(self, head: Header) -> bool:
        """With no new block, is the cursor's block still the chain's (a reorg may keep or cut the height)?"""
        return head.number == self.cursor.number and head.hash == self.cursor.hash

    def _index_until(self, head: Header) -> None:
        start, parent = self.cursor.number + 1, self.cursor.hash
        future: Future[FetchedRange | ReorgDetected] | None = self._submit(start, head.number, parent)
        while future is not None:
            item = future.result()
            if isinstance(item, ReorgDetected):
                self._roll_back(item.block)
                return
            following = item.end.number + 1
            future = self._submit(following, head.number, item.end.hash) if following <= head.number else None
            self._commit(item, head)

    def _submit(self, start: int, head: int, parent: str | None) -> "Future[FetchedRange | ReorgDetected]":
        return self._pool.submit(fetch_range, self.rpc, self.target, self.planner, start, head, parent)

    def _commit(self, item: FetchedRange, head: Header) -> None:
        t = self.target
        with self.engine.begin() as connection:
            db.write_range(connection, t.chain_id, t.book, item.rows, item.end)
            db.save_head(connection, t.chain_id, t.book, head, self.settings.confirmations)
        self.cursor = db.Cursor(item.end.number, item.end.hash, item.end.timestamp)
        self.metrics.observe_commit(
            item.events, item.end.number, item.end.timestamp, head.number, head.timestamp
        )
        self.metrics.range_size.set(self.planner.size)
        log.debug(
            "range committed",
            extra={"from": item.start, "to": item.end.number, "events": item.events, "head": head.number},
        )

    def _save_head(self, head: Header) -> None:
        with self.engine.begin() as connection:
            db.save_head(
                connection, self.target.chain_id, self.target.book, head, self.settings.confirmations
            )
        self.metrics.observe_position(self.cursor.number, self.cursor.timestamp, head.number, head.timestamp)

    def _roll_back(self, block: int) -> None:
        """Find the highest stored block still on the chain; delete everything above it."""
        t, cursor = self.target, self.cursor
        low = max(cursor.number - self.settings.max_reorg_depth, t.start_block - 1)
        with self.engine.begin() as connection:
            known = db.get_known_hashes(connection, low, cursor.number)
            found = find_common_ancestor(known, self.rpc.get_block_hashes)
            ancestor = None if found is None else db.get_stored_header(connection, *found)
            if ancestor is None:
                raise ReorgTooDeepError(cursor.number, self.settings.max_reorg_depth, low)
            db.roll_back(connection, t.chain_id, t.book, ancestor)
        depth = cursor.number - ancestor.number
        self.cursor = db.Cursor(ancestor.number, ancestor.hash, ancestor.timestamp)
        self.metrics.reorgs.inc()
        self.metrics.rollback_depth.set(depth)
        log.warning(
            "reorg rolled back",
            extra={
                "detected_at": block,
                "ancestor": ancestor.number,
                "depth": depth,
                "old_cursor": cursor.number,
            },
        )
