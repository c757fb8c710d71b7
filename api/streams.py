"""WebSocket fan-out: channels of subscribers with bounded queues; a slow client never stalls others.

A broadcast encodes its message once and offers it to every subscriber's queue without waiting.
A subscriber whose queue is full is dropped (close code 4008): it reconnects with `since=<seq>` and
gets what it missed, or a snapshot when that is too much. A subscriber is registered before its
catch-up is read, and skips queued messages at or below the last seq it was sent, so nothing is
lost or repeated between catch-up and live messages.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.websockets import WebSocket, WebSocketDisconnect

from api.metrics import Metrics

log = logging.getLogger("api.streams")
CLOSE_TOO_SLOW = 4008
CLOSE_RESET = 4001  # the chain reorganised or the server restarts a channel: resubscribe
Item = tuple[int | None, str]  # (seq or None for heartbeats, JSON text)
CatchUp = Callable[[int | None], Awaitable[tuple[int, list[str]]]]  # since -> (last seq, messages)


@dataclass(eq=False)
class Subscriber:
    channel: str
    queue: asyncio.Queue[Item]
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int = 1000
    sending_since: float | None = None  # monotonic time the send in progress started

    def offer(self, item: Item) -> bool:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.close(CLOSE_TOO_SLOW)
            return False
        return True

    def close(self, code: int) -> None:
        if not self.closed.is_set():
            self.close_code = code
            self.closed.set()


class Hub:
    def __init__(self, metrics: Metrics, queue_size: int, send_timeout: float):
        self.metrics = metrics
        self.queue_size = queue_size
        self.send_timeout = send_timeout
        self.channels: dict[str, set[Subscriber]] = {}

    def get_client_count(self) -> int:
        return sum(len(subscribers) for subscribers in self.channels.values())

    def publish(self, channel: str, seq: int | None, text: str) -> None:
        subscribers = self.channels.get(channel)
        if not subscribers:
            return
        kind = channel.split(":", 1)[0]
        self.metrics.ws_messages.labels(kind).inc()
        for subscriber in list(subscribers):
            if not subscriber.offer((seq, text)):
                self.metrics.ws_dropped.labels(kind).inc()

    def publish_everywhere(self, text: str) -> None:
        """Heartbeats: to every subscriber of every channel."""
        for channel in list(self.channels):
            self.publish(channel, None, text)

    def reset(self, prefixes: tuple[str, ...]) -> None:
        """Close every subscriber of channels starting with `prefixes` (after a reorg)."""
        for channel, subscribers in self.channels.items():
            if channel.startswith(prefixes):
                for subscriber in subscribers:
                    subscriber.close(CLOSE_RESET)

    async def serve(self, websocket: WebSocket, channel: str, since: int | None, catch_up: CatchUp) -> None:
        """Run one accepted client: catch-up, then live messages until it leaves or falls behind."""
        subscriber = Subscriber(channel, asyncio.Queue(self.queue_size))
        self.channels.setdefault(channel, set()).add(subscriber)
        kind = channel.split(":", 1)[0]
        self.metrics.ws_clients.labels(kind).inc()
        tasks = [
            asyncio.ensure_future(self._write(websocket, subscriber, since, catch_up)),
            asyncio.ensure_future(_drain(websocket)),
            asyncio.ensure_future(subscriber.closed.wait()),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if not task.cancelled() and (error := task.exception()) is not None:
                    if not isinstance(error, WebSocketDisconnect | OSError):
                        log.error("stream client failed", extra={"channel": channel}, exc_info=error)
                    subscriber.close(1011)
        finally:
            for task in tasks:
                task.cancel()
            self.channels[channel].discard(subscriber)
            if not self.channels[channel]:
                del self.channels[channel]
            self.metrics.ws_clients.labels(kind).dec()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(websocket.close(subscriber.close_code), timeout=1.0)

    async def _write(
        self, websocket: WebSocket, subscriber: Subscriber, since: int | None, catch_up: CatchUp
    ) -> None:
        last, messages = await catch_up(since)
        for text in messages:
            await self._send(websocket, subscriber, text)
        while True:
            seq, text = await subscriber.queue.get()
            if seq is not None:
                if seq <= last:
                    continue
                last = seq
            await self._send(websocket, subscriber, text)

    async def _send(self, websocket: WebSocket, subscriber: Subscriber, text: str) -> None:
        """One send; `sweep` drops the client if it stays blocked (no timer task per message)."""
        subscriber.sending_since = time.monotonic()
        await websocket.send_text(text)
        subscriber.sending_since = None

    def sweep(self) -> None:
        """Drop subscribers whose current send has been blocked longer than the send timeout."""
        limit = time.monotonic() - self.send_timeout
        for subscribers in self.channels.values():
            for subscriber in subscribers:
                if subscriber.sending_since is not None and subscriber.sending_since < limit:
                    subscriber.close(CLOSE_TOO_SLOW)


async def _drain(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends, to notice when it goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
