"""The shared health/metrics server, settings loading and the run loop's error policy."""

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from oracle.config import ChainSettings, OracleSettings, ServiceSettings, load_settings
from oracle.exceptions import ConfigError, FatalError, TransientError
from oracle.service import LoopMetrics, ServiceHealth, run_loop, serve
from scripts.localchain import get_free_port

pytestmark = pytest.mark.unit


class Settings(OracleSettings):
    chain: ChainSettings = ChainSettings()
    service: ServiceSettings = ServiceSettings()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_default_behavior() -> None:
    """Alive once a cycle ran; ready once prepared and the last cycle succeeded."""
    registry = CollectorRegistry()
    health = ServiceHealth(stale_after=60)
    port = get_free_port()
    server = serve(registry, health, ServiceSettings(metrics_port=port), "test")
    assert server is not None
    try:
        base = f"http://127.0.0.1:{port}"
        assert get(f"{base}/healthz")[0] == 503 and get(f"{base}/readyz")[0] == 503
        health.observe_cycle(None)
        assert get(f"{base}/healthz")[0] == 200 and get(f"{base}/readyz")[0] == 503
        health.is_prepared = True
        code, body = get(f"{base}/readyz")
        assert code == 200 and json.loads(body)["ready"] is True
        health.observe_cycle(TransientError("rpc down"))
        code, body = get(f"{base}/readyz")
        assert code == 503 and json.loads(body)["error"] == "rpc down"
        LoopMetrics.build(registry, "test")
        assert "test_cycles_total" in get(f"{base}/metrics")[1]
        assert get(f"{base}/nothing")[0] == 404
    finally:
        server.shutdown()
    assert serve(registry, health, ServiceSettings(metrics_port=0), "test") is None


def test_loop_retries_transient_and_stops_on_fatal() -> None:
    calls: list[int] = []

    def cycle() -> None:
        calls.append(1)
        if len(calls) < 3:
            raise TransientError("flaky")
        raise FatalError("wrong chain")

    health = ServiceHealth()
    metrics = LoopMetrics.build(CollectorRegistry(), "t")
    with pytest.raises(FatalError, match="wrong chain"):
        run_loop(cycle, threading.Event(), 0.001, health, metrics)
    assert len(calls) == 3 and health.error == "flaky"
    assert metrics.cycle_errors.labels("TransientError")._value.get() == 2


def test_settings_from_toml_with_env_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "node.toml"
    path.write_text('[chain]\nrpc_url = "http://a:1"\nkeystore = "k.json"\npassword_file = "p"\n')
    monkeypatch.setenv("ORACLE_CHAIN__RPC_URL", "http://b:2")
    monkeypatch.setenv("ORACLE_SERVICE__METRICS_PORT", "9301")
    settings = load_settings(Settings, path)
    assert settings.chain.rpc_url == "http://b:2" and settings.service.metrics_port == 9301
    assert settings.chain.keystore == tmp_path / "k.json"  # relative to the file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[chain\n", "not valid TOML"),
        ('[chain]\nkeystore = "k.json"\n', "go together"),
        ("[chain]\nfee_bump_percent = 5\n", "chain.fee_bump_percent"),
        ("[nonsense]\nx = 1\n", "nonsense"),
    ],
)
def test_settings_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "node.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(Settings, path)
    with pytest.raises(ConfigError, match="no config file"):
        load_settings(Settings, tmp_path / "none.toml")
