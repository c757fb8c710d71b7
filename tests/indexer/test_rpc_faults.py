"""RPC faults (F8): behind a fault-injecting proxy the indexer backs off, shrinks ranges, skips nothing.

`FaultProxy` is a threaded `http.server` in front of the shared anvil that forwards JSON-RPC and,
at random (seeded), answers with a timeout (it holds the request past the client's timeout),
HTTP 429 or HTTP 503; it refuses every `eth_getLogs` wider than a few blocks with a "more than
10000 results" or "block range too large" JSON-RPC error. The indexer must end with the digest
of a clean run, and the `eth_getLogs` ranges the proxy answered must cover every block.
"""

import json
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from indexer import db
from indexer.config import Settings
from indexer.exceptions import TransientError
from indexer.follower import Follower, load_target
from indexer.metrics import Metrics
from indexer.rpc import RpcClient
from tests.indexer.conftest import Chain
from tests.indexer.test_follow import CONFIRMATIONS
from tests.indexer.test_reorg import fresh_digest

pytestmark = pytest.mark.integration

CLIENT_TIMEOUT = 0.3  # seconds; the proxy's "timeouts" hold a request longer than this
MAX_LOG_SPAN = 6  # blocks: wider eth_getLogs ranges are refused
RANGE_ERRORS = [
    {"code": -32005, "message": "query returned more than 10000 results"},
    {"code": -32600, "message": "block range too large"},
]


class FaultProxy:
    """A JSON-RPC proxy to `upstream` that injects faults with the given probabilities."""

    def __init__(self, upstream: str, seed: int, timeout: float, http_429: float, http_503: float):
        self.upstream = upstream
        self.rates = {"timeout": timeout, "http_429": http_429, "http_503": http_503}
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.injected: Counter[str] = Counter()
        self.served_logs: list[tuple[int, int]] = []  # eth_getLogs ranges answered with logs
        self.session = requests.Session()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                proxy.handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pick_fault(self) -> str | None:
        with self.lock:
            draw = self.random.random()
        for kind, rate in self.rates.items():
            if draw < rate:
                return kind
            draw -= rate
        return None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length", 0)))
        payload = json.loads(body)
        fault = self.pick_fault()
        if fault is not None:
            self.injected[fault] += 1
        if fault == "timeout":
            time.sleep(CLIENT_TIMEOUT * 2)  # the client gave up; it never gets an answer
            request.close_connection = True
            return
        if fault in ("http_429", "http_503"):
            self.reply(request, int(fault[-3:]), b"slow down", {"Retry-After": "0"})
            return
        calls = payload if isinstance(payload, list) else [payload]
        refusals = {}
        for call in calls:
            if call.get("method") == "eth_getLogs":
                low, high = (int(call["params"][0][k], 16) for k in ("fromBlock", "toBlock"))
                if high - low + 1 > MAX_LOG_SPAN:
                    self.injected["range"] += 1
                    refusals[call["id"]] = RANGE_ERRORS[self.injected["range"] % 2]
        if refusals and not isinstance(payload, list):
            error = {"jsonrpc": "2.0", "id": payload["id"], "error": refusals[payload["id"]]}
            self.reply(request, 200, json.dumps(error).encode())
            return
        assert not refusals, "the indexer does not batch eth_getLogs"
        upstream = self.session.post(self.upstream, data=body, headers={"Content-Type": "application/json"})
        for call in calls:
            if call.get("method") == "eth_getLogs":
                low, high = (int(call["params"][0][k], 16) for k in ("fromBlock", "toBlock"))
                with self.lock:
                    self.served_logs.append((low, high))
        self.reply(request, upstream.status_code, upstream.content)

    @staticmethod
    def reply(
        request: BaseHTTPRequestHandler, status: int, content: bytes, headers: dict[str, str] | None = None
    ) -> None:
        try:
            request.send_response(status)
            for name, value in (headers or {}).items():
                request.send_header(name, value)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(content)))
            request.end_headers()
            request.wfile.write(content)
        except OSError:
            pass  # the client went away


@pytest.fixture
def proxy(chain: Chain) -> Iterator[FaultProxy]:
    with FaultProxy(chain.anvil.url, seed=11, timeout=0.05, http_429=0.1, http_503=0.1) as p:
        yield p


def test_the_indexer_rides_out_rpc_faults(chain: Chain, engine: Engine, proxy: FaultProxy) -> None:
    settings = Settings(
        rpc_url=proxy.url,
        database_url=engine.url.render_as_string(hide_password=False),
        deployment_file=chain.deployment_file,
        confirmations=CONFIRMATIONS,
        batch_size=64,
        poll_interval=0.01,
        metrics_port=0,
    )
    metrics = Metrics()
    rpc = RpcClient(
        proxy.url, timeout=CLIENT_TIMEOUT, retries=4, on_error=lambda k: metrics.rpc_errors.labels(k).inc()
    )
    follower = Follower(settings, load_target(settings), rpc, engine, metrics)
    for _ in range(20):
        try:
            follower.prepare()
            break
        except TransientError:
            continue
    head = chain.anvil.web3.eth.block_number
    stop = threading.Event()
    thread = threading.Thread(target=follower.run, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 90
        while follower.cursor.number < head and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
        follower.close()
    assert follower.cursor.number == head, "the indexer did not reach the head behind the proxy"

    # every kind of fault happened, and the client saw it
    assert {"timeout", "http_429", "http_503", "range"} <= set(proxy.injected), proxy.injected
    for kind in ("timeout", "http_429", "http_503", "range_too_large"):
        assert (metrics.registry.get_sample_value("indexer_rpc_errors_total", {"kind": kind}) or 0) > 0, kind
    # no block skipped: the answered eth_getLogs ranges cover the deployment's blocks to the head
    covered: set[int] = set()
    for low, high in proxy.served_logs:
        assert high - low + 1 <= MAX_LOG_SPAN
        covered.update(range(low, high + 1))
    assert set(range(chain.deployment.start_block, head + 1)) <= covered
    assert db.build_digest(engine) == fresh_digest(chain, engine.dialect.name)
