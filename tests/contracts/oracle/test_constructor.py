"""ResultOracle.__init__: the Book, the first reporter set, the admin and the EIP-712 domain."""

import boa
import pytest

from tests.contracts.oracle.reports import by_address
from tests.deployers import DEPLOYERS, account_of

pytestmark = pytest.mark.unit

ZERO = "0x" + "00" * 20


def deploy(book: str, reporters: list[str], quorum: int):
    return DEPLOYERS["ResultOracle"].deploy(book, reporters, quorum)


def reporter_addresses(n: int) -> list[str]:
    return [a.address for a in by_address([account_of(f"reporter {i}") for i in range(n)])]


@pytest.fixture
def deployer() -> str:
    return boa.env.eoa


def test_default_behavior(book, deployer):
    reporters = reporter_addresses(5)

    oracle = deploy(book.address, reporters, 3)

    ownership, reporters_set = oracle.get_logs()
    assert (ownership.previous_owner, ownership.new_owner) == (ZERO, deployer)
    assert (reporters_set.version, list(reporters_set.reporters), reporters_set.quorum) == (1, reporters, 3)
    assert oracle.BOOK() == book.address
    assert (oracle.owner(), oracle.pending_owner()) == (deployer, ZERO)
    assert (oracle.version(), oracle.quorum()) == (1, 3)
    assert [oracle.reporters(i) for i in range(5)] == reporters
    assert [oracle.reporter_index(r) for r in reporters] == [1, 2, 3, 4, 5]
    _, name, version, chain_id, verifying_contract, _, _ = oracle.eip712Domain()
    assert (name, version, chain_id, verifying_contract) == (
        "rollbook",
        "1",
        boa.env.evm.patch.chain_id,
        oracle.address,
    )


def test_zero_book():
    with boa.reverts("oracle: zero book"):
        deploy(ZERO, reporter_addresses(3), 2)


def test_no_reporters(book):
    with boa.reverts("oracle: no reporters"):
        deploy(book.address, [], 1)


@pytest.mark.parametrize(("n", "quorum"), [(3, 0), (3, 4), (4, 2)])
def test_bad_quorum(book, n, quorum):
    with boa.reverts("oracle: bad quorum"):
        deploy(book.address, reporter_addresses(n), quorum)


def test_reporters_not_sorted(book):
    with boa.reverts("oracle: reporters not sorted"):
        deploy(book.address, reporter_addresses(3)[::-1], 2)
