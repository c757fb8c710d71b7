"""The pricer against a real Book on anvil.

Its quotes are accepted; expired, stale and oversized ones are not; a goal suspends the game
before new quotes appear, and a bet racing the suspension with an old quote fails.
"""

import time
from typing import Any

import pytest
from web3.exceptions import ContractLogicError

from oracle.exceptions import FeedError
from oracle.feeds import MatchState, Source
from oracle.feeds.replay import ReplayFeed
from oracle.feeds.timeline import EventKind, load_matchday
from oracle.pricing.engine import PricingPolicy
from scripts.localchain import anvil_account
from tests.oracle.conftest import LocalSystem

from .conftest import (
    GAME,
    MARKETS,
    ONE,
    Book,
    FeedClock,
    Published,
    fetch_published,
    pricer_account,
    race_bet,
)

pytestmark = pytest.mark.integration

bettor = anvil_account(5)


def place(book: Book, published: Published, outcome: int, stake: int, sender: Any = bettor) -> Any:
    call = book.contract.functions.place_bet(
        published.quote.as_tuple(),
        published.signature.as_tuple(),
        outcome,
        stake,
        published.quote.odds[outcome],
    )
    return book.send(call, sender)


def rejection(book: Book, published: Published, outcome: int, stake: int) -> str:
    call = book.contract.functions.place_bet(
        published.quote.as_tuple(), published.signature.as_tuple(), outcome, stake, 0
    )
    with pytest.raises(ContractLogicError) as error:
        call.call({"from": bettor.address})
    return str(error.value)


def test_default_behavior(book: Book, make_pricer, engine):
    """Pre-game: one quote per market; the Book takes a bet on every offered outcome at the quoted odds."""
    book.create_game(GAME, int(time.time()) + 3_600)
    book.fund(bettor)
    make_pricer().refresh_pregame()
    published = fetch_published(engine)
    assert sorted(p.quote.market for p in published) == [GAME << 8 | i for i in range(len(MARKETS))]
    for p in published:
        assert p.signer == pricer_account.address.lower() and p.game == GAME and p.quote.epoch == 0
        assert 0 < p.quote.expiry - time.time() <= PricingPolicy().ttl
        for outcome, odds in enumerate(p.quote.odds):
            if odds:
                receipt = place(book, p, outcome, 10 * ONE)
                (placed,) = book.contract.events.BetPlaced().process_receipt(receipt)
                assert placed.args.odds == odds and placed.args.payout == 10 * ONE * odds // 10_000


def test_rejections(book: Book, make_pricer, engine, local_system: LocalSystem):
    """Over max stake, stale epoch and expired quotes are refused by the Book."""
    book.create_game(GAME, int(time.time()) + 3_600)
    book.fund(bettor)
    make_pricer(PricingPolicy(max_stake=20 * ONE, ttl=30)).refresh_pregame()
    first = fetch_published(engine)
    quote = first[0]
    assert "book: stake above quote maximum" in rejection(book, quote, 0, 20 * ONE + 1)
    book.send(book.contract.functions.suspend(GAME), pricer_account)
    assert "book: stale quote" in rejection(book, quote, 0, ONE)
    make_pricer(PricingPolicy(ttl=30)).refresh_pregame()
    fresh = fetch_published(engine, after=first[-1].seq)[0]
    assert fresh.quote.epoch == 1
    local_system.anvil.increase_time(fresh.quote.expiry - local_system.anvil.get_timestamp())
    assert "book: quote expired" in rejection(book, fresh, 0, ONE)


def go_live(book: Book, feed_clock: FeedClock, minute: float) -> None:
    book.create_game(GAME, int(time.time()) + 3_600)
    book.send(book.contract.functions.set_live(GAME, True), pricer_account)
    book.fund(bettor)
    feed_clock.at_minute(minute)


def test_goal_suspends_then_requotes(book: Book, make_pricer, engine, feed_clock: FeedClock):
    go_live(book, feed_clock, 16)
    pricer = make_pricer()
    pricer.watch()
    pricer.refresh_live()  # first sight in play: suspends before quoting
    before = [p for p in fetch_published(engine) if p.game == GAME]
    epoch = book.epoch(GAME)
    assert {p.quote.epoch for p in before} == {epoch} and epoch == 2  # set_live, first sight
    feed_clock.at_minute(17.1)  # the home goal
    pricer.watch()
    assert book.epoch(GAME) == epoch + 1
    after = [p for p in fetch_published(engine, after=max(p.seq for p in before)) if p.game == GAME]
    assert {p.quote.epoch for p in after} == {epoch + 1}
    old_1x2, new_1x2 = before[0], next(p for p in after if p.quote.market == before[0].quote.market)
    assert new_1x2.quote.odds[0] < old_1x2.quote.odds[0] < old_1x2.quote.odds[2] < new_1x2.quote.odds[2]
    assert "book: stale quote" in rejection(book, old_1x2, 0, ONE)
    place(book, new_1x2, 0, ONE)
    assert pricer.metrics.suspensions.labels("goal")._value.get() == 1


def test_bet_racing_the_suspension_fails(
    book: Book, make_pricer, engine, feed_clock: FeedClock, local_system
):
    """A bet sent with a pre-goal quote, pending when the pricer suspends, is mined after it and fails."""
    go_live(book, feed_clock, 16)
    pricer = make_pricer()
    pricer.watch()
    pricer.refresh_live()
    old = next(p for p in fetch_published(engine) if p.game == GAME)
    web3 = local_system.anvil.web3
    receipt = race_bet(book, pricer, feed_clock, web3, bettor, 0)  # a wallet's usual fees: no tip
    assert receipt["status"] == 0  # mined in the same block as the suspension, after it
    assert book.epoch(GAME) == old.quote.epoch + 1
    data = web3.eth.get_transaction(receipt["transactionHash"])["input"]
    with pytest.raises(ContractLogicError, match="book: stale quote"):
        web3.eth.call(
            {"from": bettor.address, "to": book.contract.address, "data": data}, receipt["blockNumber"]
        )


def test_one_sided_money_moves_the_price(book: Book, make_pricer, engine):
    """Bets on the home win shorten its odds and lengthen the others' (shading by Book.market nets)."""
    book.create_game(GAME, int(time.time()) + 3_600)
    book.fund(bettor)
    pricer = make_pricer()
    pricer.refresh_pregame()
    before = next(p for p in fetch_published(engine) if p.quote.market == GAME << 8)
    for _ in range(5):
        place(book, before, 0, 1_000 * ONE)
    pricer.refresh_pregame()
    after = [p for p in fetch_published(engine, after=before.seq) if p.quote.market == GAME << 8][-1]
    assert after.quote.odds[0] < before.quote.odds[0]
    assert after.quote.odds[1] > before.quote.odds[1] and after.quote.odds[2] > before.quote.odds[2]


def test_red_card_suspends_then_requotes(book: Book, make_pricer, engine, feed_clock: FeedClock):
    """Game 1002 of the match day: a home red card at 61'."""
    game = 1002
    book.create_game(game, int(time.time()) + 3_600)
    book.send(book.contract.functions.set_live(game, True), pricer_account)
    feed = ReplayFeed(load_matchday(), feed_clock.start)
    (red_card,) = [e for e in feed.get_timeline(game).events if e.kind is EventKind.RED_CARD]
    feed_clock.now = feed.get_time(game, red_card.at) - 1
    pricer = make_pricer()
    pricer.watch()
    pricer.refresh_live()
    epoch = book.epoch(game)
    before = [p for p in fetch_published(engine) if p.game == game]
    feed_clock.now += 1
    pricer.watch()
    assert book.epoch(game) == epoch + 1
    after = [p for p in fetch_published(engine, after=before[-1].seq) if p.game == game]
    assert {p.quote.epoch for p in after} == {epoch + 1}
    home_before = next(p for p in before if p.quote.market == game << 8).quote.odds[0]
    home_after = next(p for p in after if p.quote.market == game << 8).quote.odds[0]
    assert home_after > home_before  # down to ten men
    assert pricer.metrics.suspensions.labels("red card")._value.get() == 1


class SilentSource:
    """The replay source, until `is_down`: then every read fails as a dead provider would."""

    def __init__(self, inner: Source):
        self.inner = inner
        self.is_down = False

    @property
    def name(self) -> str:
        return "silent"

    def get_games(self) -> list[int]:
        return self.inner.get_games()

    def fetch_state(self, game: int) -> MatchState:
        if self.is_down:
            raise FeedError(self.name, "no answer")
        return self.inner.fetch_state(game)


def test_feed_loss_suspends_and_stops_quoting(book: Book, make_pricer, engine, feed_clock: FeedClock):
    go_live(book, feed_clock, 30)
    pricer = make_pricer()
    source = SilentSource(pricer.source)
    pricer.source = source
    pricer.watch()
    pricer.refresh_live()
    epoch = book.epoch(GAME)
    last = fetch_published(engine)[-1].seq
    source.is_down = True
    pricer.watch()
    assert book.epoch(GAME) == epoch + 1
    pricer.watch()
    pricer.refresh_live()
    assert book.epoch(GAME) == epoch + 1  # suspended once
    assert fetch_published(engine, after=last) == []  # nothing quoted blind
    source.is_down = False
    pricer.watch()
    pricer.refresh_live()
    assert {p.quote.epoch for p in fetch_published(engine, after=last) if p.game == GAME} == {epoch + 1}
    assert pricer.metrics.suspensions.labels("feed lost")._value.get() == 1


def test_called_off_game_is_suspended_and_no_longer_quoted(book: Book, make_pricer, engine, feed_clock):
    """Game 1005 of the match day is postponed 90 minutes before kickoff."""
    game = 1005
    book.create_game(game, int(time.time()) + 3_600)
    feed = ReplayFeed(load_matchday(), feed_clock.start)
    (postponed,) = feed.get_timeline(game).events
    feed_clock.now = feed.get_time(game, postponed.at) - 1
    pricer = make_pricer()
    pricer.watch()
    pricer.refresh_pregame()
    last = fetch_published(engine)[-1]
    assert last.game == game and last.quote.epoch == 0
    feed_clock.now += 1
    pricer.watch()
    assert book.epoch(game) == 1
    pricer.refresh_pregame()
    assert fetch_published(engine, after=last.seq) == []
