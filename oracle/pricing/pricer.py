"""The pricer's I/O shell: feed in, chain views in, suspensions out, signed quotes into the database.

Four jobs share one thread (so a game's quotes are always published in the order they were
priced):

- `watch` reads the feed every `watch_interval`. On a goal, a red card, the end of a match or
  a feed that stops answering, it calls `Book.suspend(game)` FIRST (every outstanding quote of
  the game dies with the old epoch; its tip is at least `suspend_tip`, so a chain that orders a
  block by tip puts it ahead of bets tipping less), then prices the game again at the new epoch;
- `refresh_live` re-prices every game in play every `live_interval`;
- `refresh_pregame` re-prices every open game before kickoff every `pregame_interval`, unless
  the feed shows it called off;
- `prune` deletes the published quotes the API can never serve again, in short batches
  (`publish.prune_quotes`), every `prune_interval`.

A game the pricer sees in play for the first time (a start, a restart) is suspended before it is
quoted, so nothing signed by an earlier run outlives it. Marking a game live at kickoff is the
keeper's job (`oracle.keeper`): between kickoff and `set_live` the Book takes no bets, and the
pricer quotes only games the Book shows live.
"""

import logging
import time
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from sqlalchemy import Engine
from web3 import Web3
from web3.contract import Contract

from oracle.chain import TxSender, call_rpc
from oracle.exceptions import FeedError, RevertError, TransientError
from oracle.feeds import MatchState, MatchStatus, Source
from oracle.pricing.book import GameView, MarketView, fetch_game, fetch_markets
from oracle.pricing.engine import (
    PricingPolicy,
    build_distribution,
    build_quote,
    get_max_stake,
    is_offered,
    price_market,
)
from oracle.pricing.exceptions import NotPricerError
from oracle.pricing.metrics import PricerMetrics
from oracle.pricing.publish import PrunePolicy, SignedQuote, insert_quotes, prune_quotes
from oracle.pricing.ratings import Ratings
from oracle.pricing.scores import ScoreDistribution
from oracle.signing import sign_quote

log = logging.getLogger("oracle.pricing")

# what a suspension reacts to: the score, the red cards, whether play is over
Snapshot = tuple[int, int, int, int, bool]


def get_snapshot(state: MatchState) -> Snapshot:
    return (state.home, state.away, state.red_home, state.red_away, state.status.is_terminal)


@dataclass
class Chain:
    web3: Web3
    book: Contract
    chain_id: int
    rpc_url: str
    sender: TxSender
    suspend_tip: int  # wei: the least tip of `Book.suspend`, so it is ordered ahead of bets


class Pricer:
    def __init__(
        self,
        chain: Chain,
        signer: LocalAccount,
        engine: Engine,
        source: Source,
        ratings: Ratings,
        policy: PricingPolicy,
        metrics: PricerMetrics,
        pregame_horizon: float,
        prune_policy: PrunePolicy,
    ):
        self.chain = chain
        self.signer = signer
        self.engine = engine
        self.source = source
        self.ratings = ratings
        self.policy = policy
        self.metrics = metrics
        self.pregame_horizon = pregame_horizon
        self.prune_policy = prune_policy
        self.snapshots: dict[int, Snapshot] = {}
        self.suspended_live: set[int] = set()  # games suspended since this process first saw them live
        self.lost: set[int] = set()  # games whose feed stopped answering

    def validate_role(self) -> None:
        """The signer must be a pricer; the account sending `suspend`, a pricer or an operator."""
        book, sender = self.chain.book, self.chain.sender.address
        if not call_rpc(self.chain.rpc_url, lambda: book.functions.is_pricer(self.signer.address).call()):
            raise NotPricerError(self.signer.address, book.address)
        if sender != self.signer.address and not call_rpc(
            self.chain.rpc_url,
            lambda: book.functions.is_pricer(sender).call() or book.functions.is_operator(sender).call(),
        ):
            raise NotPricerError(sender, book.address)

    # ------------------------------------------------------------ jobs

    def watch(self) -> None:
        """Suspend and re-price every game whose feed shows a goal, a red card, the end, or went silent."""
        for game in self.source.get_games():
            seen_at = time.monotonic()
            state = self.fetch_state(game)
            if state is None:
                continue
            self.lost.discard(game)
            snapshot, before = get_snapshot(state), self.snapshots.get(game)
            self.snapshots[game] = snapshot
            if before is not None and snapshot != before and state.status != MatchStatus.SCHEDULED:
                cause = "end" if snapshot[4] else "goal" if snapshot[:2] != before[:2] else "red card"
                if self.suspend(game, cause):
                    self.reprice_after_event(game, state, seen_at)

    def refresh_live(self) -> None:
        self.refresh(is_live=True)

    def refresh_pregame(self) -> None:
        self.refresh(is_live=False)

    def prune(self) -> None:
        """Delete published quotes that can never be served again (a bounded number of batches)."""
        for deleted in prune_quotes(self.engine, self.prune_policy, time.time()):
            self.metrics.pruned.inc(deleted)

    # ------------------------------------------------------------ steps

    def refresh(self, is_live: bool) -> None:
        started = time.monotonic()
        for game in self.source.get_games():
            if game in self.lost:
                continue
            view = fetch_game(self.chain.book, game, self.chain.rpc_url)
            if is_live and view.is_live:
                self.quote_live(view)
            elif not is_live and view.is_open and 1 < view.kickoff - time.time() <= self.pregame_horizon:
                self.quote_pregame(view)
        self.metrics.refresh_seconds.observe(time.monotonic() - started)

    def quote_pregame(self, view: GameView) -> None:
        state = self.fetch_state(view.game)
        if state is not None and state.status == MatchStatus.SCHEDULED:  # not called off
            self.publish(self.price_game(view, state, is_live=False))

    def quote_live(self, view: GameView) -> None:
        state = self.fetch_state(view.game)
        if state is None or state.status != MatchStatus.LIVE:
            return
        if view.game not in self.suspended_live:  # first sight in play: retire an earlier run's quotes
            if not self.suspend(view.game, "first sight"):
                return
            view = fetch_game(self.chain.book, view.game, self.chain.rpc_url)
        self.publish(self.price_game(view, state, is_live=True))

    def fetch_state(self, game: int) -> MatchState | None:
        """The feed's state of `game`; None (and the game suspended) when the feed does not answer."""
        try:
            return self.source.fetch_state(game)
        except FeedError as error:
            self.on_feed_lost(game, error)
            return None

    def reprice_after_event(self, game: int, state: MatchState, seen_at: float) -> None:
        view = fetch_game(self.chain.book, game, self.chain.rpc_url)
        if view.is_live and state.status == MatchStatus.LIVE:
            self.publish(self.price_game(view, state, is_live=True))
        self.metrics.event_latency.observe(time.monotonic() - seen_at)

    def on_feed_lost(self, game: int, error: FeedError) -> None:
        """A silent feed is a suspension: nothing is quoted on a match we cannot see."""
        if game in self.lost:
            return
        log.warning("feed lost; suspending", extra={"game": game, "error": str(error)})
        view = fetch_game(self.chain.book, game, self.chain.rpc_url)
        if view.is_live and not self.suspend(game, "feed lost"):
            return
        self.lost.add(game)

    def suspend(self, game: int, cause: str) -> bool:
        """Bump the game's epoch on-chain; False when the Book no longer takes bets on it."""
        try:
            call, label = self.chain.book.functions.suspend(game), f"suspend game {game}"
            self.chain.sender.send(call, label, min_tip=self.chain.suspend_tip)
        except RevertError as error:
            if "game not open" in error.reason or error.tx_hash is not None:  # closed first by the keeper
                return False
            raise TransientError(f"suspend game {game}: {error}") from None
        self.metrics.suspensions.labels(cause).inc()
        self.suspended_live.add(game)
        log.info("suspended", extra={"game": game, "cause": cause})
        return True

    def price_game(self, view: GameView, state: MatchState, is_live: bool) -> list[SignedQuote]:
        """Signed quotes for every market of the game, before kickoff or in play."""
        markets = fetch_markets(self.chain.web3, self.chain.book, view, self.chain.rpc_url)
        if not markets:
            return []
        live_state = state if is_live else None
        dist = build_distribution(self.ratings, state.home_team, state.away_team, live_state, self.policy)
        now = int(time.time())
        ttl = self.policy.ttl if is_live else min(self.policy.ttl, view.kickoff - now)
        max_stake = get_max_stake(is_live, self.policy)
        return [
            signed
            for market in markets
            if (signed := self.sign_market(view, market, dist, now, ttl, max_stake)) is not None
        ]

    def sign_market(
        self, view: GameView, market: MarketView, dist: ScoreDistribution, now: int, ttl: int, max_stake: int
    ) -> SignedQuote | None:
        odds = price_market(dist, market.spec, market.nets, view.market_cap, self.policy.odds)
        if not is_offered(odds):
            return None
        quote = build_quote(market.market, view.epoch, now, odds, max_stake, ttl)
        signature = sign_quote(self.signer.key, quote, self.chain.chain_id, self.chain.book.address)
        return SignedQuote(view.game, quote, signature, self.signer.address)

    def publish(self, quotes: list[SignedQuote]) -> None:
        insert_quotes(self.engine, quotes)
        self.metrics.quotes.inc(len(quotes))
