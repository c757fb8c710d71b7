"""Record `fixtures/history_logs.json`: the raw logs of the scripted history, for the offline unit tests.

Run `python -m tests.indexer.record_fixture` after a contract's events change. It deploys with
`ape run deploy` on a fresh anvil, plays `scripted_history` and saves, exactly as the node served
them, every `eth_getLogs` entry of the book, vault and oracle, the headers of the blocks that hold
them, and the event ABIs and addresses they decode with.
"""

import json
import tempfile
from pathlib import Path
from typing import Any

import requests

from scripts.deployment import load_deployment
from scripts.history import scripted_history
from scripts.localchain import Anvil, deploy_with_ape

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "history_logs.json"
CONTRACTS = ("book", "vault", "oracle")


def call(url: str, method: str, params: list[Any]) -> Any:
    reply = requests.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=30
    )
    return reply.json()["result"]


def record(path: Path = FIXTURE) -> None:
    with Anvil.start(accounts=20) as anvil, tempfile.TemporaryDirectory() as folder:
        deployment_file = Path(folder) / "local.json"
        deploy_with_ape(anvil, deployment_file)
        deployment = load_deployment(deployment_file, anvil.web3)
        scripted_history(anvil.web3, deployment)
        head = anvil.web3.eth.block_number
        addresses = [deployment.contracts[key].address for key in CONTRACTS]
        logs = call(
            anvil.url,
            "eth_getLogs",
            [{"fromBlock": hex(deployment.start_block), "toBlock": hex(head), "address": addresses}],
        )
        numbers = sorted({int(log["blockNumber"], 16) for log in logs})
        headers = [call(anvil.url, "eth_getBlockByNumber", [hex(n), False]) for n in numbers]
        fixture = {
            "chain_id": deployment.chain_id,
            "start_block": deployment.start_block,
            "head": head,
            "contracts": {
                key: {
                    "address": deployment.contracts[key].address,
                    "abi": [e for e in deployment.contracts[key].abi if e.get("type") == "event"],
                }
                for key in CONTRACTS
            },
            "logs": logs,
            "headers": [{k: h[k] for k in ("number", "hash", "parentHash", "timestamp")} for h in headers],
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {len(logs)} logs of blocks {deployment.start_block}..{head} to {path}")


if __name__ == "__main__":
    record()
