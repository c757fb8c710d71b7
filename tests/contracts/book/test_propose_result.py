"""Book.propose_result: the ResultOracle proposes a result a quorum of reporters signed."""

import boa
import pytest

from oracle.markets import ResultStatus
from oracle.signing import GameResult, sign_result
from tests.contracts import actions

pytestmark = pytest.mark.unit

FINAL, CANCELLED = int(ResultStatus.FINAL), int(ResultStatus.CANCELLED)
STATE_OPEN, STATE_LIVE, STATE_CLOSED, STATE_PROPOSED, STATE_CHALLENGED, STATE_FINAL = 1, 2, 3, 4, 5, 6
MAX_SCORE = 1_000  # constants.vy


def _propose(book, oracle, game, status, home, away, signers=0b1):
    """Call the Book as the oracle itself would."""
    with boa.env.prank(oracle.address):
        return book.propose_result(game, status, home, away, signers)


@pytest.fixture
def kicked_off(book, game) -> int:
    """Game 1 at its kickoff second."""
    actions.time_travel(book.game(game).kickoff - actions.now())
    return game


def test_default_behavior(system, book, oracle, kicked_off):
    game = kicked_off
    actions.time_travel(5_400)

    assert actions.report(system, game, 3, 1) is True

    [event] = actions.events(oracle, "ResultProposed", emitter=system.book)
    deadline = actions.now() + book.challenge_window()
    # the first two reporters (indexes 0 and 1) signed
    assert (event.game, event.status, event.home, event.away) == (game, FINAL, 3, 1)
    assert (event.signers, event.final_after) == (0b11, deadline)
    g = book.game(game)
    assert (g.state, g.home, g.away, g.cancelled, g.deadline) == (STATE_PROPOSED, 3, 1, False, deadline)
    # the result takes the place of the caps and the reserve in the game word
    assert (g.market_cap, g.game_cap, g.reserve) == (0, 0, 0)
    assert book.game_state(game) == STATE_PROPOSED


def test_keeps_the_reserve_held(system, book, vault, game, ready, funded_bettor):
    actions.place_bet(system, funded_bettor, ready, 0, 100 * actions.ONE)  # home net +95
    headroom, upside = book.headroom(), book.upside()
    assert (headroom, book.game(game).reserve) == (vault.totalAssets() - 95 * actions.ONE, 95 * actions.ONE)
    actions.time_travel(book.game(game).kickoff - actions.now())

    actions.report(system, game, 0, 0)

    assert book.game(game).reserve == 0
    assert (book.headroom(), book.upside()) == (headroom, upside)
    assert book.market(ready).reserve == 95 * actions.ONE


def test_signer_bitmap_is_the_oracles(system, book, oracle, kicked_off):
    result, signatures = actions.sign_game_result(system, kicked_off, 1, 1, signers=3)
    oracle.report_result(result.as_tuple(), [signatures[0].as_tuple(), signatures[2].as_tuple()])
    [event] = actions.events(oracle, "ResultProposed", emitter=system.book)
    assert event.signers == 0b101


def test_below_quorum_proposes_nothing(system, book, oracle, kicked_off):
    assert actions.report(system, kicked_off, 2, 2, signers=1) is False
    assert actions.events(oracle, "ResultProposed", emitter=system.book) == []
    assert book.game(kicked_off).state == STATE_OPEN


def test_direct_from_oracle(book, oracle, kicked_off):
    assert _propose(book, oracle, kicked_off, FINAL, 0, 4, signers=0b110) is True

    [event] = book.get_logs()
    assert (event.home, event.away, event.signers) == (0, 4, 0b110)
    assert book.game(kicked_off).state == STATE_PROPOSED


@pytest.mark.parametrize("role", ["attacker", "admin", "guardian", "operator"])
def test_not_oracle(book, admin, attacker, guardian, operator, kicked_off, role):
    caller = {"attacker": attacker, "admin": admin, "guardian": guardian, "operator": operator}[role]
    with boa.reverts("book: not oracle"):
        book.propose_result(kicked_off, FINAL, 1, 0, 0b11, sender=caller)


def test_reporter_cannot_bypass_oracle(system, book, kicked_off):
    with boa.reverts("book: not oracle"):
        book.propose_result(kicked_off, FINAL, 1, 0, 0b1, sender=system.reporters[0].address)


def test_unknown_game(system, book, oracle):
    with boa.reverts("book: unknown game"):
        _propose(book, oracle, 1, CANCELLED, 0, 0)
    with boa.reverts("book: unknown game"):
        actions.report(system, 1, 0, 0, ResultStatus.CANCELLED)


def test_final_before_kickoff(system, book, oracle, game):
    actions.time_travel(book.game(game).kickoff - actions.now() - 1)
    with boa.reverts("book: game not started"):
        actions.report(system, game, 1, 0)
    with boa.reverts("book: game not started"):
        _propose(book, oracle, game, FINAL, 0, 0)


def test_final_at_kickoff(system, book, kicked_off):
    assert actions.report(system, kicked_off, 1, 0) is True
    assert book.game(kicked_off).state == STATE_PROPOSED


def test_cancelled_before_kickoff(system, book, oracle, game):
    assert actions.report(system, game, 0, 0, ResultStatus.CANCELLED) is True

    [event] = actions.events(oracle, "ResultProposed", emitter=system.book)
    assert (event.status, event.home, event.away) == (CANCELLED, 0, 0)
    g = book.game(game)
    assert (g.state, g.cancelled, g.deadline) == (
        STATE_PROPOSED,
        True,
        actions.now() + book.challenge_window(),
    )


@pytest.mark.parametrize("status", [0, 3, 255])
def test_bad_result_status(system, book, oracle, kicked_off, status):
    with boa.reverts("book: bad result status"):
        _propose(book, oracle, kicked_off, status, 1, 0)
    bad = GameResult(game=kicked_off, status=status, home=1, away=0)
    signatures = [
        sign_result(r.key, bad, boa.env.evm.patch.chain_id, oracle.address).as_tuple()
        for r in system.reporters[:2]
    ]
    with boa.reverts("book: bad result status"):
        oracle.report_result(bad.as_tuple(), signatures)


@pytest.mark.parametrize(("home", "away"), [(1, 0), (0, 1), (MAX_SCORE, MAX_SCORE)])
def test_cancel_with_a_score(system, book, oracle, kicked_off, home, away):
    with boa.reverts("book: cancel with a score"):
        _propose(book, oracle, kicked_off, CANCELLED, home, away)
    with boa.reverts("book: cancel with a score"):
        actions.report(system, kicked_off, home, away, ResultStatus.CANCELLED)


@pytest.mark.parametrize(("home", "away"), [(MAX_SCORE + 1, 0), (0, MAX_SCORE + 1), (2**16 - 1, 2**16 - 1)])
def test_score_out_of_range(system, book, oracle, kicked_off, home, away):
    with boa.reverts("book: score out of range"):
        _propose(book, oracle, kicked_off, FINAL, home, away)
    with boa.reverts("book: score out of range"):
        actions.report(system, kicked_off, home, away)


def test_max_score_accepted(system, book, kicked_off):
    actions.report(system, kicked_off, MAX_SCORE, MAX_SCORE)
    g = book.game(kicked_off)
    assert (g.home, g.away) == (MAX_SCORE, MAX_SCORE)


@pytest.mark.parametrize("state", [STATE_LIVE, STATE_CLOSED])
def test_from_live_or_closed(system, book, operator, kicked_off, state):
    book.set_live(kicked_off, True, sender=operator)
    if state == STATE_CLOSED:
        book.set_live(kicked_off, False, sender=operator)
    before = book.game(kicked_off)

    actions.report(system, kicked_off, 2, 2)

    g = book.game(kicked_off)
    assert (g.state, g.home, g.away) == (STATE_PROPOSED, 2, 2)
    assert (g.epoch, g.kickoff, g.market_count) == (before.epoch, before.kickoff, before.market_count)


def test_same_result_again_is_a_no_op(system, book, oracle, kicked_off):
    actions.report(system, kicked_off, 2, 1)
    proposed = book.game(kicked_off)
    actions.time_travel(600)

    assert _propose(book, oracle, kicked_off, FINAL, 2, 1) is False
    assert book.get_logs() == []
    # a late reporter bundle succeeds without effect too, down to a lone signature
    for signers in (3, 1):
        assert actions.report(system, kicked_off, 2, 1, signers=signers) is True
        assert oracle.get_logs() == []
        assert book.game(kicked_off) == proposed


@pytest.mark.parametrize("state", ["challenged", "final"])
def test_same_result_after_proposal_is_a_no_op(system, book, oracle, guardian, kicked_off, state):
    actions.report(system, kicked_off, 0, 0, ResultStatus.CANCELLED)
    if state == "challenged":
        book.challenge(kicked_off, sender=guardian)
    else:
        actions.time_travel(book.challenge_window())
        book.finalize(kicked_off)
    before = book.game(kicked_off)

    assert _propose(book, oracle, kicked_off, CANCELLED, 0, 0) is False
    assert book.game(kicked_off) == before
    assert actions.report(system, kicked_off, 0, 0, ResultStatus.CANCELLED, signers=1) is True
    assert oracle.get_logs() == []
    assert book.game(kicked_off) == before


@pytest.mark.parametrize(
    ("status", "home", "away"), [(FINAL, 2, 0), (FINAL, 1, 1), (FINAL, 0, 0), (CANCELLED, 0, 0)]
)
def test_other_result_proposed(system, book, oracle, kicked_off, status, home, away):
    actions.report(system, kicked_off, 1, 0)
    proposed = book.game(kicked_off)

    with boa.reverts("book: other result proposed"):
        _propose(book, oracle, kicked_off, status, home, away)
    with boa.reverts("book: other result proposed"):
        actions.report(system, kicked_off, home, away, ResultStatus(status))
    # a lone late signature is no vote for another result: the Book rejects it too
    with boa.reverts("book: other result proposed"):
        actions.report(system, kicked_off, home, away, ResultStatus(status), signers=1)
    assert book.game(kicked_off) == proposed


def test_other_result_after_void(system, book, oracle, kicked_off):
    actions.time_travel(book.void_delay())
    book.void_game(kicked_off)

    with boa.reverts("book: other result proposed"):
        _propose(book, oracle, kicked_off, FINAL, 0, 0)
    assert _propose(book, oracle, kicked_off, CANCELLED, 0, 0) is False


def test_not_paused(system, book, guardian, kicked_off):
    book.pause(sender=guardian)
    assert actions.report(system, kicked_off, 1, 2) is True
    assert book.game(kicked_off).state == STATE_PROPOSED
