"""`make bench-e2e` (`python -m scripts.bench_e2e`): the whole pipeline under a fixed bet rate.

Starts the whole stack (`scripts.stack`, as `make demo` does, in a fresh temporary home), waits
until the API serves quotes, then for `--duration` seconds (at least 60) simulated bettors sign
and send bets at `--rate` per second as real transactions: quotes fetched from the API, many
bettor accounts so no nonce queue serialises them, raw transactions sent concurrently in JSON-RPC
batches. Meanwhile it watches blocks (when each bet transaction was included) and the API's bet
stream (when each bet became visible there). Then it lets the games settle and the keeper pay,
and checks every accepted bet against the database and the API.

Writes `reports/e2e.json`:

- `offered_bets_per_s`, `accepted_bets_per_s`: bets sent, and bets mined with status 1, per second
  of the driving window;
- `lost`: accepted on-chain but missing from the database or the API after settlement;
- `p50_visible_ms`, `p95_visible_ms`, `p99_visible_ms`: block seen by the bench (polling every
  10 ms) to the bet on the API's bet stream;
- `paid_fraction`: paid winning bets / winning bets once the keeper has run.

Exits 1 when a figure misses its bound (accepted >= 250/s, lost = 0, p95 <= 1,500 ms, paid = 1.0).
"""

import argparse
import contextlib
import json
import math
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, text

from indexer import db
from scripts.apiclient import fetch_bets, sign_in
from scripts.bettors import OFFER_REFRESH, TICK, Bettors, Offer, Sent, fetch_offers
from scripts.chain_setup import ONE
from scripts.localchain import REPO, get_free_port
from scripts.observer import Observer, ObserverError
from scripts.processes import ProcessError
from scripts.rawtx import Rpc
from scripts.stack import Stack, StackConfig, get_free_port_block

REPORT = REPO / "reports" / "e2e.json"
BOUNDS = {"accepted_bets_per_s": 250.0, "lost": 0, "p95_visible_ms": 1_500.0, "paid_fraction": 1.0}
MAX_CATCH_UP = 2.0  # seconds of bets owed (no quote for a moment) that are sent late rather than dropped
MAX_BATCH = 100  # bets per JSON-RPC batch
SENDERS = 4  # threads sending signed batches concurrently
RECEIPT_BATCH = 500
WON = ("won", "half_won")
STREAM_DRAIN = 3.0  # seconds for the last bets to reach the streams before the observer stops
API_DRAIN = 2.0  # seconds for the API's tailers to see the last payouts


def get_percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile of `values` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def check_bounds(report: dict[str, float | int | None]) -> list[str]:
    """The figures that miss their bound, as sentences."""
    misses = []
    for key, bound in BOUNDS.items():
        value = report.get(key)
        is_upper = key in ("lost", "p95_visible_ms")
        if value is None or (value > bound if is_upper else value < bound):
            misses.append(f"{key} = {value} ({'at most' if is_upper else 'at least'} {bound})")
    return misses


def write_report(report: dict[str, object], path: Path = REPORT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")


@dataclass
class Offers:
    """The API's current quotes for the benchmarked games, refreshed every OFFER_REFRESH s in a thread."""

    api_url: str
    games: Sequence[int]
    current: list[Offer] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self.run, name="offers", daemon=True).start()

    def run(self) -> None:
        with httpx.Client() as client:
            while not self.stop.is_set():
                with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):  # keep the last, retry
                    self.current = fetch_offers(client, self.api_url, self.games)
                self.stop.wait(OFFER_REFRESH)

    def wait(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.current:
            if time.monotonic() > deadline:
                raise BenchError(
                    f"the API served no quote for games {list(self.games)} within {timeout:.0f} s"
                )
            time.sleep(0.2)


class BenchError(Exception):
    """The benchmark could not run to the end: the message says where it stopped."""


def drive(
    bettors: Bettors, offers: Offers, rpc_url: str, rate: float, duration: float
) -> tuple[list[Sent], float]:
    """Send bets at `rate` per second for `duration` seconds; what was sent and the window's length.

    This thread signs; SENDERS threads, each with its own connection, send the signed batches, so
    signing never waits for the node.
    """
    batches: queue.Queue[list[tuple[str, Sent]] | None] = queue.Queue()
    sent: list[Sent] = []

    def send() -> None:
        rpc = Rpc(rpc_url)
        while (batch := batches.get()) is not None:
            sent.extend(bettors.send(batch, rpc))
        rpc.close()

    senders = [threading.Thread(target=send, name=f"sender-{i}", daemon=True) for i in range(SENDERS)]
    for sender in senders:
        sender.start()
    start = last = time.monotonic()
    owed = 0.0
    while (now := time.monotonic()) - start < duration:
        owed = min(owed + (now - last) * rate, rate * MAX_CATCH_UP)
        last = now
        if int(owed) > 0 and (batch := bettors.build(offers.current, min(int(owed), MAX_BATCH))):
            batches.put(batch)
            owed -= len(batch)
        time.sleep(TICK)
    window = time.monotonic() - start
    for _ in senders:
        batches.put(None)
    for sender in senders:
        sender.join()
    return sent, window


def sample_revert_reasons(rpc: Rpc, tx_hashes: Sequence[str], limit: int = 200) -> dict[str, int]:
    """Why reverted bets reverted: a sample replayed with eth_call on their block's parent state."""
    sample = list(tx_hashes)[:: max(1, len(tx_hashes) // limit)][:limit]
    txs = [tx for tx, _ in rpc.batch([("eth_getTransactionByHash", [h]) for h in sample]) if tx]
    calls = [
        (
            "eth_call",
            [
                {"from": t["from"], "to": t["to"], "data": t["input"], "gas": t["gas"]},
                hex(int(t["blockNumber"], 16) - 1),
            ],
        )
        for t in txs
    ]
    reasons = Counter(
        "no revert on the parent state" if error is None else str(error.get("message", error))[:120]
        for _, error in rpc.batch(calls)
    )
    return dict(reasons.most_common())


def wait_mined(bettors: Bettors, sent: Sequence[Sent], timeout: float) -> list[tuple[Sent, dict[str, Any]]]:
    """Receipts of every sent bet (those still pending after `timeout` count as not accepted)."""
    mined: list[tuple[Sent, dict[str, Any]]] = []
    pending = list(sent)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        for start in range(0, len(pending), RECEIPT_BATCH):
            mined += bettors.record(pending[start : start + RECEIPT_BATCH])
        done = {bet.tx_hash for bet, _ in mined}
        pending = [bet for bet in pending if bet.tx_hash not in done]
        time.sleep(0.5)
    return mined


def wait_settled(stack: Stack, engine: Engine, txs: set[str], timeout: float) -> int:
    """Wait until every bet placed by `txs` is paid in the database (the indexer's `bets` view).

    Returns how many are still unpaid when `timeout` runs out or a service has exited (the report
    then shows the shortfall).
    """
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT placed_tx, status FROM bets")).all()
        unpaid = sum(1 for r in rows if r.placed_tx in txs and r.status != "paid")
        if failed := stack.get_failed():
            names = ", ".join(f"{c.name} (exit {c.get_exit_code()}, log {c.log})" for c in failed)
            log(f"stopped waiting for payouts: {names} exited")
            return unpaid
        if unpaid == 0 or time.monotonic() > deadline:
            return unpaid
        time.sleep(2)


def build_report(
    sent: Sequence[Sent],
    window: float,
    accepted: set[str],
    included_at: dict[str, float],
    visible_at: dict[str, float],
    db_txs: set[str],
    api_bets: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The figures of `reports/e2e.json` from what was sent, mined, indexed and served."""
    api_txs = {str(bet["tx"]).lower() for bet in api_bets}
    latencies = [
        (visible_at[t] - included_at[t]) * 1000 for t in accepted if t in visible_at and t in included_at
    ]
    winners = [
        b
        for b in api_bets
        if b["tx"] in accepted and (b.get("settlement") or {}).get("outcome_result") in WON
    ]
    paid = [b for b in winners if b["status"] == "paid"]
    return {
        "offered_bets_per_s": round(len(sent) / window, 1),
        "accepted_bets_per_s": round(len(accepted) / window, 1),
        "lost": len(accepted - db_txs) + len(accepted - api_txs),
        "p50_visible_ms": _round(get_percentile(latencies, 0.50)),
        "p95_visible_ms": _round(get_percentile(latencies, 0.95)),
        "p99_visible_ms": _round(get_percentile(latencies, 0.99)),
        "paid_fraction": round(len(paid) / len(winners), 4) if winners else None,
        "sent": len(sent),
        "accepted": len(accepted),
        "window_s": round(window, 1),
        "missing_from_db": len(accepted - db_txs),
        "missing_from_api": len(accepted - api_txs),
        "visible_measured": len(latencies),
        "winning_bets": len(winners),
        "paid_winning_bets": len(paid),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def build_config(args: argparse.Namespace, home: Path) -> StackConfig:
    return StackConfig(
        home=home,
        rpc_port=get_free_port(),
        api_port=get_free_port(),
        metrics_port_base=get_free_port_block(6),
        speed=args.speed,
        lead=args.lead,
        bettors=args.bettors,
        bet_rate=0,  # the bench drives its own bettors
        database_url=args.database_url,
        market_cap=1_000_000,  # caps far above what a minute of bets reserves: the bench measures throughput
        game_cap=10_000_000,
        vault_assets=20_000_000 * ONE,
        state_interval=3_600,
    )


def run(args: argparse.Namespace, home: Path) -> dict[str, Any]:
    stack = Stack(build_config(args, home))
    offers = Offers("", args.games)
    observer: Observer | None = None
    try:
        log(f"starting the stack in {home}")
        stack.start()
        assert stack.deployment is not None
        rpc = Rpc(stack.rpc_url)
        bettors = Bettors.load(rpc, stack.deployment, args.bettors, seed=1)
        offers.api_url = stack.api_url
        offers.start()
        log(f"waiting for quotes on games {args.games}")
        offers.wait(300)
        with httpx.Client() as client:
            sessions = [
                (b.wallet.address, sign_in(client, stack.api_url, b.wallet.account)) for b in bettors.bettors
            ]
        observer = Observer(stack.rpc_url, stack.api_url.replace("http://", "ws://"), sessions)
        observer.start()
        log(f"{len(sessions)} bettors signed in and streaming; {args.rate:g} bets/s for {args.duration:g} s")
        sent, window = drive(bettors, offers, stack.rpc_url, args.rate, args.duration)
        mined = wait_mined(bettors, sent, 60)
        time.sleep(STREAM_DRAIN)
        included_at, visible_at = observer.stop()
        observer = None
        accepted = {"0x" + bet.tx_hash.hex() for bet, receipt in mined if int(receipt["status"], 16) == 1}
        reverted = ["0x" + bet.tx_hash.hex() for bet, receipt in mined if int(receipt["status"], 16) != 1]
        reasons = sample_revert_reasons(rpc, reverted) if reverted else {}
        log(f"sent {len(sent)}, accepted {len(accepted)}, reverted {len(reverted)} {reasons}; settling")
        engine = db.build_engine(stack.database_url)
        if unpaid := wait_settled(stack, engine, accepted, args.settle_timeout):
            log(f"{unpaid} accepted bets unpaid")
        time.sleep(API_DRAIN)
        with engine.connect() as connection:
            db_txs = {row.placed_tx for row in connection.execute(text("SELECT placed_tx FROM bets"))}
        engine.dispose()
        with httpx.Client() as client:
            api_bets = [bet for a, t in sessions for bet in fetch_bets(client, stack.api_url, a, t)]
        report = build_report(sent, window, accepted, included_at, visible_at, db_txs, api_bets)
        counts = {"reverted": bettors.tally.reverted, "refused": bettors.tally.refused}
        return report | counts | {"revert_reasons_sample": reasons}
    finally:
        offers.stop.set()
        if observer is not None:
            observer.process.kill()
        stack.stop()


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_e2e", description=__doc__)
    parser.add_argument("--rate", type=float, default=300.0, help="bets offered per second [300]")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of driving, at least 60 [60]")
    parser.add_argument("--bettors", type=int, default=400, help="bettor accounts [400]")
    parser.add_argument("--games", type=int, nargs="+", default=[1001], help="games bet on [1001]")
    parser.add_argument("--speed", type=float, default=60.0, help="replay speed [60: game 1001 lasts ~2 min]")
    parser.add_argument(
        "--lead", type=int, default=75, help="seconds from the replay's creation to kickoff [75]"
    )
    parser.add_argument(
        "--settle-timeout", type=float, default=1_200.0, help="seconds to wait for every payout [1200]"
    )
    parser.add_argument("--database-url", default=None, help="default: SQLite in the run's home")
    parser.add_argument("--keep", action="store_true", help="keep the run's home (chain, database, logs)")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="rollbook-e2e-"))
    try:
        report = run(args, home)
    except (BenchError, ObserverError, ProcessError, TimeoutError) as error:
        print(f"bench-e2e: {error}", file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    report |= {"rate": args.rate, "duration_s": args.duration, "bettors": args.bettors, "games": args.games}
    write_report(report)
    print(json.dumps(report, indent=2))
    misses = check_bounds(report)
    for miss in misses:
        print(f"MISSED {miss}", file=sys.stderr)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
