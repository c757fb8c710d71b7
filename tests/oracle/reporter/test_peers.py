"""Reading peers, offline against a local HTTP server that misbehaves in every way it can."""

import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import orjson
import pytest

from oracle.reporter.bundle import ReporterSet, build_served
from oracle.reporter.exceptions import PeerError
from oracle.reporter.exchange import Exchange
from oracle.reporter.metrics import ReporterMetrics
from oracle.reporter.peers import MAX_RESPONSE_BYTES, PeerClient
from scripts.localchain import get_free_port
from tests.oracle.reporter.test_bundle import CHAIN, KEYS, ORACLE, RESULT, SET_3, digest, signed_by

pytestmark = pytest.mark.unit

TIMEOUT = 0.5
# how long a misbehaving peer keeps a request going: far beyond what the bounds below allow, so
# meeting them shows the client never waited for it, with seconds of slack for a loaded machine
STUCK = 10.0
GOOD = orjson.dumps(build_served(CHAIN, ORACLE, KEYS[1].address, [signed_by(1)]))


class Hostile(BaseHTTPRequestHandler):
    """`/<mode>/signatures` answers as `mode` says."""

    bodies: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        mode = self.path.strip("/").split("/")[0]
        if mode == "hang":
            time.sleep(STUCK)
            return
        if mode == "drip":
            self.send_response(200)
            self.end_headers()
            for _ in range(int(STUCK / (TIMEOUT / 4))):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(TIMEOUT / 4)
            return
        if mode == "headers":  # each byte within the read timeout, the whole never
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            for _ in range(int(STUCK / (TIMEOUT / 3))):
                self.wfile.write(b"a")
                self.wfile.flush()
                time.sleep(TIMEOUT / 3)
            return
        if mode == "stream":  # no length, more than the cap
            self.send_response(200)
            self.end_headers()
            for _ in range(MAX_RESPONSE_BYTES // 8192 + 2):
                self.wfile.write(b"[" * 8192)
            return
        status, headers, body = self.answer(mode)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", headers.get("Content-Length", str(len(body))))
        self.end_headers()
        self.wfile.write(body)

    def answer(self, mode: str) -> tuple[int, dict[str, str], bytes]:
        if mode == "error":
            return 500, {}, b"oops"
        if mode == "redirect":
            return 302, {"Location": "http://169.254.169.254/"}, b""
        if mode == "gzip":
            return 200, {"Content-Encoding": "gzip"}, gzip.compress(b" " * 10**6)
        if mode == "declared":
            return 200, {"Content-Length": str(10**9)}, b"{}"
        return 200, {}, self.bodies.get(mode, GOOD)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_default_behavior(server: str) -> None:
    client = PeerClient([f"{server}/good"], TIMEOUT)
    assert client.fetch_all() == {f"{server}/good": GOOD}
    client.close()


def test_misbehaving_peers_fail_alone_and_fast(server: str) -> None:
    modes = ["hang", "drip", "stream", "error", "redirect", "gzip", "declared"]
    dead = f"http://127.0.0.1:{get_free_port()}"
    urls = [f"{server}/{mode}" for mode in modes] + [dead, f"{server}/good"]
    client = PeerClient(urls, TIMEOUT)
    began = time.monotonic()
    answers = client.fetch_all()
    assert time.monotonic() - began < 3 * TIMEOUT + 3 < STUCK
    assert answers.pop(f"{server}/good") == GOOD
    reasons = {url.rsplit("/", 1)[-1]: str(answer) for url, answer in answers.items()}
    assert all(isinstance(answer, PeerError) for answer in answers.values()), reasons
    assert "Timeout" in reasons["hang"]
    assert "slower than" in reasons["drip"]
    assert "larger than" in reasons["stream"]
    assert "HTTP 500" in reasons["error"] and "HTTP 302" in reasons["redirect"]
    assert "compressed" in reasons["gzip"] and "declares" in reasons["declared"]
    assert "ConnectError" in str(answers[dead])
    client.close()


def test_a_peer_stuck_in_its_headers_holds_one_worker_only(server: str) -> None:
    urls = [f"{server}/headers", f"{server}/good"]
    client = PeerClient(urls, TIMEOUT)
    first = client.fetch_all()
    assert "no answer within" in str(first[urls[0]]) and first[urls[1]] == GOOD
    began = time.monotonic()
    second = client.fetch_all()
    assert "still running" in str(second[urls[0]]) and second[urls[1]] == GOOD
    assert time.monotonic() - began < 4 < STUCK - 3  # the stuck request has ~9 s left    client.close()


def test_exchange_keeps_only_signatures_that_check_out(server: str) -> None:
    """Peers serving garbage, another result, a doctored score, a second signature for a game: only the
    honest one counts; the reporter that signed another result is named in an alert."""
    other = signed_by(2, type(RESULT)(11, 1, 0, 0))
    tampered = build_served(CHAIN, ORACLE, KEYS[1].address, [signed_by(1)])
    tampered["signatures"][0]["home"] = 9  # reporter 1's signature under a doctored score
    Hostile.bodies = {
        "garbage": b"\x00not json",
        "liar": orjson.dumps(build_served(CHAIN, ORACLE, KEYS[2].address, [other])),
        "tampered": orjson.dumps(tampered),
        "twice": orjson.dumps(build_served(CHAIN, ORACLE, KEYS[2].address, [other, signed_by(2)])),
    }
    urls = [f"{server}/{mode}" for mode in ("garbage", "liar", "tampered", "twice", "good")]
    alerts: list[tuple[int, str, str]] = []
    metrics = ReporterMetrics()
    exchange = Exchange(
        PeerClient(urls, TIMEOUT),
        metrics,
        CHAIN,
        ORACLE,
        KEYS[0].address,
        digest,
        lambda *alert: alerts.append(alert),
    )
    own = signed_by(0)
    for _ in range(2):  # a second round logs and counts nothing new
        exchange.gather({11: own, 12: signed_by(0, type(RESULT)(12, 1, 0, 0))}, SET_3)
    assert exchange.get_verified(11, SET_3) == {KEYS[1].address: signed_by(1).signature}
    assert exchange.get_verified(11, ReporterSet(2, 2, SET_3.addresses)) == {}  # another set's version
    assert [(game, kind.split()[0]) for game, kind, _ in alerts] == [(11, "peer_result")] * 2  # liar, twice
    assert KEYS[2].address in alerts[0][2]
    rejected = {
        s.labels["reason"]: s.value
        for family in metrics.registry.collect()
        if family.name == "reporter_peer_rejections"
        for s in family.samples
        if s.name.endswith("_total")
    }
    assert rejected == {"unavailable": 1.0, "other_result": 2.0, "unknown_signer": 1.0}
    exchange.peers.close()
