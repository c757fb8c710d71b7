"""`make bench-pricer`: how fast the pricer signs quotes, and how soon after a feed event new quotes are out.

1. Signing: `oracle.signing.sign_quote` (eth-account over coincurve) on `--quotes` quotes; then
   the whole per-market path (score distribution, grading, margin, odds, quote, signature) on a
   game of 15 markets, repeated; then a game's refresh from its first signature to the commit
   of its 15 rows in `published_quotes` (SQLite), when the API can read them.
2. Event to quotes: a real `python -m oracle pricer` process on its own anvil (`ape run deploy`),
   pricing one live game of 15 markets from a match-day file with a goal or a red card every
   `--gap` match minutes, replayed at `--speed`, anvil mining a block per transaction or, with
   `--block-time`, every that many seconds. For every event the latency is the time from
   the event's moment in the replay to the first row of the game's next epoch in
   `published_quotes` (`published_at_ms`, stamped just before the insert commits). It includes
   the feed poll (`watch_interval`, 0.1 s), `Book.suspend` mined on anvil, pricing and signing
   the 15 markets, and the insert.

Writes `reports/pricer.json` (with the load average the figures were taken under) and prints
the figures; exits 1 when the median latency is over 1 s or signing is under 500 quotes/s.
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from indexer import db
from indexer.models import PublishedQuote
from oracle.feeds.replay import ReplayFeed
from oracle.feeds.timeline import build_matchday
from oracle.keeper.config import DEFAULT_MARKETS
from oracle.keys import write_keystore
from oracle.pricing.engine import PricingPolicy, build_distribution, build_quote, price_market
from oracle.pricing.fair import MarketSpec
from oracle.pricing.publish import SignedQuote, insert_quotes
from oracle.pricing.simulate import build_league_ratings
from oracle.signing import Quote, sign_quote
from scripts.chain_setup import fund_vault
from scripts.deployment import load_deployment, local_account
from scripts.localchain import REPO, Anvil, Transactor, deploy_with_ape

REPORT = REPO / "reports" / "pricer.json"
GAME = 4242
HOME, AWAY = "Kingsbridge Rovers", "Ashford Town"
BOOK_ADDRESS = "0x" + "42" * 20
MIN_SIGNING_RATE = 500  # quotes/s: a refresh of 8 games x 15 markets signs in a quarter second
MAX_MEDIAN_LATENCY = 1.0  # seconds


def measure_signing(count: int) -> dict[str, float]:
    key = local_account("pricer").key
    quotes = [
        Quote(GAME << 8 | i % 15, 3, 2_000_000_000 + i, 10**9, (19_000, 19_500, 0)) for i in range(count)
    ]
    started = time.perf_counter()
    for quote in quotes:
        sign_quote(key, quote, 901, BOOK_ADDRESS)
    sign_rate = count / (time.perf_counter() - started)
    ratings, policy = build_league_ratings(), PricingPolicy()
    specs = [MarketSpec(kind, line) for kind, line in DEFAULT_MARKETS]
    rounds = max(count // len(specs), 1)
    started = time.perf_counter()
    for round_ in range(rounds):
        dist = build_distribution(ratings, HOME, AWAY, None, policy)
        for index, spec in enumerate(specs):
            odds = price_market(dist, spec, [round_, 0, 0], 10**10, policy.odds)
            sign_quote(
                key, build_quote(GAME << 8 | index, 0, 2_000_000_000, odds, 10**9, 20), 901, BOOK_ADDRESS
            )
    full_rate = rounds * len(specs) / (time.perf_counter() - started)
    return {"sign_quotes_per_second": round(sign_rate), "price_and_sign_quotes_per_second": round(full_rate)}


def measure_publish(workdir: Path, rounds: int = 50) -> dict[str, float]:
    """A game's refresh: 15 markets priced and signed, then inserted in one commit (SQLite, WAL).

    `sign_to_commit_ms` runs from the first signature of the refresh to its commit, the longest
    any of its quotes waits before the API can read it.
    """
    key, ratings, policy = local_account("pricer").key, build_league_ratings(), PricingPolicy()
    engine = db.build_engine(f"sqlite:///{workdir / 'publish.db'}")
    db.migrate(engine)
    durations = []
    for round_ in range(rounds):
        dist = build_distribution(ratings, HOME, AWAY, None, policy)
        started = None
        batch = []
        for index, (kind, line) in enumerate(DEFAULT_MARKETS):
            odds = price_market(dist, MarketSpec(kind, line), [round_, 0, 0], 10**10, policy.odds)
            quote = build_quote(GAME << 8 | index, 0, 2_000_000_000, odds, 10**9, 20)
            started = started or time.perf_counter()
            signature = sign_quote(key, quote, 901, BOOK_ADDRESS)
            batch.append(SignedQuote(GAME, quote, signature, local_account("pricer").address))
        insert_quotes(engine, batch)
        durations.append((time.perf_counter() - (started or 0)) * 1000)
    engine.dispose()
    durations.sort()
    return {
        "sign_to_commit_ms_median": round(statistics.median(durations), 1),
        "sign_to_commit_ms_p95": round(durations[int(0.95 * (len(durations) - 1))], 1),
    }


def build_match(gap: int) -> dict[str, Any]:
    """One match with a goal or red card every `gap` minutes (alternating sides)."""
    events: list[dict[str, Any]] = [{"minute": 0, "kind": "kickoff"}]
    home = away = 0
    for n, minute in enumerate(range(gap, 90, gap)):
        if minute == 45:
            continue
        side = "home" if n % 2 == 0 else "away"
        kind = "red_card" if n % 5 == 4 else "goal"
        if kind == "goal":
            home, away = home + (side == "home"), away + (side == "away")
        events.append({"minute": minute, "kind": kind, "side": side})
        if minute < 45 <= minute + gap:
            events.append({"minute": 45, "kind": "half_time"})
    events.append({"minute": 90, "kind": "full_time", "score": [home, away]})
    return {
        "name": "pricer bench",
        "matches": [{"game": GAME, "home": HOME, "away": AWAY, "kickoff": 0, "events": events}],
    }


def start_pricer(
    anvil: Anvil,
    deployment_file: Path,
    database: str,
    matchday: Path,
    start: float,
    speed: float,
    workdir: Path,
) -> subprocess.Popen[bytes]:
    keystore, password = workdir / "pricer.json", workdir / "pricer.password"
    write_keystore(keystore, bytes(local_account("pricer").key), "bench password", kdf="pbkdf2", iterations=2)
    password.write_text("bench password\n")
    password.chmod(0o600)
    env = {
        **os.environ,
        "ORACLE_CHAIN__RPC_URL": anvil.url,
        "ORACLE_CHAIN__DEPLOYMENT_FILE": str(deployment_file),
        "ORACLE_CHAIN__KEYSTORE": str(keystore),
        "ORACLE_CHAIN__PASSWORD_FILE": str(password),
        "ORACLE_CHAIN__POLL_INTERVAL": "0.05",  # receipt polls: the suspension is awaited
        "ORACLE_REPLAY__FILE": str(matchday),
        "ORACLE_REPLAY__START": str(start),
        "ORACLE_REPLAY__SPEED": str(speed),
        "ORACLE_PRICER__DATABASE_URL": database,
    }
    log = (workdir / "pricer.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "oracle", "pricer"], env=env, cwd=REPO, stdout=log, stderr=log
    )


def measure_event_latency(speed: float, gap: int, block_time: int, workdir: Path) -> dict[str, Any]:
    with Anvil.start() as anvil:
        deployment_file = workdir / "local.json"
        deploy_with_ape(anvil, deployment_file)
        deployment = load_deployment(deployment_file, anvil.web3)
        fund_vault(anvil.web3, deployment, 1_000_000 * 10**6)
        book, transactor, operator = (
            deployment.get_contract(anvil.web3, "book"),
            Transactor(anvil.web3),
            local_account("operator"),
        )
        transactor.send(
            book.functions.create_game(GAME, int(time.time()) + 3_600, 10**10, 5 * 10**10), operator
        )
        for kind, line in DEFAULT_MARKETS:
            transactor.send(book.functions.add_market(GAME, int(kind), line), operator)
        transactor.send(book.functions.set_live(GAME, True), operator)  # the keeper's step at kickoff
        if block_time:  # from here on a block every `block_time` seconds, as an L2 sequencer mines
            anvil.web3.provider.make_request("evm_setIntervalMining", [block_time])  # type: ignore[arg-type]
        database = f"sqlite:///{workdir / 'quotes.db'}"
        engine = db.build_engine(database)
        db.migrate(engine)
        raw = build_match(gap)
        matchday_file = workdir / "matchday.json"
        matchday_file.write_text(json.dumps(raw))
        start = time.time() + 12  # the process is up before kickoff
        feed = ReplayFeed(build_matchday(raw), start, speed)
        process = start_pricer(anvil, deployment_file, database, matchday_file, start, speed, workdir)
        try:
            end = feed.get_end_time(GAME) or start
            while time.time() < end + 2:
                if process.poll() is not None:
                    raise SystemExit((workdir / "pricer.log").read_text()[-3000:])
                time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=15)
        with engine.connect() as connection:
            table = PublishedQuote.__table__
            rows = connection.execute(
                select(table.c.epoch, table.c.published_at_ms).order_by(table.c.seq)
            ).all()
        engine.dispose()
    events = [e for e in feed.get_timeline(GAME).events if e.kind.value in ("goal", "red_card")]
    latencies = sorted(
        latency for e in events if (latency := get_latency(rows, feed.get_time(GAME, e.at))) is not None
    )
    return {
        "events": len(events),
        "events_requoted": len(latencies),
        "quotes_published": len(rows),
        "markets": len(DEFAULT_MARKETS),
        "event_to_quotes_seconds": {
            "median": round(statistics.median(latencies), 4) if latencies else None,
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 4) if latencies else None,
            "max": round(latencies[-1], 4) if latencies else None,
        },
    }


def get_latency(rows: Sequence[Any], event_time: float) -> float | None:
    """Seconds from `event_time` to the first row of an epoch newer than any published before it."""
    before = [epoch for epoch, at_ms in rows if at_ms / 1000 < event_time]
    last = max(before, default=-1)
    after = [at_ms / 1000 for epoch, at_ms in rows if at_ms / 1000 >= event_time and epoch > last]
    return min(after) - event_time if after else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_pricer", description=__doc__)
    parser.add_argument("--quotes", type=int, default=3_000, help="quotes signed for the signing rate")
    parser.add_argument("--speed", type=float, default=300.0, help="replay speed of the bench match")
    parser.add_argument("--gap", type=int, default=4, help="match minutes between events")
    parser.add_argument("--block-time", type=int, default=0, help="seconds per block; 0 = a block per tx")
    args = parser.parse_args(argv)
    signing = measure_signing(args.quotes)
    print(
        f"signing: {signing['sign_quotes_per_second']:,} quotes/s; pricing + signing "
        f"{signing['price_and_sign_quotes_per_second']:,} quotes/s",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="rollbook-bench-pricer-") as tmp:
        publish = measure_publish(Path(tmp))
        print(
            "a game's 15 quotes, first signature to commit: "
            f"median {publish['sign_to_commit_ms_median']} ms, p95 {publish['sign_to_commit_ms_p95']} ms",
            flush=True,
        )
        latency = measure_event_latency(args.speed, args.gap, args.block_time, Path(tmp))
    figures = latency["event_to_quotes_seconds"]
    print(
        f"event to quotes: {latency['events_requoted']}/{latency['events']} events, "
        f"median {figures['median']} s, p95 {figures['p95']} s, max {figures['max']} s "
        f"({latency['markets']} markets)"
    )
    REPORT.parent.mkdir(exist_ok=True)
    report = {
        "signing": signing,
        "publish": publish,
        "event_latency": latency,
        "block_time": args.block_time,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {REPORT}")
    median = figures["median"]
    is_ok = (
        signing["sign_quotes_per_second"] >= MIN_SIGNING_RATE
        and median is not None
        and median <= MAX_MEDIAN_LATENCY
    )
    return 0 if is_ok else 1


if __name__ == "__main__":
    sys.exit(main())
