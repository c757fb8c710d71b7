"""Limits that must hold in production shape: rate limits across worker processes, body and page caps,
readiness that fails while the database is gone and recovers by itself."""

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from scripts.localchain import REPO, get_free_port
from tests.api.conftest import Seeded, start_client

pytestmark = pytest.mark.integration
LIMIT = 40


@pytest.fixture
def served(seeded: Seeded, tmp_path: Path) -> str:
    """`python -m api` with two workers over a copy of the seeded database; its base URL."""
    url = seeded.copy(tmp_path / "limits.db")
    port = get_free_port()
    env = os.environ | {
        "API_DATABASE_URL": url, "API_PORT": str(port), "API_WORKERS": "2", "API_RATE_LIMIT": str(LIMIT),
        "API_RATE_WINDOW": "3600", "API_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "api"], cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # two workers importing on a loaded machine
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "python -m api did not start"
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(15)


def test_default_behavior(served: str) -> None:
    """One client gets exactly LIMIT answers in a window, whichever worker serves each connection."""
    statuses: Counter[int] = Counter()
    for _ in range(3 * LIMIT):
        with httpx.Client() as fresh:  # a new connection each time: the kernel spreads them over workers
            response = fresh.get(f"{served}/vault")
        statuses[response.status_code] += 1
        if response.status_code == 429:
            assert (
                response.json()["detail"].startswith("rate limit exceeded")
                and response.headers["retry-after"]
            )
    assert statuses == Counter({200: LIMIT, 429: 2 * LIMIT})
    assert httpx.get(f"{served}/health").status_code == 200  # never limited
    metrics = httpx.get(f"{served}/metrics").text
    assert 'api_requests_total{method="GET",route="/vault",status="200"}' in metrics


def test_request_and_page_caps(seeded: Seeded, tmp_path: Path) -> None:
    client = start_client(seeded.copy(tmp_path / "caps.db"), max_body_bytes=1_024)
    try:
        big = client.post(
            "/auth/nonce", content=b"{" + b" " * 4_000 + b"}", headers={"content-type": "application/json"}
        )
        assert (big.status_code, big.json()) == (413, {"detail": "request body too large"})
        assert client.get("/games", params={"limit": 201}).status_code == 422
    finally:
        client.__exit__(None, None, None)


def test_health_fails_while_the_database_is_gone_and_recovers(seeded_sqlite: Seeded, tmp_path: Path) -> None:
    """SQLite only: the database goes away by moving its file."""
    url = seeded_sqlite.copy(tmp_path / "health.db")
    path, hidden = Path(url.removeprefix("sqlite:///")), tmp_path / "elsewhere.db"
    client = start_client(url)
    try:
        assert client.get("/health").status_code == 200
        client.app.state.api.engine.dispose()
        path.rename(hidden)
        down = client.get("/health")
        assert (down.status_code, down.json()["detail"]) == (503, "database unavailable: retry shortly")
        assert client.get("/games/101").status_code == 503
        hidden.rename(path)
        client.app.state.api.engine.dispose()
        assert client.get("/health").status_code == 200
        assert client.get("/games/101").status_code == 200
    finally:
        client.__exit__(None, None, None)
