"""Book.set_caps: the operator changes a game's exposure caps."""

import boa
import pytest

from oracle.markets import Kind
from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

# caps are held as whole tokens in 36 bits; one whole MockUSD token is 10**6 units
MAX_CAP = (2**36 - 1) * ONE
STATE_OPEN, STATE_LIVE, STATE_CLOSED = 1, 2, 3


def test_default_behavior(book, operator, game, market):
    book.add_market(game, int(Kind.TOTALS), 10, sender=operator)

    book.set_caps(game, 3 * ONE, 8 * ONE, sender=operator)

    [event] = book.get_logs()
    assert type(event).__name__ == "CapsChanged"
    assert (event.game, event.market_cap, event.game_cap) == (game, 3 * ONE, 8 * ONE)
    g = book.game(game)
    assert (g.market_cap, g.game_cap, g.market_count) == (3 * ONE, 8 * ONE, 2)
    # the market count survives the rewrite of the info word
    assert book.add_market(game, int(Kind.MONEYLINE), 0, sender=operator) == game << 8 | 2


def test_admin_may_set(book, admin, game):
    book.set_caps(game, ONE, 2 * ONE, sender=admin)
    assert (book.game(game).market_cap, book.game(game).game_cap) == (ONE, 2 * ONE)


@pytest.mark.parametrize("role", ["attacker", "pricer", "guardian"])
def test_not_operator(book, system, attacker, guardian, game, role):
    caller = {"attacker": attacker, "pricer": system.pricer.address, "guardian": guardian}[role]
    with boa.reverts("book: not operator"):
        book.set_caps(game, ONE, ONE, sender=caller)


def test_unknown_game(book, operator):
    with boa.reverts("book: unknown game"):
        book.set_caps(1, ONE, ONE, sender=operator)


@pytest.mark.parametrize("state", ["proposed", "challenged", "final", "voided"])
def test_result_proposed(system, book, operator, guardian, game, market, state):
    actions.time_travel(book.game(game).kickoff - boa.env.evm.patch.timestamp)
    if state == "voided":
        actions.time_travel(book.void_delay())
        book.void_game(game)
    else:
        actions.report(system, game, 1, 0)
    if state == "challenged":
        book.challenge(game, sender=guardian)
    elif state == "final":
        actions.time_travel(book.challenge_window())
        book.finalize(game)
    before = book.game(game)

    with boa.reverts("book: result proposed"):
        book.set_caps(game, 3 * ONE, 8 * ONE, sender=operator)
    # checked before the caps themselves
    with boa.reverts("book: result proposed"):
        book.set_caps(game, 1, 2**256 - 1, sender=operator)
    assert book.game(game) == before


@pytest.mark.parametrize(
    "caps", [(1, 0), (0, ONE - 1), (ONE + 1, ONE), (ONE, 10 * ONE + 5), (MAX_CAP + 1, 0)]
)
def test_cap_not_whole_tokens(book, operator, game, caps):
    with boa.reverts("book: cap not whole tokens"):
        book.set_caps(game, *caps, sender=operator)
    assert (book.game(game).market_cap, book.game(game).game_cap) == (10**6 * ONE, 10**7 * ONE)


@pytest.mark.parametrize("caps", [(MAX_CAP + ONE, 0), (0, MAX_CAP + ONE), (2**36 * ONE, 2**40 * ONE)])
def test_cap_too_large(book, operator, game, caps):
    with boa.reverts("book: cap too large"):
        book.set_caps(game, *caps, sender=operator)
    assert (book.game(game).market_cap, book.game(game).game_cap) == (10**6 * ONE, 10**7 * ONE)


@pytest.mark.parametrize("caps", [(MAX_CAP, MAX_CAP), (0, 0), (MAX_CAP, ONE), (0, MAX_CAP)])
def test_cap_bounds_accepted(book, operator, game, caps):
    book.set_caps(game, *caps, sender=operator)
    assert (book.game(game).market_cap, book.game(game).game_cap) == caps


@pytest.mark.parametrize("state", [STATE_LIVE, STATE_CLOSED])
def test_live_or_closed(book, operator, game, state):
    book.set_live(game, True, sender=operator)
    if state == STATE_CLOSED:
        book.set_live(game, False, sender=operator)

    book.set_caps(game, 7 * ONE, 9 * ONE, sender=operator)

    g = book.game(game)
    assert (g.market_cap, g.game_cap, g.state) == (7 * ONE, 9 * ONE, state)


def test_keeps_the_rest_of_the_game(system, book, operator, game, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)  # reserve 95
    book.suspend(game, sender=operator)
    before = book.game(game)
    headroom = book.headroom()

    book.set_caps(game, MAX_CAP, 0, sender=operator)

    after = book.game(game)
    assert (after.market_cap, after.game_cap) == (MAX_CAP, 0)
    assert after._replace(market_cap=before.market_cap, game_cap=before.game_cap) == before
    assert (before.reserve, before.epoch, before.market_count) == (95 * ONE, 1, 1)
    assert book.headroom() == headroom


def test_cap_reached_exactly(system, book, operator, game, ready, funded_bettor):
    # a 100-unit home bet at 1.95 reserves 95: a cap of 95 whole tokens lets it in, 94 does not
    book.set_caps(game, 94 * ONE, 10**7 * ONE, sender=operator)
    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)
    book.set_caps(game, 95 * ONE, 94 * ONE, sender=operator)
    with boa.reverts("book: game cap reached"):
        actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)

    book.set_caps(game, 95 * ONE, 95 * ONE, sender=operator)
    actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)

    assert (book.market(ready).reserve, book.game(game).reserve) == (95 * ONE, 95 * ONE)
    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, ready, 0, book.MIN_STAKE())


def test_lower_market_cap_blocks_only_growth(system, book, operator, game, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)  # home net +95: reserve 95
    book.set_caps(game, 50 * ONE, 10**7 * ONE, sender=operator)

    with boa.reverts("book: market cap reached"):
        actions.place_bet(system, funded_bettor, ready, 0, ONE)

    # a draw bet takes the home net down to 85: exposure shrinks, so no cap applies
    actions.place_bet(system, funded_bettor, ready, 1, 10 * ONE)
    assert book.market(ready).reserve == 85 * ONE


def test_lower_game_cap_blocks_only_growth(system, book, operator, game, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE)
    book.set_caps(game, 10**6 * ONE, 90 * ONE, sender=operator)

    with boa.reverts("book: game cap reached"):
        actions.place_bet(system, funded_bettor, ready, 0, ONE)

    actions.place_bet(system, funded_bettor, ready, 2, 10 * ONE)
    assert book.game(game).reserve == 85 * ONE
