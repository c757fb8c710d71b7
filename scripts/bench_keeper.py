"""`make bench-keeper`: how fast the keeper pays every bet of a big final game.

Starts its own anvil (chain id 901) and deploys a system with the bytecode `ape run deploy`
ships (as `make bench-gas` does). Two games each take `--bets` winning bets (home win, 1X2) from
`--bettors` bettors, sent as raw signed transactions in JSON-RPC batches; a 2-of-3 result
settles both and the keeper's operator finalizes them. Then anvil mines a block every
`--block-time` seconds, as an L2 does, and the keeper's pay step (`Keeper.pay`, what
`python -m oracle keeper` runs for a final game) pays each game: it reads the game's
`BetPlaced` logs and `is_open` flags, then sends `settle_bets` batches of 200, one at a time
for the first game and `settle_in_flight` (8) at a time for the second.

Prints and writes to `reports/keeper.json` the time of each read, of each game's whole pay step,
and bets paid per second; exits 1 unless every bet was paid.
"""

import argparse
import json
import os
import sys
import time
from typing import Any

from eth_account.signers.local import LocalAccount
from prometheus_client import CollectorRegistry

from oracle.chain import TxSender
from oracle.config import ChainSettings
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import MATCHDAY_FILE, load_matchday
from oracle.keeper.book import BookReader
from oracle.keeper.config import KeeperSettings
from oracle.keeper.keeper import Keeper, KeeperMetrics
from oracle.markets import Kind, ResultStatus
from oracle.signing import GameResult, Quote, sign_quote, sign_result
from scripts.deployment import local_account
from scripts.localchain import REPO, Anvil, Transactor, anvil_account, load_artifacts, web3_deployer
from scripts.rawtx import Encoder, Rpc, Wallet, fetch_receipts, send_raw
from scripts.system import SystemConfig, deploy_system

REPORT = REPO / "reports" / "keeper.json"
ONE = 10**6  # one MockUSD
STAKE = 10 * ONE
ODDS = (19_500, 34_000, 41_000)
GAMES = (1, 2)
SEND_CHUNK = 300  # raw transactions per JSON-RPC batch, mined before the next
ADMIN, OPERATOR, LP, KEEPER = (anvil_account(i) for i in range(4))
PRICER = local_account("pricer")
REPORTERS = sorted((local_account(f"reporter {i}") for i in range(3)), key=lambda a: int(a.address, 16))


class Chain:
    """The deployed system and raw-transaction senders for its bettors."""

    def __init__(self, anvil: Anvil):
        self.anvil = anvil
        self.web3 = anvil.web3
        self.transactor = Transactor(anvil.web3)
        self.rpc = Rpc(anvil.url)
        config = SystemConfig(
            reporters=[r.address for r in REPORTERS],
            quorum=2,
            pricers=[PRICER.address],
            operators=[OPERATOR.address],
            guardian=ADMIN.address,
        )
        deploy = web3_deployer(
            self.transactor, load_artifacts(("MockUSD", "Book", "Vault", "ResultOracle")), ADMIN
        )
        self.start_block = self.web3.eth.block_number + 1
        contracts = deploy_system(deploy, config, sender=ADMIN)
        self.token, self.book, self.vault, self.oracle = (
            contracts[k] for k in ("token", "book", "vault", "oracle")
        )

    def set_block_time(self, seconds: int) -> None:
        """Mine a block every `seconds` (0: a block per transaction, for the setup's single calls)."""
        request = self.web3.provider.make_request
        if seconds:
            request("evm_setAutomine", [False])  # type: ignore[arg-type]
            request("evm_setIntervalMining", [seconds])  # type: ignore[arg-type]
        else:
            request("evm_setIntervalMining", [0])  # type: ignore[arg-type]
            request("evm_setAutomine", [True])  # type: ignore[arg-type]

    def send_all(self, raws: list[tuple[str, bytes]]) -> None:
        """Send signed transactions in batches, many to a block, until every one is mined with status 1."""
        self.set_block_time(1)
        try:
            self._send_all(raws)
        finally:
            self.set_block_time(0)

    def _send_all(self, raws: list[tuple[str, bytes]]) -> None:
        # a chunk at a time, each mined before the next: anvil's pool drops some of a deep backlog
        for start in range(0, len(raws), SEND_CHUNK):
            chunk = raws[start : start + SEND_CHUNK]
            errors = [e for e in send_raw(self.rpc, [raw for raw, _ in chunk]) if e is not None]
            if errors:
                raise RuntimeError(f"{len(errors)} transactions refused, the first: {errors[0]}")
            self.wait_mined([h for _, h in chunk])

    def wait_mined(self, hashes: list[bytes]) -> None:
        deadline = time.monotonic() + 60
        while hashes:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(hashes)} transactions not mined")
            time.sleep(0.1)
            receipts = fetch_receipts(self.rpc, hashes)
            failed = [r for r in receipts if r is not None and r["status"] != "0x1"]
            if failed:
                first = failed[0]["transactionHash"]
                raise RuntimeError(f"{len(failed)} transactions reverted, the first: {first}")
            hashes = [h for h, r in zip(hashes, receipts, strict=True) if r is None]

    def prepare_bettors(self, count: int, bets: int) -> list[Wallet]:
        wallets = [
            Wallet(local_account(f"keeper bench bettor {i}"), self.anvil.web3.eth.chain_id)
            for i in range(count)
        ]
        each = -(-bets * len(GAMES) // count) * STAKE
        for wallet in wallets:
            self.web3.provider.make_request("anvil_setBalance", [wallet.address, hex(10**20)])  # type: ignore[arg-type]
        token, book = self.token.contract, self.book.contract
        faucet, approve, deposit = (
            Encoder(c.abi, n) for c, n in ((token, "faucet"), (token, "approve"), (book, "deposit"))
        )
        raws = []
        for wallet in wallets:
            raws.append(wallet.sign(token.address, faucet.build(each), 120_000))
            raws.append(wallet.sign(token.address, approve.build(book.address, each), 80_000))
            raws.append(wallet.sign(book.address, deposit.build(each), 120_000))
        self.send_all(raws)
        return wallets

    def open_game(self, game: int) -> None:
        kickoff = self.anvil.get_timestamp() + 3_600
        self.book.create_game(game, kickoff, 10**8 * ONE, 10**9 * ONE, sender=OPERATOR)
        self.book.add_market(game, int(Kind.ONE_X_TWO), 0, sender=OPERATOR)

    def place_bets(self, game: int, wallets: list[Wallet], bets: int) -> None:
        market = game << 8
        quote = Quote(market, 0, self.anvil.get_timestamp() + 3_000, 10**5 * ONE, ODDS)
        signature = sign_quote(PRICER.key, quote, self.anvil.web3.eth.chain_id, self.book.address)
        place = Encoder(self.book.contract.abi, "place_bet")
        data = place.build(quote.as_tuple(), signature.as_tuple(), 0, STAKE, 0)
        self.send_all([wallets[i % len(wallets)].sign(self.book.address, data, 200_000) for i in range(bets)])

    def settle_result(self) -> None:
        """Both games end 2-1; the result is proposed, the window passes, the operator finalizes."""
        chain_id = self.anvil.web3.eth.chain_id
        self.anvil.increase_time(3_601)  # past kickoff
        for game in GAMES:
            result = GameResult(game=game, status=int(ResultStatus.FINAL), home=2, away=1)
            signatures = [
                sign_result(r.key, result, chain_id, self.oracle.address).as_tuple() for r in REPORTERS[:2]
            ]
            self.oracle.report_result(result.as_tuple(), signatures, sender=KEEPER)
        self.anvil.increase_time(self.book.challenge_window() + 1)
        for game in GAMES:
            self.book.finalize(game, sender=KEEPER)


def build_keeper(chain: Chain, in_flight: int, operator: LocalAccount) -> Keeper:
    settings = ChainSettings(rpc_url=chain.anvil.url, stuck_after=120)
    web3 = chain.web3
    book = chain.book.contract
    reader = BookReader(web3, book, chain.anvil.url, chain.start_block, 50_000)
    sender = TxSender(web3, operator, web3.eth.chain_id, settings)
    source = ReplaySource(ReplayFeed(load_matchday(MATCHDAY_FILE), 0, 1))  # the pay step never reads it
    keeper_settings = KeeperSettings(settle_in_flight=in_flight)
    return Keeper(
        reader, book, sender, source, keeper_settings, ONE, KeeperMetrics.build(CollectorRegistry())
    )


def pay(chain: Chain, game: int, in_flight: int) -> dict[str, Any]:
    keeper = build_keeper(chain, in_flight, OPERATOR)
    reader = keeper.reader
    head, _ = reader.fetch_head()
    view = reader.fetch_games([game])[game]
    started = time.monotonic()
    bets = reader.fetch_bets(game, view.market_count, head)
    read_logs = time.monotonic() - started
    started = time.monotonic()
    open_bets = reader.fetch_open(bets)
    read_open = time.monotonic() - started
    started = time.monotonic()
    unpaid = keeper.pay(view, head)
    seconds = time.monotonic() - started
    still_open = len(reader.fetch_open(bets))
    return {
        "in_flight": in_flight,
        "bets": len(bets),
        "open_before": len(open_bets),
        "paid": unpaid - still_open,
        "still_open": still_open,
        "read_logs_s": round(read_logs, 2),
        "read_open_s": round(read_open, 2),
        "pay_step_s": round(seconds, 2),
        "bets_paid_per_s": round((unpaid - still_open) / seconds, 1),
        "transactions": -(-unpaid // 200),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_keeper", description=__doc__)
    parser.add_argument("--bets", type=int, default=4_000, help="winning bets per game")
    parser.add_argument("--bettors", type=int, default=1_000)
    parser.add_argument("--block-time", type=int, default=1, help="seconds between blocks while paying")
    args = parser.parse_args(argv)
    with Anvil.start(accounts=10) as anvil:
        chain = Chain(anvil)
        chain.token.faucet(10**6 * ONE, sender=LP)
        chain.token.approve(chain.vault.address, 10**6 * ONE, sender=LP)
        chain.vault.deposit(10**6 * ONE, LP.address, sender=LP)
        wallets = chain.prepare_bettors(args.bettors, args.bets)
        for game in GAMES:
            chain.open_game(game)
            chain.place_bets(game, wallets, args.bets)
        chain.settle_result()
        chain.set_block_time(args.block_time)
        runs = [pay(chain, GAMES[0], 1), pay(chain, GAMES[1], 8)]
    report = {"block_time_s": args.block_time, "load_average_1m": round(os.getloadavg()[0], 1), "runs": runs}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'in flight':>9} {'bets':>6} {'logs s':>7} {'is_open s':>9} {'pay step s':>10} {'paid/s':>8}")
    for run in runs:
        print(
            f"{run['in_flight']:>9} {run['bets']:>6} {run['read_logs_s']:>7} {run['read_open_s']:>9}"
            f" {run['pay_step_s']:>10} {run['bets_paid_per_s']:>8}"
        )
    load = report["load_average_1m"]
    print(f"blocks every {args.block_time} s, load {load}; wrote {REPORT.relative_to(REPO)}")
    unpaid = [run for run in runs if run["still_open"] or run["paid"] != run["bets"]]
    if unpaid:
        print(f"not every bet was paid: {unpaid}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
