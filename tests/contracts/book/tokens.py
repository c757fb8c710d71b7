"""A stand-in token for Book deployments over other decimals than MockUSD's six."""

import boa

from tests.deployers import DEPLOYERS

# the Book's constructor reads only `decimals()`; nothing in these tests moves tokens
_DECIMALS_TOKEN = boa.loads_partial(
    """
# pragma version ~=0.4.3
DECIMALS: immutable(uint8)


@deploy
def __init__(decimals: uint8):
    DECIMALS = decimals


@view
@external
def decimals() -> uint8:
    return DECIMALS
""",
    name="DecimalsToken",
)

MIN_STAKE, CHALLENGE_WINDOW, VOID_DELAY = 10_000, 3_600, 86_400 * 3  # the deployed defaults


def deploy_decimals_token(decimals: int):
    """A contract whose `decimals()` is `decimals`."""
    return _DECIMALS_TOKEN.deploy(decimals)


def deploy_book_over(decimals: int, admin: str):
    """A fresh, unconnected Book over a token of `decimals` decimals, deployed by `admin`."""
    token = deploy_decimals_token(decimals)
    with boa.env.prank(admin):
        return DEPLOYERS["Book"].deploy(token.address, MIN_STAKE, CHALLENGE_WINDOW, VOID_DELAY)
