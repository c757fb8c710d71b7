"""Prometheus metrics of the API. Under several workers, `python -m api` points PROMETHEUS_MULTIPROC_DIR
(and API_METRICS_DIR) at a shared directory and `/metrics` aggregates every worker's values."""

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        r = self.registry = registry or CollectorRegistry()
        self.requests = Counter("api_requests", "HTTP requests", ["method", "route", "status"], registry=r)
        self.latency = Histogram(
            "api_request_seconds", "HTTP request time", ["route"], buckets=BUCKETS, registry=r
        )
        self.ws_clients = Gauge(
            "api_ws_clients",
            "Connected WebSocket clients",
            ["channel"],
            registry=r,
            multiprocess_mode="livesum",
        )
        self.ws_dropped = Counter(
            "api_ws_dropped", "Clients dropped for falling behind", ["channel"], registry=r
        )
        self.ws_messages = Counter("api_ws_messages", "Stream messages broadcast", ["channel"], registry=r)
        self.quotes_rejected = Counter(
            "api_quotes_rejected", "Published quotes not signed by a current pricer", registry=r
        )
        self.tail_errors = Counter(
            "api_tail_errors", "Failed tailer polls (database errors)", ["source"], registry=r
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)


def render(metrics: Metrics, multiprocess_dir: str | None) -> tuple[bytes, str]:
    """The exposition text: every worker's values in multiprocess mode, else this process's."""
    if multiprocess_dir:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(metrics.registry), CONTENT_TYPE_LATEST
