"""`make bench-indexer`: backfill throughput of the indexer, into PostgreSQL and into SQLite.

Starts its own anvil (chain id 901), deploys with `ape run deploy`, plays the indexer tests'
scripted history, then `bulk_bets` live bets on one game, reports and finalizes that game and
pays every bet with `settle_bets` batches of 256 (one `BetSettled` each): at the default 25,000
bets that is over 50,000 events. Then it backfills from an empty database with the indexer's
default settings and times only the backfill (after the schema migration, until the cursor
reaches the head). Writes `reports/indexer.json` (the PostgreSQL figure), prints both figures
and exits 1 when PostgreSQL is below 5,000 events/s.

PostgreSQL is the server at INDEXER_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres);
the benchmark creates a throwaway database there and drops it.
"""

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from web3 import Web3

from indexer import db
from indexer.config import Settings
from indexer.follower import Follower, load_target
from indexer.metrics import Metrics
from indexer.rpc import RpcClient
from scripts.deployment import Deployment, load_deployment
from scripts.history import Player, bulk_bets, operator, reporters, scripted_history
from scripts.localchain import REPO, Anvil, deploy_with_ape

REPORT = REPO / "reports" / "indexer.json"
POSTGRES = os.environ.get("INDEXER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
GOAL = 5_000  # events/s into PostgreSQL (DESIGN §5)
GAME = 104  # the game `bulk_bets` bets on
BATCH = 256  # MAX_BATCH of settle_bets


def build_chain(anvil: Anvil, bets: int, workdir: Path) -> tuple[Path, int]:
    """Deploy, play the history and the bulk bets, settle them; the deployment file and the head."""
    path = workdir / "local.json"
    deploy_with_ape(anvil, path)
    web3 = anvil.web3
    deployment = load_deployment(path, web3)
    scripted_history(web3, deployment)
    started = time.monotonic()
    first = web3.eth.block_number + 1
    bulk_bets(web3, deployment, bets)
    print(f"  {bets:,} bets placed in {time.monotonic() - started:.0f} s", flush=True)
    settle_all(web3, deployment, first)
    return path, web3.eth.block_number


def settle_all(web3: Web3, deployment: Deployment, first: int) -> None:
    """Report and finalize the bulk game, then pay all its bets in batches of 256."""
    p = Player(web3, deployment)
    p.report(GAME, 1, 1, 0, reporters[:2])
    p.travel(deployment.params.challenge_window)
    p.send(p.book.functions.finalize(GAME), operator)
    placed = p.book.events.BetPlaced().get_logs(from_block=first, to_block=web3.eth.block_number)
    bets = [
        (a.bettor, a.nonce, a.market, a.outcome, a.stake, a.payout)
        for a in (log.args for log in placed)
        if a.market >> 8 == GAME
    ]
    started = time.monotonic()
    for start in range(0, len(bets), BATCH):
        p.send(p.book.functions.settle_bets(bets[start : start + BATCH]), operator)
    print(f"  {len(bets):,} bets settled in {time.monotonic() - started:.0f} s", flush=True)


def backfill(url: str, rpc_url: str, deployment_file: Path, head: int) -> dict[str, object]:
    """Index from an empty database to `head`; time only the backfill."""
    settings = Settings(rpc_url=rpc_url, database_url=url, deployment_file=deployment_file, metrics_port=0)
    engine = db.build_engine(settings.database_url)
    metrics = Metrics()
    follower = Follower(settings, load_target(settings), RpcClient(settings.rpc_url), engine, metrics)
    try:
        follower.prepare()  # migration and cursor: not timed
        started = time.perf_counter()
        while not follower.run_cycle():
            pass
        seconds = time.perf_counter() - started
        assert follower.cursor.number == head, (follower.cursor.number, head)
    finally:
        follower.close()
        engine.dispose()
    events = int(metrics.registry.get_sample_value("indexer_events_total") or 0)
    return {
        "events": events,
        "seconds": round(seconds, 3),
        "events_per_s": round(events / seconds),
        "backend": engine.dialect.name,
    }


def backfill_postgres(rpc_url: str, deployment_file: Path, head: int) -> dict[str, object]:
    name = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    try:
        url = POSTGRES.rsplit("/", 1)[0] + f"/{name}"
        return backfill(url, rpc_url, deployment_file, head)
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bets", type=int, default=25_000, help="bulk bets (each also settled: 2 events)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Anvil.start(accounts=20) as anvil:
        workdir = Path(tmp)
        print(f"building the chain ({args.bets:,} bets) ...", flush=True)
        deployment_file, head = build_chain(anvil, args.bets, workdir)
        print("backfilling into PostgreSQL ...", flush=True)
        postgres = backfill_postgres(anvil.url, deployment_file, head)
        print("backfilling into SQLite ...", flush=True)
        sqlite = backfill(f"sqlite:///{workdir / 'bench.db'}", anvil.url, deployment_file, head)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(postgres, indent=2) + "\n")
    for figures in (postgres, sqlite):
        print(
            f"{figures['backend']:<11} {figures['events']:>7,} events in {figures['seconds']:>7.2f} s"
            f" = {figures['events_per_s']:>7,} events/s"
        )
    print(f"wrote {REPORT.relative_to(REPO)}")
    if int(postgres["events_per_s"]) < GOAL:  # type: ignore[call-overload]
        print(f"PostgreSQL backfill below the goal of {GOAL:,} events/s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
