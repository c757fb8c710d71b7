"""`oracle.service.run_scheduled` (the keeper's and the pricer's jobs): the run-loop's error policy."""

import signal
from collections.abc import Iterator

import pytest

from oracle.exceptions import FatalError, TransientError
from oracle.service import ServiceHealth, run_scheduled

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def keep_signal_handlers() -> Iterator[None]:
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)


def test_default_behavior():
    """Transient errors are retried on schedule; a fatal error stops with exit code 2."""
    calls: list[str] = []
    health = ServiceHealth()

    def job() -> None:
        calls.append("run")
        if len(calls) < 3:
            raise TransientError("the node is down")
        if len(calls) == 3:
            return
        raise FatalError("the key is no operator")

    assert run_scheduled([(job, 0.01)], health) == 2
    assert len(calls) == 4
    assert health.is_last_cycle_ok  # the fatal error stopped the loop before another cycle was observed


def test_a_bug_stops_with_exit_code_1():
    def job() -> None:
        raise KeyError("a bug")

    assert run_scheduled([(job, 0.01)], ServiceHealth()) == 1


def test_jobs_never_overlap():
    running: list[bool] = []
    overlaps: list[bool] = []

    def job() -> None:
        overlaps.append(bool(running))
        running.append(True)
        try:
            if len(overlaps) > 20:
                raise FatalError("enough")
        finally:
            running.pop()

    assert run_scheduled([(job, 0.005), (lambda: job(), 0.005)], ServiceHealth()) == 2
    assert not any(overlaps)
