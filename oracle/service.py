"""What every oracle service process shares: JSON logs, health and metrics endpoints, the run loop.

- `/healthz` (liveness): the run loop finished a cycle, successful or not, within `stale_after`
  seconds;
- `/readyz` (readiness): the service passed its start-up checks and its last cycle succeeded;
- `/metrics`: the service's Prometheus registry.

`run_loop` holds the one error policy: a `TransientError` is logged with its kind and the next
cycle retries; a `FatalError` (and any bug) ends the loop and the process stops with the message.
`run_scheduled` applies the same policy to jobs on an APScheduler schedule, and `main_scheduled`
is the whole life of such a service: settings, start-up checks, endpoints, jobs, shutdown.
"""

import argparse
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from prometheus_client import CollectorRegistry, Counter, Gauge

from indexer.logs import configure_logging
from indexer.metrics import Probe, serve_http
from oracle.config import OracleSettings, ServiceSettings, load_settings
from oracle.exceptions import ConfigError, FatalError, TransientError

__all__ = [
    "ScheduledService",
    "ServiceHealth",
    "configure_logging",
    "install_stop_signals",
    "main_scheduled",
    "run_loop",
    "run_scheduled",
    "serve",
]

log = logging.getLogger("oracle.service")
Jobs = Sequence[tuple[Callable[[], None], float]]
S = TypeVar("S", bound=OracleSettings)


@dataclass
class ServiceHealth:
    stale_after: float = 60.0
    is_prepared: bool = False
    is_last_cycle_ok: bool = False
    last_cycle_at: float | None = None
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def observe_cycle(self, error: Exception | None) -> None:
        self.is_last_cycle_ok = error is None
        self.error = None if error is None else str(error)
        self.last_cycle_at = time.time()

    def is_alive(self) -> bool:
        return self.last_cycle_at is not None and time.time() - self.last_cycle_at <= self.stale_after

    def is_ready(self) -> bool:
        return self.is_prepared and self.is_last_cycle_ok and self.is_alive()

    def to_json(self) -> dict[str, Any]:
        return {
            "alive": self.is_alive(),
            "ready": self.is_ready(),
            "prepared": self.is_prepared,
            "last_cycle_ok": self.is_last_cycle_ok,
            "last_cycle_at": self.last_cycle_at,
            "error": self.error,
            **self.details,
        }


@dataclass
class LoopMetrics:
    cycles: Counter
    cycle_errors: Counter
    last_cycle: Gauge

    @classmethod
    def build(cls, registry: CollectorRegistry, prefix: str) -> "LoopMetrics":
        return cls(
            cycles=Counter(f"{prefix}_cycles", "Run-cycles completed", registry=registry),
            cycle_errors=Counter(
                f"{prefix}_cycle_errors", "Run-cycles that failed, by error", ["kind"], registry=registry
            ),
            last_cycle=Gauge(
                f"{prefix}_last_cycle_timestamp_seconds", "Unix time of the last run-cycle", registry=registry
            ),
        )


def serve(
    registry: CollectorRegistry,
    health: ServiceHealth,
    settings: ServiceSettings,
    name: str,
    routes: dict[str, Probe] | None = None,
) -> ThreadingHTTPServer | None:
    """Start /healthz, /readyz, /metrics and the service's own JSON `routes` on `settings.metrics_port`
    (None when the port is 0)."""
    if not settings.metrics_port:
        return None
    probes: dict[str, Probe] = {
        "/healthz": lambda: (health.is_alive(), health.to_json()),
        "/readyz": lambda: (health.is_ready(), health.to_json()),
        **(routes or {}),
    }
    return serve_http(registry, probes, settings.metrics_port, settings.metrics_host, name)


def install_stop_signals(stop: threading.Event) -> None:
    """SIGTERM and SIGINT set `stop`; the loop ends after its current cycle."""

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("stopping", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)


def run_loop(
    cycle: Callable[[], None],
    stop: threading.Event,
    interval: float,
    health: ServiceHealth,
    metrics: LoopMetrics | None = None,
    max_backoff: float = 30.0,
) -> None:
    """Run `cycle` every `interval` seconds until `stop`; transient errors back off, others propagate."""
    failures = 0
    while not stop.is_set():
        try:
            cycle()
        except TransientError as error:
            failures += 1
            health.observe_cycle(error)
            if metrics is not None:
                metrics.cycle_errors.labels(type(error).__name__).inc()
            log.warning(
                "cycle failed; retrying: %s",
                error,
                extra={"kind": type(error).__name__, "failures": failures},
            )
        else:
            failures = 0
            health.observe_cycle(None)
        if metrics is not None:
            metrics.cycles.inc()
            metrics.last_cycle.set(time.time())
        stop.wait(min(max_backoff, interval * 2 ** min(failures, 8)) if failures else interval)


def run_scheduled(jobs: Jobs, health: ServiceHealth) -> int:
    """Run each `(job, interval)` every `interval` seconds on one APScheduler thread; the exit code.

    The jobs never overlap (one worker), a job still running when its next turn comes skips that
    turn, and the first runs start at once. The error policy is `run_loop`'s: a `TransientError`
    is logged and the job runs again on schedule; a `FatalError` stops with exit code 2, a bug
    with 1. SIGTERM and SIGINT stop after the running job (exit code 0).
    """
    scheduler = BlockingScheduler(executors={"default": ThreadPoolExecutor(max_workers=1)})
    exit_codes: list[int] = []

    def stop(code: int) -> None:
        exit_codes.append(code)
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except TransientError as error:
            health.observe_cycle(error)
            log.warning("%s failed; retrying: %s", job.__name__, error, extra={"kind": type(error).__name__})
        except FatalError as error:
            log.error("stopped: %s", error, extra={"kind": type(error).__name__})
            stop(2)
        except Exception:
            log.exception("%s crashed", job.__name__)
            stop(1)
        else:
            health.observe_cycle(None)

    now = datetime.now(UTC)
    for job, interval in jobs:
        scheduler.add_job(
            run, "interval", args=[job], seconds=interval, name=job.__name__, coalesce=True, next_run_time=now
        )
    stopping = threading.Event()

    def stop_on_signal() -> None:
        stopping.wait()
        stop(0)

    install_stop_signals(stopping)
    threading.Thread(target=stop_on_signal, daemon=True).start()
    # a job skipping a turn while another runs is the design, not worth a warning a second
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    scheduler.start()
    return exit_codes[0] if exit_codes else 0


@dataclass
class ScheduledService:
    """A started service, as `main_scheduled` runs it."""

    jobs: Jobs  # (job, interval in seconds)
    stale_after: float  # /healthz fails when no job finished for this long
    message: str  # the log line once it runs ("keeping", "pricing")
    details: dict[str, Any]  # that line's fields
    close: Callable[[], None] = lambda: None  # releases what it holds, after the jobs stop


def main_scheduled(
    name: str,
    argv: list[str],
    description: str | None,
    settings_type: type[S],
    start: Callable[[S, CollectorRegistry], ScheduledService],
) -> int:
    """`python -m oracle <name> [--config file.toml]`: the exit code (0 stopped, 2 fatal, 1 a bug).

    `start` builds the service from its settings and checks it (chain, role, keys, database),
    raising `FatalError` with what to fix, or `TransientError` when a dependency does not answer.
    """
    parser = argparse.ArgumentParser(prog=f"python -m oracle {name}", description=description)
    parser.add_argument("--config", type=Path, help="TOML settings (ORACLE_* variables override them)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(settings_type, args.config)
    except ConfigError as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.service.log_level)
    registry = CollectorRegistry()
    try:
        service = start(settings, registry)
    except (FatalError, TransientError) as error:
        log.error("cannot start: %s", error, extra={"kind": type(error).__name__})
        return 2
    health = ServiceHealth(stale_after=service.stale_after, is_prepared=True)
    server = serve(registry, health, settings.service, name)
    log.info(service.message, extra=service.details)
    try:
        return run_scheduled(service.jobs, health)
    finally:
        if server is not None:
            server.shutdown()
        service.close()
