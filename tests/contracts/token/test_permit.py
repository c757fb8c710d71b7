"""MockUSD.permit: an EIP-2612 signature sets an allowance; anyone may submit it."""

import boa
import pytest
from eth_account.signers.local import LocalAccount

from oracle import signing
from oracle.signing import Permit
from tests.contracts.actions import ONE
from tests.deployers import account_of

pytestmark = pytest.mark.unit

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def sign_permit(
    signer: LocalAccount,
    token,
    owner: str,
    spender: str,
    value: int,
    nonce: int,
    deadline: int,
    *,
    verifying_contract: str | None = None,
) -> tuple[int, bytes, bytes]:
    """`signer`'s EIP-2612 permit as the (v, r, s) the token takes."""
    permit = Permit(owner, spender, value, nonce, deadline)
    chain_id = boa.env.evm.patch.chain_id
    sig = signing.sign_permit(signer.key, permit, chain_id, verifying_contract or token.address, "Mock USD")
    return sig.v, sig.r.to_bytes(32, "big"), sig.s.to_bytes(32, "big")


@pytest.fixture
def owner() -> LocalAccount:
    """A bettor with a key: the permit's owner."""
    return account_of("bettor")


def test_default_behavior(token, book, owner, keeper, deadline):
    v, r, s = sign_permit(owner, token, owner.address, book.address, 250 * ONE, 0, deadline)

    token.permit(owner.address, book.address, 250 * ONE, deadline, v, r, s, sender=keeper)

    (approval,) = token.get_logs()
    assert (approval.owner, approval.spender, approval.value) == (owner.address, book.address, 250 * ONE)
    assert token.allowance(owner.address, book.address) == 250 * ONE
    assert token.nonces(owner.address) == 1


def test_second_permit_uses_next_nonce(token, book, owner, keeper, deadline):
    first = sign_permit(owner, token, owner.address, book.address, ONE, 0, deadline)
    token.permit(owner.address, book.address, ONE, deadline, *first, sender=keeper)
    second = sign_permit(owner, token, owner.address, book.address, 3 * ONE, 1, deadline)

    token.permit(owner.address, book.address, 3 * ONE, deadline, *second, sender=keeper)

    assert token.allowance(owner.address, book.address) == 3 * ONE
    assert token.nonces(owner.address) == 2


def test_deadline_is_inclusive(token, book, owner, keeper):
    now = boa.env.evm.patch.timestamp
    v, r, s = sign_permit(owner, token, owner.address, book.address, ONE, 0, now)

    token.permit(owner.address, book.address, ONE, now, v, r, s, sender=keeper)

    assert token.allowance(owner.address, book.address) == ONE


def test_expired(token, book, owner, keeper):
    deadline = boa.env.evm.patch.timestamp - 1
    v, r, s = sign_permit(owner, token, owner.address, book.address, ONE, 0, deadline)

    with boa.reverts("erc20: expired deadline"):
        token.permit(owner.address, book.address, ONE, deadline, v, r, s, sender=keeper)


def test_wrong_signer(token, book, owner, deadline):
    attacker = account_of("attacker")
    v, r, s = sign_permit(attacker, token, owner.address, book.address, ONE, 0, deadline)

    with boa.reverts("erc20: invalid signature"):
        token.permit(owner.address, book.address, ONE, deadline, v, r, s, sender=attacker.address)
    assert token.nonces(owner.address) == 0


def test_replay(token, book, owner, keeper, deadline):
    v, r, s = sign_permit(owner, token, owner.address, book.address, ONE, 0, deadline)
    token.permit(owner.address, book.address, ONE, deadline, v, r, s, sender=keeper)

    with boa.reverts("erc20: invalid signature"):
        token.permit(owner.address, book.address, ONE, deadline, v, r, s, sender=keeper)


@pytest.mark.parametrize("tampered", ["value", "spender", "deadline"])
def test_tampered_permit(token, book, owner, attacker, deadline, tampered):
    v, r, s = sign_permit(owner, token, owner.address, book.address, ONE, 0, deadline)
    spender, value, when = book.address, ONE, deadline
    if tampered == "value":
        value = 10**6 * ONE
    elif tampered == "spender":
        spender = attacker
    else:
        when = deadline + 1

    with boa.reverts("erc20: invalid signature"):
        token.permit(owner.address, spender, value, when, v, r, s, sender=attacker)


def test_signed_for_another_contract(token, book, owner, keeper, deadline):
    v, r, s = sign_permit(
        owner, token, owner.address, book.address, ONE, 0, deadline, verifying_contract=book.address
    )

    with boa.reverts("erc20: invalid signature"):
        token.permit(owner.address, book.address, ONE, deadline, v, r, s, sender=keeper)


def test_high_s(token, book, owner, keeper, deadline):
    v, r, s = sign_permit(owner, token, owner.address, book.address, ONE, 0, deadline)
    twin_s = (SECP256K1_N - int.from_bytes(s, "big")).to_bytes(32, "big")

    with boa.reverts("ecdsa: invalid signature `s` value"):
        token.permit(owner.address, book.address, ONE, deadline, 55 - v, r, twin_s, sender=keeper)
