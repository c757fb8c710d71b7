"""Writes `tests/vectors/eip712.json`: golden EIP-712 vectors for `Quote` and `GameResult`.

Run from the repository root:

    python -m tests.vectors.make_eip712_vectors

The output is byte-for-byte deterministic (a fixed chain id, fixed verifying
contracts, fixed test-only keys, RFC 6979 signatures), so regenerating an
unchanged encoding leaves the file untouched and `git diff` shows any change.
`tests/contracts/test_eip712_vectors.py` checks the file against eth-account,
an independent hand-rolled encoder and the deployed contracts.
"""

import json
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from oracle.signing import (
    QUOTE_TYPE,
    RESULT_TYPE,
    GameResult,
    Quote,
    build_quote_typed_data,
    build_result_typed_data,
    get_digest,
    sign_typed_data,
)

PATH = Path(__file__).with_name("eip712.json")
CHAIN_ID = 901
# fixed stand-ins for deployed contracts; the contract test rebuilds digests for real addresses
BOOK = to_checksum_address("0xb00cb00cb00cb00cb00cb00cb00cb00cb00cb00c")
ORACLE = to_checksum_address("0x0a1e0a1e0a1e0a1e0a1e0a1e0a1e0a1e0a1e0a1e")

MAX_UINT32 = 2**32 - 1
MAX_UINT40 = 2**40 - 1
MAX_UINT96 = 2**96 - 1
MAX_GAME = 2**48 - 1
FINAL, CANCELLED = 1, 2

# (name, Quote, signer label)
QUOTES: list[tuple[str, Quote, str]] = [
    ("1x2 pre-game", Quote(1 << 8, 0, 1_767_225_600, 100_000 * 10**6, (19_500, 34_000, 41_000)), "pricer a"),
    (
        "moneyline, zero third odds",
        Quote(1 << 8 | 1, 3, 1_767_225_660, 2_500 * 10**6, (18_700, 20_300, 0)),
        "pricer a",
    ),
    (
        "totals live, later epoch",
        Quote(42 << 8 | 2, 117, 1_767_229_199, 10_000, (10_100, 10_000_000, 0)),
        "pricer b",
    ),
    (
        "max uint32 odds",
        Quote(1 << 8, 0, 1_767_225_600, 10**6, (MAX_UINT32, MAX_UINT32, MAX_UINT32)),
        "pricer b",
    ),
    (
        "max uint96 max_stake",
        Quote(1 << 8, 0, 1_767_225_600, MAX_UINT96, (19_500, 34_000, 41_000)),
        "pricer a",
    ),
    ("epoch 2**32-1", Quote(1 << 8, MAX_UINT32, 1_767_225_600, 10**6, (19_500, 34_000, 41_000)), "pricer b"),
    (
        "largest game, last market, max expiry",
        Quote(MAX_GAME << 8 | 31, 1, MAX_UINT40, 10**6, (21_000, 17_500, 0)),
        "pricer a",
    ),
    ("all zero", Quote(0, 0, 0, 0, (0, 0, 0)), "pricer b"),
]

# (name, GameResult, signer label)
RESULTS: list[tuple[str, GameResult, str]] = [
    ("final 2-1", GameResult(1, FINAL, 2, 1), "reporter a"),
    ("goalless draw", GameResult(2, FINAL, 0, 0), "reporter b"),
    ("cancelled", GameResult(3, CANCELLED, 0, 0), "reporter c"),
    ("largest game, highest scores the book accepts", GameResult(MAX_GAME, FINAL, 1_000, 999), "reporter a"),
    ("basketball score", GameResult(2**40 + 17, FINAL, 117, 109), "reporter b"),
    ("max uint16 scores (the book rejects them)", GameResult(4, FINAL, 2**16 - 1, 2**16 - 1), "reporter c"),
    ("max uint8 status (the book rejects it)", GameResult(5, 2**8 - 1, 0, 0), "reporter a"),
    ("game 0 (the book rejects it)", GameResult(0, FINAL, 1, 0), "reporter b"),
]


def key_of(label: str) -> bytes:
    """A deterministic, test-only private key; never fund its address."""
    return keccak(text=f"rollbook eip712 vector key {label}")


def encode_type(name: str, fields: list[dict[str, str]]) -> str:
    members = ",".join(f"{field['type']} {field['name']}" for field in fields)
    return f"{name}({members})"


def hex_of(data: bytes) -> str:
    return "0x" + data.hex()


def build_case(name: str, message: dict[str, Any], typed_data: dict[str, Any], signer: str) -> dict[str, Any]:
    signable = encode_typed_data(full_message=typed_data)
    key = key_of(signer)
    signature = sign_typed_data(key, typed_data)
    return {
        "name": name,
        "message": message,
        "struct_hash": hex_of(signable.body),
        "domain_separator": hex_of(signable.header),
        "digest": hex_of(get_digest(typed_data)),
        "signer": {"label": signer, "private_key": hex_of(key), "address": Account.from_key(key).address},
        "signature": hex_of(
            signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes([signature.v])
        ),
    }


def build_quote_case(name: str, quote: Quote, signer: str) -> dict[str, Any]:
    message = {
        "market": str(quote.market),
        "epoch": str(quote.epoch),
        "expiry": str(quote.expiry),
        "max_stake": str(quote.max_stake),
        "odds": [str(o) for o in quote.odds],
    }
    return build_case(name, message, build_quote_typed_data(quote, CHAIN_ID, BOOK), signer)


def build_result_case(name: str, result: GameResult, signer: str) -> dict[str, Any]:
    message = {k: str(v) for k, v in zip(("game", "status", "home", "away"), result.as_tuple(), strict=True)}
    return build_case(name, message, build_result_typed_data(result, CHAIN_ID, ORACLE), signer)


def build_vectors() -> dict[str, Any]:
    domain_fields = build_quote_typed_data(QUOTES[0][1], CHAIN_ID, BOOK)["types"]["EIP712Domain"]
    types = {
        name: {"encoding": encode_type(name, fields), "hash": hex_of(keccak(text=encode_type(name, fields)))}
        for name, fields in (
            ("EIP712Domain", domain_fields),
            ("Quote", QUOTE_TYPE),
            ("GameResult", RESULT_TYPE),
        )
    }
    return {
        "description": "Golden EIP-712 vectors for rollbook quotes (Book) and results (ResultOracle).",
        "generator": "python -m tests.vectors.make_eip712_vectors",
        "integers": "message fields are decimal strings: JSON parsers without big integers keep them exact",
        "domain": {"name": "rollbook", "version": "1", "chainId": CHAIN_ID},
        "verifying_contracts": {"Quote": BOOK, "GameResult": ORACLE},
        "types": types,
        "quotes": [build_quote_case(*case) for case in QUOTES],
        "results": [build_result_case(*case) for case in RESULTS],
    }


def render() -> str:
    return json.dumps(build_vectors(), indent=2) + "\n"


def main() -> None:
    PATH.write_text(render())
    print(f"wrote {PATH}")


if __name__ == "__main__":
    main()
