"""Book.connect: the admin binds the Vault and the ResultOracle, once."""

import boa
import pytest

from tests.deployers import DEPLOYERS

pytestmark = pytest.mark.unit

ZERO = "0x0000000000000000000000000000000000000000"


@pytest.fixture
def unconnected(token, admin):
    """A Book deployed by the admin and not yet wired to anything."""
    with boa.env.prank(admin):
        return DEPLOYERS["Book"].deploy(token.address, 10_000, 3_600, 86_400 * 3)


def test_default_behavior(unconnected, admin):
    vault = boa.env.generate_address("vault")
    oracle = boa.env.generate_address("oracle")
    assert unconnected.vault() == ZERO

    unconnected.connect(vault, oracle, sender=admin)

    [event] = unconnected.get_logs()
    assert type(event).__name__ == "Connected"
    assert (event.vault, event.oracle) == (vault, oracle)
    assert (unconnected.vault(), unconnected.oracle()) == (vault, oracle)


def test_deployed_system_is_connected(book, vault, oracle):
    assert (book.vault(), book.oracle()) == (vault.address, oracle.address)


def test_already_connected(book, admin):
    with boa.reverts("book: already connected"):
        book.connect(boa.env.generate_address("vault"), boa.env.generate_address("oracle"), sender=admin)


def test_connect_twice(unconnected, admin):
    vault = boa.env.generate_address("vault")
    oracle = boa.env.generate_address("oracle")
    unconnected.connect(vault, oracle, sender=admin)
    with boa.reverts("book: already connected"):
        unconnected.connect(boa.env.generate_address("other vault"), oracle, sender=admin)
    assert unconnected.vault() == vault


@pytest.mark.parametrize("zero", ["vault", "oracle"])
def test_zero_address(unconnected, admin, zero):
    vault = ZERO if zero == "vault" else boa.env.generate_address("vault")
    oracle = ZERO if zero == "oracle" else boa.env.generate_address("oracle")
    with boa.reverts("book: zero address"):
        unconnected.connect(vault, oracle, sender=admin)
    assert unconnected.vault() == ZERO


@pytest.mark.parametrize("role", ["attacker", "operator", "guardian"])
def test_not_owner(unconnected, attacker, operator, guardian, role):
    caller = {"attacker": attacker, "operator": operator, "guardian": guardian}[role]
    with boa.reverts("ownable: caller is not the owner"):
        unconnected.connect(
            boa.env.generate_address("vault"), boa.env.generate_address("oracle"), sender=caller
        )
