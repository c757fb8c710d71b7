"""The Vault's shares as an ERC-20 with permit; minting and burning only through the vault."""

import boa
import pytest
from eth_utils import keccak

from oracle import signing
from oracle.signing import Permit
from tests.contracts import actions
from tests.contracts.vault.helpers import SUPPLY, ZERO_ADDRESS
from tests.deployers import account_of

pytestmark = pytest.mark.unit

SHARES = 10**12

ERC20 = {
    "totalSupply",
    "balanceOf",
    "allowance",
    "transfer",
    "transferFrom",
    "approve",
    "name",
    "symbol",
    "decimals",
}
PERMIT = {"permit", "nonces", "DOMAIN_SEPARATOR", "eip712Domain"}
ERC4626 = {
    "asset",
    "totalAssets",
    "convertToShares",
    "convertToAssets",
    "maxDeposit",
    "maxMint",
    "maxWithdraw",
    "maxRedeem",
    "previewDeposit",
    "previewMint",
    "previewWithdraw",
    "previewRedeem",
    "deposit",
    "mint",
    "withdraw",
    "redeem",
}
VAULT = {"settle", "BOOK"}


def permit_signature(
    owner, vault, spender: str, value: int, nonce: int, deadline: int
) -> tuple[int, bytes, bytes]:
    permit = Permit(owner.address, spender, value, nonce, deadline)
    sig = signing.sign_permit(owner.key, permit, boa.env.evm.patch.chain_id, vault.address, "rollbook LP")
    return sig.v, sig.r.to_bytes(32, "big"), sig.s.to_bytes(32, "big")


def test_default_behavior(vault):
    assert (vault.name(), vault.symbol()) == ("rollbook LP", "rbLP")
    assert vault.decimals() == 6 + 3  # the asset's decimals plus the virtual-share offset
    assert vault.totalSupply() == 0


def test_minting_burning_and_the_minter_role_are_not_exported(vault):
    functions = {
        (f["name"], tuple(i["type"] for i in f["inputs"])) for f in vault.abi if f["type"] == "function"
    }
    assert {name for name, _ in functions} == ERC20 | PERMIT | ERC4626 | VAULT
    # the only `mint` is ERC-4626's (shares, receiver), which takes assets for them
    assert ("mint", ("uint256", "address")) in functions
    assert ("mint", ("address", "uint256")) not in functions


def test_transfer(vault, liquidity, lp, keeper):
    assert vault.transfer(keeper, SHARES, sender=lp)

    (event,) = actions.events(vault, "Transfer")
    assert (event.sender, event.receiver, event.value) == (lp, keeper, SHARES)
    assert (vault.balanceOf(lp), vault.balanceOf(keeper)) == (SUPPLY - SHARES, SHARES)
    assert vault.totalSupply() == SUPPLY
    # the shares carry the claim: the receiver can redeem them
    assert (
        vault.redeem(SHARES, keeper, keeper, sender=keeper) == SHARES // 1_000
    )  # a thousandth of a unit each


def test_approve_and_transfer_from(vault, liquidity, lp, keeper):
    assert vault.approve(keeper, SHARES, sender=lp)
    (event,) = actions.events(vault, "Approval")
    assert (event.owner, event.spender, event.value) == (lp, keeper, SHARES)
    assert vault.allowance(lp, keeper) == SHARES

    assert vault.transferFrom(lp, keeper, SHARES, sender=keeper)

    assert vault.allowance(lp, keeper) == 0
    assert vault.balanceOf(keeper) == SHARES


def test_permit(vault):
    owner, spender = account_of("lp"), boa.env.generate_address("keeper")
    deadline = boa.env.evm.patch.timestamp + 600

    vault.permit(
        owner.address,
        spender,
        SHARES,
        deadline,
        *permit_signature(owner, vault, spender, SHARES, 0, deadline),
    )

    assert vault.allowance(owner.address, spender) == SHARES
    assert vault.nonces(owner.address) == 1


def test_domain_separator(vault):
    domain_type = keccak(
        text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    )
    expected = keccak(
        domain_type
        + keccak(text="rollbook LP")
        + keccak(text="1")
        + boa.env.evm.patch.chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(vault.address[2:])
    )
    assert vault.DOMAIN_SEPARATOR() == expected
    fields, name, version, chain_id, contract, salt, extensions = vault.eip712Domain()
    assert (fields, salt, extensions) == (b"\x0f", bytes(32), [])
    assert (name, version, chain_id, contract) == (
        "rollbook LP",
        "1",
        boa.env.evm.patch.chain_id,
        vault.address,
    )


def test_transfer_above_balance_reverts(vault, liquidity, lp, keeper):
    with boa.reverts("erc20: transfer amount exceeds balance"):
        vault.transfer(lp, 1, sender=keeper)


def test_transfer_to_zero_address_reverts(vault, liquidity, lp):
    with boa.reverts("erc20: transfer to the zero address"):
        vault.transfer(ZERO_ADDRESS, SHARES, sender=lp)


def test_transfer_from_without_allowance_reverts(vault, liquidity, lp, attacker):
    with boa.reverts("erc20: insufficient allowance"):
        vault.transferFrom(lp, attacker, SHARES, sender=attacker)


def test_replayed_permit_reverts(vault):
    owner, spender = account_of("lp"), boa.env.generate_address("keeper")
    deadline = boa.env.evm.patch.timestamp + 600
    signature = permit_signature(owner, vault, spender, SHARES, 0, deadline)
    vault.permit(owner.address, spender, SHARES, deadline, *signature)
    with boa.reverts("erc20: invalid signature"):
        vault.permit(owner.address, spender, SHARES, deadline, *signature)


def test_expired_permit_reverts(vault):
    owner, spender = account_of("lp"), boa.env.generate_address("keeper")
    deadline = boa.env.evm.patch.timestamp - 1
    with boa.reverts("erc20: expired deadline"):
        vault.permit(
            owner.address,
            spender,
            SHARES,
            deadline,
            *permit_signature(owner, vault, spender, SHARES, 0, deadline),
        )
