# pragma version ~=0.4.3
# pragma evm-version cancun
# pragma nonreentrancy on
"""
@title MockUSD
@notice A 6-decimal stablecoin with EIP-2612 permit and a faucet, for
        local chains and testnets only. Never deploy it where real money is.
"""

from snekmate.auth import ownable
from snekmate.tokens import erc20

initializes: ownable
initializes: erc20[ownable := ownable]

exports: erc20.__interface__


# @dev The most one faucet call hands out: 1,000,000 mUSD.
FAUCET_LIMIT: public(constant(uint256)) = 10**6 * 10**6


@deploy
def __init__():
    """
    @notice Deploys the token; the deployer owns it and may mint.
    """
    ownable.__init__()
    erc20.__init__("Mock USD", "mUSD", 6, "Mock USD", "1")


@external
def faucet(amount: uint256):
    """
    @notice Mints up to `FAUCET_LIMIT` to the caller.
    @param amount Token units.
    """
    assert amount <= FAUCET_LIMIT, "mockusd: above faucet limit"
    erc20._mint(msg.sender, amount)
