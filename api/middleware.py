"""Pure ASGI middleware (cheaper than BaseHTTPMiddleware on the hot path): client address, rate limits,
request size caps, metrics."""

import ipaddress
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from api.exceptions import RateLimitedError
from api.metrics import Metrics
from api.ratelimit import Limiter
from api.routers.markets import MAX_MARKET, NO_QUOTE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

UNLIMITED_PATHS = frozenset({"/health", "/health/live", "/metrics"})
AUTH_PREFIXES = ("/auth/",)


def get_client_ip(scope: Scope, trusted: frozenset[str]) -> str:
    """The peer address, or the rightmost untrusted X-Forwarded-For hop when the peer is a trusted proxy."""
    peer = scope["client"][0] if scope.get("client") else "unknown"
    if peer not in trusted:
        return peer
    for name, value in scope.get("headers", []):
        if name == b"x-forwarded-for":
            hops = [h.strip() for h in value.decode("latin-1").split(",")]
            for hop in reversed(hops):
                if hop not in trusted and _is_ip(hop):
                    return hop
    return peer


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


async def send_error(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] = []) -> None:  # noqa: B006
    body = orjson.dumps({"detail": detail})
    base = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": base + headers})
    await send({"type": "http.response.body", "body": body})


class RateLimitMiddleware:
    def __init__(self, app: App, limiter: Limiter, limits: tuple[int, int], trusted: frozenset[str]):
        self.app = app
        self.limiter = limiter
        self.read_limit, self.auth_limit = limits
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] not in ("http", "websocket") or path in UNLIMITED_PATHS:
            return await self.app(scope, receive, send)
        is_auth = path.startswith(AUTH_PREFIXES) or (scope.get("method") == "POST" and path == "/bets")
        bucket, limit = ("auth", self.auth_limit) if is_auth else ("read", self.read_limit)
        key = f"{bucket}:{get_client_ip(scope, self.trusted)}"
        if await self.limiter.allow(key, limit, time.time()):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008, "reason": "rate limit exceeded"})
        retry = str(self.limiter.window - int(time.time()) % self.limiter.window).encode()
        await send_error(send, 429, RateLimitedError.detail, [(b"retry-after", retry)])


class BodyLimitMiddleware:
    """413 for bodies over `max_bytes`, by Content-Length or as they stream in."""

    def __init__(self, app: App, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                return await send_error(send, 413, "request body too large")
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLargeError()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLargeError:
            await send_error(send, 413, "request body too large")


class BodyTooLargeError(Exception):
    pass


class MetricsMiddleware:
    def __init__(self, app: App, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            self.metrics.observe_request(scope["method"], path, status, time.perf_counter() - started)


class FastRoute:
    """What the metrics label a fast-path request with (FastAPI's routes carry the same `path`)."""

    path = "/markets/{market}/quote"


class QuoteFastPath:
    """GET /markets/{market}/quote straight from the worker's quote book, skipping FastAPI's routing,
    validation and dependency resolution (the documented FastAPI route answers the same way and
    still serves any request this one passes on)."""

    def __init__(self, app: App, state: Any):
        self.app = app
        self.state = state
        self.not_found = orjson.dumps({"detail": NO_QUOTE})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or not path.startswith("/markets/"):
            return await self.app(scope, receive, send)
        market = path[len("/markets/") : -len("/quote")] if path.endswith("/quote") else ""
        if not (market.isdigit() and len(market) <= 17 and int(market) < MAX_MARKET):
            return await self.app(scope, receive, send)
        scope["route"] = FastRoute
        body = self.state.quotes.get_current(int(market), self.state.get_now())
        status, body = (200, body) if body is not None else (404, self.not_found)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
