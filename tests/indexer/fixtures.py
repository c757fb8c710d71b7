"""The recorded raw logs of the scripted history (`fixtures/history_logs.json`), loaded once."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from indexer.decode import Header, SpecTable, build_event_specs, decode_header

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "history_logs.json"


@cache
def load_fixture() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text())


def get_specs() -> SpecTable:
    contracts = load_fixture()["contracts"]
    return build_event_specs({key: (c["address"], c["abi"]) for key, c in contracts.items()})


def get_logs() -> list[dict[str, Any]]:
    """A fresh copy, so a test may change its logs."""
    return json.loads(json.dumps(load_fixture()["logs"]))


def get_headers() -> dict[str, Header]:
    return {h.hash: h for h in map(decode_header, load_fixture()["headers"])}
