# pragma version ~=0.4.3
# pragma evm-version cancun
# pragma nonreentrancy on
"""
@title rollbook Vault
@notice ERC-4626 vault of liquidity providers' stablecoin; it takes the
        other side of every bet on the Book. Only the Book moves its
        money, once per game at settlement, net of the game.
@dev LPs cannot profit from timing around known results: they leave at
     the worst-case value of the open book (assets minus every open
     market's worst case, which is the Book's `headroom`) and join at
     its best case (assets plus every open market's best case, the
     Book's `upside`). Assets are tracked internally, so tokens sent
     here directly change no price. Virtual shares and a virtual asset
     keep the first depositor from inflating the share price.
"""

from ethereum.ercs import IERC20
from ethereum.ercs import IERC4626

from snekmate.auth import ownable
from snekmate.tokens import erc20

from .interfaces import IBook

implements: IERC4626

initializes: ownable
initializes: erc20[ownable := ownable]

# Shares are a plain ERC-20 with permit. Minting, burning and the minter
# role are left out: only deposits and exits create or destroy shares.
exports: (
    erc20.totalSupply,
    erc20.balanceOf,
    erc20.allowance,
    erc20.transfer,
    erc20.transferFrom,
    erc20.approve,
    erc20.name,
    erc20.symbol,
    erc20.decimals,
    erc20.permit,
    erc20.nonces,
    erc20.DOMAIN_SEPARATOR,
    erc20.eip712Domain,
)


# ---------------------------------------------------------------- #
#                             Constants                            #
# ---------------------------------------------------------------- #

# @dev Shares carry three more decimals than the asset.
_DECIMALS_OFFSET: constant(uint8) = 3
_VIRTUAL_SHARES: constant(uint256) = 10**3
_VIRTUAL_ASSETS: constant(uint256) = 1


# ---------------------------------------------------------------- #
#                             Immutables                           #
# ---------------------------------------------------------------- #

ASSET: immutable(IERC20)
BOOK: public(immutable(IBook))


# ---------------------------------------------------------------- #
#                              Storage                             #
# ---------------------------------------------------------------- #

# the assets LPs own, tracked here: tokens sent directly change no price
_total_assets: uint256


# ---------------------------------------------------------------- #
#                              Events                              #
# ---------------------------------------------------------------- #

event Deposit:
    sender: indexed(address)
    owner: indexed(address)
    assets: uint256
    shares: uint256


event Withdraw:
    sender: indexed(address)
    receiver: indexed(address)
    owner: indexed(address)
    assets: uint256
    shares: uint256


event Settled:
    game: indexed(uint256)
    profit: uint256
    loss: uint256
    total_assets: uint256


# ---------------------------------------------------------------- #
#                            Constructor                           #
# ---------------------------------------------------------------- #

@deploy
def __init__(asset: IERC20, book: IBook, asset_decimals: uint8, name: String[25], symbol: String[5]):
    """
    @notice Deploys the vault that backs `book`.
    @param asset The stablecoin, the same token as the Book's.
    @param book The Book this vault backs.
    @param asset_decimals The stablecoin's decimals.
    @param name Share token name.
    @param symbol Share token symbol.
    """
    assert asset.address != empty(address) and book.address != empty(address), "vault: zero address"
    ASSET = asset
    BOOK = book
    ownable.__init__()
    erc20.__init__(name, symbol, asset_decimals + _DECIMALS_OFFSET, name, "1")


# ---------------------------------------------------------------- #
#                           ERC-4626 entry                         #
# ---------------------------------------------------------------- #

@external
def deposit(assets: uint256, receiver: address) -> uint256:
    """
    @notice Adds `assets` of liquidity and mints shares to `receiver` at the best-case price.
    @param assets Token units pulled from the caller.
    @param receiver Who gets the shares.
    @return uint256 Shares minted.
    """
    shares: uint256 = self._to_shares(assets, self._entry_value(), False)
    self._enter(assets, shares, receiver)
    return shares


@external
def mint(shares: uint256, receiver: address) -> uint256:
    """
    @notice Mints exactly `shares` to `receiver` for the assets they cost at the best-case price.
    @param shares Shares wanted.
    @param receiver Who gets the shares.
    @return uint256 Token units pulled from the caller.
    """
    assets: uint256 = self._to_assets(shares, self._entry_value(), True)
    self._enter(assets, shares, receiver)
    return assets


@external
def withdraw(assets: uint256, receiver: address, owner: address) -> uint256:
    """
    @notice Takes `assets` out for `owner`, burning shares at the worst-case price.
    @param assets Token units sent to `receiver`.
    @param receiver Who gets the tokens.
    @param owner Whose shares are burned (needs allowance if not the caller).
    @return uint256 Shares burned.
    """
    shares: uint256 = self._to_shares(assets, self._exit_value(), True)
    self._exit(assets, shares, receiver, owner)
    return shares


@external
def redeem(shares: uint256, receiver: address, owner: address) -> uint256:
    """
    @notice Burns `shares` of `owner` for their worst-case value.
    @param shares Shares burned.
    @param receiver Who gets the tokens.
    @param owner Whose shares are burned (needs allowance if not the caller).
    @return uint256 Token units sent to `receiver`.
    """
    assets: uint256 = self._to_assets(shares, self._exit_value(), False)
    self._exit(assets, shares, receiver, owner)
    return assets


# ---------------------------------------------------------------- #
#                         Book settlement                          #
# ---------------------------------------------------------------- #

@external
def settle(game: uint256, profit: uint256, loss: uint256):
    """
    @notice The Book books a game's net: `profit` already sent here, or `loss` sent back.
    @param game The game settled.
    @param profit Token units the Book transferred in before this call.
    @param loss Token units this vault pays the Book.
    """
    assert msg.sender == BOOK.address, "vault: not book"
    self._total_assets = self._total_assets + profit - loss
    if loss > 0:
        assert extcall ASSET.transfer(BOOK.address, loss, default_return_value=True), "vault: transfer failed"
    log Settled(game=game, profit=profit, loss=loss, total_assets=self._total_assets)


# ---------------------------------------------------------------- #
#                               Views                              #
# ---------------------------------------------------------------- #

@view
@external
def asset() -> address:
    """
    @notice The stablecoin.
    @return address The token.
    """
    return ASSET.address


@view
@external
def totalAssets() -> uint256:
    """
    @notice Assets held for LPs, open liability included.
    @return uint256 Token units.
    """
    return self._total_assets


@view
@external
def convertToShares(assets: uint256) -> uint256:
    """
    @notice Shares worth `assets` at the held assets, ignoring open bets.
    @param assets Token units.
    @return uint256 Shares.
    """
    return self._to_shares(assets, self._total_assets, False)


@view
@external
def convertToAssets(shares: uint256) -> uint256:
    """
    @notice Assets `shares` are worth at the held assets, ignoring open bets.
    @param shares Shares.
    @return uint256 Token units.
    """
    return self._to_assets(shares, self._total_assets, False)


@view
@external
def maxDeposit(receiver: address) -> uint256:
    """
    @notice Deposits are unlimited unless the book is paused.
    @param receiver Ignored.
    @return uint256 Token units.
    """
    if staticcall BOOK.paused():
        return 0
    return max_value(uint256)


@view
@external
def maxMint(receiver: address) -> uint256:
    """
    @notice Mints are unlimited unless the book is paused.
    @param receiver Ignored.
    @return uint256 Shares.
    """
    if staticcall BOOK.paused():
        return 0
    return max_value(uint256)


@view
@external
def maxWithdraw(owner: address) -> uint256:
    """
    @notice What `owner` can take out now: their share of the free liquidity.
    @param owner The LP.
    @return uint256 Token units.
    """
    return self._to_assets(erc20.balanceOf[owner], self._exit_value(), False)


@view
@external
def maxRedeem(owner: address) -> uint256:
    """
    @notice Every share can be redeemed, at the worst-case price.
    @param owner The LP.
    @return uint256 Shares.
    """
    return erc20.balanceOf[owner]


@view
@external
def previewDeposit(assets: uint256) -> uint256:
    """
    @notice Shares a deposit of `assets` mints now.
    @param assets Token units.
    @return uint256 Shares.
    """
    return self._to_shares(assets, self._entry_value(), False)


@view
@external
def previewMint(shares: uint256) -> uint256:
    """
    @notice Assets a mint of `shares` costs now.
    @param shares Shares.
    @return uint256 Token units.
    """
    return self._to_assets(shares, self._entry_value(), True)


@view
@external
def previewWithdraw(assets: uint256) -> uint256:
    """
    @notice Shares a withdrawal of `assets` burns now.
    @param assets Token units.
    @return uint256 Shares.
    """
    return self._to_shares(assets, self._exit_value(), True)


@view
@external
def previewRedeem(shares: uint256) -> uint256:
    """
    @notice Assets redeeming `shares` pays now.
    @param shares Shares.
    @return uint256 Token units.
    """
    return self._to_assets(shares, self._exit_value(), False)


# ---------------------------------------------------------------- #
#                             Internal                             #
# ---------------------------------------------------------------- #

@internal
def _enter(assets: uint256, shares: uint256, receiver: address):
    assert not staticcall BOOK.paused(), "vault: paused"
    assert assets > 0, "vault: zero assets"
    assert shares > 0, "vault: zero shares"
    assert receiver != empty(address), "vault: zero receiver"
    before: uint256 = staticcall ASSET.balanceOf(self)
    assert extcall ASSET.transferFrom(msg.sender, self, assets, default_return_value=True), "vault: transfer failed"
    assert staticcall ASSET.balanceOf(self) == before + assets, "vault: token took a fee"
    self._total_assets += assets
    erc20._mint(receiver, shares)
    extcall BOOK.add_liquidity(assets)
    log Deposit(sender=msg.sender, owner=receiver, assets=assets, shares=shares)


@internal
def _exit(assets: uint256, shares: uint256, receiver: address, owner: address):
    assert assets > 0, "vault: zero assets"
    assert shares > 0, "vault: zero shares"
    assert receiver != empty(address), "vault: zero receiver"
    if msg.sender != owner:
        erc20._spend_allowance(owner, msg.sender, shares)
    erc20._burn(owner, shares)
    self._total_assets -= assets
    # the Book refuses when this would touch liability of open markets
    extcall BOOK.remove_liquidity(assets)
    assert extcall ASSET.transfer(receiver, assets, default_return_value=True), "vault: transfer failed"
    log Withdraw(sender=msg.sender, receiver=receiver, owner=owner, assets=assets, shares=shares)


@view
@internal
def _exit_value() -> uint256:
    # assets minus the worst case of every open market
    return staticcall BOOK.headroom()


@view
@internal
def _entry_value() -> uint256:
    # assets plus the best case of every open market
    return self._total_assets + staticcall BOOK.upside()


@view
@internal
def _to_shares(assets: uint256, nav: uint256, round_up: bool) -> uint256:
    numerator: uint256 = assets * (erc20.totalSupply + _VIRTUAL_SHARES)
    denominator: uint256 = nav + _VIRTUAL_ASSETS
    if round_up:
        return (numerator + denominator - 1) // denominator
    return numerator // denominator


@view
@internal
def _to_assets(shares: uint256, nav: uint256, round_up: bool) -> uint256:
    numerator: uint256 = shares * (nav + _VIRTUAL_ASSETS)
    denominator: uint256 = erc20.totalSupply + _VIRTUAL_SHARES
    if round_up:
        return (numerator + denominator - 1) // denominator
    return numerator // denominator
