"""ResultOracle.report_result: M-of-N reporter signatures propose a result to the Book."""

import boa
import pytest

from oracle.markets import ResultStatus
from tests.contracts import actions
from tests.contracts.oracle.reports import (
    STATE_FINAL,
    STATE_OPEN,
    STATE_PROPOSED,
    bitmap,
    build_result,
    by_address,
    digest_of,
    event_names,
    malleable_twin,
    sign,
    submit,
)
from tests.deployers import account_of, deploy_boa_system

pytestmark = pytest.mark.unit


def test_default_behavior(system, book, oracle, reporters, started, keeper):
    result = build_result(started, home=2, away=1)
    signers = reporters[:2]

    assert submit(system, result, signers, sender=keeper) is True

    assert event_names(oracle) == ["ResultProposed"]
    (proposed,) = oracle.get_logs()
    deadline = boa.env.evm.patch.timestamp + book.challenge_window()
    assert (proposed.game, proposed.status, proposed.home, proposed.away) == (started, 1, 2, 1)
    assert proposed.signers == 0b011
    assert proposed.final_after == deadline
    g = book.game(started)
    assert (g.state, g.home, g.away, g.cancelled, g.deadline) == (STATE_PROPOSED, 2, 1, False, deadline)
    assert oracle.votes(digest_of(system, result)) == 0


def test_signatures_one_call_each(system, book, oracle, reporters, started):
    result = build_result(started)
    digest = digest_of(system, result)
    first, last = reporters[0], reporters[2]

    assert submit(system, result, [first], sender=first.address) is False

    assert event_names(oracle) == ["ResultVoted"]
    (voted,) = oracle.get_logs()
    assert (voted.game, voted.digest, voted.signers) == (started, digest, 0b001)
    assert oracle.votes(digest) == 0b001
    assert book.game(started).state == STATE_OPEN

    assert submit(system, result, [last], sender=last.address) is True

    assert event_names(oracle) == ["ResultProposed"]
    assert oracle.get_logs()[0].signers == 0b101
    assert oracle.votes(digest) == 0
    assert book.game(started).state == STATE_PROPOSED


@pytest.mark.parametrize("split", [(3,), (2, 1), (1, 1, 1), (1, 2)])
def test_three_of_five(split, keeper):
    system = deploy_boa_system(n_reporters=5, quorum=3)
    actions.create_game(system, 7)
    actions.time_travel(3_600)
    result = build_result(7, home=0, away=3)
    signers = [system.reporters[i] for i in (4, 1, 3)]  # any three, any order across calls

    start = 0
    for size in split[:-1]:
        assert submit(system, result, signers[start : start + size], sender=keeper) is False
        assert system.book.game(7).state == STATE_OPEN
        start += size
    assert submit(system, result, signers[start:], sender=keeper) is True

    (proposed,) = system.oracle.get_logs()
    assert proposed.signers == bitmap(system.reporters, signers) == 0b11010
    assert system.book.game(7).state == STATE_PROPOSED


def test_cancellation(system, book, oracle, reporters, game, keeper):
    result = build_result(game, home=0, away=0, status=ResultStatus.CANCELLED)

    assert submit(system, result, reporters[1:], sender=keeper) is True

    (proposed,) = oracle.get_logs()
    assert (proposed.status, proposed.home, proposed.away, proposed.signers) == (2, 0, 0, 0b110)
    g = book.game(game)
    assert (g.state, g.cancelled) == (STATE_PROPOSED, True)


def test_all_reporters_in_one_bundle(system, oracle, reporters, started, keeper):
    assert submit(system, build_result(started), reporters, sender=keeper) is True

    assert oracle.get_logs()[0].signers == 0b111


def test_resubmit_proposed(system, book, oracle, reporters, started, keeper):
    result = build_result(started)
    submit(system, result, reporters[:2], sender=keeper)
    before = book.game(started)

    assert submit(system, result, reporters[1:], sender=keeper) is True

    assert oracle.get_logs() == []
    assert book.game(started) == before
    assert oracle.votes(digest_of(system, result)) == 0


def test_resubmit_final(system, book, oracle, reporters, started, keeper):
    result = build_result(started)
    submit(system, result, reporters[:2], sender=keeper)
    actions.time_travel(book.challenge_window())
    book.finalize(started, sender=keeper)
    before = (book.game(started), book.settlement_accumulator(), book.finalized_games())

    assert submit(system, result, reporters[:2], sender=keeper) is True

    assert oracle.get_logs() == []
    assert (book.game(started), book.settlement_accumulator(), book.finalized_games()) == before
    assert before[0].state == STATE_FINAL


def _settle_result(system, game: int, state: str) -> None:
    """Take a game whose result was just proposed on to `state`."""
    book = system.book
    if state == "challenged":
        book.challenge(game, sender=system.guardian)
    elif state == "final":
        actions.time_travel(book.challenge_window())
        book.finalize(game)


def _adopt(system, reporters, game: int, state: str, keeper: str):
    """Give `game` a result in `state` by the real paths; returns the result the Book holds."""
    if state == "voided":
        actions.time_travel(system.book.void_delay())
        system.book.void_game(game)
        return build_result(game, home=0, away=0, status=ResultStatus.CANCELLED)
    result = build_result(game, home=2, away=1)
    assert submit(system, result, reporters[:2], sender=keeper) is True
    _settle_result(system, game, state)
    return result


def _snapshot(book, game: int) -> tuple:
    return (book.game(game), book.headroom(), book.settlement_accumulator(), book.finalized_games())


@pytest.mark.parametrize("state", ["proposed", "challenged", "final", "voided"])
@pytest.mark.parametrize("late", [0, 2])
def test_lone_late_signature_is_a_no_op(system, book, oracle, reporters, started, keeper, state, late):
    adopted = _adopt(system, reporters, started, state, keeper)
    before = _snapshot(book, started)
    reporter = reporters[late]  # one who signed the adopted result, or the one who had not

    assert submit(system, adopted, [reporter], sender=reporter.address) is True

    # not a vote: nothing stored, no ResultVoted, and the Book is left as it was
    assert oracle.get_logs() == []
    assert oracle.votes(digest_of(system, adopted)) == 0
    assert _snapshot(book, started) == before


@pytest.mark.parametrize("state", ["proposed", "challenged", "final", "voided"])
def test_lone_late_signature_for_another_result(system, book, oracle, reporters, started, keeper, state):
    _adopt(system, reporters, started, state, keeper)
    before = _snapshot(book, started)
    other = build_result(started, home=0, away=3)
    reporter = reporters[2]

    with boa.reverts("book: other result proposed"):
        submit(system, other, [reporter], sender=reporter.address)

    assert oracle.votes(digest_of(system, other)) == 0
    assert _snapshot(book, started) == before


def test_earlier_vote_for_another_result_stays_dead(system, book, oracle, reporters, started, keeper):
    truth, lie = build_result(started, 2, 1), build_result(started, 0, 3)
    submit(system, lie, [reporters[2]], sender=keeper)
    submit(system, truth, reporters[:2], sender=keeper)

    # the lie's stored vote cannot grow once the truth is proposed
    with boa.reverts("book: other result proposed"):
        submit(system, lie, [reporters[2]], sender=keeper)
    assert oracle.votes(digest_of(system, lie)) == 0b100
    assert (book.game(started).home, book.game(started).away) == (2, 1)


@pytest.mark.parametrize("state", ["open", "live", "closed"])
def test_below_quorum_without_a_result_is_a_vote(system, book, oracle, reporters, game, keeper, state):
    if state != "open":
        book.set_live(game, True, sender=system.operator)
    if state == "closed":
        book.set_live(game, False, sender=system.operator)
    result = build_result(game, home=1, away=1)
    before = book.game(game)

    assert submit(system, result, [reporters[1]], sender=keeper) is False

    (voted,) = oracle.get_logs()
    assert type(voted).__name__ == "ResultVoted"
    assert (voted.game, voted.digest, voted.signers) == (game, digest_of(system, result), 0b010)
    assert oracle.votes(digest_of(system, result)) == 0b010
    assert book.game(game) == before


def test_no_signatures(oracle, started, keeper):
    with boa.reverts("oracle: no signatures"):
        oracle.report_result(build_result(started).as_tuple(), [], sender=keeper)


def test_duplicate_signer(system, oracle, reporters, started, keeper):
    result = build_result(started)
    signatures = sign(system, result, [reporters[0], reporters[0]])

    with boa.reverts("oracle: signers not sorted"):
        oracle.report_result(result.as_tuple(), signatures, sender=keeper)


def test_unsorted_signers(system, oracle, reporters, started, keeper):
    result = build_result(started)
    signatures = sign(system, result, [reporters[2], reporters[0]])

    with boa.reverts("oracle: signers not sorted"):
        oracle.report_result(result.as_tuple(), signatures, sender=keeper)


def test_same_reporter_twice_across_calls(system, book, oracle, reporters, started, keeper):
    result = build_result(started)
    reporter = reporters[1]
    submit(system, result, [reporter], sender=reporter.address)

    assert submit(system, result, [reporter], sender=keeper) is False

    assert oracle.get_logs()[0].signers == 0b010
    assert oracle.votes(digest_of(system, result)) == 0b010
    assert book.game(started).state == STATE_OPEN


def test_unknown_reporter(system, oracle, reporters, outsider, started, keeper):
    result = build_result(started)
    signatures = sign(system, result, by_address([reporters[0], outsider]))

    with boa.reverts("oracle: unknown reporter"):
        oracle.report_result(result.as_tuple(), signatures, sender=keeper)


@pytest.mark.parametrize(
    "signed_for", ["other game", "other score", "other chain", "book domain", "other oracle"]
)
def test_signature_for_another_message(system, oracle, reporters, started, keeper, signed_for):
    result = build_result(started)
    signed = build_result(started + 1) if signed_for == "other game" else result
    signed = build_result(started, home=3) if signed_for == "other score" else signed
    chain_id = boa.env.evm.patch.chain_id + (signed_for == "other chain")
    contract = {"book domain": system.book.address, "other oracle": account_of("other oracle").address}.get(
        signed_for, oracle.address
    )
    (signature,) = sign(system, signed, [reporters[0]], chain_id=chain_id, verifying_contract=contract)

    # it recovers some unrelated address, never a reporter
    with boa.reverts("oracle: unknown reporter"):
        oracle.report_result(result.as_tuple(), [signature], sender=keeper)


def test_high_s_signature(system, oracle, reporters, started, keeper):
    result = build_result(started)
    (signature,) = sign(system, result, [reporters[0]])

    with boa.reverts("ecdsa: invalid signature `s` value"):
        oracle.report_result(result.as_tuple(), [malleable_twin(signature)], sender=keeper)


@pytest.mark.parametrize("garbage", ["zero r", "bad v", "zeros"])
def test_garbage_signature(system, oracle, reporters, started, keeper, garbage):
    result = build_result(started)
    (v, r, s), *_ = sign(system, result, [reporters[0]])
    signature = {"zero r": (v, 0, s), "bad v": (29, r, s), "zeros": (0, 0, 0)}[garbage]

    # ecrecover returns the zero address
    with boa.reverts("ecdsa: invalid signature"):
        oracle.report_result(result.as_tuple(), [signature], sender=keeper)


def test_votes_void_after_set_reporters(system, book, oracle, reporters, started, admin, keeper):
    result = build_result(started)
    submit(system, result, [reporters[0]], sender=keeper)
    oracle.set_reporters([r.address for r in reporters], 2, sender=admin)

    assert submit(system, result, [reporters[1]], sender=keeper) is False

    assert oracle.get_logs()[0].signers == 0b010
    assert book.game(started).state == STATE_OPEN


def test_retired_reporter(system, oracle, reporters, started, admin, keeper):
    result = build_result(started)
    newcomer = account_of("newcomer")
    oracle.set_reporters([r.address for r in by_address([*reporters[1:], newcomer])], 2, sender=admin)

    with boa.reverts("oracle: unknown reporter"):
        submit(system, result, [reporters[0]], sender=keeper)


def test_byzantine_reporter(system, book, oracle, reporters, started, keeper):
    honest, byzantine = reporters[:2], reporters[2]
    truth, lie = build_result(started, 2, 1), build_result(started, 0, 3)

    assert submit(system, lie, [byzantine], sender=byzantine.address) is False
    assert submit(system, truth, [honest[0]], sender=keeper) is False

    # the lie's vote never mixes into the truth's bitmap
    assert oracle.get_logs()[0].signers == 0b001
    assert book.game(started).state == STATE_OPEN
    assert submit(system, truth, [honest[1]], sender=keeper) is True
    assert oracle.get_logs()[0].signers == 0b011

    with boa.reverts("book: other result proposed"):
        submit(system, lie, [honest[0], byzantine], sender=keeper)
    # alone, too: a signature for another result after proposal is rejected, not stored
    with boa.reverts("book: other result proposed"):
        submit(system, build_result(started, 1, 1), [byzantine], sender=byzantine.address)
    assert oracle.votes(digest_of(system, build_result(started, 1, 1))) == 0
    assert (book.game(started).home, book.game(started).away) == (2, 1)


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        (build_result(1, 1001, 0), "book: score out of range"),
        (build_result(1, 1, 0, status=ResultStatus.CANCELLED), "book: cancel with a score"),
        (build_result(2), "book: unknown game"),
    ],
)
def test_book_rejects_result(system, reporters, started, keeper, result, reason):
    with boa.reverts(reason):
        submit(system, result, reporters[:2], sender=keeper)


def test_final_score_before_kickoff(system, reporters, game, keeper):
    with boa.reverts("book: game not started"):
        submit(system, build_result(game), reporters[:2], sender=keeper)
