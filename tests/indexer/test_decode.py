"""`indexer.decode` on the recorded logs of the scripted history, checked against web3's own decoder."""

from typing import Any

import pytest
from web3 import Web3
from web3._utils.events import get_event_data

from indexer.decode import RENAMED_ARGS, build_event_specs, decode_logs, decode_topic
from indexer.models import get_event_tables
from tests.indexer.fixtures import get_logs, get_specs, load_fixture

pytestmark = pytest.mark.unit


def to_web3_log(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "address": Web3.to_checksum_address(raw["address"]),
        "topics": [bytes.fromhex(t[2:]) for t in raw["topics"]],
        "data": bytes.fromhex(raw["data"][2:]),
        "blockHash": bytes.fromhex(raw["blockHash"][2:]),
        "blockNumber": int(raw["blockNumber"], 16),
        "transactionHash": bytes.fromhex(raw["transactionHash"][2:]),
        "transactionIndex": int(raw["transactionIndex"], 16),
        "logIndex": int(raw["logIndex"], 16),
    }


def normalize_web3(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, str) and Web3.is_address(value):
        return value.lower()
    if isinstance(value, list | tuple):
        return [normalize_web3(v) for v in value]
    return value


def test_default_behavior() -> None:
    specs, logs = get_specs(), get_logs()
    records = decode_logs(specs, logs)
    by_table: dict[str, int] = {}
    for record in records:
        by_table[record.table] = by_table.get(record.table, 0) + 1
    assert by_table["book_bet_placed"] == 43
    assert by_table["book_bet_settled"] == 33
    assert by_table["book_market_created"] == 17
    assert by_table["oracle_reporters_set"] == 1
    # no table: the Vault's minter role and ownership, the oracle's ownership
    assert len(records) == len(logs) - 3
    order = [(r.block_number, r.log_index) for r in records]
    assert order == sorted(order)


def test_matches_web3_decoding_of_every_log() -> None:
    fixture, specs = load_fixture(), get_specs()
    abis = {
        (c["address"].lower(), spec.name): next(e for e in c["abi"] if e["name"] == spec.name)
        for c in fixture["contracts"].values()
        for spec in specs.values()
        if any(e["name"] == spec.name for e in c["abi"])
    }
    for raw, record in zip(
        [log for log in get_logs() if (log["address"].lower(), log["topics"][0]) in specs],
        decode_logs(specs, get_logs()),
        strict=True,
    ):
        spec = specs[(raw["address"].lower(), raw["topics"][0])]
        event = get_event_data(Web3().codec, abis[(raw["address"].lower(), spec.name)], to_web3_log(raw))
        expected = {RENAMED_ARGS.get(k, k): normalize_web3(v) for k, v in event["args"].items()}
        assert record.args == expected, spec.name
        assert (record.block_number, record.log_index) == (event["blockNumber"], event["logIndex"])
        assert record.block_hash == raw["blockHash"] and record.tx_hash == raw["transactionHash"]
        assert record.block_timestamp == int(raw["blockTimestamp"], 16)


def test_every_table_has_an_event_in_the_abi() -> None:
    contracts = load_fixture()["contracts"]
    specs = build_event_specs({key: (c["address"], c["abi"]) for key, c in contracts.items()})
    assert {(s.contract, s.name) for s in specs.values()} == set(get_event_tables())


def test_skips_other_contracts_and_unknown_topics() -> None:
    logs = get_logs()[:3]
    logs[0]["address"] = "0x" + "11" * 20
    logs[1]["topics"] = ["0x" + "22" * 32]
    logs[2]["topics"] = []
    assert decode_logs(get_specs(), logs) == []


def test_missing_block_timestamp_is_none() -> None:
    log = get_logs()[0]
    del log["blockTimestamp"]
    (record,) = decode_logs(get_specs(), [log])
    assert record.block_timestamp is None


@pytest.mark.parametrize(
    ("abi_type", "word", "value"),
    [
        ("int256", "f" * 64, -1),
        ("int256", "f" * 63 + "e", -2),
        ("int256", "0" * 63 + "5", 5),
        ("uint256", "f" * 64, 2**256 - 1),
        ("bool", "0" * 63 + "1", True),
        ("bool", "0" * 64, False),
        ("address", "0" * 24 + "AB" * 20, "0x" + "ab" * 20),
        ("bytes32", "0xAB" + "0" * 62, "0xab" + "0" * 62),
    ],
)
def test_decode_topic(abi_type: str, word: str, value: object) -> None:
    assert decode_topic(abi_type, word) == value


def test_rejects_a_log_with_the_wrong_topic_count() -> None:
    specs, logs = get_specs(), get_logs()
    placed = next(
        log
        for log in logs
        if getattr(specs.get((log["address"].lower(), log["topics"][0])), "name", "") == "BetPlaced"
    )
    placed["topics"] = placed["topics"][:2]
    with pytest.raises(ValueError, match=r"BetPlaced log .* has 2 topics"):
        decode_logs(specs, [placed])
