"""`make bench-reporter`: final whistle to *proposed* on chain with three reporter nodes, and gas per game.

Starts its own anvil (chain id 901) and deploys with `ape run deploy` (3 local reporters, quorum
2), then makes the chain mine a block every second, as an L2 does. Lists every match of the
shipped match day (`oracle/feeds/data/matchday.json`) on chain at its replayed kickoff, starts
three real `python -m oracle reporter` processes (replay feed at SPEED, grace 0, poll 0.25 s),
which know each other as peers and bundle their signatures (`--solo`: no peers, each node votes
alone), and watches each game until it is proposed. For each game it records:

- `latency_s`: host time when the game was first seen proposed minus the feed's final whistle
  (full time, abandonment or postponement);
- `block_latency_s`: the proposing block's timestamp minus the final whistle (whole seconds);
- `gas`: the sum of `gasUsed` over every reporter transaction for that game, and their count
  and signatures.

Writes `reports/reporter.json` and prints a summary.
"""

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from oracle.feeds.replay import ReplayFeed
from oracle.feeds.timeline import MATCHDAY_FILE, load_matchday
from oracle.reporter.localnet import start_node, write_local_keystore, write_node_config
from scripts.deployment import load_deployment, local_account
from scripts.localchain import REPO, Anvil, Transactor, deploy_with_ape, get_free_port

REPORT = REPO / "reports" / "reporter.json"
STATE_PROPOSED = 4
ONE = 10**6
STAGGER_BLOCKS = 3  # the nodes' default


def deploy(anvil: Anvil, folder: Path) -> Path:
    path = folder / "local.json"
    return deploy_with_ape(anvil, path, "--challenge-window", "60")


def start_nodes(
    anvil: Anvil, deployment_file: Path, folder: Path, start: float, speed: float, solo: bool
) -> list[Any]:
    processes = []
    ports = [get_free_port() for _ in range(3)]
    for index in range(3):
        peers = [] if solo else [f"http://127.0.0.1:{port}" for i, port in enumerate(ports) if i != index]
        keystore, password = write_local_keystore(folder / "keys", f"reporter {index}", "pbkdf2", 1_000)
        node = folder / f"reporter-{index}"
        config = write_node_config(
            node / "node.toml",
            {
                "node": {
                    "name": f"reporter-{index}",
                    "store": str(node / "signatures.sqlite"),
                    "poll_interval": 0.25,
                    "grace_seconds": 0,
                },
                "chain": {
                    "rpc_url": anvil.url,
                    "deployment_file": str(deployment_file),
                    "keystore": str(keystore),
                    "password_file": str(password),
                    "poll_interval": 0.05,
                },
                "peers": {"urls": peers, "stagger_blocks": STAGGER_BLOCKS},
                "replay": {"start": start, "speed": speed},
                "service": {"metrics_port": ports[index], "log_level": "WARNING"},
            },
            [{"kind": "replay", "name": "replay", "file": str(MATCHDAY_FILE)}],
        )
        processes.append(start_node(config, node / "node.log"))
    return processes


def fetch_gas(anvil: Anvil, oracle: Any, first_block: int) -> dict[int, tuple[int, int, int]]:
    """Game -> (gas, transactions, signatures) over every report_result mined since `first_block`."""
    web3 = anvil.web3
    gas: dict[int, tuple[int, int, int]] = {}
    for number in range(first_block, web3.eth.block_number + 1):
        transactions: list[Any] = list(web3.eth.get_block(number, full_transactions=True)["transactions"])
        for tx in transactions:
            if tx["to"] != oracle.address:
                continue
            _, args = oracle.decode_function_input(tx["input"])
            game = int(args["result"]["game"])
            used = int(web3.eth.get_transaction_receipt(tx["hash"])["gasUsed"])
            total, count, signatures = gas.get(game, (0, 0, 0))
            gas[game] = (total + used, count + 1, signatures + len(args["signatures"]))
    return gas


def run(speed: float, lead: float, solo: bool) -> dict[str, Any]:
    with Anvil.start(accounts=4) as anvil, tempfile.TemporaryDirectory(prefix="bench-reporter-") as tmp:
        folder = Path(tmp)
        deployment = load_deployment(deploy(anvil, folder), anvil.web3)
        anvil.web3.provider.make_request("evm_setIntervalMining", [1])  # type: ignore[arg-type]
        feed = ReplayFeed(load_matchday(), time.time() + lead, speed)
        book = deployment.get_contract(anvil.web3, "book")
        oracle = deployment.get_contract(anvil.web3, "oracle")
        transactor, operator = Transactor(anvil.web3), local_account("operator")
        for game in feed.games:
            kickoff = int(feed.get_kickoff_time(game)) + 1
            transactor.send(book.functions.create_game(game, kickoff, 10**5 * ONE, 10**6 * ONE), operator)
        first_block = anvil.web3.eth.block_number
        processes = start_nodes(anvil, folder / "local.json", folder, feed.start, speed, solo)
        seen: dict[int, float] = {}
        deadline = feed.start + max(feed.get_end_time(g) or 0 for g in feed.games) - feed.start + 120
        try:
            while len(seen) < len(feed.games) and time.time() < deadline:
                for game in feed.games:
                    if game not in seen and book.functions.game(game).call()[2] >= STATE_PROPOSED:
                        seen[game] = time.time()
                time.sleep(0.05)
        finally:
            for process in processes:
                process.terminate()
                process.wait(10)
        gas = fetch_gas(anvil, oracle, first_block)
        proposed = {
            int(e["args"]["game"]): int(anvil.web3.eth.get_block(e["blockNumber"])["timestamp"])
            for e in book.events.ResultProposed().get_logs(from_block=first_block)
        }
    games: list[dict[str, Any]] = []
    for game in feed.games:
        end = feed.get_end_time(game)
        assert end is not None
        games.append(
            {
                "game": game,
                "status": feed.get_state(game, end).status.value,
                "latency_s": round(seen[game] - end, 3) if game in seen else None,
                "block_latency_s": proposed[game] - end if game in proposed else None,
                "gas": gas.get(game, (0, 0, 0))[0],
                "transactions": gas.get(game, (0, 0, 0))[1],
                "signatures": gas.get(game, (0, 0, 0))[2],
            }
        )
    latencies: list[float] = [g["latency_s"] for g in games if g["latency_s"] is not None]
    gases: list[int] = [g["gas"] for g in games if g["gas"]]
    return {
        "load_average": [round(x, 2) for x in os.getloadavg()],  # the machine is shared
        "nodes": 3,
        "quorum": 2,
        "peers": not solo,
        "stagger_blocks": STAGGER_BLOCKS,
        "speed": speed,
        "block_time_s": 1,
        "poll_interval_s": 0.25,
        "grace_s": 0,
        "games": games,
        "proposed": len(latencies),
        "latency_s": {"median": statistics.median(latencies), "max": max(latencies)} if latencies else None,
        "gas_per_game": {"median": statistics.median(gases), "max": max(gases)} if gases else None,
        "transactions_per_game": {"max": max(g["transactions"] for g in games)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--speed", type=float, default=600.0, help="match seconds per real second")
    parser.add_argument("--lead", type=float, default=15.0, help="seconds until the day's first kickoff")
    parser.add_argument("--solo", action="store_true", help="nodes without peers: each votes alone")
    parser.add_argument("--out", type=Path, default=REPORT, help=f"report file [{REPORT.relative_to(REPO)}]")
    args = parser.parse_args()
    report = run(args.speed, args.lead, args.solo)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    for game in report["games"]:
        print(
            f"game {game['game']} {game['status']:>9}: {game['latency_s']} s after the whistle, "
            f"{game['gas']} gas in {game['transactions']} transactions ({game['signatures']} signatures)"
        )
    print(
        f"proposed {report['proposed']}/{len(report['games'])}; latency {report['latency_s']}; "
        f"gas per game {report['gas_per_game']}; transactions per game {report['transactions_per_game']}; "
        f"wrote {args.out}"
    )
    return 0 if report["proposed"] == len(report["games"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
