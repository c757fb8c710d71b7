"""Raw transactions at volume: ABI calldata, locally tracked nonces, batched JSON-RPC.

Simulated bettors send hundreds of transactions a second, so they skip web3's per-call gas
estimation and nonce lookups: calldata is encoded from the ABI, each wallet counts its own
nonce and signs with coincurve, and many `eth_sendRawTransaction` calls travel in one
JSON-RPC batch.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import coincurve
import httpx
import rlp  # type: ignore[import-untyped]  # (no stubs; a dependency of eth-account)
from eth_abi import encode
from eth_account.signers.local import LocalAccount
from eth_typing import ABIFunction
from eth_utils import keccak
from eth_utils.abi import function_abi_to_4byte_selector, get_abi_input_types

MAX_FEE = 10**11  # 100 gwei: far above a local chain's base fee, so every transaction is mined at once
TX_TYPE = b"\x02"  # EIP-1559 (priority fee 0, max fee MAX_FEE, no access list)


class RpcError(Exception):
    """The node answered a JSON-RPC call with an error, or not at all."""


class Encoder:
    """Calldata of one contract function, from its ABI entry."""

    def __init__(self, abi: list[dict[str, Any]], name: str):
        entries = [e for e in abi if e.get("type") == "function" and e.get("name") == name]
        if len(entries) != 1:
            raise ValueError(f"expected one function {name!r} in the ABI, found {len(entries)}")
        function = cast(ABIFunction, entries[0])
        self.selector = function_abi_to_4byte_selector(function)
        self.types = get_abi_input_types(function)

    def build(self, *args: Any) -> bytes:
        return self.selector + encode(self.types, args)


class Rpc:
    """A JSON-RPC client with batches, over one keep-alive HTTP connection pool."""

    def __init__(self, url: str, timeout: float = 30.0):
        self.url = url
        self.client = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=16))
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        result, error = self.batch([(method, list(params))])[0]
        if error is not None:
            raise RpcError(f"{method}: {error}")
        return result

    def batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[tuple[Any, Any]]:
        """(result, error) per call, in order; raises RpcError only when the whole batch fails."""
        if not calls:
            return []
        ids = [next(self._ids) for _ in calls]
        body = [
            {"jsonrpc": "2.0", "id": i, "method": m, "params": p}
            for i, (m, p) in zip(ids, calls, strict=True)
        ]
        try:
            response = self.client.post(self.url, json=body)
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RpcError(f"batch of {len(calls)} calls to {self.url} failed: {error}") from error
        if not isinstance(replies, list):
            raise RpcError(f"batch of {len(calls)} calls: the node answered {str(replies)[:200]}")
        by_id = {reply.get("id"): reply for reply in replies if isinstance(reply, dict)}
        return [
            (by_id.get(i, {}).get("result"), by_id.get(i, {"error": "no reply"}).get("error")) for i in ids
        ]

    def close(self) -> None:
        self.client.close()


@dataclass
class Wallet:
    """An account that signs its own EIP-1559 transactions with a locally counted nonce.

    Signing is RLP + keccak + coincurve (libsecp256k1, low-s, RFC 6979 nonces), the same bytes
    eth-account produces (a test holds them equal) at a tenth of its cost per transaction.
    """

    account: LocalAccount
    chain_id: int
    nonce: int = 0

    def __post_init__(self) -> None:
        self._key = coincurve.PrivateKey(bytes(self.account.key))

    @property
    def address(self) -> str:
        return str(self.account.address)

    def sign(self, to: str, data: bytes, gas: int) -> tuple[str, bytes]:
        """The raw transaction (hex) and its hash; takes the next nonce."""
        fields = [self.chain_id, self.nonce, 0, MAX_FEE, gas, bytes.fromhex(to[2:]), 0, data, []]
        signature = self._key.sign_recoverable(keccak(TX_TYPE + rlp.encode(fields)), hasher=None)
        r, s, y_parity = signature[:32], signature[32:64], signature[64]
        raw = TX_TYPE + rlp.encode([*fields, y_parity, int.from_bytes(r, "big"), int.from_bytes(s, "big")])
        self.nonce += 1
        return "0x" + raw.hex(), keccak(raw)


def fetch_nonces(rpc: Rpc, addresses: Sequence[str]) -> list[int]:
    """Each address's next nonce, counting pending transactions."""
    replies = rpc.batch([("eth_getTransactionCount", [a, "pending"]) for a in addresses])
    for address, (_, error) in zip(addresses, replies, strict=True):
        if error is not None:
            raise RpcError(f"eth_getTransactionCount({address}): {error}")
    return [int(result, 16) for result, _ in replies]


def send_raw(rpc: Rpc, raws: Sequence[str]) -> list[Any]:
    """Send signed transactions in one batch; the error of each (None when accepted)."""
    return [error for _, error in rpc.batch([("eth_sendRawTransaction", [raw]) for raw in raws])]


def fetch_receipts(rpc: Rpc, hashes: Sequence[bytes]) -> list[dict[str, Any] | None]:
    """Receipts of `hashes` (None while pending)."""
    replies = rpc.batch([("eth_getTransactionReceipt", ["0x" + h.hex()]) for h in hashes])
    return [result for result, _ in replies]
