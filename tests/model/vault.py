"""ERC-4626 pricing of the LP vault, exactly.

A share is a claim on the vault's assets. While bets are open those
assets are uncertain, so the vault is valued at the open book's best
case for anyone entering and at its worst case for anyone leaving: an
LP can never buy in below, nor cash out above, what the shares may turn
out to be worth. Virtual shares (10**3) and a virtual asset (1) price an
empty vault and blunt first-depositor inflation. Whatever is rounded
goes to the vault: fewer shares minted or assets paid, more shares
burned or assets pulled.
"""

import math
from dataclasses import dataclass, replace
from fractions import Fraction

VIRTUAL_SHARES = 10**3
VIRTUAL_ASSETS = 1


@dataclass(frozen=True)
class Vault:
    total_assets: int  # held for LPs, open liability included
    supply: int  # shares outstanding
    reserve: int = 0  # worst case of every open market
    upside: int = 0  # best case of every open market

    @property
    def entry_value(self) -> int:
        return self.total_assets + self.upside

    @property
    def exit_value(self) -> int:
        return self.total_assets - self.reserve

    def _price(self, value: int) -> Fraction:
        """Assets per share at a vault value of `value`."""
        return Fraction(value + VIRTUAL_ASSETS, self.supply + VIRTUAL_SHARES)

    def convert_to_shares(self, assets: int) -> int:
        return math.floor(assets / self._price(self.total_assets))

    def convert_to_assets(self, shares: int) -> int:
        return math.floor(shares * self._price(self.total_assets))

    def preview_deposit(self, assets: int) -> int:
        return math.floor(assets / self._price(self.entry_value))

    def preview_mint(self, shares: int) -> int:
        return math.ceil(shares * self._price(self.entry_value))

    def preview_withdraw(self, assets: int) -> int:
        return math.ceil(assets / self._price(self.exit_value))

    def preview_redeem(self, shares: int) -> int:
        return math.floor(shares * self._price(self.exit_value))

    def max_withdraw(self, balance: int) -> int:
        return self.preview_redeem(balance)

    def entered(self, assets: int, shares: int) -> "Vault":
        return replace(self, total_assets=self.total_assets + assets, supply=self.supply + shares)

    def exited(self, assets: int, shares: int) -> "Vault":
        return replace(self, total_assets=self.total_assets - assets, supply=self.supply - shares)
