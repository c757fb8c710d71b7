"""Raw JSON-RPC over HTTP: the few calls the indexer makes, batched, retried with backoff and jitter.

Timeouts, connection errors, HTTP 429/5xx and the node errors known to pass (header not found,
rate limits) are retried here with exponential backoff and full jitter; when every attempt failed
the call raises `RpcUnavailableError` and the run-cycle retries later. A refused `eth_getLogs`
range (too many blocks or results) raises `RangeTooLargeError` at once, so the caller can halve it.
"""

import itertools
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import requests

from indexer.decode import Header, decode_header
from indexer.exceptions import RangeTooLargeError, RpcError, RpcUnavailableError

HEADER_BATCH = 100  # headers per JSON-RPC batch; public nodes cap batches at 100 to 1,000 calls
RANGE_TOO_LARGE = (
    "range",
    "too many",
    "more than",
    "too large",
    "exceed",
    "response size",
)
TRANSIENT = ("header not found", "unknown block", "rate limit", "timeout", "timed out", "busy", "try again")


def classify_error(code: int | None, message: str) -> str:
    """'transient', 'range' or 'other' for a JSON-RPC error object."""
    text = message.lower()
    if any(word in text for word in TRANSIENT) or code == 429:
        return "transient"
    if code == -32005 or any(word in text for word in RANGE_TOO_LARGE):
        return "range"
    return "other"


def get_backoff(attempt: int, base: float = 0.05, cap: float = 5.0) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return random.uniform(0, min(cap, base * 2**attempt))


class _Retry(Exception):
    def __init__(self, kind: str, detail: str, wait: float = 0.0):
        self.kind, self.detail, self.wait = kind, detail, wait


class RpcClient:
    """A JSON-RPC client for one node URL."""

    def __init__(
        self,
        url: str,
        timeout: float = 10.0,
        retries: int = 6,
        on_error: Callable[[str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.on_error = on_error or (lambda kind: None)
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers["Content-Type"] = "application/json"
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ transport

    def request(self, method: str, params: Sequence[Any]) -> Any:
        """One call; JSON-RPC errors other than transient ones raise at once."""
        return self._with_retries(method, lambda: self._post_one(method, params))

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Several calls in one HTTP request; results in the order of `calls`."""
        if not calls:
            return []
        method = calls[0][0] if len({m for m, _ in calls}) == 1 else "batch"
        return self._with_retries(method, lambda: self._post_batch(calls))

    def _with_retries(self, method: str, attempt_call: Callable[[], Any]) -> Any:
        for attempt in itertools.count():
            try:
                return attempt_call()
            except _Retry as retry:
                self.on_error(retry.kind)
                if attempt >= self.retries:
                    raise RpcUnavailableError(self.url, method, retry.kind, retry.detail) from None
                self.sleep(max(retry.wait, get_backoff(attempt)))
        raise AssertionError("unreachable")

    def _post(self, payload: Any) -> Any:
        try:
            response = self.session.post(self.url, json=payload, timeout=self.timeout)
        except requests.Timeout as error:
            raise _Retry("timeout", str(error)) from None
        except requests.ConnectionError as error:
            raise _Retry("connection", str(error)) from None
        if response.status_code == 429 or response.status_code >= 500:
            wait = response.headers.get("Retry-After", "")
            raise _Retry(
                f"http_{response.status_code}", response.text[:200], float(wait) if wait.isdigit() else 0.0
            )
        if response.status_code != 200:
            raise RpcError(str(payload)[:80], response.status_code, response.text[:200])
        try:
            return response.json()
        except ValueError:
            raise _Retry("bad_json", response.text[:200]) from None

    def _post_one(self, method: str, params: Sequence[Any]) -> Any:
        reply = self._post(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)}
        )
        return self._get_result(method, reply)

    def _post_batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        first = next(self._ids)
        payload = [
            {"jsonrpc": "2.0", "id": first + i, "method": m, "params": list(p)}
            for i, (m, p) in enumerate(calls)
        ]
        for _ in calls[1:]:
            next(self._ids)
        replies = self._post(payload)
        if not isinstance(replies, list):  # a node that refuses batches answers with one error
            return [self._get_result("batch", replies)]
        by_id = {reply.get("id"): reply for reply in replies}
        return [self._get_result(m, by_id.get(first + i, {})) for i, (m, _) in enumerate(calls)]

    def _get_result(self, method: str, reply: dict[str, Any]) -> Any:
        if "error" in reply:
            error = reply["error"] or {}
            code, message = error.get("code"), str(error.get("message", ""))
            kind = classify_error(code, message)
            if kind == "transient":
                raise _Retry("node_busy", f"{code}: {message}")
            if kind == "range" and method == "eth_getLogs":
                self.on_error("range_too_large")
                raise RangeTooLargeError(method, code, message)
            raise RpcError(method, code, message)
        if "result" not in reply:
            raise _Retry("missing_result", str(reply)[:200])
        return reply["result"]

    # ------------------------------------------------------------ calls

    def get_chain_id(self) -> int:
        return int(self.request("eth_chainId", []), 16)

    def get_head(self) -> Header:
        """The latest block's header."""
        return decode_header(self.request("eth_getBlockByNumber", ["latest", False]))

    def get_headers(self, numbers: Sequence[int]) -> list[Header]:
        """Headers of `numbers`, in JSON-RPC batches; a missing block is retried, then raises."""
        headers: list[Header] = []
        for start in range(0, len(numbers), HEADER_BATCH):
            chunk = numbers[start : start + HEADER_BATCH]
            raws = self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in chunk])
            if any(raw is None for raw in raws):
                raws = self._retry_missing(chunk, raws)
            headers.extend(decode_header(raw) for raw in raws)
        return headers

    def _retry_missing(self, numbers: Sequence[int], raws: list[Any]) -> list[Any]:
        """A lagging node answers null for blocks it has not seen yet: ask again after a backoff."""

        def again() -> list[Any]:
            fresh = self._post_batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers])
            if any(raw is None for raw in fresh):
                raise _Retry("block_missing", f"blocks {numbers[0]}..{numbers[-1]} not served yet")
            return fresh

        return list(self._with_retries("eth_getBlockByNumber", again))

    def get_block_hashes(self, numbers: Sequence[int]) -> list[str | None]:
        """The chain's hash at each of `numbers`; None where it has no such block (yet, or any more)."""
        hashes: list[str | None] = []
        for start in range(0, len(numbers), HEADER_BATCH):
            chunk = numbers[start : start + HEADER_BATCH]
            raws = self.batch([("eth_getBlockByNumber", [hex(n), False]) for n in chunk])
            hashes.extend(None if raw is None else str(raw["hash"]).lower() for raw in raws)
        return hashes

    def get_logs(self, from_block: int, to_block: int, addresses: Sequence[str]) -> list[dict[str, Any]]:
        """Every log of `addresses` in [from_block, to_block]; raises `RangeTooLargeError` if refused."""
        params = [{"fromBlock": hex(from_block), "toBlock": hex(to_block), "address": list(addresses)}]
        return list(self.request("eth_getLogs", params))

    def call_many(self, calls: Sequence[tuple[str, str]], block: int) -> list[bytes]:
        """`eth_call` of (to, calldata) pairs at `block`, batched; return data as bytes."""
        results: list[bytes] = []
        for start in range(0, len(calls), HEADER_BATCH):
            chunk = calls[start : start + HEADER_BATCH]
            raws = self.batch([("eth_call", [{"to": to, "data": data}, hex(block)]) for to, data in chunk])
            results.extend(bytes.fromhex(raw[2:]) for raw in raws)
        return results
