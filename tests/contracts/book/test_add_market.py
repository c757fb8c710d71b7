"""Book.add_market: the operator opens a (kind, line) market on a game."""

import boa
import pytest

from oracle.markets import Kind
from tests.contracts import actions

pytestmark = pytest.mark.unit

MAX_MARKETS_PER_GAME = 32  # constants.vy
MAX_LINE = 2_000
MAX_GAME_ID = 2**48 - 1


def _bring_to(system, game: int, state: str) -> None:
    """Move an open `game` into `state` by the real paths."""
    if state == "closed":
        system.book.set_live(game, True, sender=system.operator)
        system.book.set_live(game, False, sender=system.operator)
        return
    actions.time_travel(3_600)
    actions.report(system, game, 1, 0)
    if state == "challenged":
        system.book.challenge(game, sender=system.guardian)
    elif state == "final":
        actions.time_travel(system.book.challenge_window())
        system.book.finalize(game)


def test_default_behavior(book, operator, game):
    first = book.add_market(game, int(Kind.ONE_X_TWO), 0, sender=operator)

    assert first == game << 8
    [event] = book.get_logs()
    assert type(event).__name__ == "MarketCreated"
    assert (event.market, event.game, event.kind, event.line) == (first, game, 0, 0)

    second = book.add_market(game, int(Kind.HANDICAP), -9, sender=operator)

    assert second == game << 8 | 1
    m = book.market(second)
    assert (m.game, m.kind, m.line, m.outcomes) == (game, 3, -9, 2)
    assert (list(m.nets), m.reserve, m.upside) == ([0, 0, 0], 0, 0)
    assert book.market(first).outcomes == 3
    assert book.game(game).market_count == 2
    assert book.market_id(game, int(Kind.ONE_X_TWO), 0) == first
    assert book.market_id(game, int(Kind.HANDICAP), -9) == second


def test_market_id_unknown_is_zero(book, market, game):
    assert book.market_id(game, int(Kind.HANDICAP), -9) == 0
    assert book.market_id(game + 1, int(Kind.ONE_X_TWO), 0) == 0
    assert book.market_id(game, int(Kind.MONEYLINE), 0) == 0


def test_ids_count_per_game(system, book, game):
    actions.create_game(system, MAX_GAME_ID)
    actions.add_market(system, game, Kind.TOTALS, 10)

    market = actions.add_market(system, MAX_GAME_ID, Kind.TOTALS, 10)

    assert market == MAX_GAME_ID << 8
    assert market < 2**64  # fits a quote's uint64 market field
    assert book.market(market).game == MAX_GAME_ID


def test_admin_may_add(book, admin, game):
    assert book.add_market(game, int(Kind.MONEYLINE), 0, sender=admin) == game << 8


@pytest.mark.parametrize("role", ["attacker", "pricer"])
def test_not_operator(book, system, attacker, game, role):
    caller = attacker if role == "attacker" else system.pricer.address
    with boa.reverts("book: not operator"):
        book.add_market(game, int(Kind.ONE_X_TWO), 0, sender=caller)


def test_unknown_game(book, operator):
    with boa.reverts("book: game not open"):
        book.add_market(1, int(Kind.ONE_X_TWO), 0, sender=operator)


@pytest.mark.parametrize("state", ["closed", "proposed", "challenged", "final"])
def test_game_not_open(system, book, operator, game, state):
    _bring_to(system, game, state)
    with boa.reverts("book: game not open"):
        book.add_market(game, int(Kind.ONE_X_TWO), 0, sender=operator)


def test_allowed_while_live(book, operator, game, market):
    book.set_live(game, True, sender=operator)

    added = book.add_market(game, int(Kind.TOTALS), 10, sender=operator)

    assert added == game << 8 | 1
    assert book.game(game).market_count == 2


def test_market_exists(book, operator, game, market):
    with boa.reverts("book: market exists"):
        book.add_market(game, int(Kind.ONE_X_TWO), 0, sender=operator)
    book.add_market(game, int(Kind.HANDICAP), 9, sender=operator)
    with boa.reverts("book: market exists"):
        book.add_market(game, int(Kind.HANDICAP), 9, sender=operator)


def test_same_line_other_kind_or_game(system, book, operator, game):
    actions.create_game(system, 2)
    a = book.add_market(game, int(Kind.TOTALS), 9, sender=operator)
    b = book.add_market(game, int(Kind.HANDICAP), 9, sender=operator)
    c = book.add_market(2, int(Kind.TOTALS), 9, sender=operator)
    assert (a, b, c) == (game << 8, game << 8 | 1, 2 << 8)


def test_too_many_markets(book, operator, game):
    for index in range(MAX_MARKETS_PER_GAME):
        assert book.add_market(game, int(Kind.HANDICAP), index, sender=operator) == game << 8 | index

    with boa.reverts("book: too many markets"):
        book.add_market(game, int(Kind.TOTALS), 10, sender=operator)
    assert book.game(game).market_count == MAX_MARKETS_PER_GAME


@pytest.mark.parametrize("kind", [4, 255, 2**256 - 1])
def test_unknown_market_kind(book, operator, game, kind):
    with boa.reverts("book: unknown market kind"):
        book.add_market(game, kind, 0, sender=operator)


@pytest.mark.parametrize(("kind", "line"), [(Kind.ONE_X_TWO, 1), (Kind.ONE_X_TWO, -4), (Kind.MONEYLINE, 2)])
def test_market_takes_no_line(book, operator, game, kind, line):
    with boa.reverts("book: market takes no line"):
        book.add_market(game, int(kind), line, sender=operator)


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (Kind.TOTALS, 0),
        (Kind.TOTALS, -1),
        (Kind.TOTALS, 1),  # 0.25: under could never fully win, so its worst case would be overstated
        (Kind.TOTALS, MAX_LINE + 1),
        (Kind.HANDICAP, MAX_LINE + 1),
        (Kind.HANDICAP, -MAX_LINE - 1),
    ],
)
def test_line_out_of_range(book, operator, game, kind, line):
    with boa.reverts("book: line out of range"):
        book.add_market(game, int(kind), line, sender=operator)


@pytest.mark.parametrize(
    ("kind", "line"),
    [
        (Kind.TOTALS, 2),  # 0.5, the lowest totals line
        (Kind.TOTALS, MAX_LINE),
        (Kind.HANDICAP, MAX_LINE),
        (Kind.HANDICAP, -MAX_LINE),
        (Kind.HANDICAP, 0),
    ],
)
def test_line_bounds_accepted(book, operator, game, kind, line):
    market = book.add_market(game, int(kind), line, sender=operator)
    assert (book.market(market).kind, book.market(market).line) == (int(kind), line)
