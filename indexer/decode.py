"""Raw JSON-RPC logs to typed event records: pure, no RPC, no web3 `process_log`.

`build_event_specs` reads the deployment's ABIs once into a table keyed by (contract address,
topic0). `decode_logs` then turns each raw log dict into an `EventRecord`: indexed arguments are
read straight from their topic words, the data part goes through `eth_abi` in one call. Values
are normalised for SQL: addresses and 32-byte values become lowercase hex text, integers stay
Python ints, arrays become lists.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import decode as abi_decode
from eth_utils import keccak

from indexer.models import get_event_tables

# ABI argument names that differ from their column names (`by` is a reserved word in SQL)
RENAMED_ARGS = {"by": "caller"}


@dataclass(frozen=True, slots=True)
class EventSpec:
    """How to decode one event of one contract, and where its rows go."""

    contract: str  # deployment key: "book", "vault", "oracle"
    name: str
    table: str
    topic0: str
    indexed: tuple[tuple[str, str], ...]  # (column, ABI type) per topic after topic0
    data: tuple[tuple[str, str], ...]  # (column, ABI type) of the data part, in order

    @property
    def data_types(self) -> tuple[str, ...]:
        return tuple(abi_type for _, abi_type in self.data)

    @property
    def is_static(self) -> bool:
        """Every data argument is one 32-byte word: decodable by slicing, without eth_abi."""
        return all(is_word(abi_type) for _, abi_type in self.data)


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One decoded log and where it sits in the chain."""

    table: str
    block_number: int
    block_hash: str
    block_timestamp: int | None  # None when the node does not put `blockTimestamp` on logs
    tx_hash: str
    tx_index: int
    log_index: int
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Header:
    """The part of a block header the indexer keeps."""

    number: int
    hash: str
    parent_hash: str
    timestamp: int


SpecTable = dict[tuple[str, str], EventSpec]


def decode_header(raw: dict[str, Any]) -> Header:
    """A header from an `eth_getBlockByNumber` result."""
    return Header(
        number=int(raw["number"], 16),
        hash=raw["hash"].lower(),
        parent_hash=raw["parentHash"].lower(),
        timestamp=int(raw["timestamp"], 16),
    )


def build_signature(event_abi: dict[str, Any]) -> str:
    """`Name(type,type)`, tuples spelled out, as topic0 hashes it."""
    return f"{event_abi['name']}({','.join(build_type(a) for a in event_abi['inputs'])})"


def build_event_specs(contracts: Mapping[str, tuple[str, Sequence[dict[str, Any]]]]) -> SpecTable:
    """(address, topic0) -> spec for every event that has a table, from {key: (address, abi)}."""
    tables = get_event_tables()
    specs: SpecTable = {}
    for key, (address, abi) in contracts.items():
        for entry in abi:
            if entry.get("type") != "event" or entry.get("anonymous"):
                continue
            table = tables.get((key, entry["name"]))
            if table is None:
                continue
            topic0 = "0x" + keccak(text=build_signature(entry)).hex()
            inputs = [
                (RENAMED_ARGS.get(a["name"], a["name"]), build_type(a), a["indexed"]) for a in entry["inputs"]
            ]
            specs[(address.lower(), topic0)] = EventSpec(
                contract=key,
                name=entry["name"],
                table=table,
                topic0=topic0,
                indexed=tuple((n, t) for n, t, indexed in inputs if indexed),
                data=tuple((n, t) for n, t, indexed in inputs if not indexed),
            )
    return specs


def build_type(arg: dict[str, Any]) -> str:
    """An argument's canonical ABI type (`tuple` spelled out as its components)."""
    kind = str(arg["type"])
    if kind.startswith("tuple"):
        return "(" + ",".join(build_type(c) for c in arg["components"]) + ")" + kind[len("tuple") :]
    return kind


def decode_logs(specs: SpecTable, logs: Iterable[dict[str, Any]]) -> list[EventRecord]:
    """Decode every log of a known event; logs of other events (approvals, ...) are skipped."""
    records = []
    for log in logs:
        topics = log["topics"]
        if not topics:
            continue
        spec = specs.get((log["address"].lower(), topics[0].lower()))
        if spec is not None:
            records.append(decode_log(spec, log))
    return records


def decode_log(spec: EventSpec, log: dict[str, Any]) -> EventRecord:
    """One raw log of the event `spec` describes."""
    topics = log["topics"]
    if len(topics) != len(spec.indexed) + 1:
        raise ValueError(
            f"{spec.name} log {log['transactionHash']}:{log['logIndex']} has {len(topics)} topics"
        )
    pairs = zip(spec.indexed, topics[1:], strict=True)
    args = {name: decode_topic(abi_type, topic) for (name, abi_type), topic in pairs}
    data = log["data"]
    if spec.is_static:
        for i, (name, abi_type) in enumerate(spec.data):
            args[name] = decode_topic(abi_type, data[2 + 64 * i : 66 + 64 * i])
    elif spec.data:
        values = abi_decode(spec.data_types, bytes.fromhex(data[2:]))
        for (name, abi_type), value in zip(spec.data, values, strict=True):
            args[name] = normalize(abi_type, value)
    timestamp = log.get("blockTimestamp")
    return EventRecord(
        table=spec.table,
        block_number=int(log["blockNumber"], 16),
        block_hash=log["blockHash"].lower(),
        block_timestamp=None if timestamp is None else int(timestamp, 16),
        tx_hash=log["transactionHash"].lower(),
        tx_index=int(log["transactionIndex"], 16),
        log_index=int(log["logIndex"], 16),
        args=args,
    )


def is_word(abi_type: str) -> bool:
    """A type ABI-encoded as exactly one 32-byte word, in place."""
    return abi_type in ("address", "bool", "bytes32") or (
        abi_type.lstrip("u").startswith("int") and not abi_type.endswith("]")
    )


def decode_topic(abi_type: str, topic: str) -> Any:
    """A one-word value from its 64 hex digits (a topic or a data slice); dynamic types give their hash."""
    word = topic.lower()
    if abi_type == "address":
        return "0x" + word[-40:]
    if abi_type == "bytes32":
        return word if word.startswith("0x") else "0x" + word
    if abi_type == "bool":
        return int(word, 16) != 0
    if abi_type.startswith("uint"):
        return int(word, 16)
    if abi_type.startswith("int"):
        value = int(word, 16)
        return value - (1 << 256) if value >= 1 << 255 else value
    return word  # the keccak of an indexed string, bytes, array or tuple


def normalize(abi_type: str, value: Any) -> Any:
    """eth_abi's output as SQL-ready values: lowercase hex text for addresses and bytes."""
    if abi_type.endswith("]"):
        inner = abi_type[: abi_type.rindex("[")]
        return [normalize(inner, item) for item in value]
    if abi_type == "address":
        return str(value).lower()
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value
