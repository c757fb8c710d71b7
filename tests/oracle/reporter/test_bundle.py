"""Signature sharing, offline: the served shape, hostile answers, signature checks, whose turn it is."""

import json

import orjson
import pytest

from oracle.reporter.bundle import (
    MAX_ENTRIES,
    SECP256K1_N,
    Check,
    PeerEntry,
    ReporterSet,
    build_served,
    check_entry,
    get_rank,
    parse_served,
    plan_submission,
)
from oracle.reporter.exceptions import PeerDataError
from oracle.reporter.store import SignedResult
from oracle.signing import GameResult, Signature, build_result_typed_data, get_digest, sign_result
from scripts.deployment import local_account

pytestmark = pytest.mark.unit

CHAIN, ORACLE = 901, "0x" + "ab" * 20
KEYS = sorted((local_account(f"reporter {i}") for i in range(5)), key=lambda a: int(a.address, 16))
SET_3 = ReporterSet(1, 2, tuple(k.address for k in KEYS[:3]))
SET_5 = ReporterSet(1, 3, tuple(k.address for k in KEYS))
RESULT = GameResult(11, 1, 2, 1)


def digest(result: GameResult, chain: int = CHAIN, oracle: str = ORACLE) -> bytes:
    return get_digest(build_result_typed_data(result, chain, oracle))


def signed_by(key: int, result: GameResult = RESULT, chain: int = CHAIN) -> SignedResult:
    signature = sign_result(KEYS[key].key, result, chain, ORACLE)
    return SignedResult(result, digest(result), signature, 0.0)


def served(*signed: SignedResult, **override: object) -> bytes:
    return orjson.dumps(build_served(CHAIN, ORACLE, KEYS[0].address, signed) | override)


def test_default_behavior() -> None:
    """What one node serves, another parses back to the same results and signatures."""
    mine = [signed_by(0), signed_by(0, GameResult(12, 2, 0, 0))]
    entries = parse_served(served(*mine), CHAIN, ORACLE.upper().replace("0X", "0x"))
    assert entries == [PeerEntry(s.result, s.signature) for s in mine]


def entry_with(**fields: object) -> bytes:
    good = json.loads(served(signed_by(0)))
    good["signatures"][0] |= fields
    return json.dumps(good).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>", "not JSON"),
        (b"[]", "no signatures list"),
        (b'{"signatures": {}}', "no signatures list"),
        (served(chain_id=902), "another chain"),
        (served(oracle="0x" + "cd" * 20), "another chain or oracle"),
        (served(signatures=[1]), "not an object"),
        (served(signatures=[{}] * (MAX_ENTRIES + 1)), "more than"),
        (entry_with(game=True), "bad game"),
        (entry_with(game=-1), "bad game"),
        (entry_with(game=2**48), "bad game"),
        (entry_with(home=1.5), "bad home"),
        (entry_with(away="1"), "bad away"),
        (entry_with(status=3), "unknown result status"),
        (entry_with(v=300), "bad v"),
        (entry_with(r="12"), "bad r"),
        (entry_with(r="0x"), "bad r"),
        (entry_with(s="0x" + "f" * 65), "bad s"),
        (entry_with(s="0xzz"), "bad s"),
    ],
)
def test_hostile_answers_are_refused(body: bytes, message: str) -> None:
    with pytest.raises(PeerDataError, match=message):
        parse_served(body, CHAIN, ORACLE)


def malleate(signature: Signature) -> Signature:
    """The same signature with high s: ecrecover accepts it, the contract does not."""
    return Signature(55 - signature.v, signature.r, SECP256K1_N - signature.s)


def test_signatures_are_checked() -> None:
    own = signed_by(0)
    peer = signed_by(1)
    stranger = sign_result(local_account("stranger").key, RESULT, CHAIN, ORACLE)
    other_chain = sign_result(KEYS[1].key, RESULT, 902, ORACLE)
    other = signed_by(2, GameResult(11, 1, 1, 1))
    cases = [
        (PeerEntry(RESULT, peer.signature), Check.MATCH, KEYS[1].address),
        (PeerEntry(other.result, other.signature), Check.OTHER_RESULT, KEYS[2].address),
        (PeerEntry(RESULT, stranger), Check.UNKNOWN_SIGNER, local_account("stranger").address),
        (PeerEntry(RESULT, other_chain), Check.UNKNOWN_SIGNER, None),
        (PeerEntry(RESULT, other.signature), Check.UNKNOWN_SIGNER, None),  # signed for another result
        (PeerEntry(RESULT, malleate(peer.signature)), Check.BAD_SIGNATURE, None),
        (PeerEntry(RESULT, Signature(27, 0, 1)), Check.BAD_SIGNATURE, None),
        (PeerEntry(RESULT, Signature(29, peer.signature.r, peer.signature.s)), Check.BAD_SIGNATURE, None),
        (PeerEntry(RESULT, Signature(27, 2**256 - 1, 1)), Check.BAD_SIGNATURE, None),
    ]
    for entry, check, signer in cases:
        got, recovered = check_entry(entry, own, SET_3, digest)
        assert got is check, entry
        if signer is not None:
            assert recovered == signer


def plan(
    key: int,
    verified: list[int],
    waited: int | None,
    game: int = 11,
    voted: int = 0,
    reporters: ReporterSet = SET_3,
    stagger: int = 3,
) -> tuple[Signature, ...] | None:
    own = signed_by(key, GameResult(game, 1, 2, 1))
    peers: dict[str, Signature] = {KEYS[k].address: signed_by(k, own.result).signature for k in verified}
    chosen = plan_submission(own.signature, KEYS[key].address, reporters, game, voted, peers, waited, stagger)
    return None if chosen is None else chosen.signatures


def test_turns_rotate_by_game() -> None:
    assert [get_rank(index, 11, 3) for index in (1, 2, 3)] == [1, 2, 0]
    assert [get_rank(index, 12, 3) for index in (1, 2, 3)] == [0, 1, 2]
    assert sorted(get_rank(index, 7, 5) for index in range(1, 6)) == [0, 1, 2, 3, 4]


def test_first_in_turn_submits_one_bundle_at_once() -> None:
    """Game 11, three reporters: index 3 (key 2) goes first, index 1 after 3 blocks, index 2 after 6."""
    both = plan(2, [0], waited=0)
    assert both is not None and len(both) == 2
    assert list(both) == [signed_by(k).signature for k in (0, 2)]  # sorted by signer address
    assert plan(0, [2], waited=2) is None  # its turn comes at 3 blocks
    assert plan(0, [2], waited=3) is not None
    assert plan(1, [0, 2], waited=5) is None
    assert plan(1, [0, 2], waited=6) == tuple(signed_by(k).signature for k in (0, 1))  # the lowest index


def test_without_enough_signatures_it_waits_then_votes_alone() -> None:
    assert plan(2, [], waited=0) is None
    assert plan(2, [], waited=8) is None
    assert plan(2, [], waited=9) == (signed_by(2).signature,)  # (N + rank) * stagger
    assert plan(0, [], waited=11) is None
    assert plan(0, [], waited=12) == (signed_by(0).signature,)


def test_without_peers_it_votes_at_once() -> None:
    assert plan(1, [], waited=None) == (signed_by(1).signature,)


def test_votes_on_chain_count_and_are_not_sent_again() -> None:
    """Key 0's vote is on chain: key 2 (rank 0 of game 11) reaches the quorum alone."""
    bit_0 = 1 << (SET_3.get_index(KEYS[0].address) - 1)
    assert plan(2, [0], waited=0, voted=bit_0) == (signed_by(2).signature,)
    assert plan(2, [], waited=0, voted=bit_0) == (signed_by(2).signature,)


def test_five_reporters_send_exactly_the_quorum() -> None:
    first = next(k for k in range(5) if get_rank(SET_5.get_index(KEYS[k].address), 20, 5) == 0)
    others = [k for k in range(5) if k != first]
    bundle = plan(first, others, waited=0, game=20, reporters=SET_5)
    assert bundle is not None and len(bundle) == 3
    assert plan(first, others[:1], waited=0, game=20, reporters=SET_5) is None
    partial = plan(first, others[:1], waited=15, game=20, reporters=SET_5)
    assert partial is not None and len(partial) == 2  # the fallback sends all it holds
