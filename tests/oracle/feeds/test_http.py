"""The HTTP JSON adapter against a real local HTTP server playing a provider."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from oracle.exceptions import FeedError
from oracle.feeds.http import FieldMapping, HttpJsonSource, build_state, get_path
from oracle.feeds.model import MatchStatus

pytestmark = pytest.mark.integration

# a provider with its own shape and status codes
MAPPING = FieldMapping(
    status="fixture.status.short",
    home="goals.home",
    away="goals.away",
    home_team="teams.home.name",
    away_team="teams.away.name",
    minute="fixture.status.elapsed",
    red_home="cards.0",
    red_away="cards.1",
    ended_at="fixture.ended",
    statuses={
        "NS": MatchStatus.SCHEDULED,
        "1H": MatchStatus.LIVE,
        "2H": MatchStatus.LIVE,
        "FT": MatchStatus.FINISHED,
        "FTP": MatchStatus.FINISHED,
        "ABD": MatchStatus.ABANDONED,
        "PST": MatchStatus.POSTPONED,
    },
    provisional_statuses=("FTP",),
)


def document(status: str = "FT", home: Any = 2, away: Any = 1, ended: Any = "2025-03-01T16:52:00Z") -> dict:
    return {
        "fixture": {"status": {"short": status, "elapsed": 90}, "ended": ended},
        "teams": {"home": {"name": "Kingsbridge Rovers"}, "away": {"name": "Ashford Town"}},
        "goals": {"home": home, "away": away},
        "cards": [0, 1],
    }


class Provider:
    """Serves `documents[game]` at /fixtures/<game>; `status` overrides the HTTP status."""

    def __init__(self) -> None:
        self.documents: dict[int, Any] = {}
        self.status = 200
        self.raw: bytes | None = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                game = int(self.path.rsplit("/", 1)[1])
                body = provider.raw or json.dumps(provider.documents.get(game, {})).encode()
                self.send_response(provider.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/fixtures/{{game}}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()


@pytest.fixture
def provider() -> Iterator[Provider]:
    provider = Provider()
    yield provider
    provider.server.shutdown()


@pytest.fixture
def source(provider: Provider) -> Iterator[HttpJsonSource]:
    source = HttpJsonSource("provider-a", provider.url, [1001, 1002], MAPPING, timeout=2)
    yield source
    source.close()


def test_default_behavior(provider: Provider, source: HttpJsonSource) -> None:
    provider.documents[1001] = document()
    state = source.fetch_state(1001)
    assert (state.game, state.source, state.status, state.score) == (
        1001,
        "provider-a",
        MatchStatus.FINISHED,
        (2, 1),
    )
    assert (state.home_team, state.away_team, state.minute, state.red_away) == (
        "Kingsbridge Rovers",
        "Ashford Town",
        90,
        1,
    )
    assert state.ended_at == 1_740_847_920.0 and not state.is_provisional
    assert source.get_games() == [1001, 1002]


def test_provisional_status(provider: Provider, source: HttpJsonSource) -> None:
    provider.documents[1001] = document(status="FTP")
    state = source.fetch_state(1001)
    assert state.status is MatchStatus.FINISHED and state.is_provisional


def test_unix_end_time_and_null_scores(provider: Provider, source: HttpJsonSource) -> None:
    provider.documents[1002] = document(status="NS", home=None, away=None, ended=None)
    state = source.fetch_state(1002)
    assert state.status is MatchStatus.SCHEDULED and state.score == (0, 0) and state.ended_at is None
    provider.documents[1002] = document(ended=1_740_847_920)
    assert source.fetch_state(1002).ended_at == 1_740_847_920.0


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (document(status="XX"), "unknown status code"),
        (document(home=-1), "outside 0..1000"),
        (document(home=1001), "outside 0..1000"),
        (document(home="2"), "wrong type"),
        (document(home=True), "wrong type"),
        (document(ended="yesterday"), "not a time"),
        ({"goals": {}}, "is missing"),
        ([1, 2, 3], "is missing"),
    ],
)
def test_rejects_what_it_does_not_understand(
    provider: Provider, source: HttpJsonSource, doc: Any, message: str
) -> None:
    provider.documents[1001] = doc
    with pytest.raises(FeedError, match=message):
        source.fetch_state(1001)


def test_http_failures_are_feed_errors(provider: Provider, source: HttpJsonSource) -> None:
    provider.status = 503
    with pytest.raises(FeedError, match="HTTP 503"):
        source.fetch_state(1001)
    provider.status, provider.raw = 200, b"<html>"
    with pytest.raises(FeedError, match="not JSON"):
        source.fetch_state(1001)
    provider.server.shutdown()
    provider.server.server_close()
    with pytest.raises(FeedError, match="failed"):
        source.fetch_state(1001)


def test_url_needs_a_game_placeholder() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        HttpJsonSource("p", "http://127.0.0.1/fixtures", [1])


@pytest.mark.unit
def test_paths() -> None:
    doc = {"a": {"b": [10, {"c": 3}]}}
    assert get_path(doc, "a.b.0") == 10 and get_path(doc, "a.b.1.c") == 3
    for missing in ("a.x", "a.b.2", "a.b.-1", "a.b.0.c"):
        with pytest.raises(KeyError):
            get_path(doc, missing)


@pytest.mark.unit
def test_default_mapping_reads_our_own_field_names() -> None:
    doc = {
        "status": "live",
        "home_score": 1,
        "away_score": 0,
        "home_team": "A",
        "away_team": "B",
        "minute": 12,
    }
    state = build_state(doc, 5, "s", FieldMapping())
    assert (state.status, state.score, state.minute) == (MatchStatus.LIVE, (1, 0), 12)
