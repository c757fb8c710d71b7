"""`indexer.rpc` against a scripted JSON-RPC server on loopback: retries, backoff, range refusals, batches."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from indexer.exceptions import RangeTooLargeError, RpcError, RpcUnavailableError
from indexer.rpc import RpcClient, classify_error, get_backoff

pytestmark = pytest.mark.unit

Reply = tuple[int, Any]  # HTTP status, JSON body (or a callable of the request for the body)


class Script:
    """The replies the server gives, in order; the last one repeats."""

    def __init__(self) -> None:
        self.replies: list[Reply | Callable[[Any], Reply]] = []
        self.requests: list[Any] = []

    def next(self, request: Any) -> Reply:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, body = script.next(request)
            if status == 0:  # hang past the client's timeout
                time.sleep(0.3)
                status, body = 200, {"jsonrpc": "2.0", "id": 1, "result": "0x1"}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the client hung up on a reply it had timed out on

    httpd = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", script
    httpd.shutdown()


def ok(result: Any) -> Callable[[Any], Reply]:
    return lambda request: (200, {"jsonrpc": "2.0", "id": request["id"], "result": result})


def error(code: int, message: str) -> Callable[[Any], Reply]:
    return lambda request: (
        200,
        {"jsonrpc": "2.0", "id": request["id"], "error": {"code": code, "message": message}},
    )


def client(url: str, retries: int = 5, **kwargs: Any) -> tuple[RpcClient, list[str], list[float]]:
    kinds: list[str] = []
    sleeps: list[float] = []
    rpc = RpcClient(url, timeout=0.1, retries=retries, on_error=kinds.append, sleep=sleeps.append, **kwargs)
    return rpc, kinds, sleeps


def test_default_behavior(server: tuple[str, Script]) -> None:
    url, script = server
    script.replies = [(429, {}), (503, {}), (502, "bad gateway"), ok("0x385")]
    rpc, kinds, sleeps = client(url)
    assert rpc.get_chain_id() == 901
    assert kinds == ["http_429", "http_503", "http_502"]
    assert len(sleeps) == 3 and all(s >= 0 for s in sleeps)


def test_timeouts_and_node_errors_are_retried(server: tuple[str, Script]) -> None:
    url, script = server
    script.replies = [(0, None), error(-32000, "header not found"), ok("0x10")]
    rpc, kinds, _ = client(url)
    assert rpc.request("eth_blockNumber", []) == "0x10"
    assert kinds == ["timeout", "node_busy"]


def test_gives_up_after_the_retries(server: tuple[str, Script]) -> None:
    url, script = server
    script.replies = [(500, {})]
    rpc, _, sleeps = client(url, retries=3)
    with pytest.raises(RpcUnavailableError, match=r"failed eth_chainId \(http_500"):
        rpc.get_chain_id()
    assert len(script.requests) == 4 and len(sleeps) == 3


def test_a_refused_range_raises_at_once(server: tuple[str, Script]) -> None:
    url, script = server
    script.replies = [error(-32005, "query returned more than 10000 results")]
    rpc, kinds, _ = client(url)
    with pytest.raises(RangeTooLargeError):
        rpc.get_logs(1, 100_000, ["0x" + "00" * 20])
    assert len(script.requests) == 1 and kinds == ["range_too_large"]
    assert script.requests[0]["params"] == [
        {"fromBlock": "0x1", "toBlock": "0x186a0", "address": ["0x" + "00" * 20]}
    ]


def test_other_node_errors_raise(server: tuple[str, Script]) -> None:
    url, script = server
    script.replies = [error(-32601, "the method eth_foo does not exist")]
    rpc, _, _ = client(url)
    with pytest.raises(RpcError, match="-32601"):
        rpc.request("eth_foo", [])


def header(number: int) -> dict[str, str]:
    return {
        "number": hex(number),
        "hash": f"0x{number:064x}",
        "parentHash": f"0x{number - 1:064x}",
        "timestamp": "0x10",
    }


def test_batches_come_back_in_request_order(server: tuple[str, Script]) -> None:
    url, script = server

    def reversed_batch(request: Any) -> Reply:
        replies = [
            {"jsonrpc": "2.0", "id": r["id"], "result": header(int(r["params"][0], 16))} for r in request
        ]
        return 200, replies[::-1]

    script.replies = [reversed_batch]
    rpc, _, _ = client(url)
    numbers = list(range(5, 260))
    assert [h.number for h in rpc.get_headers(numbers)] == numbers
    assert [len(batch) for batch in script.requests] == [100, 100, 55]


def test_a_block_the_node_does_not_have_yet_is_asked_again(server: tuple[str, Script]) -> None:
    url, script = server
    missing = lambda request: (200, [{"jsonrpc": "2.0", "id": r["id"], "result": None} for r in request])  # noqa: E731
    found = lambda request: (200, [{"jsonrpc": "2.0", "id": r["id"], "result": header(7)} for r in request])  # noqa: E731
    script.replies = [missing, missing, found]
    rpc, kinds, _ = client(url)
    assert [h.number for h in rpc.get_headers([7])] == [7]
    assert kinds == ["block_missing"]
    assert rpc.get_block_hashes([7]) == [f"0x{7:064x}"]


@pytest.mark.parametrize(
    ("code", "message", "kind"),
    [
        (-32005, "limit exceeded", "range"),
        (-32602, "eth_getLogs block range is too large, max is 10000", "range"),
        (-32000, "query timeout exceeded", "transient"),
        (-32000, "header not found", "transient"),
        (429, "Too Many Requests", "transient"),
        (-32005, "daily request rate limit exceeded", "transient"),
        (-32601, "method not found", "other"),
    ],
)
def test_classify_error(code: int, message: str, kind: str) -> None:
    assert classify_error(code, message) == kind


def test_backoff_is_jittered_and_capped() -> None:
    waits = [get_backoff(attempt, base=0.1, cap=2.0) for attempt in range(12) for _ in range(20)]
    assert all(0 <= w <= 2.0 for w in waits)
    assert len(set(waits)) > 100
