"""`make bench-gas`: gas of the hot paths, measured as real transactions on a local anvil.

Starts its own anvil (chain id 901), deploys two systems through
`scripts.system.deploy_system` with the bytecode `ape run deploy` ships
(3 reporters with quorum 2, and 5 with quorum 3), plays one game day as
signed transactions and reads `gasUsed` from each receipt. Writes
`reports/gas.json`, prints every figure next to its bound and exits 1
if one is over. docs/benchmarks.md describes each scenario.
"""

import json
import sys
from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount

from oracle.markets import Bet, Grade, Kind, ResultStatus, amount_due, grade, payout_for
from oracle.signing import GameResult, Permit, Quote, sign_permit, sign_quote, sign_result
from scripts.deployment import local_account
from scripts.localchain import (
    REPO,
    Anvil,
    Handle,
    Transactor,
    anvil_account,
    load_artifacts,
    web3_deployer,
)
from scripts.system import SystemConfig, deploy_system

REPORT = REPO / "reports" / "gas.json"
BOUNDS: dict[str, int | None] = {
    "place_bet": 80_000,
    "deposit_and_bet_permit": 120_000,
    "report_result_2of3": 65_000,
    "report_result_3of5": 75_000,
    "finalize": None,
    "settle_batch_per_bet": 15_000,
    "claim": 50_000,
}
EIP170_LIMIT = 24_576  # bytes of runtime code a contract may have
ONE = 10**6  # one MockUSD
STAKE = 10 * ONE
BATCH = 100  # winning bets, from as many bettors, in the measured settle_bets call
CROWD_FIRST_ACCOUNT = 10  # anvil accounts 10 .. 10 + BATCH - 1 are the crowd
GAME = 1
STATE_PROPOSED = 4  # contracts/constants.vy
HOME, AWAY = 2, 1  # the score reported: outcome 0 wins every market below
# a typical fixture: 1X2, moneyline, totals 2.5, home -0.5 (lines in quarter units)
MARKETS = ((Kind.ONE_X_TWO, 0), (Kind.MONEYLINE, 0), (Kind.TOTALS, 10), (Kind.HANDICAP, -2))
ODDS = {Kind.ONE_X_TWO: (19_500, 34_000, 41_000)}
TWO_WAY_ODDS = (19_000, 19_000, 0)
# who does what: anvil's pre-funded accounts pay gas; pricer and reporters only sign
ADMIN, OPERATOR, GUARDIAN, LP, KEEPER, BETTOR, NEWCOMER = (anvil_account(i) for i in range(7))
PRICER = local_account("pricer")


@dataclass
class System:
    token: Handle
    book: Handle
    vault: Handle
    oracle: Handle
    reporters: list[LocalAccount]  # sorted by address


class Bench:
    def __init__(self, anvil: Anvil, transactor: Transactor, artifacts: dict[str, Any]):
        self.anvil = anvil
        self.transactor = transactor
        self.deploy = web3_deployer(transactor, artifacts, ADMIN)
        self.chain_id = transactor.chain_id
        self.quotes: dict[int, tuple[Quote, tuple[int, int, int]]] = {}
        self.returning_permit_bet = 0
        self.second_of_pair_bet = 0
        self.book_code_size = 0

    def deploy_system(self, n_reporters: int, quorum: int) -> System:
        reporters = sorted(
            (local_account(f"reporter {i}") for i in range(n_reporters)), key=lambda a: int(a.address, 16)
        )
        config = SystemConfig(
            reporters=[r.address for r in reporters],
            quorum=quorum,
            pricers=[PRICER.address],
            operators=[OPERATOR.address],
            guardian=GUARDIAN.address,
        )
        contracts = deploy_system(self.deploy, config, sender=ADMIN)
        return System(reporters=reporters, **contracts)

    def create_game(self, system: System, kickoff_in: int) -> None:
        kickoff = self.anvil.get_timestamp() + kickoff_in
        system.book.create_game(GAME, kickoff, 10**7 * ONE, 10**8 * ONE, sender=OPERATOR)

    def open_markets(self, system: System) -> list[int]:
        markets = []
        for index, (kind, line) in enumerate(MARKETS):
            system.book.add_market(GAME, int(kind), line, sender=OPERATOR)
            market = GAME << 8 | index
            odds = ODDS.get(kind, TWO_WAY_ODDS)
            quote = Quote(market, 0, self.anvil.get_timestamp() + 3_000, 10**5 * ONE, odds)
            self.quotes[market] = (
                quote,
                sign_quote(PRICER.key, quote, self.chain_id, system.book.address).as_tuple(),
            )
            markets.append(market)
        return markets

    def add_liquidity(self, system: System, amount: int) -> None:
        system.token.faucet(amount, sender=LP)
        system.token.approve(system.vault.address, amount, sender=LP)
        system.vault.deposit(amount, LP.address, sender=LP)

    def sign_permit(
        self, system: System, owner: LocalAccount, amount: int, deadline: int
    ) -> tuple[int, int, int]:
        _, name, version, chain_id, token, _, _ = system.token.eip712Domain()
        nonce = system.token.nonces(owner.address)
        permit = Permit(owner.address, system.book.address, amount, nonce, deadline)
        return sign_permit(owner.key, permit, chain_id, token, name, version).as_tuple()

    def bet(self, system: System, bettor: LocalAccount, market: int, deposit: int = 0) -> tuple[Bet, int]:
        """`bettor` backs outcome 0 of `market`, from its balance or (`deposit` > 0) with a permit deposit."""
        quote, signature = self.quotes[market]
        nonce = system.book.bet_nonce(bettor.address)
        args = (quote.as_tuple(), signature, 0, STAKE, 0)
        if deposit:
            deadline = self.anvil.get_timestamp() + 600
            permit = self.sign_permit(system, bettor, deposit, deadline)
            receipt = system.book.deposit_and_bet_with_permit(deposit, deadline, permit, *args, sender=bettor)
        else:
            receipt = system.book.place_bet(*args, sender=bettor)
        bet = Bet(bettor.address, nonce, market, 0, STAKE, payout_for(STAKE, quote.odds[0]))
        return bet, int(receipt["gasUsed"])

    def report(self, system: System, signers: int) -> int:
        result = GameResult(game=GAME, status=int(ResultStatus.FINAL), home=HOME, away=AWAY)
        signatures = [
            sign_result(r.key, result, self.chain_id, system.oracle.address).as_tuple()
            for r in system.reporters[:signers]
        ]
        receipt = system.oracle.report_result(result.as_tuple(), signatures, sender=KEEPER)
        assert system.book.game(GAME)[2] == STATE_PROPOSED, "the result was not proposed"
        return int(receipt["gasUsed"])

    def run(self) -> dict[str, int]:
        """Every figure of `BOUNDS`, in gas units."""
        figures = self.play_game()
        second = self.deploy_system(5, 3)
        self.create_game(second, kickoff_in=60)
        self.anvil.increase_time(61)
        figures["report_result_3of5"] = self.report(second, 3)
        return {key: figures[key] for key in BOUNDS}

    def play_game(self) -> dict[str, int]:
        """One game with 4 markets and 103 bets, from bet to payout, on a 2-of-3 system."""
        figures: dict[str, int] = {}
        system = self.deploy_system(3, 2)
        self.book_code_size = len(self.anvil.web3.eth.get_code(system.book.address))
        self.create_game(system, kickoff_in=3_600)
        markets = self.open_markets(system)
        self.add_liquidity(system, 10**6 * ONE)
        crowd_bets = self.place_crowd_bets(system, markets)

        system.token.faucet(100 * STAKE, sender=BETTOR)
        system.token.approve(system.book.address, 100 * STAKE, sender=BETTOR)
        system.book.deposit(100 * STAKE, sender=BETTOR)
        # a bettor's bets fill two-lane slots: the first of each pair creates the slot (the report
        # key, the dearer one), the second rewrites it (printed, not a report key)
        first_bet, figures["place_bet"] = self.bet(system, BETTOR, markets[0])
        _, self.second_of_pair_bet = self.bet(system, BETTOR, markets[0])
        # the newcomer's wallet keeps some of its tokens after the deposit
        system.token.faucet(20 * STAKE, sender=NEWCOMER)
        _, figures["deposit_and_bet_permit"] = self.bet(system, NEWCOMER, markets[0], deposit=5 * STAKE)
        # the same bettor again: its permit nonce, book account and bet slot now exist, so this is the
        # operation without the one-time creation of those slots (printed, not a report key)
        _, self.returning_permit_bet = self.bet(system, NEWCOMER, markets[0], deposit=5 * STAKE)

        self.anvil.increase_time(3_600)
        figures["report_result_2of3"] = self.report(system, 2)
        self.anvil.increase_time(system.book.challenge_window())
        figures["finalize"] = int(system.book.finalize(GAME, sender=KEEPER)["gasUsed"])

        receipt = system.book.settle_bets([b.as_tuple() for b in crowd_bets], sender=KEEPER)
        self.check_paid(system, receipt, crowd_bets)
        figures["settle_batch_per_bet"] = -(-int(receipt["gasUsed"]) // BATCH)  # rounded up
        receipt = system.book.claim(first_bet.as_tuple(), sender=BETTOR)
        self.check_paid(system, receipt, [first_bet])
        figures["claim"] = int(receipt["gasUsed"])
        return figures

    def place_crowd_bets(self, system: System, markets: list[int]) -> list[Bet]:
        """`BATCH` distinct bettors each deposit with a permit and back outcome 0, spread over `markets`."""
        bets = []
        for i in range(BATCH):
            bettor = anvil_account(CROWD_FIRST_ACCOUNT + i)
            system.token.faucet(STAKE, sender=bettor)
            bets.append(self.bet(system, bettor, markets[i % len(markets)], deposit=STAKE)[0])
        return bets

    @staticmethod
    def check_paid(system: System, receipt: Any, bets: list[Bet]) -> None:
        """Each bet was settled by this transaction as a full win (the scenario the bounds are for)."""
        events = system.book.contract.events.BetSettled().process_receipt(receipt)
        assert [e["args"]["bettor"] for e in events] == [b.bettor for b in bets], "not every bet settled"
        for event, bet in zip(events, bets, strict=True):
            kind, line = MARKETS[bet.market & 255]
            assert grade(kind, line, bet.outcome, HOME, AWAY) == Grade.WIN == event["args"]["grade"]
            assert event["args"]["amount"] == amount_due(Grade.WIN, bet.stake, bet.payout) == bet.payout


def format_table(figures: dict[str, int]) -> str:
    lines = [f"{'operation':<26}{'gas used':>10}{'bound':>10}  status"]
    for key, bound in BOUNDS.items():
        label = f"finalize ({len(MARKETS)} markets)" if key == "finalize" else key
        status = "-" if bound is None else ("ok" if figures[key] <= bound else "OVER")
        bound_text = "-" if bound is None else f"{bound:,}"
        lines.append(f"{label:<26}{figures[key]:>10,}{bound_text:>10}  {status}")
    return "\n".join(lines)


def main() -> int:
    artifacts = load_artifacts(("MockUSD", "Book", "Vault", "ResultOracle"))
    with Anvil.start(accounts=CROWD_FIRST_ACCOUNT + BATCH) as anvil:
        bench = Bench(anvil, Transactor(anvil.web3), artifacts)
        figures = bench.run()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=2) + "\n")
    print(format_table(figures))
    print(f"(place_bet, second bet of a pair: {bench.second_of_pair_bet:,})")
    print(f"(deposit_and_bet_permit by a returning bettor: {bench.returning_permit_bet:,})")
    print(f"(Book runtime code, immutables included: {bench.book_code_size:,} of {EIP170_LIMIT:,} bytes)")
    print(f"wrote {REPORT.relative_to(REPO)}")
    over = [key for key, bound in BOUNDS.items() if bound is not None and figures[key] > bound]
    if over:
        print(f"over bound: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
