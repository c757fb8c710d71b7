"""What the end-to-end benchmark watches, in a process of its own: blocks and the bettors' streams.

`BlockWatcher` notes when each transaction's block was first seen (polling the head every
BLOCK_POLL seconds); `BetStreams` (one `/ws/bets/<address>` per bettor) when each bet appeared
on the API's stream. `Observer` runs both in a spawned child process, so the GIL of the process
that signs and sends hundreds of bets a second never delays a timestamp.
"""

import multiprocessing
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from scripts.apiclient import BetStreams
from scripts.rawtx import Rpc, RpcError

BLOCK_POLL = 0.01  # seconds between eth_blockNumber polls


class ObserverError(Exception):
    """The observer could not connect every stream."""


@dataclass
class BlockWatcher:
    """When each transaction's block was first seen: polls the head every BLOCK_POLL seconds."""

    rpc_url: str
    seen_at: dict[str, float] = field(default_factory=dict)  # tx hash (0x, lowercase) -> unix time
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="block-watcher", daemon=True)
        thread.start()
        return thread

    def run(self) -> None:
        rpc = Rpc(self.rpc_url)
        last = int(rpc.call("eth_blockNumber"), 16)
        while not self.stop.wait(BLOCK_POLL):
            try:
                head = int(rpc.call("eth_blockNumber"), 16)
                if head <= last:
                    continue
                now = time.time()
                numbers = range(last + 1, head + 1)
                for block, _ in rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in numbers]):
                    for tx in (block or {}).get("transactions", []):
                        self.seen_at.setdefault(tx.lower(), now)
                last = head
            except RpcError:
                continue
        rpc.close()


def observe(rpc_url: str, ws_url: str, sessions: Sequence[tuple[str, str]], pipe: Connection) -> None:
    """The observer process: block times and bet-stream times, apart from the signing process's GIL.

    Sends "ready" once every stream is connected; on "stop", sends (block seen_at, stream seen_at).
    """
    blocks = BlockWatcher(rpc_url)
    blocks.start()
    streams = BetStreams(ws_url, sessions)
    streams.start()
    try:
        streams.wait_connected(60)
        pipe.send("ready")
    except TimeoutError as error:
        pipe.send(str(error))
    pipe.recv()
    blocks.stop.set()
    streams.stop()
    pipe.send((blocks.seen_at, streams.seen_at))


@dataclass
class Observer:
    """`observe` in a child process (spawned: no inherited threads or locks)."""

    rpc_url: str
    ws_url: str
    sessions: Sequence[tuple[str, str]]

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=observe,
            args=(self.rpc_url, self.ws_url, self.sessions, child),
            name="observer",
            daemon=True,
        )
        self.process.start()
        if (answer := self.pipe.recv()) != "ready":
            raise ObserverError(f"the observer did not get ready: {answer}")

    def stop(self) -> tuple[dict[str, float], dict[str, float]]:
        """(when each transaction's block was seen, when each bet appeared on its stream)."""
        self.pipe.send("stop")
        seen: tuple[dict[str, float], dict[str, float]] = self.pipe.recv()
        self.process.join(timeout=10)
        return seen
