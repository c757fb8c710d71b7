"""ResultOracle.set_reporters: the admin replaces the reporter set and quorum."""

import boa
import pytest

from tests.contracts.oracle.reports import STATE_PROPOSED, build_result, by_address, submit
from tests.deployers import account_of

pytestmark = pytest.mark.unit

MAX_REPORTERS = 16  # constants.vy


def addresses_of(accounts) -> list[str]:
    return [a.address for a in accounts]


def new_reporters(n: int) -> list:
    return by_address([account_of(f"new reporter {i}") for i in range(n)])


def test_default_behavior(oracle, reporters, admin):
    incoming = new_reporters(4)

    oracle.set_reporters(addresses_of(incoming), 3, sender=admin)

    (event,) = oracle.get_logs()
    assert (event.version, list(event.reporters), event.quorum) == (2, addresses_of(incoming), 3)
    assert (oracle.version(), oracle.quorum()) == (2, 3)
    assert [oracle.reporters(i) for i in range(4)] == addresses_of(incoming)
    assert [oracle.reporter_index(r.address) for r in incoming] == [1, 2, 3, 4]
    assert [oracle.reporter_index(r.address) for r in reporters] == [0, 0, 0]


def test_new_set_proposes(system, book, oracle, started, admin, keeper):
    incoming = new_reporters(4)
    oracle.set_reporters(addresses_of(incoming), 3, sender=admin)

    assert submit(system, build_result(started), incoming[1:], sender=keeper) is True
    assert book.game(started).state == STATE_PROPOSED
    assert oracle.get_logs()[0].signers == 0b1110


def test_kept_reporter_gets_new_index(system, oracle, reporters, started, admin, keeper):
    kept = reporters[2]
    incoming = by_address([kept, account_of("newcomer")])
    oracle.set_reporters(addresses_of(incoming), 2, sender=admin)

    submit(system, build_result(started), [kept], sender=keeper)

    assert oracle.get_logs()[0].signers == 1 << incoming.index(kept)
    assert oracle.reporter_index(kept.address) == incoming.index(kept) + 1 != 3


def test_same_set_bumps_version(oracle, reporters, admin):
    oracle.set_reporters(addresses_of(reporters), 2, sender=admin)
    oracle.set_reporters(addresses_of(reporters), 3, sender=admin)

    assert (oracle.version(), oracle.quorum()) == (3, 3)
    assert [oracle.reporter_index(r.address) for r in reporters] == [1, 2, 3]


def test_max_reporters(system, book, oracle, started, admin, keeper):
    incoming = new_reporters(MAX_REPORTERS)
    oracle.set_reporters(addresses_of(incoming), 9, sender=admin)
    result = build_result(started)

    assert submit(system, result, incoming[8:], sender=keeper) is False
    assert oracle.get_logs()[0].signers == 0xFF00
    assert submit(system, result, incoming[:1], sender=keeper) is True

    assert oracle.get_logs()[0].signers == 0xFF01
    assert book.game(started).state == STATE_PROPOSED


def test_only_admin(oracle, reporters, attacker):
    with boa.reverts("ownable: caller is not the owner"):
        oracle.set_reporters(addresses_of(reporters), 2, sender=attacker)


def test_only_admin_not_pending_admin(oracle, reporters, admin, attacker):
    oracle.transfer_ownership(attacker, sender=admin)

    with boa.reverts("ownable: caller is not the owner"):
        oracle.set_reporters(addresses_of(reporters), 2, sender=attacker)


def test_no_reporters(oracle, admin):
    with boa.reverts("oracle: no reporters"):
        oracle.set_reporters([], 0, sender=admin)


@pytest.mark.parametrize(("n", "quorum"), [(3, 0), (3, 4), (4, 2), (2, 1), (5, 2), (16, 8), (1, 2)])
def test_bad_quorum(oracle, admin, n, quorum):
    with boa.reverts("oracle: bad quorum"):
        oracle.set_reporters(addresses_of(new_reporters(n)), quorum, sender=admin)


@pytest.mark.parametrize(("n", "quorum"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (16, 9), (16, 16)])
def test_quorum_bounds(oracle, admin, n, quorum):
    oracle.set_reporters(addresses_of(new_reporters(n)), quorum, sender=admin)

    assert oracle.quorum() == quorum


@pytest.mark.parametrize("order", ["reversed", "duplicate", "zero first", "zero only"])
def test_reporters_not_sorted(oracle, admin, order):
    sorted_set = addresses_of(new_reporters(3))
    reporters = {
        "reversed": sorted_set[::-1],
        "duplicate": [sorted_set[0], sorted_set[1], sorted_set[1]],
        "zero first": ["0x" + "00" * 20, *sorted_set[:2]],
        "zero only": ["0x" + "00" * 20],
    }[order]

    with boa.reverts("oracle: reporters not sorted"):
        oracle.set_reporters(reporters, len(reporters) // 2 + 1, sender=admin)


def test_above_max_reporters(oracle, admin):
    too_many = addresses_of(new_reporters(MAX_REPORTERS + 1))

    # the ABI decoder rejects the list before any code of the oracle runs
    with boa.reverts(compiler="DynArray[address, 16] bounds check"):
        oracle.set_reporters(too_many, 9, sender=admin)
