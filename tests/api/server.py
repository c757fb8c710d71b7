"""The API served by a real uvicorn (in a thread) for stream tests, and a WebSocket client that reads JSON."""

import json
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from websockets.sync.client import ClientConnection, connect

from api.main import build_app
from scripts.localchain import get_free_port
from tests.api.conftest import build_settings


class Server:
    def __init__(self, url: str, **overrides: object):
        self.app = build_app(build_settings(url, **overrides))
        self.port = get_free_port()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, ws="websockets-sansio", ws_per_message_deflate=False,
            log_config=None, lifespan="on",
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not (self.server.started and self.app.state.api.marks.is_ready):
            assert time.monotonic() < deadline, "the API server did not start"
            time.sleep(0.02)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.server.should_exit = True
        self.thread.join(15)

    def connect(self, path: str) -> ClientConnection:
        return connect(f"ws://127.0.0.1:{self.port}{path}", compression=None, open_timeout=5)


def receive(ws: ClientConnection, timeout: float = 3.0, skip_heartbeats: bool = True) -> dict[str, Any]:
    while True:
        message = json.loads(ws.recv(timeout=timeout))
        if not (skip_heartbeats and message["type"] == "heartbeat"):
            return message  # type: ignore[no-any-return]
