"""The node's settings: the shipped examples load; bad configs fail with the field named."""

from pathlib import Path

import pytest

from oracle.config import load_settings
from oracle.exceptions import ConfigError
from oracle.reporter.config import HttpSourceSettings, Settings
from oracle.reporter.localnet import write_node_config
from oracle.reporter.sources import build_sources, get_games

pytestmark = pytest.mark.unit

EXAMPLES = Path(__file__).resolve().parents[3] / "oracle" / "reporter" / "examples"


@pytest.mark.parametrize("name", ["node-0", "node-1", "node-2", "provider"])
def test_examples_load(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORACLE_REPLAY__START", "1700000000")
    settings = load_settings(Settings, EXAMPLES / f"{name}.toml")
    sources = build_sources(settings)
    assert [s.name for s in sources] == [s.name for s in settings.sources]
    assert get_games(sources, settings.node.games)[0] == 1001
    for spec in settings.sources:
        if isinstance(spec, HttpSourceSettings):
            assert spec.build_mapping().statuses["FT"] == "finished"


@pytest.mark.parametrize(
    ("sections", "sources", "message"),
    [
        ({"chain": {"keystore": "k", "password_file": "p"}}, [], "at least one"),
        ({}, [{"kind": "replay", "name": "r", "start": 1.0}], "name the signing key"),
        (
            {"chain": {"keystore": "k", "password_file": "p"}},
            [{"kind": "replay", "name": "r"}],
            "needs a start",
        ),
        (
            {"chain": {"keystore": "k", "password_file": "p"}},
            [{"kind": "replay", "name": "r", "start": 1.0}, {"kind": "replay", "name": "r", "start": 1.0}],
            "distinct",
        ),
        (
            {"chain": {"keystore": "k", "password_file": "p"}},
            [{"kind": "carrier pigeon", "name": "r"}],
            "sources",
        ),
        ({"node": {"grace_seconds": -1}}, [], "node.grace_seconds"),
    ],
)
def test_rejects(tmp_path: Path, sections: dict, sources: list, message: str) -> None:
    path = write_node_config(tmp_path / "node.toml", sections, sources)
    with pytest.raises(ConfigError, match=message):
        load_settings(Settings, path)
