"""`make bench-api`: cached odds reads and WebSocket fan-out of `python -m api` with its production settings.

Builds a real mirror first: its own anvil, `ape run deploy`, the scripted history, game 104 set
live, indexed into PostgreSQL (API_BENCH_POSTGRES, default the local server; SQLite with
`--sqlite`), and one signed quote per market of game 104. Then starts `python -m api` (uvicorn,
API_WORKERS=2, the database-backed rate limiter on with a limit no client reaches) and measures:

- odds: `--connections` keep-alive HTTP/1.1 connections (asyncio + uvloop, raw sockets) each
  sending GET /markets/{m}/quote back to back for `--seconds`; requests/s and latency percentiles.
- streams: `--clients` WebSocket clients on /ws/quotes/104 (raw frames, one process); `--quotes` quotes are
  published into `published_quotes` one per second; each delivery's latency is the receive time
  minus the row's `published_at_ms`. `ws_p95_ms` is the p95 over every delivery;
  `ws_reach_all_p95_ms` the p95 over quotes of the time until the last client had it.

The load generator runs on the same machine as the server; its CPU time and the server's are
reported next to the figures. Writes `reports/api.json`; exits 1 below the goals.
"""

import argparse
import asyncio
import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import uvloop
from sqlalchemy import Engine, insert

from indexer import db
from indexer.config import Settings
from indexer.follower import Follower, load_target
from indexer.metrics import Metrics
from indexer.models import PublishedQuote
from indexer.rpc import RpcClient
from oracle.signing import Quote, sign_quote
from scripts.deployment import Deployment, load_deployment
from scripts.history import MARKETS, Player, pricer, scripted_history
from scripts.localchain import REPO, Anvil, deploy_with_ape, get_free_port

REPORT = REPO / "reports" / "api.json"
POSTGRES = os.environ.get("API_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
GAME = 104
GOALS = {"odds_rps": 3_000, "odds_p99_ms": 50, "ws_clients": 5_000, "ws_p95_ms": 500}
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- the mirror


def build_mirror(anvil: Anvil, workdir: Path, url: str) -> tuple[Deployment, Engine]:
    path = workdir / "local.json"
    deploy_with_ape(anvil, path)
    deployment = load_deployment(path, anvil.web3)
    scripted_history(anvil.web3, deployment)
    player = Player(anvil.web3, deployment)
    player.send(player.book.functions.set_live(GAME, True), pricer)
    settings = Settings(rpc_url=anvil.url, database_url=url, deployment_file=path, metrics_port=0)
    engine = db.build_engine(settings.database_url)
    follower = Follower(settings, load_target(settings), RpcClient(anvil.url), engine, Metrics())
    follower.prepare()
    while not follower.run_cycle():
        pass
    follower.close()
    return deployment, engine


def publish(engine: Engine, deployment: Deployment, anvil: Anvil, market: int, epoch: int) -> None:
    odds = (21_000, 34_000, 36_000) if MARKETS[GAME][market & 0xFF][0] == 0 else (19_000, 19_500, 0)
    quote = Quote(market, epoch, anvil.get_timestamp() + 3_000, 1_000 * 10**6, odds)
    signed = sign_quote(pricer.key, quote, deployment.chain_id, deployment.book.address)
    raw = signed.r.to_bytes(32, "big") + signed.s.to_bytes(32, "big") + bytes([signed.v])
    values = {
        "game": GAME, "market": market, "epoch": epoch, "expiry": quote.expiry, "max_stake": quote.max_stake,
        "odds_0": odds[0], "odds_1": odds[1], "odds_2": odds[2], "signer": pricer.address.lower(),
        "signature": "0x" + raw.hex(), "published_at_ms": int(time.time() * 1000),
    }  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(PublishedQuote).values(values))


# ---------------------------------------------------------------- the server


def start_api(url: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "API_DATABASE_URL": url, "API_PORT": str(port), "API_WORKERS": "2", "API_LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT": str(10**9), "API_WS_MAX_CLIENTS": "20000",
    }  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "api"], cwd=REPO, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                time.sleep(1.0)  # let every worker's tailer load the quotes
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("python -m api did not become ready")


def get_cpu_seconds(root: int) -> float:
    """User + system CPU of `root` and its children (from /proc)."""
    pids = [root]
    children = Path(f"/proc/{root}/task/{root}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def get_own_cpu() -> float:
    times = os.times()
    return times.user + times.system


# ---------------------------------------------------------------- odds load


async def hammer(port: int, paths: list[bytes], until: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while (now := time.perf_counter()) < until:
        writer.write(paths[i % len(paths)])
        i += 1
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
        body = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"odds read failed: {head[:40]!r} {body[:200]!r}")
        latencies.append(time.perf_counter() - now)
    writer.close()


async def run_odds(port: int, markets: list[int], connections: int, seconds: float) -> dict[str, Any]:
    paths = [f"GET /markets/{m}/quote HTTP/1.1\r\nHost: bench\r\n\r\n".encode() for m in markets]
    warm: list[float] = []
    await asyncio.gather(*(hammer(port, paths, time.perf_counter() + 1.0, warm) for _ in range(connections)))
    latencies: list[float] = []
    cpu, started = get_own_cpu(), time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(hammer(port, paths, until, latencies) for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "odds_rps": round(len(latencies) / elapsed),
        "odds_p50_ms": round(latencies[len(latencies) // 2] * 1000, 2),
        "odds_p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 2),
        "odds_requests": len(latencies),
        "odds_generator_cpu_s": round(get_own_cpu() - cpu, 2),
        "odds_seconds": round(elapsed, 2),
    }


# ---------------------------------------------------------------- stream load


class Listener:
    """One raw WebSocket client: records (seq, receive time) of every quote message."""

    def __init__(self) -> None:
        self.received: dict[int, float] = {}
        self.task: asyncio.Task[None] | None = None

    async def open(self, port: int, path: str) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise SystemExit(f"WebSocket upgrade refused: {head[:60]!r}")
        await self.read_frame()  # the snapshot
        self.task = asyncio.ensure_future(self.listen())

    async def read_frame(self) -> tuple[int, bytes]:
        first, second = await self.reader.readexactly(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(await self.reader.readexactly(2), "big")
        elif length == 127:
            length = int.from_bytes(await self.reader.readexactly(8), "big")
        return first & 0x0F, await self.reader.readexactly(length)

    async def listen(self) -> None:
        while True:
            opcode, payload = await self.read_frame()
            now = time.time()
            if opcode == 0x9:  # ping: a masked pong back (zero mask)
                self.writer.write(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
            elif opcode == 0x1 and payload.startswith(b'{"type":"quote"'):
                self.received[orjson.loads(payload)["seq"]] = now
            elif opcode == 0x8:
                return


async def run_streams(
    port: int, clients: int, quotes: int, publish_one: Any, server_cpu: Any
) -> dict[str, Any]:
    listeners = [Listener() for _ in range(clients)]
    started = time.perf_counter()
    for start in range(0, clients, 250):
        await asyncio.gather(*(x.open(port, f"/ws/quotes/{GAME}") for x in listeners[start : start + 250]))
    connect_seconds = time.perf_counter() - started
    cpu, server_cpu_before = get_own_cpu(), server_cpu()
    published: dict[int, int] = {}
    for _ in range(quotes):
        seq, at_ms = await asyncio.to_thread(publish_one)
        published[seq] = at_ms
        await asyncio.sleep(1.0)
    await asyncio.sleep(2.0)
    generator_cpu = get_own_cpu() - cpu
    server_cpu_used = server_cpu() - server_cpu_before
    deliveries, reach_all, missing = [], [], 0
    for seq, at_ms in published.items():
        times = [x.received[seq] for x in listeners if seq in x.received]
        missing += clients - len(times)
        deliveries += [t * 1000 - at_ms for t in times]
        if times:
            reach_all.append(max(times) * 1000 - at_ms)
    for x in listeners:
        x.writer.close()
    deliveries.sort()
    reach_all.sort()
    return {
        "ws_clients": clients,
        "ws_p95_ms": round(deliveries[int(len(deliveries) * 0.95)], 1),
        "ws_p50_ms": round(statistics.median(deliveries), 1),
        "ws_reach_all_p95_ms": round(reach_all[min(len(reach_all) - 1, int(len(reach_all) * 0.95))], 1),
        "ws_quotes": quotes,
        "ws_missing_deliveries": missing,
        "ws_connect_seconds": round(connect_seconds, 1),
        "ws_generator_cpu_s": round(generator_cpu, 2),
        "ws_server_cpu_s": round(server_cpu_used, 2),
        "ws_window_seconds": quotes + 2,
    }


# ---------------------------------------------------------------- main


def create_database(use_sqlite: bool, workdir: Path) -> tuple[str, str | None]:
    if use_sqlite:
        return f"sqlite:///{workdir / 'bench.db'}", None
    name = f"bench_api_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return POSTGRES.rsplit("/", 1)[0] + f"/{name}", name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=5_000)
    parser.add_argument("--quotes", type=int, default=20)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Anvil.start(accounts=20) as anvil:
        url, pg_name = create_database(args.sqlite, Path(tmp))
        try:
            report = run(anvil, Path(tmp), url, args)
        finally:
            if pg_name is not None:
                with psycopg.connect(POSTGRES, autocommit=True) as connection:
                    connection.execute(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    failed = [k for k, goal in GOALS.items() if (report[k] > goal if k.endswith("_ms") else report[k] < goal)]
    if failed:
        print(f"below the goals: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def run(anvil: Anvil, workdir: Path, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print("building the mirror (deploy, history, index) ...", flush=True)
    deployment, engine = build_mirror(anvil, workdir, url)
    epoch = int(deployment.get_contract(anvil.web3, "book").functions.game(GAME).call()[1])
    markets = [GAME << 8 | i for i in range(len(MARKETS[GAME]))]
    for market in markets:
        publish(engine, deployment, anvil, market, epoch)
    port = get_free_port()
    server = start_api(url, port)
    try:
        cpu = get_cpu_seconds(server.pid)
        print(f"odds: {args.connections} connections for {args.seconds:.0f} s ...", flush=True)
        odds = uvloop.run(run_odds(port, markets, args.connections, args.seconds))
        odds["odds_server_cpu_s"] = round(get_cpu_seconds(server.pid) - cpu, 2)

        def publish_one() -> tuple[int, int]:
            publish(engine, deployment, anvil, markets[0], epoch)
            with engine.connect() as connection:
                row = connection.execute(
                    PublishedQuote.__table__.select().order_by(PublishedQuote.seq.desc()).limit(1)
                ).first()
            assert row is not None
            return int(row.seq), int(row.published_at_ms)

        print(f"streams: {args.clients} clients, {args.quotes} quotes ...", flush=True)
        streams = uvloop.run(
            run_streams(port, args.clients, args.quotes, publish_one, lambda: get_cpu_seconds(server.pid))
        )
    finally:
        server.terminate()
        server.wait(30)
        engine.dispose()
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    return {**odds, **streams, "backend": backend, "workers": 2, "cores": os.cpu_count()}


if __name__ == "__main__":
    sys.exit(main())
