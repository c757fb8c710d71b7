"""Fetch the signatures peers serve at `GET <peer>/signatures`, all peers at once, bounded.

Every answer is hostile until checked: one request per peer with a total deadline, no
redirects, no compressed bodies, at most `MAX_RESPONSE_BYTES`. A peer that is down, slow or
oversized gives a `PeerError` for this round; the caller carries on without it.
"""

import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

import httpx

from oracle.reporter.exceptions import PeerError

SIGNATURES_PATH = "/signatures"
MAX_RESPONSE_BYTES = 256 * 1024  # a thousand signatures fit in a quarter of it


class PeerClient:
    def __init__(self, urls: list[str], timeout: float, max_bytes: int = MAX_RESPONSE_BYTES):
        self.urls = [url.rstrip("/") for url in urls]
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.http = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"Accept": "application/json", "Accept-Encoding": "identity"},
            limits=httpx.Limits(max_connections=len(urls) or 1),
        )
        self.pool = ThreadPoolExecutor(max_workers=max(1, len(urls)), thread_name_prefix="peer")
        self.inflight: dict[str, Future[bytes]] = {}

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.http.close()

    def fetch_all(self) -> dict[str, bytes | PeerError]:
        """Each peer's raw answer, or why there is none; takes at most about twice the timeout.

        A peer whose previous request is still running (headers dribbled byte by byte escape the
        per-read timeouts) is not asked again: it holds one worker at most, never the others'.
        """
        answers: dict[str, bytes | PeerError] = {}
        for url in self.urls:
            previous = self.inflight.get(url)
            if previous is not None and not previous.done():
                answers[url] = PeerError(f"peer {url}: the previous request is still running")
            else:
                self.inflight[url] = self.pool.submit(self.fetch, url)
        running = {url: future for url, future in self.inflight.items() if url not in answers}
        wait(running.values(), timeout=2 * self.timeout + 1)
        for url, future in running.items():
            answers[url] = self._get_answer(url, future)
        return answers

    def _get_answer(self, url: str, future: Future[bytes]) -> bytes | PeerError:
        if not future.done():
            return PeerError(f"peer {url}: no answer within {2 * self.timeout + 1:.1f} s")
        error = future.exception()
        if error is None:
            return future.result()
        if isinstance(error, PeerError):
            return error
        return PeerError(f"peer {url}: {type(error).__name__}")  # e.g. a URL httpx refuses

    def fetch(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        try:
            with self.http.stream("GET", url + SIGNATURES_PATH) as response:
                if response.status_code != 200:
                    raise PeerError(f"peer {url}: HTTP {response.status_code}")
                if response.headers.get("content-encoding", "identity") != "identity":
                    raise PeerError(f"peer {url}: compressed answers are refused")
                return self._read(url, response, deadline)
        except httpx.HTTPError as error:
            raise PeerError(f"peer {url}: {type(error).__name__}") from None

    def _read(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            raise PeerError(f"peer {url}: declares {declared[:20]} bytes, more than {self.max_bytes}")
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > self.max_bytes:
                raise PeerError(f"peer {url}: answer larger than {self.max_bytes} bytes")
            if time.monotonic() > deadline:
                raise PeerError(f"peer {url}: answer slower than {self.timeout} s")
        return bytes(body)
