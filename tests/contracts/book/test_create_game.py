"""Book.create_game: the operator lists a fixture for betting."""

import boa
import pytest

from tests.contracts import actions
from tests.contracts.actions import ONE
from tests.contracts.book.tokens import deploy_book_over

pytestmark = pytest.mark.unit

STATE_OPEN = 1
MAX_GAME_ID = 2**48 - 1  # constants.vy
MAX_KICKOFF = 2**39  # leaves room for kickoff + MAX_VOID_DELAY in 40 bits
# caps are held as whole tokens in 36 bits; one whole MockUSD token is 10**6 units
MAX_CAP_TOKENS = 2**36 - 1
MAX_CAP = MAX_CAP_TOKENS * ONE


def test_default_behavior(book, operator):
    kickoff = actions.now() + 3_600
    void_after = kickoff + 86_400 * 3  # the deployed void delay

    book.create_game(7, kickoff, 5_000 * ONE, 20_000 * ONE, sender=operator)

    [event] = book.get_logs()
    assert type(event).__name__ == "GameCreated"
    assert (event.game, event.kickoff, event.void_after) == (7, kickoff, void_after)
    assert (event.market_cap, event.game_cap) == (5_000 * ONE, 20_000 * ONE)
    g = book.game(7)
    assert (g.kickoff, g.epoch, g.state) == (kickoff, 0, STATE_OPEN)
    # before a result the deadline is the void deadline and the scores read 0
    assert (g.home, g.away, g.deadline, g.cancelled, g.reserve) == (0, 0, void_after, False, 0)
    assert (g.market_cap, g.game_cap, g.market_count) == (5_000 * ONE, 20_000 * ONE, 0)
    assert book.game_state(7) == STATE_OPEN
    assert (book.game(8).state, book.game_state(8)) == (0, 0)


def test_admin_may_create(book, admin):
    kickoff = actions.now() + 60

    book.create_game(2, kickoff, ONE, 2 * ONE, sender=admin)

    assert book.game(2).state == STATE_OPEN
    assert book.game(2).kickoff == kickoff


@pytest.mark.parametrize("role", ["attacker", "pricer", "guardian"])
def test_not_operator(book, system, attacker, guardian, role):
    caller = {"attacker": attacker, "pricer": system.pricer.address, "guardian": guardian}[role]
    with boa.reverts("book: not operator"):
        book.create_game(1, actions.now() + 3_600, ONE, ONE, sender=caller)


def test_revoked_operator(book, admin, operator):
    book.set_operator(operator, False, sender=admin)
    with boa.reverts("book: not operator"):
        book.create_game(1, actions.now() + 3_600, ONE, ONE, sender=operator)


@pytest.mark.parametrize("game", [0, MAX_GAME_ID + 1, 2**256 - 1])
def test_bad_game_id(book, operator, game):
    with boa.reverts("book: bad game id"):
        book.create_game(game, actions.now() + 3_600, ONE, ONE, sender=operator)


@pytest.mark.parametrize("game", [1, MAX_GAME_ID])
def test_game_id_bounds_accepted(book, operator, game):
    book.create_game(game, actions.now() + 3_600, ONE, ONE, sender=operator)
    assert book.game(game).state == STATE_OPEN


def test_game_exists(book, operator):
    book.create_game(1, actions.now() + 3_600, ONE, ONE, sender=operator)
    with boa.reverts("book: game exists"):
        book.create_game(1, actions.now() + 7_200, 2 * ONE, 2 * ONE, sender=operator)
    assert book.game(1).market_cap == ONE


@pytest.mark.parametrize("offset", [0, -1, -86_400])
def test_kickoff_not_in_future(book, operator, offset):
    with boa.reverts("book: bad kickoff"):
        book.create_game(1, actions.now() + offset, ONE, ONE, sender=operator)


@pytest.mark.parametrize("kickoff", [MAX_KICKOFF + 1, 2**40 - 1, 2**256 - 1])
def test_kickoff_too_far(book, operator, kickoff):
    with boa.reverts("book: bad kickoff"):
        book.create_game(1, kickoff, ONE, ONE, sender=operator)


@pytest.mark.parametrize("kickoff", ["next second", "max"])
def test_kickoff_bounds_accepted(book, admin, operator, kickoff):
    book.set_params(60, 86_400 * 30, sender=admin)  # the longest void delay must still fit
    at = actions.now() + 1 if kickoff == "next second" else MAX_KICKOFF

    book.create_game(1, at, ONE, ONE, sender=operator)

    g = book.game(1)
    assert (g.kickoff, g.deadline) == (at, at + 86_400 * 30)


def test_void_deadline_uses_void_delay_at_creation(book, admin, operator):
    kickoff = actions.now() + 3_600
    book.set_params(3_600, 7_200, sender=admin)

    book.create_game(1, kickoff, ONE, ONE, sender=operator)

    [event] = book.get_logs()
    assert event.void_after == kickoff + 7_200
    assert book.game(1).deadline == kickoff + 7_200


def test_cap_unit_is_one_whole_token(book):
    assert book.CAP_UNIT() == 10**6  # MockUSD has 6 decimals


@pytest.mark.parametrize(
    "caps", [(1, ONE), (ONE, ONE + 1), (ONE // 2, 0), (0, 10**7 * ONE - 1), (MAX_CAP + 1, 0), (2**256 - 1, 0)]
)
def test_cap_not_whole_tokens(book, operator, caps):
    with boa.reverts("book: cap not whole tokens"):
        book.create_game(1, actions.now() + 3_600, *caps, sender=operator)
    assert book.game_state(1) == 0


@pytest.mark.parametrize(
    "caps",
    [
        (MAX_CAP + ONE, ONE),
        (ONE, MAX_CAP + ONE),
        (2**36 * ONE, 2**36 * ONE),
        # the largest multiple of a whole token: its token count is far above 36 bits
        ((2**256 - 1) // ONE * ONE, 0),
    ],
)
def test_cap_too_large(book, operator, caps):
    with boa.reverts("book: cap too large"):
        book.create_game(1, actions.now() + 3_600, *caps, sender=operator)
    assert book.game_state(1) == 0


@pytest.mark.parametrize("caps", [(MAX_CAP, MAX_CAP), (0, 0), (ONE, MAX_CAP), (MAX_CAP, 0)])
def test_cap_bounds_accepted(book, operator, caps):
    book.create_game(1, actions.now() + 3_600, *caps, sender=operator)

    [event] = book.get_logs()
    assert (event.market_cap, event.game_cap) == caps
    g = book.game(1)
    assert (g.market_cap, g.game_cap) == caps
    # the caps share the game word with the reserve and the market count: neither is disturbed
    assert (g.reserve, g.market_count, g.state, g.epoch) == (0, 0, STATE_OPEN, 0)


@pytest.mark.parametrize(
    ("decimals", "cap"), [(0, 1), (0, MAX_CAP_TOKENS), (2, 300), (18, 10**18), (18, MAX_CAP_TOKENS * 10**18)]
)
def test_cap_unit_follows_token_decimals(admin, decimals, cap):
    book = deploy_book_over(decimals, admin)
    assert book.CAP_UNIT() == 10**decimals

    book.create_game(1, actions.now() + 3_600, cap, cap, sender=admin)

    g = book.game(1)
    assert (g.market_cap, g.game_cap) == (cap, cap)


@pytest.mark.parametrize(
    ("decimals", "cap", "reason"),
    [
        (0, MAX_CAP_TOKENS + 1, "book: cap too large"),
        (2, 150, "book: cap not whole tokens"),
        (18, 10**18 + 1, "book: cap not whole tokens"),
        (18, 10**6, "book: cap not whole tokens"),  # a whole MockUSD token is dust here
        (18, (MAX_CAP_TOKENS + 1) * 10**18, "book: cap too large"),
    ],
)
def test_caps_checked_in_token_decimals(admin, decimals, cap, reason):
    book = deploy_book_over(decimals, admin)

    with boa.reverts(reason):
        book.create_game(1, actions.now() + 3_600, cap, cap, sender=admin)
