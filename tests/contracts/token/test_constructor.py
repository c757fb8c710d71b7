"""MockUSD.__init__: metadata, the deployer as owner and minter, the permit domain."""

import boa
import pytest
from eth_utils import keccak

pytestmark = pytest.mark.unit


def test_default_behavior(token, admin):
    assert (token.name(), token.symbol(), token.decimals()) == ("Mock USD", "mUSD", 6)
    assert token.owner() == admin
    assert token.is_minter(admin) is True
    _, name, version, chain_id, verifying_contract, _, _ = token.eip712Domain()
    assert (name, version, chain_id, verifying_contract) == (
        "Mock USD",
        "1",
        boa.env.evm.patch.chain_id,
        token.address,
    )


def test_domain_separator(token):
    expected = keccak(
        keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
        + keccak(text="Mock USD")
        + keccak(text="1")
        + boa.env.evm.patch.chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(token.address[2:])
    )

    assert token.DOMAIN_SEPARATOR() == expected
