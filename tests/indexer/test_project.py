"""`indexer.project`: decoded records of the recorded history to rows that fit the tables."""

import pytest

from indexer.decode import decode_logs
from indexer.models import Base
from indexer.project import build_rows
from tests.indexer.fixtures import get_headers, get_logs, get_specs

pytestmark = pytest.mark.unit


def test_default_behavior() -> None:
    records = decode_logs(get_specs(), get_logs())
    rows = build_rows(records)
    for table, table_rows in rows.items():
        columns = {c.name for c in Base.metadata.tables[table].columns}
        for row in table_rows:
            assert set(row) == columns, table
    assert sum(len(r) for t, r in rows.items() if t not in ("blocks", "oracle_reporter")) == len(records)
    assert len(rows["blocks"]) == len({r.block_hash for r in records})
    placed = rows["book_bet_placed"][0]
    assert placed["block_timestamp"] > 0 and placed["tx_hash"].startswith("0x")


def test_reporters_set_becomes_one_row_per_reporter() -> None:
    rows = build_rows(decode_logs(get_specs(), get_logs()))
    (reporters_set,) = rows["oracle_reporters_set"]
    assert (reporters_set["version"], reporters_set["quorum"], reporters_set["reporter_count"]) == (1, 2, 3)
    reporters = rows["oracle_reporter"]
    assert [r["position"] for r in reporters] == [0, 1, 2]
    assert [r["reporter"] for r in reporters] == sorted(
        (r["reporter"] for r in reporters), key=lambda a: int(a, 16)
    )
    assert all(r["log_index"] == reporters_set["log_index"] for r in reporters)


def test_block_rows_take_timestamps_and_parents_from_headers() -> None:
    logs = get_logs()
    for log in logs:
        del log["blockTimestamp"]
    records = decode_logs(get_specs(), logs)
    with pytest.raises(ValueError, match="no timestamp for block"):
        build_rows(records)
    headers = get_headers()
    rows = build_rows(records, headers)
    for block in rows["blocks"]:
        header = headers[block["hash"]]
        assert (block["number"], block["parent_hash"], block["timestamp"]) == (
            header.number,
            header.parent_hash,
            header.timestamp,
        )
    with_timestamps = build_rows(decode_logs(get_specs(), get_logs()))
    assert [r["block_timestamp"] for r in rows["book_bet_placed"]] == [
        r["block_timestamp"] for r in with_timestamps["book_bet_placed"]
    ]
