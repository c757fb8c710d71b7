"""The run-cycle of one reporter node: read the chain, ask the sources, sign once, share, submit, watch.

Each cycle, for every game the sources list:

1. not on chain yet: nothing to do;
2. proposed or final: compare the chain's result with what this node signed (an alert if they
   differ: this node's sources were wrong, or its key is) and with the other reporters' votes
   (an alert for each vote the chain did not take); then forget the game;
3. open: if the node has not signed, ask every source, apply the agreement policy, and once
   chain time passes the match's end plus the grace period, sign through the
   slashing-protection store. A signed game is served to peers (`/signatures`) until it is
   proposed, and submitted while the node's vote is not on chain (a crash between signing and
   submitting loses nothing).

With peers, the node then reads their signatures once for every game waiting to be submitted,
keeps those that recover to a current reporter over its own result (an alert for a reporter
that signed another), and submits when `bundle.plan_submission` says it is its turn: one
bundle that reaches the quorum, or after the wait whatever it holds. When its turn has just
come and a peer's signature is still missing, it reads the peers again every 50 ms for up to
half a second, so the bundle catches the block the peer signed in. Without peers it submits
its own signature at once.

Transient errors of one game do not hold up the others; the cycle reports the first of them
afterwards, so the loop backs off and /readyz shows it. A peer's failure is never a cycle
error. Fatal errors stop the node.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from oracle.exceptions import RevertError, RoleMissingError, TransientError
from oracle.feeds import Source
from oracle.reporter.agreement import Verdict, decide, get_due_time
from oracle.reporter.bundle import Plan, ReporterSet, build_served, get_rank, plan_submission
from oracle.reporter.chainview import (
    CONFLICT_REVERTS,
    ROLE_REVERTS,
    WAIT_REVERTS,
    GameState,
    GameView,
    Head,
    OracleClient,
    is_revert,
)
from oracle.reporter.exchange import Exchange
from oracle.reporter.metrics import ReporterMetrics
from oracle.reporter.sources import fetch_readings
from oracle.reporter.store import SignedResult, SlashingStore
from oracle.service import ServiceHealth

log = logging.getLogger("oracle.reporter")

REREAD_SECONDS = 0.5  # at most this long per cycle re-reading peers at the start of this node's turn
REREAD_INTERVAL = 0.05


@dataclass
class Node:
    client: OracleClient
    sources: Sequence[Source]
    games: Sequence[int]
    store: SlashingStore
    grace: int
    metrics: ReporterMetrics
    health: ServiceHealth
    exchange: Exchange | None = None  # peers' signatures; None: vote alone at once
    stagger: int = 3  # blocks between one node's turn and the next's
    index: int = 0  # this key's reporter index + 1, read every cycle
    reporters: ReporterSet | None = None  # read every cycle (cached by the set's version)
    served: tuple[SignedResult, ...] = ()  # what /signatures shows; replaced whole, read by the HTTP thread
    done: set[int] = field(default_factory=set)
    first_agreed: dict[int, int] = field(default_factory=dict)  # game -> chain time
    signed_block: dict[int, int] = field(default_factory=dict)  # game -> head when this process first held it
    alerted: set[tuple[int, str]] = field(default_factory=set)

    def run_cycle(self) -> None:
        if not self.health.is_prepared:
            self.client.validate_chain()
        head = self.client.fetch_head()
        self.metrics.head_block.set(head.number)
        self.metrics.rpc_lag.set(max(0.0, time.time() - head.timestamp))
        self.metrics.gas_balance.set(self.client.sender.get_balance())
        self.index = self.client.fetch_reporter_index()
        self.reporters = self.client.fetch_reporter_set(self.reporters)
        self.health.is_prepared = True
        errors: list[TransientError] = []
        waiting = self.advance_games(head, errors)
        if waiting and self.exchange is not None:
            self.gather(self.exchange, waiting, head.number)
        for signed, voted in waiting:
            try:
                self.submit_when_turn(signed, voted, head.number)
            except TransientError as error:
                self.warn(signed.result.game, error, errors)
        if errors:
            raise errors[0]

    def advance_games(self, head: Head, errors: list[TransientError]) -> list[tuple[SignedResult, int]]:
        """Sign what is due; the signed games whose vote is not on chain yet, with the chain's bitmap."""
        waiting: list[tuple[SignedResult, int]] = []
        served: list[SignedResult] = []
        open_games = 0
        for game in self.games:
            if game in self.done:
                continue
            try:
                is_open, signed = self.process(game, head.timestamp)
                open_games += is_open
                if signed is None:
                    continue
                served.append(signed)
                self.signed_block.setdefault(game, head.number)
                voted = self.client.fetch_votes(signed.digest)
                if not voted >> (self.index - 1) & 1:
                    waiting.append((signed, voted))
            except TransientError as error:
                self.warn(game, error, errors)
        self.served = tuple(served)
        self.metrics.games_open.set(open_games)
        return waiting

    def process(self, game: int, chain_time: int) -> tuple[bool, SignedResult | None]:
        """Advance one game: whether it still waits for a proposed result, and this node's signature."""
        view = self.client.fetch_game(game)
        if view.state is GameState.NONE:
            return False, None
        if view.state >= GameState.PROPOSED:
            self.observe_result(view)
            return False, None
        signed = self.store.get(game)
        if signed is None:
            signed = self.sign_when_due(game, chain_time)
        return True, signed

    def warn(self, game: int, error: TransientError, errors: list[TransientError]) -> None:
        log.warning("game %s: %s", game, error, extra={"game": game, "kind": type(error).__name__})
        errors.append(error)

    def get_served(self) -> dict[str, Any]:
        """The body of `GET /signatures`: this node's signatures for games not yet proposed."""
        client = self.client
        return build_served(client.chain_id, client.oracle.address, client.signer.address, self.served)

    def sign_when_due(self, game: int, chain_time: int) -> SignedResult | None:
        readings = fetch_readings(self.sources, game)
        for reading in readings:
            self.metrics.source_up.labels(reading.source).set(reading.error is None)
        decision = decide(game, readings)
        if decision.verdict is Verdict.DISAGREE:
            self.alert(game, "disagreement", f"game {game}: not signing, {decision.reason}")
            return None
        if decision.verdict is Verdict.WAIT or decision.result is None:
            self.first_agreed.pop(game, None)
            return None
        first = self.first_agreed.setdefault(game, chain_time)
        due = get_due_time(decision, first, self.grace)
        if chain_time < due:
            log.debug("game %s: result agreed, due at chain time %s", game, due, extra={"game": game})
            return None
        signed = self.store.sign_once(
            decision.result, self.client.build_digest(decision.result), self.client.sign
        )
        self.metrics.signatures.inc()
        self.metrics.last_signed_game.set(game)
        self.metrics.last_signed_at.set(signed.signed_at)
        log.info(
            "signed game %s",
            game,
            extra={
                "game": game,
                "status": signed.result.status,
                "home": signed.result.home,
                "away": signed.result.away,
                "chain_time": chain_time,
                "due": due,
            },
        )
        return signed

    def gather(self, exchange: Exchange, waiting: list[tuple[SignedResult, int]], head_block: int) -> None:
        """Read the peers; while a game whose turn has just come to this node still lacks signatures,
        read them again shortly (peers sign within a poll interval of each other), for a bounded time."""
        assert self.reporters is not None
        own = {signed.result.game: signed for signed, _ in waiting}
        deadline = time.monotonic() + REREAD_SECONDS
        exchange.gather(own, self.reporters)
        while time.monotonic() < deadline and any(self.is_short(s, v, head_block) for s, v in waiting):
            time.sleep(REREAD_INTERVAL)
            exchange.gather(own, self.reporters)

    def is_short(self, signed: SignedResult, voted: int, head_block: int) -> bool:
        """The node's turn for this game began a block ago at most, and it cannot bundle yet."""
        assert self.reporters is not None
        game = signed.result.game
        rank = get_rank(self.index, game, len(self.reporters.addresses))
        waited = head_block - self.signed_block[game]
        is_starting = rank * self.stagger <= waited <= rank * self.stagger + 1
        return is_starting and self.get_plan(signed, voted, head_block) is None

    def get_plan(self, signed: SignedResult, voted: int, head_block: int) -> Plan | None:
        assert self.reporters is not None
        game = signed.result.game
        exchange = self.exchange
        waited = None if exchange is None else head_block - self.signed_block[game]
        verified = {} if exchange is None else exchange.get_verified(game, self.reporters)
        address = self.client.signer.address
        return plan_submission(
            signed.signature, address, self.reporters, game, voted, verified, waited, self.stagger
        )

    def submit_when_turn(self, signed: SignedResult, voted: int, head_block: int) -> None:
        game = signed.result.game
        plan = self.get_plan(signed, voted, head_block)
        if plan is None:
            return
        waited = None if self.exchange is None else head_block - self.signed_block[game]
        if waited is not None and self.client.fetch_game(game).state >= GameState.PROPOSED:
            return  # another node's bundle landed while this cycle read its peers
        if waited is not None and not plan.reaches_quorum:
            self.metrics.fallbacks.inc()
            log.warning(
                "game %s: no quorum of signatures after %s blocks; sending the %s this node holds",
                game,
                waited,
                len(plan.signatures),
                extra={"game": game, "signatures": len(plan.signatures)},
            )
        self.submit(signed, plan)

    def submit(self, signed: SignedResult, plan: Plan) -> None:
        game = signed.result.game
        try:
            gas = self.client.submit(signed.result, plan.signatures)
        except RevertError as error:
            self.metrics.submission_failures.labels(error.reason[:60]).inc()
            if is_revert(error, ROLE_REVERTS) and len(plan.signatures) == 1:
                raise RoleMissingError(self.client.signer.address, "reporter", "the ResultOracle") from None
            if is_revert(error, WAIT_REVERTS):
                log.info("game %s: not started on chain yet; the signature waits", game, extra={"game": game})
                return
            if is_revert(error, CONFLICT_REVERTS):
                self.alert(
                    game,
                    "conflict",
                    f"game {game}: the chain already holds another result than {signed.result}",
                )
                return
            if self.exchange is not None:
                self.exchange.forget(game)  # a peer's signature the chain refused: gather afresh
            raise TransientError(f"game {game}: submission reverted: {error.reason}") from None
        except TransientError as error:
            self.metrics.submission_failures.labels(type(error).__name__).inc()
            raise
        self.metrics.submissions.inc()
        self.metrics.bundles.inc(len(plan.signatures) > 1)
        self.metrics.gas_used.inc(gas)
        log.info(
            "submitted game %s",
            game,
            extra={
                "game": game,
                "gas": gas,
                "signatures": len(plan.signatures),
                "reaches_quorum": plan.reaches_quorum,
            },
        )

    def observe_result(self, view: GameView) -> None:
        """Alert when the chain's result is not what this node signed, or others voted otherwise."""
        assert view.result is not None
        game = view.game
        signed = self.store.get(game)
        if signed is not None and signed.result != view.result:
            self.metrics.conflicts.inc()
            self.alert(
                game,
                "conflict",
                f"game {game}: the chain took {view.result} but this node signed {signed.result}: "
                "check this node's sources and key",
            )
        divergent = self.client.fetch_divergent_votes(game, view.result)
        for bitmap in divergent.values():
            count = bin(bitmap).count("1")
            self.metrics.divergent_votes.inc(count)
            self.alert(
                game,
                f"divergent {bitmap}",
                f"game {game}: {count} reporter(s) (bitmap {bitmap:#x}) voted for another result",
            )
        self.done.add(game)  # a challenge is the admin's to resolve: nothing more for a reporter
        self.first_agreed.pop(game, None)
        self.signed_block.pop(game, None)
        if self.exchange is not None:
            self.exchange.forget(game)

    def alert(self, game: int, kind: str, message: str) -> None:
        """Log an alert once per game and kind (a metric counts every occurrence elsewhere)."""
        if (game, kind) in self.alerted:
            return
        self.alerted.add((game, kind))
        if kind == "disagreement":
            self.metrics.disagreements.inc()
        log.error("ALERT %s", message, extra={"game": game, "alert": kind.split()[0]})
