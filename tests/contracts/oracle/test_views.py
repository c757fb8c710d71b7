"""ResultOracle views: quorum, version, reporter_index, votes, result_digest, reporters, BOOK, owner."""

import boa
import pytest
from eth_utils import keccak

from oracle.markets import ResultStatus
from tests.contracts.oracle.reports import build_result, by_address, digest_of, submit
from tests.deployers import account_of

pytestmark = pytest.mark.unit

RESULT_TYPEHASH = keccak(text="GameResult(uint48 game,uint8 status,uint16 home,uint16 away)")


def test_default_behavior(system, oracle, reporters, admin):
    assert (oracle.quorum(), oracle.version()) == (2, 1)
    assert [oracle.reporters(i) for i in range(3)] == [r.address for r in reporters]
    assert [oracle.reporter_index(r.address) for r in reporters] == [1, 2, 3]
    assert oracle.BOOK() == system.book.address
    assert oracle.owner() == admin


def test_reporters_sorted_by_address(reporters):
    assert reporters == by_address(reporters)


def test_reporters_out_of_range(oracle):
    with boa.reverts(compiler="DynArray[address, 16] bounds check"):
        oracle.reporters(3)


def test_reporter_index_of_outsider(oracle, outsider):
    assert oracle.reporter_index(outsider.address) == 0
    assert oracle.reporter_index("0x" + "00" * 20) == 0


def test_reporter_index_after_retirement(oracle, reporters, admin):
    newcomer = account_of("newcomer")
    incoming = by_address([reporters[0], newcomer])

    oracle.set_reporters([r.address for r in incoming], 2, sender=admin)

    assert oracle.reporter_index(reporters[0].address) == incoming.index(reporters[0]) + 1
    assert oracle.reporter_index(newcomer.address) == incoming.index(newcomer) + 1
    assert oracle.reporter_index(reporters[1].address) == 0
    assert oracle.reporter_index(reporters[2].address) == 0


def test_votes(system, oracle, reporters, started, keeper):
    result = build_result(started)
    digest = digest_of(system, result)
    assert oracle.votes(digest) == 0

    submit(system, result, [reporters[2]], sender=keeper)

    assert oracle.votes(digest) == 0b100
    assert oracle.votes(digest_of(system, build_result(started, home=3))) == 0


def test_votes_of_old_version(system, oracle, reporters, started, admin, keeper):
    result = build_result(started)
    submit(system, result, [reporters[2]], sender=keeper)

    oracle.set_reporters([r.address for r in reporters], 2, sender=admin)

    assert oracle.votes(digest_of(system, result)) == 0


def test_votes_cleared_on_quorum(system, oracle, reporters, started, keeper):
    result = build_result(started)
    submit(system, result, [reporters[0]], sender=keeper)

    submit(system, result, [reporters[1]], sender=keeper)

    assert oracle.votes(digest_of(system, result)) == 0


@pytest.mark.parametrize(
    "result",
    [
        build_result(1, 2, 1),
        build_result(2**48 - 1, 2**16 - 1, 0),
        build_result(0, 0, 0, status=ResultStatus.CANCELLED),
        build_result(5, 1_000, 999),
    ],
)
def test_result_digest(system, oracle, result):
    assert oracle.result_digest(result.as_tuple()) == digest_of(system, result)


def test_result_digest_by_hand(oracle):
    domain = oracle.eip712Domain()
    separator = keccak(
        keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        + keccak(text="rollbook")
        + keccak(text="1")
        + boa.env.evm.patch.chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(oracle.address[2:])
    )
    fields = (7, 1, 3, 0)
    struct_hash = keccak(RESULT_TYPEHASH + b"".join(x.to_bytes(32, "big") for x in fields))

    assert oracle.result_digest(fields) == keccak(b"\x19\x01" + separator + struct_hash)
    assert (domain[1], domain[2], domain[3], domain[4]) == (
        "rollbook",
        "1",
        boa.env.evm.patch.chain_id,
        oracle.address,
    )


def test_renounce_ownership_not_exported(oracle):
    assert not hasattr(oracle, "renounce_ownership")
