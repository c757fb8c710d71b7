"""`python -m indexer verify`: the database against the contracts' view functions at one block.

The database side is the API's views, rendered over the event tables cut at the block; the chain
side is batched `eth_call`s at that block. Checked: every account's balance and bet count, every
open bet is open, every market's nets, reserve and upside, every game's state, epoch, score,
reserve and market count, the vault's assets, share supply and LP balances, and the book's
headroom (vault assets minus open reserves) and upside.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from sqlalchemy import Engine, text

from indexer import db
from indexer.decode import build_type
from indexer.exceptions import ConfigError
from indexer.models import EVENT_TABLES
from indexer.rpc import RpcClient
from indexer.views import build_view_sql
from scripts.deployment import Deployment

PROPOSED, FINAL = 4, 6  # game states (contracts/constants.vy)


@dataclass
class Report:
    block: int
    checked: dict[str, int] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    def compare(self, what: str, key: Any, in_db: Any, on_chain: Any) -> None:
        self.checked[what] = self.checked.get(what, 0) + 1
        if in_db != on_chain:
            self.mismatches.append(f"{what} {key}: database {in_db!r} != chain {on_chain!r}")

    def to_text(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.checked.items())
        lines = [f"verify at block {self.block}: checked {counts}"]
        lines += [f"MISMATCH {line}" for line in self.mismatches]
        lines.append("FAILED" if self.mismatches else "OK: the database matches the chain")
        return "\n".join(lines)


class Caller:
    """Batched view calls of the deployment's contracts at one block, encoded from their ABIs."""

    def __init__(self, rpc: RpcClient, deployment: Deployment, block: int):
        self.rpc, self.deployment, self.block = rpc, deployment, block
        self.pending: list[tuple[str, str, list[dict[str, Any]]]] = []

    def add(self, contract: str, function: str, *args: Any) -> None:
        info = self.deployment.contracts[contract]
        abi = next(e for e in info.abi if e.get("type") == "function" and e["name"] == function)
        types = [build_type(a) for a in abi["inputs"]]
        selector = keccak(text=f"{function}({','.join(types)})")[:4]
        data = "0x" + (selector + abi_encode(types, list(args))).hex()
        self.pending.append((info.address, data, abi["outputs"]))

    def run(self) -> list[Any]:
        """Results in the order added: one value, or a struct as a dict by member name."""
        raws = self.rpc.call_many([(to, data) for to, data, _ in self.pending], self.block)
        results = []
        for (_, _, outputs), raw in zip(self.pending, raws, strict=True):
            (value,) = abi_decode([build_type(o) for o in outputs], raw)
            if outputs[0]["type"] == "tuple":
                value = {c["name"]: v for c, v in zip(outputs[0]["components"], value, strict=True)}
            results.append(value)
        self.pending = []
        return results


def verify(engine: Engine, rpc: RpcClient, deployment: Deployment, block: int | None = None) -> Report:
    """Compare the database with the chain at `block` (default: the cursor)."""
    with engine.connect() as connection:
        cursor = db.load_cursor(connection, deployment.chain_id, deployment.book.address.lower())
        if cursor is None:
            raise ConfigError("the database has not indexed this deployment yet: run the indexer first")
        if block is None:
            block = cursor.number
        if block > cursor.number:
            raise ConfigError(f"the database is at block {cursor.number}: verify at or below it")
        views = build_view_sql(engine.dialect.name, EVENT_TABLES, max_block=block)
        state = {
            name: [dict(r._mapping) for r in connection.execute(text(sql))] for name, sql in views.items()
        }
    report = Report(block)
    caller = Caller(rpc, deployment, block)
    check_accounts(report, caller, state["account_balances"], state["bets"])
    check_markets(report, caller, state["markets"])
    check_games(report, caller, state["games"])
    check_vault(report, caller, state["vault_history"], state["vault_accounts"], state["games"])
    return report


def check_accounts(report: Report, caller: Caller, accounts: Sequence[dict], bets: Sequence[dict]) -> None:
    for account in accounts:
        caller.add("book", "balanceOf", account["account"])
        caller.add("book", "bet_nonce", account["account"])
    results = caller.run()
    for i, account in enumerate(accounts):
        report.compare("balance", account["account"], int(account["balance"]), results[2 * i])
        report.compare("bet count", account["account"], int(account["bet_count"]), results[2 * i + 1])
    open_bets = [bet for bet in bets if bet["paid_block"] is None]
    for bet in open_bets:
        fields = ("nonce", "market", "outcome", "stake", "payout")
        caller.add("book", "is_open", (to_checksum_address(bet["bettor"]), *(int(bet[f]) for f in fields)))
    for bet, is_open in zip(open_bets, caller.run(), strict=True):
        report.compare("open bet", bet["bet_id"], True, is_open)


def check_markets(report: Report, caller: Caller, markets: Sequence[dict]) -> None:
    for market in markets:
        caller.add("book", "market", market["market"])
    for market, view in zip(markets, caller.run(), strict=True):
        key = market["market"]
        report.compare("market nets", key, [int(market[f"net_{o}"]) for o in range(3)], list(view["nets"]))
        report.compare("market reserve", key, int(market["reserve"]), view["reserve"])
        report.compare("market upside", key, int(market["upside"]), view["upside"])


def check_games(report: Report, caller: Caller, games: Sequence[dict]) -> None:
    for game in games:
        caller.add("book", "game", game["game"])
    for game, view in zip(games, caller.run(), strict=True):
        key, state = game["game"], game["state"]
        report.compare("game state", key, state, view["state"])
        report.compare("game epoch", key, game["epoch"], view["epoch"])
        report.compare("game markets", key, game["market_count"], view["market_count"])
        if state < PROPOSED or state == FINAL:  # in between, the Book holds the reserve in `headroom` only
            report.compare("game reserve", key, int(game["reserve"]), view["reserve"])
        if state >= PROPOSED:
            report.compare("game score", key, (game["home"], game["away"]), (view["home"], view["away"]))
            report.compare("game cancelled", key, game["result_status"] == 2, view["cancelled"])


def check_vault(
    report: Report, caller: Caller, history: Sequence[dict], lps: Sequence[dict], games: Sequence[dict]
) -> None:
    last = max(history, key=lambda e: (e["block_number"], e["log_index"]), default=None)
    assets = 0 if last is None else int(last["total_assets"])
    supply = 0 if last is None else int(last["total_supply"])
    open_reserve = sum(int(g["reserve"]) for g in games)
    open_upside = sum(int(g["upside"]) for g in games)
    for function in ("totalAssets", "totalSupply"):
        caller.add("vault", function)
    for function in ("headroom", "upside"):
        caller.add("book", function)
    for lp in lps:
        caller.add("vault", "balanceOf", lp["account"])
    total_assets, total_supply, headroom, upside, *shares = caller.run()
    report.compare("vault assets", "", assets, total_assets)
    report.compare("vault shares", "", supply, total_supply)
    report.compare("book headroom", "", assets - open_reserve, headroom)
    report.compare("book upside", "", open_upside, upside)
    for lp, on_chain in zip(lps, shares, strict=True):
        report.compare("lp shares", lp["account"], int(lp["shares"]), on_chain)
