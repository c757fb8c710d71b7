"""The keeper's I/O shell: one cycle reads the chain and the feed, plans each game, sends the steps.

Every transaction goes through the shared sender (`oracle.chain.TxSender`). A step someone else
did first (a second keeper, the pricer, a bettor's claim) reverts with a known reason, which is
a no-op here, not an error: "book: game exists", "book: market exists", "book: game not open",
"book: game not live", "book: result not proposed", "book: game final"; so is a transaction
mined and reverted (a second keeper's came first). `settle_bets` skips bets already paid, so
racing payers never fail each other. Any other revert is retried next cycle.
"""

import logging
import math
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge
from web3.contract import Contract
from web3.contract.contract import ContractFunction

from oracle.chain import TxSender
from oracle.exceptions import RevertError, TransientError
from oracle.feeds.replay import ReplaySource
from oracle.keeper.book import BookReader
from oracle.keeper.config import KeeperSettings
from oracle.keeper.plan import GameView, Step, Timing, plan_steps

log = logging.getLogger("oracle.keeper")

BENIGN = {
    Step.CREATE: ("book: game exists",),
    Step.ADD_MARKETS: ("book: market exists",),
    Step.SET_LIVE: ("book: game not open",),
    Step.CLOSE: ("book: game not live",),
    Step.VOID: ("book: game final", "book: result proposed"),
    Step.FINALIZE: ("book: result not proposed",),
    Step.PAY: (),
}


@dataclass
class KeeperMetrics:
    steps: Counter
    skipped: Counter
    bets_paid: Counter
    unpaid: Gauge

    @classmethod
    def build(cls, registry: CollectorRegistry) -> "KeeperMetrics":
        return cls(
            steps=Counter("keeper_steps", "Transactions sent, by step", ["step"], registry=registry),
            skipped=Counter(
                "keeper_steps_already_done",
                "Steps another party did first, by step",
                ["step"],
                registry=registry,
            ),
            bets_paid=Counter("keeper_bets_paid", "Bets settled by this keeper's batches", registry=registry),
            unpaid=Gauge(
                "keeper_unpaid_bets", "Open bets of final games at the last cycle", registry=registry
            ),
        )


class Keeper:
    def __init__(
        self,
        reader: BookReader,
        book: Contract,
        sender: TxSender,
        source: ReplaySource,
        settings: KeeperSettings,
        cap_unit: int,
        metrics: KeeperMetrics,
    ):
        self.reader = reader
        self.book = book
        self.sender = sender
        self.source = source
        self.settings = settings
        self.cap_unit = cap_unit
        self.metrics = metrics
        self.timing = Timing(settings.create_ahead, settings.min_lead, len(settings.markets))
        self.paid: set[int] = set()  # final games with every bet paid (a final game takes no new bets)

    def cycle(self) -> None:
        """Plan and run every game's due steps: the Book's deadlines by chain time, the match by the feed."""
        head, now = self.reader.fetch_head()
        games = self.source.get_games()
        views = self.reader.fetch_games(games)
        unpaid = 0
        for game in games:
            kickoff = math.ceil(self.source.feed.get_kickoff_time(game))
            state = self.source.fetch_state(game)
            for step in plan_steps(kickoff, state, views[game], now, self.timing):
                if step == Step.PAY:
                    unpaid += self.pay(views[game], head)
                else:
                    self.run_step(step, game, kickoff)
        self.metrics.unpaid.set(unpaid)

    def run_step(self, step: Step, game: int, kickoff: int) -> None:
        if step == Step.ADD_MARKETS:
            plan = [(int(kind), line) for kind, line in self.settings.markets]
            for kind, line in self.reader.fetch_missing_markets(game, plan):
                self.send(
                    step, self.book.functions.add_market(game, kind, line), f"add market {kind}/{line}", game
                )
            return
        calls = {
            Step.CREATE: lambda: self.book.functions.create_game(
                game,
                kickoff,
                self.settings.market_cap * self.cap_unit,
                self.settings.game_cap * self.cap_unit,
            ),
            Step.SET_LIVE: lambda: self.book.functions.set_live(game, True),
            Step.CLOSE: lambda: self.book.functions.set_live(game, False),
            Step.VOID: lambda: self.book.functions.void_game(game),
            Step.FINALIZE: lambda: self.book.functions.finalize(game),
        }
        self.send(step, calls[step](), step.value, game)

    def send(self, step: Step, call: ContractFunction, label: str, game: int) -> None:
        try:
            self.sender.send(call, f"{label} game {game}")
        except RevertError as error:
            if error.reason in BENIGN[step] or error.tx_hash is not None:
                # done by someone else first; mined and reverted: another keeper's transaction came first
                self.metrics.skipped.labels(step.value).inc()
                log.info("already done", extra={"step": label, "game": game, "reason": error.reason})
                return
            raise TransientError(f"{label} game {game}: {error}; retried next cycle") from None
        self.metrics.steps.labels(step.value).inc()
        log.info("done", extra={"step": label, "game": game})

    def pay(self, view: GameView, head: int) -> int:
        """Push payouts of a final game in batches, several in flight; how many bets were unpaid before."""
        if view.game in self.paid:
            return 0
        unpaid = self.reader.fetch_open(self.reader.fetch_bets(view.game, view.market_count, head))
        size = self.settings.settle_batch
        batches = [unpaid[start : start + size] for start in range(0, len(unpaid), size)]
        calls = [
            (self.reader.build_settle(batch), f"settle {len(batch)} bets of game {view.game}")
            for batch in batches
        ]
        results = self.sender.send_all(calls, self.settings.settle_in_flight)
        failed = []
        for batch, result in zip(batches, results, strict=True):
            if isinstance(result, RevertError):
                failed.append(result)
                continue
            settled = self.reader.count_settled(result)
            self.metrics.steps.labels(Step.PAY.value).inc()
            self.metrics.bets_paid.inc(settled)
            log.info("paid", extra={"game": view.game, "bets": len(batch), "settled": settled})
        if failed:
            raise TransientError(
                f"{len(failed)} payout batch(es) of game {view.game} failed, retried next cycle: {failed[0]}"
            )
        self.paid.add(view.game)
        return len(unpaid)
