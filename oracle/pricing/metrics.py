"""The pricer's Prometheus metrics (served on `/metrics` with `/healthz` and `/readyz`)."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass
class PricerMetrics:
    quotes: Counter
    pruned: Counter
    suspensions: Counter
    event_latency: Histogram
    refresh_seconds: Histogram

    @classmethod
    def build(cls, registry: CollectorRegistry) -> "PricerMetrics":
        return cls(
            quotes=Counter("pricer_quotes", "Quotes signed and published", registry=registry),
            pruned=Counter(
                "pricer_quotes_pruned",
                "published_quotes rows deleted because the API can never serve them again",
                registry=registry,
            ),
            suspensions=Counter(
                "pricer_suspensions", "Book.suspend calls, by cause", ["cause"], registry=registry
            ),
            event_latency=Histogram(
                "pricer_event_to_quotes_seconds",
                "From seeing a feed event to the game's new quotes committed",
                buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
                registry=registry,
            ),
            refresh_seconds=Histogram("pricer_refresh_seconds", "One refresh job", registry=registry),
        )
