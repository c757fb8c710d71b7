"""Event records to table rows: pure, one dict per row, grouped by table in chain order.

Every event becomes one row of its table, plus the `blocks` row of its block. The one event with
an array, `ReportersSet`, also becomes one `oracle_reporter` row per reporter, so SQL can turn a
signer bitmap back into addresses.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from indexer.decode import EventRecord, Header
from indexer.models import Block, OracleReporter, OracleReportersSet

Rows = dict[str, list[dict[str, Any]]]


def build_rows(records: Sequence[EventRecord], headers: Mapping[str, Header] | None = None) -> Rows:
    """Rows per table for `records`; `headers` (by block hash) give timestamps logs lack and parents."""
    headers = headers or {}
    rows: Rows = {}
    blocks: dict[str, dict[str, Any]] = {}
    for record in records:
        timestamp = get_timestamp(record, headers)
        row = {
            "block_hash": record.block_hash,
            "log_index": record.log_index,
            "block_number": record.block_number,
            "block_timestamp": timestamp,
            "tx_hash": record.tx_hash,
            "tx_index": record.tx_index,
        }
        if record.table == OracleReportersSet.__tablename__:
            row |= build_reporter_set(record, rows)
        else:
            row |= record.args
        rows.setdefault(record.table, []).append(row)
        if record.block_hash not in blocks:
            header = headers.get(record.block_hash)
            blocks[record.block_hash] = {
                "hash": record.block_hash,
                "number": record.block_number,
                "parent_hash": header.parent_hash if header else None,
                "timestamp": timestamp,
            }
    if blocks:
        rows[Block.__tablename__] = list(blocks.values())
    return rows


def get_timestamp(record: EventRecord, headers: Mapping[str, Header]) -> int:
    if record.block_timestamp is not None:
        return record.block_timestamp
    header = headers.get(record.block_hash)
    if header is None:
        raise ValueError(
            f"no timestamp for block {record.block_number} ({record.block_hash}): fetch its header"
        )
    return header.timestamp


def build_reporter_set(record: EventRecord, rows: Rows) -> dict[str, Any]:
    """The `oracle_reporters_set` columns; appends its reporters to `oracle_reporter` in `rows`."""
    reporters = record.args["reporters"]
    children = rows.setdefault(OracleReporter.__tablename__, [])
    for position, reporter in enumerate(reporters):
        children.append(
            {
                "block_hash": record.block_hash,
                "log_index": record.log_index,
                "position": position,
                "block_number": record.block_number,
                "version": record.args["version"],
                "reporter": reporter,
            }
        )
    return {
        "version": record.args["version"],
        "quorum": record.args["quorum"],
        "reporter_count": len(reporters),
    }
