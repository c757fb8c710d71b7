"""A replayed match day on anvil, from fixtures to every bet paid, with no manual step.

Keeper processes run the life cycle; the test only bets (quotes signed with the local pricer
key), reports results as the reporters would, and moves chain time past the challenge window.
One keeper is killed (SIGKILL) while it lists the games and again while it pays; a second
keeper with its own operator key runs alongside from the first restart. At the end every game
is final, every bet was paid exactly once with what the rules say, and nothing was listed twice.
"""

import time
from collections import Counter

import pytest

from oracle.feeds.replay import ReplayFeed
from oracle.feeds.timeline import load_matchday
from oracle.keeper.plan import STATE_FINAL, STATE_OPEN, STATE_PROPOSED
from oracle.markets import Kind, amount_due, grade
from scripts.deployment import local_account
from scripts.localchain import anvil_account

from .conftest import MARKETS, ONE, MatchDay, is_reportable

pytestmark = pytest.mark.integration

POSTPONED = 1005  # nobody reports it: the keeper voids it at its deadline
bettors = [anvil_account(6), anvil_account(7)]
second_operator = anvil_account(8)


def wait_until(condition, timeout: float, what: str, day: MatchDay) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, (
            f"timed out waiting for {what}; keeper logs:\n{day.logs()[-4000:]}"
        )
        time.sleep(0.1)


def test_match_day_from_fixtures_to_every_bet_paid(match_day: MatchDay):
    day, book = match_day, match_day.book
    feed = ReplayFeed(load_matchday(), day.start, day.speed)
    games = feed.games
    admin = anvil_account(0)
    day.send(book.functions.set_operator(second_operator.address, True), admin)
    for bettor in bettors:
        day.fund(bettor)

    first = day.keeper("keeper-a", local_account("operator"))
    first.start()

    def game_view(game: int):
        return book.functions.game(game).call()

    def created() -> int:
        return sum(game_view(g)[2] != 0 for g in games)

    # kill the keeper while it lists the games; restart it, and start a second one
    wait_until(lambda: created() >= 2, 60, "two games listed", day)
    first.kill()
    first.start()
    second = day.keeper("keeper-b", second_operator)
    second.start()

    placed: dict[
        bytes, tuple[int, int, int, int, int, int]
    ] = {}  # bet id -> game, kind, line, outcome, stake, payout
    tuples: list[tuple] = []  # every bet as is_open takes it
    has_bets: set[int] = set()
    reported: set[int] = set()
    live_bet = False

    def record(args, game: int, kind: int, line: int) -> None:
        placed[bytes(args.bet_id)] = (game, kind, line, args.outcome, args.stake, args.payout)
        tuples.append((args.bettor, args.nonce, args.market, args.outcome, args.stake, args.payout))

    def place_bets(game: int, epoch: int) -> None:
        for index in range(len(MARKETS)):
            market = game << 8 | index
            _game, kind, line, *_ = book.functions.market(market).call()
            outcome = index % (3 if kind == Kind.ONE_X_TWO else 2)
            bettor = bettors[index % 2]
            receipt = day.bet(bettor, market, kind, epoch, outcome, (10 + index) * ONE)
            (event,) = book.events.BetPlaced().process_receipt(receipt)
            record(event.args, game, kind, line)

    def play() -> bool:
        nonlocal live_bet
        for game in games:
            kickoff, epoch, state, *_, market_count = game_view(game)
            is_listed = state == STATE_OPEN and market_count == len(MARKETS)
            if is_listed and game not in has_bets and time.time() < kickoff - 2:
                place_bets(game, epoch)
                has_bets.add(game)
            if state == 2 and not live_bet and market_count:  # in play: one bet at the live epoch
                receipt = day.bet(bettors[0], game << 8, Kind.ONE_X_TWO, epoch, 0, 5 * ONE)
                (event,) = book.events.BetPlaced().process_receipt(receipt)
                _game, kind, line, *_ = book.functions.market(game << 8).call()
                record(event.args, game, kind, line)
                live_bet = True
            match = feed.get_state(game, time.time())
            if game != POSTPONED and game not in reported and is_reportable(match) and state != 0:
                day.report(match)
                reported.add(game)
        return len(reported) == len(games) - 1

    wait_until(play, 180, "every match over and reported", day)
    assert has_bets == set(games), "every game took pre-game bets"
    assert live_bet
    assert all(game_view(g)[2] == STATE_PROPOSED for g in reported)

    # past the challenge window and the postponed game's void deadline
    day.system.anvil.increase_time(3_700)
    wait_until(lambda: any(game_view(g)[2] == STATE_FINAL for g in games), 60, "a game final", day)
    first.kill()  # and once more while it finalizes and pays
    first.start()

    def is_all_paid() -> bool:
        if any(game_view(g)[2] != STATE_FINAL for g in games):
            return False
        return not any(book.functions.is_open(bet).call() for bet in tuples)

    wait_until(is_all_paid, 90, "every bet paid", day)
    wait_until(lambda: first.get_starts() == 3, 60, "the restarted keeper running", day)
    assert first.is_running() and second.is_running(), day.logs()[-4000:]
    assert first.stop() == 0 and second.stop() == 0
    assert "crashed" not in day.logs()

    # every bet paid exactly once, with what the rules say
    settled = book.events.BetSettled().get_logs(from_block=day.system.deployment.start_block)
    counts = Counter(bytes(log.args.bet_id) for log in settled)
    assert set(counts) == set(placed) and set(counts.values()) == {1}
    for log in settled:
        game, kind, line, outcome, stake, payout = placed[bytes(log.args.bet_id)]
        view = game_view(game)
        expected = grade(Kind(kind), line, outcome, view[3], view[4], view[6])
        assert log.args.grade == expected
        assert log.args.amount == amount_due(expected, stake, payout)
    assert game_view(POSTPONED)[6] and game_view(1004)[6]  # postponed and abandoned: cancelled

    # nothing listed twice: one game and the planned markets each, whoever listed them
    created_logs = book.events.GameCreated().get_logs(from_block=day.system.deployment.start_block)
    assert sorted(log.args.game for log in created_logs) == games
    markets = book.events.MarketCreated().get_logs(from_block=day.system.deployment.start_block)
    for game in games:
        specs = sorted((log.args.kind, log.args.line) for log in markets if log.args.game == game)
        assert specs == sorted((int(kind), line) for kind, line in MARKETS)
