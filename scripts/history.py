"""A scripted betting history driven over RPC: what the indexer tests and benchmarks index.

`scripted_history(web3, deployment)` plays, on a chain where `deployment` was just deployed by
`ape run deploy` (local roles, anvil's test accounts), every path the API has to show:

- LPs deposit, transfer shares and redeem; bettors deposit, bet and withdraw;
- games with 1X2, moneyline, totals and handicap markets (whole, half and quarter lines), bets
  on every outcome, pre-game and live (epochs bumped by `set_live` and `suspend`), a cap change;
- results signed by the reporters: one vote below quorum then a quorum, a cancellation, a
  challenged result the admin resolves, a result proposed but not yet final, a game voided
  after its deadline, and a game left open;
- payouts pushed in batches and claimed; a pause and an unpause.

It returns a `History` with what each bet and game should look like afterwards.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import cycle
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract
from web3.types import Nonce, Wei

from oracle.markets import Grade, Kind, amount_due, grade
from oracle.signing import GameResult, Quote, sign_quote, sign_result
from scripts.deployment import Deployment, local_account
from scripts.localchain import Transactor, anvil_account

ONE = 10**6  # one MockUSD
HOUR = 3_600
admin, lp, second_lp = anvil_account(0), anvil_account(1), anvil_account(2)
bettors = [anvil_account(i) for i in (3, 4, 5, 6)]
pricer, operator, guardian = local_account("pricer"), local_account("operator"), local_account("guardian")
reporters = sorted((local_account(f"reporter {i}") for i in range(3)), key=lambda a: int(a.address, 16))

# game id -> its markets as (kind, line in quarters)
MARKETS = {
    101: [(0, 0), (1, 0), (2, 10), (2, 9), (3, -1), (3, -3), (3, 2)],  # final 2-1, paid
    102: [(0, 0), (2, 10)],  # cancelled by the reporters, paid (refunds)
    103: [(0, 0), (3, -4)],  # proposed 1-0, challenged, resolved 1-0 by the admin, paid
    104: [(0, 0), (2, 11)],  # open: bets placed, no result
    105: [(0, 0), (2, 14)],  # final 1-1, not paid yet
    106: [(0, 0), (1, 0)],  # nobody reports: voided after its deadline, paid
}
SCORES = {101: (2, 1), 103: (1, 0), 105: (1, 1)}


@dataclass
class Bet:
    bet_id: str
    bettor: str
    nonce: int
    market: int
    game: int
    kind: int
    line: int
    outcome: int
    stake: int
    payout: int

    def as_tuple(self) -> tuple[str, int, int, int, int, int]:
        return (
            Web3.to_checksum_address(self.bettor),
            self.nonce,
            self.market,
            self.outcome,
            self.stake,
            self.payout,
        )


@dataclass
class History:
    """What was played, and what the indexer should show for it."""

    bets: list[Bet] = field(default_factory=list)
    paid_games: set[int] = field(default_factory=set)
    final_games: dict[int, tuple[int, int, bool]] = field(default_factory=dict)  # game -> (home, away, void)
    open_games: set[int] = field(default_factory=set)
    last_block: int = 0

    def get_expected(self, bet: Bet) -> tuple[str, Grade | None, int | None]:
        """(status, grade, amount due) the `bets` view should show for `bet` (status before confirmation)."""
        if bet.game not in self.final_games:
            return "included", None, None
        home, away, void = self.final_games[bet.game]
        g = grade(Kind(bet.kind), bet.line, bet.outcome, home, away, void)
        status = "paid" if bet.game in self.paid_games else "settled"
        return status, g, amount_due(g, bet.stake, bet.payout)


class Player:
    """Sends the history's transactions and remembers the bets."""

    def __init__(self, web3: Web3, deployment: Deployment):
        self.web3 = web3
        self.deployment = deployment
        self.transactor = Transactor(web3)
        self.token, self.book, self.vault, self.oracle = (
            deployment.get_contract(web3, key) for key in ("token", "book", "vault", "oracle")
        )
        self.history = History()
        self.epochs: dict[int, int] = {}

    def send(self, call: Any, sender: LocalAccount) -> Any:
        return self.transactor.send(call, sender)

    def now(self) -> int:
        return int(self.web3.eth.get_block("latest")["timestamp"])

    def travel(self, seconds: int) -> None:
        self.web3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.web3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def fund(self, account: LocalAccount, spender: Contract, amount: int) -> None:
        self.send(self.token.functions.faucet(amount), account)
        self.send(self.token.functions.approve(spender.address, amount), account)

    def bet(self, bettor: LocalAccount, game: int, index: int, outcome: int, stake: int) -> None:
        kind, line = MARKETS[game][index]
        market = game << 8 | index
        odds = (21_000, 34_000, 36_000) if kind == 0 else (19_000, 19_500, 0)
        quote = Quote(market, self.epochs.get(game, 0), self.now() + 600, 1_000 * ONE, odds)
        signature = sign_quote(pricer.key, quote, self.deployment.chain_id, self.deployment.book.address)
        call = self.book.functions.place_bet(
            quote.as_tuple(), signature.as_tuple(), outcome, stake, odds[outcome]
        )
        (placed,) = self.book.events.BetPlaced().process_receipt(self.send(call, bettor))
        args = placed.args
        self.history.bets.append(
            Bet(
                "0x" + args.bet_id.hex(),
                bettor.address.lower(),
                args.nonce,
                market,
                game,
                kind,
                line,
                outcome,
                args.stake,
                args.payout,
            )
        )

    def report(self, game: int, status: int, home: int, away: int, signers: list[LocalAccount]) -> None:
        result = GameResult(game, status, home, away)
        signatures = [
            sign_result(r.key, result, self.deployment.chain_id, self.deployment.oracle.address).as_tuple()
            for r in signers
        ]
        self.send(self.oracle.functions.report_result(result.as_tuple(), signatures), signers[0])

    def set_state(self, game: int, call: Any) -> None:
        self.send(call, operator)
        self.epochs[game] = self.epochs.get(game, 0) + 1

    def settle(self, game: int, claim_one: bool = False) -> None:
        bets = [b.as_tuple() for b in self.history.bets if b.game == game]
        if claim_one:
            first, bets = bets[0], bets[1:]
            self.send(self.book.functions.claim(first), bettors[0])
        self.send(self.book.functions.settle_bets(bets), operator)
        self.history.paid_games.add(game)


def stakes() -> Iterator[int]:
    return cycle([10 * ONE, 25 * ONE, 7 * ONE + 500_001, 40 * ONE, 13 * ONE + 3])


def scripted_history(web3: Web3, deployment: Deployment) -> History:
    """Play the whole history on a freshly deployed local system; see the module docstring."""
    p = Player(web3, deployment)
    fund_everyone(p)
    open_games(p)
    place_pre_game_bets(p)
    p.travel(2 * HOUR + 60)  # past every kickoff
    play_live(p)
    report_results(p)
    p.travel(deployment.params.challenge_window)
    for game in (101, 102, 105):
        p.send(p.book.functions.finalize(game), operator)
    p.settle(101, claim_one=True)
    for game in (102, 103):
        p.settle(game)
    p.send(p.book.functions.pause(), guardian)
    p.send(p.book.functions.unpause(), admin)
    p.travel(deployment.params.void_delay)
    p.send(p.book.functions.void_game(106), bettors[1])
    p.settle(106)
    p.history.final_games[106] = (0, 0, True)
    leave(p)
    p.history.open_games = {104}
    p.history.last_block = web3.eth.block_number
    return p.history


def fund_everyone(p: Player) -> None:
    p.fund(lp, p.vault, 500_000 * ONE)
    p.send(p.vault.functions.deposit(500_000 * ONE, lp.address), lp)
    p.fund(second_lp, p.vault, 50_000 * ONE)
    p.send(p.vault.functions.deposit(50_000 * ONE, second_lp.address), second_lp)
    shares = p.vault.functions.balanceOf(lp.address).call()
    p.send(p.vault.functions.transfer(second_lp.address, shares // 10), lp)
    for bettor in bettors:
        p.fund(bettor, p.book, 5_000 * ONE)
        p.send(p.book.functions.deposit(5_000 * ONE), bettor)


def open_games(p: Player) -> None:
    kickoff = p.now() + 2 * HOUR
    for game, markets in MARKETS.items():
        p.send(p.book.functions.create_game(game, kickoff, 20_000 * ONE, 60_000 * ONE), operator)
        for kind, line in markets:
            p.send(p.book.functions.add_market(game, kind, line), operator)
    p.send(p.book.functions.set_caps(101, 30_000 * ONE, 90_000 * ONE), operator)


def place_pre_game_bets(p: Player) -> None:
    who, how_much = cycle(bettors), stakes()
    for game, markets in MARKETS.items():
        for index, (kind, _) in enumerate(markets):
            for outcome in range(3 if kind == 0 else 2):
                p.bet(next(who), game, index, outcome, next(how_much))


def play_live(p: Player) -> None:
    p.set_state(101, p.book.functions.set_live(101, True))
    p.bet(bettors[0], 101, 0, 0, 30 * ONE)
    p.set_state(101, p.book.functions.suspend(101))  # a goal
    p.bet(bettors[1], 101, 2, 1, 20 * ONE)
    p.bet(bettors[2], 101, 5, 1, 15 * ONE)
    p.set_state(101, p.book.functions.set_live(101, False))


def report_results(p: Player) -> None:
    p.report(101, 1, 2, 1, reporters[:1])  # one vote: below quorum
    p.report(101, 1, 2, 1, reporters[1:2])  # the second: quorum, proposed
    p.report(102, 2, 0, 0, reporters[:2])  # cancelled
    p.report(103, 1, 1, 0, reporters[1:])
    p.send(p.book.functions.challenge(103), guardian)
    p.send(p.book.functions.resolve_challenge(103, 1, 1, 0), admin)
    p.report(105, 1, 1, 1, [reporters[0], reporters[2]])
    for game, (home, away) in SCORES.items():
        p.history.final_games[game] = (home, away, False)
    p.history.final_games[102] = (0, 0, True)


def leave(p: Player) -> None:
    for bettor in bettors[:2]:
        p.send(p.book.functions.withdraw(1_000 * ONE + 1), bettor)
    shares = p.vault.functions.balanceOf(second_lp.address).call()
    p.send(p.vault.functions.redeem(shares // 2, second_lp.address, second_lp.address), second_lp)


def bulk_bets(web3: Web3, deployment: Deployment, count: int, per_block: int = 250) -> int:
    """After `scripted_history`: `count` more live bets on the open game 104, `per_block` to a block.

    Sends signed transactions without waiting for receipts (automine off, one `evm_mine` per
    block), so it makes histories large enough to time a backfill. Returns the last block.
    """
    p = Player(web3, deployment)
    p.set_state(104, p.book.functions.set_live(104, True))
    for bettor in bettors:
        p.fund(bettor, p.book, count * ONE // len(bettors) + ONE)
        p.send(p.book.functions.deposit(count * ONE // len(bettors) + ONE), bettor)
    quotes: dict[int, tuple[Any, Any, int, tuple[int, int, int]]] = {}
    for index, (kind, _) in enumerate(MARKETS[104]):
        odds = (21_000, 34_000, 36_000) if kind == 0 else (19_000, 19_500, 0)
        offer = Quote(104 << 8 | index, p.epochs[104], p.now() + 3_000, 1_000 * ONE, odds)
        signed = sign_quote(pricer.key, offer, deployment.chain_id, deployment.book.address)
        quotes[index] = (offer.as_tuple(), signed.as_tuple(), 3 if kind == 0 else 2, odds)
    nonces = {b.address: web3.eth.get_transaction_count(b.address) for b in bettors}
    web3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        for i in range(count):
            bettor = bettors[i % len(bettors)]
            quote, signature, outcomes, odds = quotes[i % len(quotes)]
            outcome = (i // len(quotes)) % outcomes
            call = p.book.functions.place_bet(quote, signature, outcome, ONE, odds[outcome])
            tx = call.build_transaction(
                {
                    "from": bettor.address,
                    "nonce": Nonce(nonces[bettor.address]),
                    "gas": 300_000,
                    "chainId": deployment.chain_id,
                    "maxFeePerGas": Wei(10**11),
                    "maxPriorityFeePerGas": Wei(0),
                }
            )
            nonces[bettor.address] = Nonce(nonces[bettor.address] + 1)
            web3.eth.send_raw_transaction(bettor.sign_transaction(tx).raw_transaction)  # type: ignore[arg-type]
            if (i + 1) % per_block == 0:
                web3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        web3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    finally:
        web3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    return int(web3.eth.block_number)
