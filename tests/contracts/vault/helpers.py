"""Numbers and small steps shared by the Vault tests.

Prices are written out from the ERC-4626 rule (virtual shares 10**3, a
virtual asset 1, entries at assets + upside, exits at headroom), never
read back from the contract.
"""

from tests.contracts import actions
from tests.deployers import System

ONE = actions.ONE
VIRTUAL_SHARES = 10**3
VIRTUAL_ASSETS = 1
MAX_UINT256 = 2**256 - 1
ZERO_ADDRESS = "0x" + "00" * 20

LIQUIDITY = 1_000_000 * ONE  # what the `liquidity` fixture deposits
SUPPLY = LIQUIDITY * VIRTUAL_SHARES  # the shares it mints into an empty vault
STAKE = 100 * ONE  # the `exposed` bet: home at 1.95
PAYOUT = 195 * ONE
RESERVE = PAYOUT - STAKE  # the vault's worst case: home wins
UPSIDE = STAKE  # its best case: draw or away
HOME_WIN, AWAY_WIN = (2, 0), (0, 2)


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def give(system: System, who: str, assets: int) -> None:
    """Mint `assets` of the stablecoin to `who` and let the vault pull them."""
    system.token.faucet(assets, sender=who)
    system.token.approve(system.vault.address, assets, sender=who)


def finalize(system: System, score: tuple[int, int]) -> None:
    """Report game 1 at `score`, wait out the challenge window and finalize it."""
    actions.settle_game(system, 1, *score)


def donate(system: System, donor: str, assets: int) -> None:
    """Send tokens straight to the vault, bypassing `deposit`."""
    system.token.faucet(assets, sender=donor)
    system.token.transfer(system.vault.address, assets, sender=donor)
