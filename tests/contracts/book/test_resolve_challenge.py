"""Book.resolve_challenge: the admin decides a challenged result; it is final at once."""

import boa
import pytest
from eth_abi import encode
from eth_utils import keccak

from oracle.markets import ResultStatus
from tests.contracts import actions
from tests.contracts.actions import ONE

pytestmark = pytest.mark.unit

FINAL, CANCELLED = int(ResultStatus.FINAL), int(ResultStatus.CANCELLED)
STATE_CHALLENGED, STATE_FINAL = 5, 6
MAX_SCORE = 1_000


def _accumulate(prev: bytes, game: int, status: int, home: int, away: int) -> bytes:
    return keccak(
        encode(["bytes32", "uint256", "uint256", "uint256", "uint256"], [prev, game, status, home, away])
    )


@pytest.fixture
def bets(system, ready, funded_bettor) -> list:
    """1X2 bets: stakes 180; nets home +15, draw -10, away -57."""
    return [
        actions.place_bet(system, funded_bettor, ready, 0, 100 * ONE),
        actions.place_bet(system, funded_bettor, ready, 1, 50 * ONE),
        actions.place_bet(system, funded_bettor, ready, 2, 30 * ONE),
    ]


@pytest.fixture
def challenged(system, book, guardian, game, bets) -> int:
    """A wrong 0-3 result proposed at kickoff and challenged by the guardian."""
    actions.time_travel(book.game(game).kickoff - actions.now())
    actions.report(system, game, 0, 3)
    book.challenge(game, sender=guardian)
    return game


def test_default_behavior(book, vault, admin, funded_bettor, challenged, bets):
    assets = vault.totalAssets()

    book.resolve_challenge(challenged, FINAL, 2, 1, sender=admin)

    [finalized] = actions.events(book, "ResultFinalized")
    accumulator = _accumulate(b"\x00" * 32, challenged, FINAL, 2, 1)
    assert (finalized.game, finalized.status, finalized.home, finalized.away) == (challenged, FINAL, 2, 1)
    assert (finalized.vault_net, finalized.accumulator) == (15 * ONE, accumulator)
    g = book.game(challenged)
    assert (g.state, g.home, g.away, g.cancelled, g.deadline, g.reserve) == (STATE_FINAL, 2, 1, False, 0, 0)
    assert vault.totalAssets() == assets - 15 * ONE
    assert (book.headroom(), book.upside()) == (assets - 15 * ONE, 0)
    assert book.settlement_accumulator() == accumulator
    assert book.finalized_games() == 1
    # the corrected score settles the bets: the home bet is the winner
    assert book.claim(bets[0].as_tuple(), sender=funded_bettor) == 195 * ONE


def test_admin_confirms_the_proposal(book, vault, admin, challenged):
    assets = vault.totalAssets()
    book.resolve_challenge(challenged, FINAL, 0, 3, sender=admin)
    assert vault.totalAssets() == assets + 57 * ONE
    assert (book.game(challenged).home, book.game(challenged).away) == (0, 3)


def test_admin_cancels(book, vault, admin, funded_bettor, challenged, bets):
    assets = vault.totalAssets()

    book.resolve_challenge(challenged, CANCELLED, 0, 0, sender=admin)

    [finalized] = actions.events(book, "ResultFinalized")
    assert (finalized.status, finalized.home, finalized.away, finalized.vault_net) == (CANCELLED, 0, 0, 0)
    assert book.game(challenged).cancelled is True
    assert vault.totalAssets() == assets
    assert book.settle_bets([b.as_tuple() for b in bets]) == 3
    assert book.balanceOf(funded_bettor) == 1_000 * ONE


def test_final_once_resolved(system, book, admin, challenged):
    book.resolve_challenge(challenged, FINAL, 2, 1, sender=admin)
    with boa.reverts("book: result not challenged"):
        book.resolve_challenge(challenged, FINAL, 2, 1, sender=admin)
    with boa.reverts("book: game final"):
        book.void_game(challenged)
    with boa.reverts("book: other result proposed"):
        actions.report(system, challenged, 0, 3)


@pytest.mark.parametrize("role", ["guardian", "operator", "attacker"])
def test_not_owner(book, guardian, operator, attacker, challenged, role):
    caller = {"guardian": guardian, "operator": operator, "attacker": attacker}[role]
    with boa.reverts("ownable: caller is not the owner"):
        book.resolve_challenge(challenged, FINAL, 2, 1, sender=caller)


def test_unknown_game(book, admin):
    with boa.reverts("book: result not challenged"):
        book.resolve_challenge(1, FINAL, 0, 0, sender=admin)


@pytest.mark.parametrize("state", ["open", "closed", "proposed", "final"])
def test_not_challenged(system, book, admin, operator, game, state):
    if state == "closed":
        book.set_live(game, True, sender=operator)
        book.set_live(game, False, sender=operator)
    elif state != "open":
        actions.time_travel(book.game(game).kickoff - actions.now())
        actions.report(system, game, 1, 0)
        if state == "final":
            actions.time_travel(book.challenge_window())
            book.finalize(game)
    with boa.reverts("book: result not challenged"):
        book.resolve_challenge(game, FINAL, 1, 0, sender=admin)


@pytest.mark.parametrize("status", [0, 3])
def test_bad_result_status(book, admin, challenged, status):
    with boa.reverts("book: bad result status"):
        book.resolve_challenge(challenged, status, 2, 1, sender=admin)


def test_cancel_with_a_score(book, admin, challenged):
    with boa.reverts("book: cancel with a score"):
        book.resolve_challenge(challenged, CANCELLED, 0, 1, sender=admin)


def test_score_out_of_range(book, admin, challenged):
    with boa.reverts("book: score out of range"):
        book.resolve_challenge(challenged, FINAL, MAX_SCORE + 1, 0, sender=admin)
    assert book.game(challenged).state == STATE_CHALLENGED


def test_game_not_started(system, book, admin, guardian, game):
    actions.report(system, game, 0, 0, ResultStatus.CANCELLED)
    book.challenge(game, sender=guardian)

    with boa.reverts("book: game not started"):
        book.resolve_challenge(game, FINAL, 1, 0, sender=admin)
    actions.time_travel(book.game(game).kickoff - actions.now())
    book.resolve_challenge(game, FINAL, 1, 0, sender=admin)
    assert book.game(game).state == STATE_FINAL


def test_after_void_deadline(book, admin, challenged):
    actions.time_travel(book.game(challenged).deadline - actions.now())
    book.resolve_challenge(challenged, FINAL, 1, 1, sender=admin)
    assert (book.game(challenged).state, book.game(challenged).home) == (STATE_FINAL, 1)
