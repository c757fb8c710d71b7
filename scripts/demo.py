"""`make demo` (`python -m scripts.demo`): a live match day on a local L2, every service its own process.

Starts the stack (`scripts.stack`), prints where to look, then a summary line every few seconds
until Ctrl-C or SIGTERM, which stop every process cleanly. Everything lives under `--home`
(default `.demo/`): running again resumes the same chain, database and replay clock.
`--reset` deletes it first for a fresh match day.
"""

import argparse
import json
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect

from oracle.feeds.replay import ReplayFeed
from oracle.feeds.timeline import load_matchday
from scripts.chain_setup import ONE
from scripts.processes import ProcessError
from scripts.stack import Replay, Stack, StackConfig

SUMMARY_INTERVAL = 5.0  # seconds between summary lines


def parse_config(argv: list[str] | None) -> tuple[StackConfig, bool, float | None]:
    defaults = StackConfig()
    parser = argparse.ArgumentParser(prog="python -m scripts.demo", description=__doc__)
    parser.add_argument("--home", type=Path, default=defaults.home, help="state, logs and settings [.demo]")
    parser.add_argument("--rpc-port", type=int, default=defaults.rpc_port, help="anvil's port [8545]")
    parser.add_argument("--api-port", type=int, default=defaults.api_port, help="the API's port [8000]")
    parser.add_argument(
        "--metrics-port-base",
        type=int,
        default=defaults.metrics_port_base,
        help="indexer's metrics port; the oracle services take the next five [9101]",
    )
    parser.add_argument(
        "--speed", type=float, default=defaults.speed, help="replay speed of a new match day [30]"
    )
    parser.add_argument("--bettors", type=int, default=defaults.bettors, help="simulated bettors [20]")
    parser.add_argument(
        "--bet-rate", type=float, default=defaults.bet_rate, help="bets per second, all bettors [4]"
    )
    parser.add_argument(
        "--lead",
        type=int,
        default=defaults.lead,
        help="seconds from a new match day's creation to its start [90]",
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite under --home")
    parser.add_argument(
        "--reset", action="store_true", help="delete --home first: a fresh chain and match day"
    )
    parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    args = parser.parse_args(argv)
    config = StackConfig(
        home=args.home.resolve(),
        rpc_port=args.rpc_port,
        api_port=args.api_port,
        metrics_port_base=args.metrics_port_base,
        speed=args.speed,
        bettors=args.bettors,
        bet_rate=args.bet_rate,
        lead=args.lead,
        database_url=args.database_url,
    )
    return config, args.reset, args.duration


def print_where_to_look(stack: Stack) -> None:
    print(f"chain      {stack.rpc_url} (chain id 901), deployment {stack.layout.deployment}")
    print(f"database   {stack.database_url}")
    if "api" in {child.name for child in stack.children}:
        ws = stack.api_url.replace("http://", "ws://")
        print(f"API        {stack.api_url}/docs (OpenAPI), {stack.api_url}/games, {stack.api_url}/stats")
        print(f"streams    {ws}/ws/games, {ws}/ws/settlements, {ws}/ws/quotes/<game>, {ws}/ws/bets/<wallet>")
    first_port = stack.config.metrics_port_base
    print(f"metrics    http://127.0.0.1:<port>/metrics and /healthz, ports {first_port}..{first_port + 5}")
    if stack.replay is not None:
        start, end = (
            time.strftime("%d %b %H:%M:%S", time.localtime(t)) for t in get_replay_span(stack.replay)
        )
        print(f"replay     {start} to {end}, speed {stack.replay.speed:g}x (in {stack.layout.replay})")
        if get_replay_span(stack.replay)[1] < time.time():
            print("           this match day is over: `make demo DEMO_ARGS=--reset` starts a new one")
    print(f"settings   {stack.layout.config_file('<service>')}, {stack.layout.env_file('<service>')}")
    for child in stack.children:
        print(f"process    {child.name:<10} pid {child.pid:<8} log {child.log}")
    for name in stack.missing:
        print(f"not here   {name}: this checkout does not have it yet, so it is not started")
    print("Ctrl-C stops everything; running again resumes this match day.", flush=True)


def get_replay_span(replay: Replay) -> tuple[float, float]:
    """Unix times of the match day's start and of its last match's end."""
    feed = ReplayFeed(load_matchday(), replay.start, replay.speed)
    ends = [end for game in feed.games if (end := feed.get_end_time(game)) is not None]
    return replay.start, max(ends, default=replay.start)


@dataclass
class Payouts:
    """Bets paid, counted from the API's settlements stream (`/ws/settlements`) since the demo started."""

    url: str
    count: int = 0
    amount: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self.run, name="payouts", daemon=True).start()

    def run(self) -> None:
        since: int | None = None
        while not self.stop.is_set():
            url = self.url if since is None else f"{self.url}?since={since}"
            try:
                with connect(url, open_timeout=5, close_timeout=1) as stream:
                    for raw in stream:
                        message = json.loads(raw)
                        since = message.get("seq") or since
                        if message.get("type") == "bet_paid":
                            self.count += 1
                            self.amount += int(message["data"]["settlement"]["paid_amount"] or 0)
                        if self.stop.is_set():
                            return
            except (OSError, WebSocketException, ValueError, KeyError, TypeError):
                self.stop.wait(1.0)


def fetch_json(url: str) -> Any:
    response = httpx.get(url, timeout=2)
    response.raise_for_status()
    return response.json()


def build_summary(stack: Stack, payouts: Payouts | None) -> str:
    """One line: games by state, bets, volume and payouts from the API (chain and indexer before it runs)."""
    now = time.strftime("%H:%M:%S")
    if payouts is None:
        try:
            health = httpx.get(stack.get_health_url("indexer"), timeout=2).json()
        except (httpx.HTTPError, ValueError) as error:
            return f"{now} indexer unreachable ({error})"
        return f"{now} block {health.get('head')}  indexed {health.get('cursor')}"
    try:
        totals = fetch_json(f"{stack.api_url}/stats")
        games = fetch_json(f"{stack.api_url}/games?limit=200")["items"]
        states = Counter(game["state"] for game in games)
        bets, volume, pnl = totals["bet_count"], int(totals["volume"]), int(totals["house_pnl"])
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
        return f"{now} API unanswered ({error})"
    by_state = ", ".join(f"{count} {state}" for state, count in sorted(states.items()))
    return (
        f"{now} games {len(games)} ({by_state})  bets {bets}  volume {volume / ONE:,.2f} mUSD  "
        f"settled games {states['final'] + states['void']}  "
        f"paid {payouts.count} bets, {payouts.amount / ONE:,.2f} mUSD (this run)  "
        f"house P&L {pnl / ONE:,.2f}"
    )


class Stopping(Exception):
    """SIGTERM or SIGINT arrived."""


def on_signal(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean stop
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stopping(signal.Signals(signum).name)


def run(stack: Stack, duration: float | None) -> int:
    stack.start()
    print_where_to_look(stack)
    payouts = None
    if "api" in {child.name for child in stack.children}:
        payouts = Payouts(stack.api_url.replace("http://", "ws://") + "/ws/settlements")
        payouts.start()
    deadline = None if duration is None else time.monotonic() + duration
    try:
        while deadline is None or time.monotonic() < deadline:
            if failed := stack.get_failed():
                for child in failed:
                    print(f"{child.name} exited ({child.get_exit_code()}); see {child.log}", file=sys.stderr)
                return 1
            print(build_summary(stack, payouts), flush=True)
            time.sleep(SUMMARY_INTERVAL)
    finally:
        if payouts is not None:
            payouts.stop.set()
    return 0


def main(argv: list[str] | None = None) -> int:
    config, reset, duration = parse_config(argv)
    if reset and config.home.exists():
        shutil.rmtree(config.home)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stack = Stack(config)
    try:
        return run(stack, duration)
    except Stopping as stop:
        print(f"{stop}: stopping every process", flush=True)
        return 0
    except ProcessError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        print("stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
