"""Prometheus metrics and the `/metrics` + `/healthz` HTTP endpoint of a running indexer.

`serve_http` is the generic part: a registry and health probes on one port, which the oracle
services serve too.
"""

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest

RATE_WINDOW = 10.0  # seconds of history behind `indexer_events_per_second`


@dataclass
class Health:
    """What /healthz reports: healthy while the last cycle succeeded and the cursor is near the head."""

    max_lag_blocks: int
    is_last_cycle_ok: bool = False
    cursor: int | None = None
    head: int | None = None
    error: str | None = None
    updated_at: float = field(default_factory=time.time)

    def is_healthy(self) -> bool:
        if not self.is_last_cycle_ok or self.cursor is None or self.head is None:
            return False
        return self.head - self.cursor <= self.max_lag_blocks

    def to_json(self) -> dict[str, Any]:
        lag = None if self.cursor is None or self.head is None else self.head - self.cursor
        return {
            "healthy": self.is_healthy(),
            "cursor": self.cursor,
            "head": self.head,
            "lag_blocks": lag,
            "last_cycle_ok": self.is_last_cycle_ok,
            "error": self.error,
            "updated_at": self.updated_at,
        }


class Metrics:
    """The indexer's metrics in their own registry (several indexers can live in one test process)."""

    def __init__(self, max_lag_blocks: int = 64, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        self.health = Health(max_lag_blocks)
        r = self.registry
        self.head_block = Gauge("indexer_head_block", "Latest block number the RPC reported", registry=r)
        self.cursor_block = Gauge("indexer_cursor_block", "Last block committed to the database", registry=r)
        self.lag_blocks = Gauge("indexer_head_lag_blocks", "Head minus cursor, in blocks", registry=r)
        self.lag_seconds = Gauge("indexer_head_lag_seconds", "Head time minus cursor block time", registry=r)
        self.events = Counter("indexer_events", "Events committed to the database", registry=r)
        self.events_rate = Gauge(
            "indexer_events_per_second", f"Events committed over {RATE_WINDOW:.0f} s", registry=r
        )
        self.range_size = Gauge(
            "indexer_range_size_blocks", "Blocks asked for in the next eth_getLogs", registry=r
        )
        self.reorgs = Counter("indexer_reorgs", "Reorgs rolled back", registry=r)
        self.rollback_depth = Gauge(
            "indexer_last_rollback_depth_blocks", "Blocks the last reorg undid", registry=r
        )
        self.rpc_errors = Counter("indexer_rpc_errors", "Failed RPC attempts by kind", ["kind"], registry=r)
        self.cycle_errors = Counter(
            "indexer_cycle_errors", "Run-cycles that failed, by error", ["kind"], registry=r
        )
        self._recent: deque[tuple[float, int]] = deque()

    def observe_commit(self, events: int, cursor: int, cursor_time: int, head: int, head_time: int) -> None:
        now = time.monotonic()
        self.events.inc(events)
        self._recent.append((now, events))
        while self._recent and self._recent[0][0] < now - RATE_WINDOW:
            self._recent.popleft()
        span = max(now - self._recent[0][0], 1.0)
        self.events_rate.set(sum(n for _, n in self._recent) / span)
        self.observe_position(cursor, cursor_time, head, head_time)

    def observe_position(self, cursor: int, cursor_time: int | None, head: int, head_time: int) -> None:
        self.cursor_block.set(cursor)
        self.head_block.set(head)
        self.lag_blocks.set(max(0, head - cursor))
        if cursor_time is not None:
            self.lag_seconds.set(max(0, head_time - cursor_time))
        self.health.cursor, self.health.head = cursor, head

    def observe_cycle(self, error: Exception | None) -> None:
        self.health.is_last_cycle_ok = error is None
        self.health.error = None if error is None else str(error)
        self.health.updated_at = time.time()
        if error is not None:
            self.cycle_errors.labels(type(error).__name__).inc()


# A probe answers one health path: (is it healthy, the JSON body to show).
Probe = Callable[[], tuple[bool, dict[str, Any]]]


def serve(metrics: Metrics, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """Serve /metrics and /healthz in a daemon thread; returns the server (`shutdown()` stops it)."""
    health = metrics.health
    return serve_http(
        metrics.registry, {"/healthz": lambda: (health.is_healthy(), health.to_json())}, port, host, "indexer"
    )


def serve_http(
    registry: CollectorRegistry,
    probes: dict[str, Probe],
    port: int,
    host: str = "0.0.0.0",
    name: str = "service",
) -> ThreadingHTTPServer:
    """Serve Prometheus `/metrics` and each probe's path (200 when healthy, else 503) in a daemon thread."""
    paths = ", ".join(["/metrics", *probes])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(registry))
            elif path in probes:
                is_healthy, body = probes[path]()
                self._send(200 if is_healthy else 503, "application/json", json.dumps(body).encode())
            else:
                self._send(404, "text/plain", f"not found: try {paths}\n".encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # scrapes every few seconds would drown the structured log

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name=f"{name}-metrics", daemon=True).start()
    return server
