# pragma version ~=0.4.3
# pragma evm-version cancun
# pragma nonreentrancy on
"""
@title rollbook Book
@notice Games, markets, bets and their settlement. Bettors keep an
        internal stablecoin balance; a bet debits it against an EIP-712
        quote signed by a registered pricer; reporters sign final scores
        and M of them propose a result; after a challenge window the
        result is final and every bet of the game is graded from the
        score by one pure function. The Vault backs the book: the Book
        reserves the worst case of every open market against the
        Vault's free liquidity and moves money with it once per game.
@dev Hot state is packed by hand (Vyper gives every struct member a
     slot of its own). Each packed word has one pair of `_load_*` /
     `_store_*` helpers and nothing else touches its bits.
"""

from ethereum.ercs import IERC20
from ethereum.ercs import IERC20Detailed

from snekmate.auth import ownable
from snekmate.auth import ownable_2step
from snekmate.utils import ecdsa
from snekmate.utils import eip712_domain_separator as eip712

from . import constants as c
from . import grading
from .interfaces import IVault

initializes: ownable
initializes: ownable_2step[ownable := ownable]
initializes: eip712

# `renounce_ownership` is left out: a book without an admin could never
# resolve a challenged result (games would still void after their delay).
exports: (
    ownable_2step.owner,
    ownable_2step.pending_owner,
    ownable_2step.transfer_ownership,
    ownable_2step.accept_ownership,
    eip712.eip712Domain,
)


# ---------------------------------------------------------------- #
#                             Constants                            #
# ---------------------------------------------------------------- #

_QUOTE_TYPEHASH: constant(bytes32) = keccak256(
    "Quote(uint64 market,uint32 epoch,uint40 expiry,uint96 max_stake,uint32[3] odds)"
)

# game word: kickoff 40 | epoch 32 | state 4 | market count 8, then by phase
#   while bets are taken (open, live, closed): market cap 36 | game cap 36 | reserve 100
#   once a result exists (proposed, challenged, final): home 12 | away 12 | cancelled 1 | deadline 40
# Every bet reads this one word, and proposing a result writes only it. Caps
# are held in whole tokens; the reserve is exact. `deadline` is when a
# proposed result may be finalized, or when a challenged game may be voided.
_MASK_4: constant(uint256) = 2**4 - 1
_MASK_8: constant(uint256) = 2**8 - 1
_MASK_12: constant(uint256) = 2**12 - 1
_MASK_32: constant(uint256) = 2**32 - 1
_MASK_36: constant(uint256) = 2**36 - 1
_MASK_40: constant(uint256) = 2**40 - 1
_MAX_RESERVE: constant(uint256) = 2**100 - 1

# market word: three biased 84-bit nets | outcome count 2
_NET_BITS: constant(uint256) = 84
_NET_BIAS: constant(int256) = 2**83
_MASK_84: constant(uint256) = 2**84 - 1

# risk word: headroom 127 | upside 128 | paused 1
_MASK_127: constant(uint256) = 2**127 - 1
_MASK_128: constant(uint256) = 2**128 - 1

# account word: balance 192 | bet nonce 63 | registered 1 (keeps the slot non-zero, so credits stay cheap)
_MASK_192: constant(uint256) = 2**192 - 1
_MASK_63: constant(uint256) = 2**63 - 1
_REGISTERED: constant(uint256) = 1 << 255


# ---------------------------------------------------------------- #
#                             Immutables                           #
# ---------------------------------------------------------------- #

TOKEN: public(immutable(IERC20))
MIN_STAKE: public(immutable(uint256))
# one whole token in token units: the granularity of exposure caps
CAP_UNIT: public(immutable(uint256))


# ---------------------------------------------------------------- #
#                              Structs                             #
# ---------------------------------------------------------------- #

struct Signature:
    v: uint8
    r: uint256
    s: uint256


struct Quote:
    market: uint64
    epoch: uint32
    expiry: uint40
    max_stake: uint96
    odds: uint32[3]


struct Bet:
    bettor: address
    nonce: uint64
    market: uint64
    outcome: uint8
    stake: uint128
    payout: uint128


struct Game:
    kickoff: uint256
    epoch: uint256
    state: uint256
    market_count: uint256
    # while bets are taken
    market_cap: uint256
    game_cap: uint256
    reserve: uint256
    # once a result exists
    home: uint256
    away: uint256
    cancelled: bool
    deadline: uint256


struct GameView:
    kickoff: uint256
    epoch: uint256
    state: uint256
    home: uint256
    away: uint256
    deadline: uint256
    cancelled: bool
    reserve: uint256
    market_cap: uint256
    game_cap: uint256
    market_count: uint256


struct MarketView:
    game: uint256
    kind: uint256
    line: int256
    outcomes: uint256
    nets: int256[3]
    reserve: uint256
    upside: uint256


# ---------------------------------------------------------------- #
#                              Storage                             #
# ---------------------------------------------------------------- #

_games: HashMap[uint256, uint256]
# kickoff + the void delay in force at creation; read only by `void_game`
_void_after: HashMap[uint256, uint256]
_markets: HashMap[uint256, uint256]
_market_specs: HashMap[uint256, uint256]
_market_keys: HashMap[bytes32, uint256]
_accounts: HashMap[address, uint256]
# bettor -> nonce >> 1 -> two lanes of 128 bits, lane `nonce & 1` holding the open bet's tag
# (`_bet_tag`); a bettor's second bet of each pair rewrites a live slot instead of creating one
_open_bets: HashMap[address, HashMap[uint256, uint256]]
_risk: uint256

is_pricer: public(HashMap[address, bool])
is_operator: public(HashMap[address, bool])
guardian: public(address)
vault: public(IVault)

# the ResultOracle: checks reporter signatures and proposes results
oracle: public(address)

challenge_window: public(uint256)
void_delay: public(uint256)

settlement_accumulator: public(bytes32)
finalized_games: public(uint256)


# ---------------------------------------------------------------- #
#                              Events                              #
# ---------------------------------------------------------------- #

event Deposit:
    account: indexed(address)
    amount: uint256


event Withdrawal:
    account: indexed(address)
    amount: uint256


event BetPlaced:
    bet_id: indexed(bytes32)
    bettor: indexed(address)
    market: indexed(uint256)
    nonce: uint256
    outcome: uint256
    stake: uint256
    payout: uint256
    odds: uint256
    quote_digest: bytes32


event BetSettled:
    bet_id: indexed(bytes32)
    bettor: indexed(address)
    market: indexed(uint256)
    grade: uint256
    amount: uint256


event GameCreated:
    game: indexed(uint256)
    kickoff: uint256
    void_after: uint256
    market_cap: uint256
    game_cap: uint256


event MarketCreated:
    market: indexed(uint256)
    game: indexed(uint256)
    kind: uint256
    line: int256


event CapsChanged:
    game: indexed(uint256)
    market_cap: uint256
    game_cap: uint256


event GameStateChanged:
    game: indexed(uint256)
    state: uint256
    epoch: uint256


event ResultProposed:
    game: indexed(uint256)
    status: uint256
    home: uint256
    away: uint256
    signers: uint256
    final_after: uint256


event ResultChallenged:
    game: indexed(uint256)
    guardian: indexed(address)
    void_after: uint256


event ResultFinalized:
    game: indexed(uint256)
    status: uint256
    home: uint256
    away: uint256
    vault_net: int256
    accumulator: bytes32


event PricerSet:
    pricer: indexed(address)
    is_pricer: bool


event OperatorSet:
    operator: indexed(address)
    is_operator: bool


event GuardianSet:
    guardian: indexed(address)


event Connected:
    vault: indexed(address)
    oracle: indexed(address)


event ParamsSet:
    challenge_window: uint256
    void_delay: uint256


event PauseSet:
    paused: bool
    by: indexed(address)


# ---------------------------------------------------------------- #
#                            Constructor                           #
# ---------------------------------------------------------------- #

@deploy
def __init__(token: IERC20, min_stake: uint256, challenge_window: uint256, void_delay: uint256):
    """
    @notice Deploys a book over `token`; the deployer is the admin.
    @param token The stablecoin every balance, stake and payout is in.
    @param min_stake The smallest stake accepted, in token units.
    @param challenge_window Seconds a proposed result waits for a challenge.
    @param void_delay Seconds after kickoff (or a challenge) when anyone may void.
    """
    assert token.address != empty(address), "book: zero token"
    assert min_stake > 0, "book: zero min stake"
    decimals: uint256 = convert(staticcall IERC20Detailed(token.address).decimals(), uint256)
    assert decimals <= 18, "book: too many decimals"
    CAP_UNIT = 10**decimals
    ownable.__init__()
    ownable_2step.__init__()
    eip712.__init__("rollbook", "1")
    TOKEN = token
    MIN_STAKE = min_stake
    self._set_params(challenge_window, void_delay)


# ---------------------------------------------------------------- #
#                         Balances (bettors)                       #
# ---------------------------------------------------------------- #

@external
def deposit(amount: uint256):
    """
    @notice Moves `amount` of the stablecoin from the caller into their book balance.
    @param amount Token units; needs an allowance.
    """
    self._require_not_paused()
    self._pull(msg.sender, amount)
    self._credit(msg.sender, amount)


@external
def deposit_with_permit(amount: uint256, deadline: uint256, permit: Signature):
    """
    @notice Deposits with an EIP-2612 permit instead of a prior approval.
    @param amount Token units.
    @param deadline The permit's deadline.
    @param permit The caller's permit signature for `amount` to this book.
    """
    self._require_not_paused()
    self._permit(msg.sender, amount, deadline, permit)
    self._pull(msg.sender, amount)
    self._credit(msg.sender, amount)


@external
def withdraw(amount: uint256):
    """
    @notice Sends `amount` of the caller's book balance to their wallet.
    @dev Never paused: a bettor can always leave with what is theirs.
    @param amount Token units.
    """
    assert amount > 0, "book: zero amount"
    self._debit(msg.sender, amount)
    assert extcall TOKEN.transfer(msg.sender, amount, default_return_value=True), "book: transfer failed"
    log Withdrawal(account=msg.sender, amount=amount)


# ---------------------------------------------------------------- #
#                               Bets                               #
# ---------------------------------------------------------------- #

@external
def place_bet(quote: Quote, signature: Signature, outcome: uint8, stake: uint128, min_odds: uint32) -> bytes32:
    """
    @notice Bets `stake` from the caller's balance on `outcome` at the quoted odds.
    @param quote A quote signed by a registered pricer.
    @param signature The pricer's signature over `quote`.
    @param outcome The outcome index backed.
    @param stake Token units debited from the caller's balance.
    @param min_odds The lowest odds the caller accepts.
    @return bytes32 The bet id.
    """
    self._require_not_paused()
    return self._place(msg.sender, quote, signature, outcome, stake, min_odds, 0)


@external
def deposit_and_bet_with_permit(
    amount: uint256,
    deadline: uint256,
    permit: Signature,
    quote: Quote,
    signature: Signature,
    outcome: uint8,
    stake: uint128,
    min_odds: uint32,
) -> bytes32:
    """
    @notice A newcomer's first bet: permit, deposit and bet in one transaction.
    @param amount Token units deposited; the stake is then taken from the balance.
    @param deadline The permit's deadline.
    @param permit The caller's EIP-2612 signature for `amount` to this book.
    @param quote A quote signed by a registered pricer.
    @param signature The pricer's signature over `quote`.
    @param outcome The outcome index backed.
    @param stake Token units staked.
    @param min_odds The lowest odds the caller accepts.
    @return bytes32 The bet id.
    """
    self._require_not_paused()
    self._permit(msg.sender, amount, deadline, permit)
    self._pull(msg.sender, amount)
    return self._place(msg.sender, quote, signature, outcome, stake, min_odds, amount)


@external
def settle_bets(bets: DynArray[Bet, c.MAX_BATCH]) -> uint256:
    """
    @notice Pays a batch of bets of final games into their bettors' balances.
    @dev Anyone may call. Bets already settled (for example claimed by
         their bettor a moment earlier) are skipped, so one front-run
         claim never fails a keeper's batch.
    @param bets The bets as emitted in `BetPlaced`.
    @return uint256 How many bets this call settled.
    """
    settled: uint256 = 0
    for bet: Bet in bets:
        if self._settle(bet, False) != max_value(uint256):
            settled += 1
    return settled


@external
def claim(bet: Bet) -> uint256:
    """
    @notice Settles one bet of a final game into its bettor's balance.
    @param bet The bet as emitted in `BetPlaced`.
    @return uint256 The amount credited.
    """
    return self._settle(bet, True)


# ---------------------------------------------------------------- #
#                          Games and markets                       #
# ---------------------------------------------------------------- #

@external
def create_game(game: uint256, kickoff: uint256, market_cap: uint256, game_cap: uint256):
    """
    @notice Lists a fixture for betting.
    @param game The fixture id (1 .. 2**48 - 1), chosen by the operator.
    @param kickoff Unix time of kickoff; pre-game bets close then.
    @param market_cap Largest worst-case loss any one market may carry (token units, whole tokens).
    @param game_cap Largest worst-case loss all markets of the game may carry (token units, whole tokens).
    """
    self._check_operator()
    assert game > 0 and game <= c.MAX_GAME_ID, "book: bad game id"
    assert self._games[game] == 0, "book: game exists"
    assert kickoff > block.timestamp and kickoff <= c.MAX_KICKOFF, "book: bad kickoff"
    self._validate_caps(market_cap, game_cap)
    g: Game = empty(Game)
    g.kickoff = kickoff
    g.state = c.STATE_OPEN
    g.market_cap = market_cap
    g.game_cap = game_cap
    self._store_game(game, g)
    # the void deadline is fixed now: a later `set_params` cannot bring it forward
    void_after: uint256 = kickoff + self.void_delay
    self._void_after[game] = void_after
    log GameCreated(game=game, kickoff=kickoff, void_after=void_after, market_cap=market_cap, game_cap=game_cap)


@external
def add_market(game: uint256, kind: uint256, line: int256) -> uint256:
    """
    @notice Opens a market on a game.
    @param game The game id.
    @param kind One of the `KIND_*` constants.
    @param line The line in quarter units (0 for 1X2 and moneyline).
    @return uint256 The market id, `game << 8 | index`.
    """
    self._check_operator()
    g: Game = self._load_game(game)
    assert g.state == c.STATE_OPEN or g.state == c.STATE_LIVE, "book: game not open"
    grading._validate_line(kind, line)
    key: bytes32 = keccak256(abi_encode(game, kind, line))
    assert self._market_keys[key] == 0, "book: market exists"
    assert g.market_count < c.MAX_MARKETS_PER_GAME, "book: too many markets"
    market: uint256 = game << 8 | g.market_count
    g.market_count += 1
    self._store_game(game, g)
    self._market_keys[key] = market
    self._market_specs[market] = kind | convert(line + c.MAX_LINE, uint256) << 8
    nets: int256[3] = empty(int256[3])
    self._store_market(market, nets, grading._outcome_count(kind))
    log MarketCreated(market=market, game=game, kind=kind, line=line)
    return market


@external
def set_caps(game: uint256, market_cap: uint256, game_cap: uint256):
    """
    @notice Changes a game's exposure caps; bets that reduce exposure are never capped.
    @param game The game id.
    @param market_cap Largest worst-case loss any one market may carry.
    @param game_cap Largest worst-case loss all markets of the game may carry.
    """
    self._check_operator()
    g: Game = self._load_game(game)
    assert g.state != c.STATE_NONE, "book: unknown game"
    assert g.state < c.STATE_PROPOSED, "book: result proposed"
    self._validate_caps(market_cap, game_cap)
    g.market_cap = market_cap
    g.game_cap = game_cap
    self._store_game(game, g)
    log CapsChanged(game=game, market_cap=market_cap, game_cap=game_cap)


@external
def set_live(game: uint256, is_live: bool):
    """
    @notice Opens in-play betting (`True`) or closes it at the final whistle (`False`).
    @dev Bumps the epoch, so no pre-game quote survives into play.
    @param game The game id.
    @param is_live True at kickoff, False when play ends.
    """
    self._check_operator_or_pricer()
    g: Game = self._load_game(game)
    if is_live:
        assert g.state == c.STATE_OPEN, "book: game not open"
        g.state = c.STATE_LIVE
    else:
        assert g.state == c.STATE_LIVE, "book: game not live"
        g.state = c.STATE_CLOSED
    self._bump_epoch(game, g)


@external
def suspend(game: uint256):
    """
    @notice Invalidates every outstanding quote of a game at once.
    @dev The pricer calls this on a goal, a red card or a feed loss,
         then signs quotes for the new epoch.
    @param game The game id.
    """
    self._check_operator_or_pricer()
    g: Game = self._load_game(game)
    assert g.state == c.STATE_OPEN or g.state == c.STATE_LIVE, "book: game not open"
    self._bump_epoch(game, g)


# ---------------------------------------------------------------- #
#                              Results                             #
# ---------------------------------------------------------------- #

@external
def propose_result(game: uint256, status: uint256, home: uint256, away: uint256, signers: uint256) -> bool:
    """
    @notice The result oracle proposes a result a quorum of reporters signed.
    @dev Proposing the result that is already proposed or final is a
         no-op, so reporters racing to submit never fail each other.
    @param game The game id.
    @param status `RESULT_FINAL` or `RESULT_CANCELLED`.
    @param home Home score (0 when cancelled).
    @param away Away score (0 when cancelled).
    @param signers Bitmap of the reporters who signed, by oracle index.
    @return bool True when this call proposed it.
    """
    assert msg.sender == self.oracle, "book: not oracle"
    g: Game = self._load_game(game)
    self._validate_result(g, status, home, away)
    cancelled: bool = status == c.RESULT_CANCELLED
    if g.state >= c.STATE_PROPOSED:
        assert cancelled == g.cancelled and home == g.home and away == g.away, "book: other result proposed"
        return False
    g.state = c.STATE_PROPOSED
    g.home = home
    g.away = away
    g.cancelled = cancelled
    g.deadline = block.timestamp + self.challenge_window
    self._store_game(game, g)
    log ResultProposed(game=game, status=status, home=home, away=away, signers=signers, final_after=g.deadline)
    return True


@external
def finalize(game: uint256):
    """
    @notice Makes a proposed result final once its challenge window has passed.
    @dev Anyone may call. Moves the game's net with the Vault and extends
         the settlement accumulator.
    @param game The game id.
    """
    g: Game = self._load_game(game)
    assert g.state == c.STATE_PROPOSED, "book: result not proposed"
    assert block.timestamp >= g.deadline, "book: challenge window open"
    self._finalize(game, g)


@external
def challenge(game: uint256):
    """
    @notice The guardian disputes a proposed result inside its window.
    @dev The admin then decides; if nobody does, anyone may void the game
         `void_delay` seconds from now.
    @param game The game id.
    """
    assert msg.sender == self.guardian, "book: not guardian"
    g: Game = self._load_game(game)
    assert g.state == c.STATE_PROPOSED, "book: result not proposed"
    assert block.timestamp < g.deadline, "book: challenge window closed"
    g.state = c.STATE_CHALLENGED
    g.deadline = block.timestamp + self.void_delay
    self._store_game(game, g)
    log ResultChallenged(game=game, guardian=msg.sender, void_after=g.deadline)


@external
def resolve_challenge(game: uint256, status: uint256, home: uint256, away: uint256):
    """
    @notice The admin's decision on a challenged result; it is final at once.
    @param game The game id.
    @param status `RESULT_FINAL` or `RESULT_CANCELLED`.
    @param home Home score (0 when cancelled).
    @param away Away score (0 when cancelled).
    """
    ownable._check_owner()
    g: Game = self._load_game(game)
    assert g.state == c.STATE_CHALLENGED, "book: result not challenged"
    self._validate_result(g, status, home, away)
    g.home = home
    g.away = away
    g.cancelled = status == c.RESULT_CANCELLED
    self._finalize(game, g)


@external
def void_game(game: uint256):
    """
    @notice Cancels a game nobody settled in time, so every stake is refunded.
    @dev Anyone may call once the game's deadline has passed: kickoff plus
         the `void_delay` in force when the game was created, or a
         challenge plus the `void_delay` in force then. A proposed result
         is never voided: it finalizes instead.
    @param game The game id.
    """
    g: Game = self._load_game(game)
    assert g.state != c.STATE_NONE, "book: unknown game"
    assert g.state != c.STATE_FINAL, "book: game final"
    assert g.state != c.STATE_PROPOSED, "book: result proposed"
    deadline: uint256 = g.deadline
    if g.state != c.STATE_CHALLENGED:
        deadline = self._void_after[game]
    assert block.timestamp >= deadline, "book: too early to void"
    g.home = 0
    g.away = 0
    g.cancelled = True
    self._finalize(game, g)


# ---------------------------------------------------------------- #
#                         Vault (liquidity)                        #
# ---------------------------------------------------------------- #

@external
def add_liquidity(assets: uint256):
    """
    @notice The Vault reports LP assets that now back the book.
    @param assets Token units deposited into the Vault.
    """
    self._check_vault()
    self._move_risk(convert(assets, int256), 0)


@external
def remove_liquidity(assets: uint256):
    """
    @notice The Vault takes free liquidity out for a leaving LP.
    @dev Reverts when it would touch liability reserved for open markets.
    @param assets Token units leaving the Vault.
    """
    self._check_vault()
    self._move_risk(-convert(assets, int256), 0)


# ---------------------------------------------------------------- #
#                           Administration                         #
# ---------------------------------------------------------------- #

@external
def connect(vault: IVault, oracle: address):
    """
    @notice Binds the Vault that backs the book and the oracle that proposes results, once.
    @param vault The Vault deployed over this book.
    @param oracle The ResultOracle deployed over this book.
    """
    ownable._check_owner()
    assert self.vault.address == empty(address), "book: already connected"
    self._check_address(vault.address)
    self._check_address(oracle)
    self.vault = vault
    self.oracle = oracle
    log Connected(vault=vault.address, oracle=oracle)


@external
def set_pricer(pricer: address, is_pricer: bool):
    """
    @notice Registers or retires a quote signer.
    @param pricer The signer address.
    @param is_pricer Whether its quotes are accepted.
    """
    ownable._check_owner()
    self._check_address(pricer)
    self.is_pricer[pricer] = is_pricer
    log PricerSet(pricer=pricer, is_pricer=is_pricer)


@external
def set_operator(operator: address, is_operator: bool):
    """
    @notice Grants or revokes the right to list games and markets.
    @param operator The operator address (a keeper).
    @param is_operator Whether it may operate.
    """
    ownable._check_owner()
    self._check_address(operator)
    self.is_operator[operator] = is_operator
    log OperatorSet(operator=operator, is_operator=is_operator)


@external
def set_guardian(guardian: address):
    """
    @notice Sets who may pause the book and challenge results.
    @param guardian The guardian address.
    """
    ownable._check_owner()
    self._check_address(guardian)
    self.guardian = guardian
    log GuardianSet(guardian=guardian)


@external
def set_params(challenge_window: uint256, void_delay: uint256):
    """
    @notice Changes the challenge window and the void delay within fixed bounds.
    @dev Only games created and results proposed or challenged afterwards
         use the new values: no change reaches back to a running game.
    @param challenge_window Seconds a proposed result waits for a challenge.
    @param void_delay Seconds after kickoff (or a challenge) when anyone may void.
    """
    ownable._check_owner()
    self._set_params(challenge_window, void_delay)


@external
def pause():
    """
    @notice Stops new bets and deposits. Withdrawals, claims, settlement and refunds go on.
    """
    assert msg.sender == self.guardian or msg.sender == ownable.owner, "book: not guardian"
    self._set_paused(True)


@external
def unpause():
    """
    @notice Lets bets and deposits in again.
    """
    ownable._check_owner()
    self._set_paused(False)


# ---------------------------------------------------------------- #
#                               Views                              #
# ---------------------------------------------------------------- #

@view
@external
def balanceOf(account: address) -> uint256:
    """
    @notice An account's book balance.
    @param account The bettor.
    @return uint256 Token units.
    """
    return self._accounts[account] & _MASK_192


@view
@external
def bet_nonce(account: address) -> uint256:
    """
    @notice How many bets `account` has placed; its next bet carries this nonce.
    @param account The bettor.
    @return uint256 The nonce.
    """
    return (self._accounts[account] >> 192) & _MASK_63


@view
@external
def game_state(game: uint256) -> uint256:
    """
    @notice A game's life-cycle state (`STATE_*`), without the rest of the game.
    @param game The game id.
    @return uint256 The state.
    """
    return (self._games[game] >> 72) & _MASK_4


@view
@external
def is_open(bet: Bet) -> bool:
    """
    @notice Whether a bet is placed and not yet settled.
    @param bet The bet as `BetPlaced` reported it.
    @return bool True while open.
    """
    nonce: uint256 = convert(bet.nonce, uint256)
    tag: uint256 = self._bet_tag(keccak256(abi_encode(bet)))
    return (self._open_bets[bet.bettor][nonce >> 1] >> (nonce & 1) * 128) & _MASK_128 == tag


@view
@external
def game(game: uint256) -> GameView:
    """
    @notice Everything the book holds about a game.
    @dev `deadline` is the void deadline, except while a result is
         proposed, when it is the end of the challenge window. Caps and
         reserve read 0 once a result exists (the reserve stays held in
         `headroom` until `finalize`); scores read 0 before.
    @param game The game id.
    @return GameView The unpacked game.
    """
    g: Game = self._load_game(game)
    deadline: uint256 = g.deadline
    if g.state < c.STATE_PROPOSED:
        deadline = self._void_after[game]
    return GameView(
        kickoff=g.kickoff,
        epoch=g.epoch,
        state=g.state,
        home=g.home,
        away=g.away,
        deadline=deadline,
        cancelled=g.cancelled,
        reserve=g.reserve,
        market_cap=g.market_cap,
        game_cap=g.game_cap,
        market_count=g.market_count,
    )


@view
@external
def market(market: uint256) -> MarketView:
    """
    @notice A market's definition and its exposure.
    @dev `nets[o]` is what the book pays out beyond the market's stakes if `o` wins.
    @param market The market id.
    @return MarketView The unpacked market.
    """
    nets: int256[3] = empty(int256[3])
    n: uint256 = 0
    nets, n = self._load_market(market)
    reserve: uint256 = 0
    upside: uint256 = 0
    reserve, upside = self._risk_of(nets, n)
    spec: uint256 = self._market_specs[market]
    return MarketView(
        game=market >> 8,
        kind=spec & 255,
        line=convert(spec >> 8, int256) - c.MAX_LINE,
        outcomes=n,
        nets=nets,
        reserve=reserve,
        upside=upside,
    )


@view
@external
def market_id(game: uint256, kind: uint256, line: int256) -> uint256:
    """
    @notice Finds a market by its definition; 0 when it does not exist.
    @param game The game id.
    @param kind One of the `KIND_*` constants.
    @param line The line in quarter units.
    @return uint256 The market id or 0.
    """
    return self._market_keys[keccak256(abi_encode(game, kind, line))]


@view
@external
def headroom() -> uint256:
    """
    @notice Vault assets not reserved for open markets: what bets and LP exits may use.
    @return uint256 Token units.
    """
    return self._risk & _MASK_127


@view
@external
def upside() -> uint256:
    """
    @notice The most the Vault can still gain from open markets.
    @return uint256 Token units.
    """
    return (self._risk >> 127) & _MASK_128


@view
@external
def paused() -> bool:
    """
    @notice Whether new bets and deposits are stopped.
    @return bool True when paused.
    """
    return self._risk >> 255 == 1


@view
@external
def quote_digest(quote: Quote) -> bytes32:
    """
    @notice The EIP-712 digest a pricer signs for `quote`.
    @param quote The quote.
    @return bytes32 The digest.
    """
    return self._quote_digest(quote)


@pure
@external
def grade(kind: uint256, line: int256, outcome: uint256, home: uint256, away: uint256, cancelled: bool) -> uint256:
    """
    @notice The settlement function itself, for auditors and pricers.
    @param kind One of the `KIND_*` constants.
    @param line The line in quarter units.
    @param outcome The outcome index.
    @param home Home score.
    @param away Away score.
    @param cancelled Whether the game was cancelled.
    @return uint256 A `GRADE_*` constant.
    """
    return grading._grade(kind, line, outcome, home, away, cancelled)


# ---------------------------------------------------------------- #
#                        Internal: balances                        #
# ---------------------------------------------------------------- #

@internal
def _pull(account: address, amount: uint256):
    assert amount > 0, "book: zero amount"
    before: uint256 = staticcall TOKEN.balanceOf(self)
    assert extcall TOKEN.transferFrom(account, self, amount, default_return_value=True), "book: transfer failed"
    # only plain tokens: a fee on transfer would leave balances unbacked
    assert staticcall TOKEN.balanceOf(self) == before + amount, "book: token took a fee"
    log Deposit(account=account, amount=amount)


@internal
def _permit(owner: address, amount: uint256, deadline: uint256, sig: Signature):
    # A permit copied from the mempool and used first makes ours revert;
    # the allowance it set is just as good, so only a missing one fails.
    ok: bool = raw_call(
        TOKEN.address,
        abi_encode(
            owner, self, amount, deadline, sig.v, sig.r, sig.s,
            method_id=method_id("permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"),
        ),
        revert_on_failure=False,
    )
    if not ok:
        assert staticcall TOKEN.allowance(owner, self) >= amount, "book: permit failed"


@internal
def _credit(account: address, amount: uint256):
    word: uint256 = self._accounts[account]
    balance: uint256 = (word & _MASK_192) + amount
    # no token has a supply near 2**192
    assert balance <= _MASK_192
    self._accounts[account] = (word & ~_MASK_192) | balance | _REGISTERED


@internal
def _debit(account: address, amount: uint256):
    word: uint256 = self._accounts[account]
    assert word & _MASK_192 >= amount, "book: insufficient balance"
    # cannot underflow: checked just above
    self._accounts[account] = unsafe_sub(word, amount)


# ---------------------------------------------------------------- #
#                          Internal: bets                          #
# ---------------------------------------------------------------- #

@internal
def _place(
    bettor: address, quote: Quote, sig: Signature, outcome: uint8, stake: uint128, min_odds: uint32, deposit: uint256
) -> bytes32:
    """
    @dev The hot path: one read and one write of each word it touches.
         It takes the stake from the bettor's balance plus `deposit`
         (tokens just pulled). It works on the game word's betting-phase
         bits directly (see the layout above) instead of `_load_game`.
    """
    digest: bytes32 = self._quote_digest(quote)
    signer: address = ecdsa._try_recover_vrs(digest, convert(sig.v, uint256), sig.r, sig.s)
    assert self.is_pricer[signer], "book: unknown pricer"
    expiry: uint256 = convert(quote.expiry, uint256)
    assert block.timestamp < expiry, "book: quote expired"
    assert expiry <= block.timestamp + c.MAX_QUOTE_TTL, "book: quote expiry too far"

    market: uint256 = convert(quote.market, uint256)
    game: uint256 = market >> 8
    word: uint256 = self._games[game]
    assert (word >> 40) & _MASK_32 == convert(quote.epoch, uint256), "book: stale quote"
    state: uint256 = (word >> 72) & _MASK_4
    assert state == c.STATE_LIVE or (state == c.STATE_OPEN and block.timestamp < word & _MASK_40), (
        "book: betting closed"
    )

    o: uint256 = convert(outcome, uint256)
    assert o < c.MAX_OUTCOMES, "book: bad outcome"
    odds: uint256 = convert(quote.odds[o], uint256)
    assert odds >= c.MIN_ODDS and odds <= c.MAX_ODDS, "book: outcome not offered"
    assert odds >= convert(min_odds, uint256), "book: odds below minimum"
    s: uint256 = convert(stake, uint256)
    assert s >= MIN_STAKE, "book: stake below minimum"
    assert s <= convert(quote.max_stake, uint256), "book: stake above quote maximum"
    payout: uint256 = s * odds // c.ODDS_SCALE

    # the market: every outcome keeps the stake, the backed one owes the payout
    nets: int256[3] = empty(int256[3])
    n: uint256 = 0
    nets, n = self._load_market(market)
    assert o < n, "book: bad outcome"
    reserve_before: uint256 = 0
    upside_before: uint256 = 0
    reserve_before, upside_before = self._risk_of(nets, n)
    stake_int: int256 = convert(s, int256)
    nets[0] -= stake_int
    nets[1] -= stake_int
    if n == 3:
        nets[2] -= stake_int
    nets[o] += convert(payout, int256)
    self._store_market(market, nets, n)
    reserve: uint256 = 0
    upside: uint256 = 0
    reserve, upside = self._risk_of(nets, n)

    # the game: its reserve (Σ of its markets' worst cases) under its caps
    game_reserve: uint256 = (word >> 156) + reserve - reserve_before
    if reserve > reserve_before:
        assert reserve <= ((word >> 84) & _MASK_36) * CAP_UNIT, "book: market cap reached"
        assert game_reserve <= ((word >> 120) & _MASK_36) * CAP_UNIT, "book: game cap reached"
    self._games[game] = (word & (2**156 - 1)) | game_reserve << 156

    # the Vault: free liquidity and upside
    self._move_risk(
        convert(reserve_before, int256) - convert(reserve, int256),
        convert(upside, int256) - convert(upside_before, int256),
    )

    # the bettor: stake out of balance (+ deposit), nonce up
    account: uint256 = self._accounts[bettor]
    balance: uint256 = (account & _MASK_192) + deposit
    assert balance >= s, "book: insufficient balance"
    nonce: uint256 = (account >> 192) & _MASK_63
    # the balance fits 192 bits (no token supply is near it) and the nonce has 2**63 bets of room
    self._accounts[bettor] = (balance - s) | (nonce + 1) << 192 | _REGISTERED
    bet: Bet = Bet(
        bettor=bettor,
        nonce=convert(nonce, uint64),
        market=quote.market,
        outcome=outcome,
        stake=stake,
        payout=convert(payout, uint128),
    )
    bet_id: bytes32 = keccak256(abi_encode(bet))
    tag: uint256 = self._bet_tag(bet_id)
    if nonce & 1 == 0:
        self._open_bets[bettor][nonce >> 1] = tag  # a fresh pair: its second lane is still empty
    else:
        self._open_bets[bettor][nonce >> 1] |= tag << 128
    log BetPlaced(
        bet_id=bet_id,
        bettor=bettor,
        market=market,
        nonce=nonce,
        outcome=o,
        stake=s,
        payout=payout,
        odds=odds,
        quote_digest=digest,
    )
    return bet_id


@internal
def _settle(bet: Bet, strict: bool) -> uint256:
    """
    @dev Returns the amount credited, or `max_value(uint256)` when the
         bet was not open and `strict` is off.
    """
    bet_id: bytes32 = keccak256(abi_encode(bet))
    pair: uint256 = convert(bet.nonce, uint256) >> 1
    lane: uint256 = (convert(bet.nonce, uint256) & 1) * 128
    lanes: uint256 = self._open_bets[bet.bettor][pair]
    if (lanes >> lane) & _MASK_128 != self._bet_tag(bet_id):
        assert not strict, "book: bet not open"
        return max_value(uint256)
    grade: uint256 = self._grade_bet(bet)
    amount: uint256 = grading._amount_due(grade, convert(bet.stake, uint256), convert(bet.payout, uint256))
    self._open_bets[bet.bettor][pair] = lanes & ~(_MASK_128 << lane)
    if amount > 0:
        self._credit(bet.bettor, amount)
    log BetSettled(bet_id=bet_id, bettor=bet.bettor, market=convert(bet.market, uint256), grade=grade, amount=amount)
    return amount


@view
@internal
def _grade_bet(bet: Bet) -> uint256:
    market: uint256 = convert(bet.market, uint256)
    g: Game = self._load_game(market >> 8)
    assert g.state == c.STATE_FINAL, "book: game not final"
    spec: uint256 = self._market_specs[market]
    return grading._grade(
        spec & 255,
        convert(spec >> 8, int256) - c.MAX_LINE,
        convert(bet.outcome, uint256),
        g.home,
        g.away,
        g.cancelled,
    )


# ---------------------------------------------------------------- #
#                         Internal: results                        #
# ---------------------------------------------------------------- #

@view
@internal
def _validate_result(g: Game, status: uint256, home: uint256, away: uint256):
    assert g.state != c.STATE_NONE, "book: unknown game"
    assert status == c.RESULT_FINAL or status == c.RESULT_CANCELLED, "book: bad result status"
    if status == c.RESULT_CANCELLED:
        # one canonical form, so every reporter signs the same digest
        assert home == 0 and away == 0, "book: cancel with a score"
    else:
        assert block.timestamp >= g.kickoff, "book: game not started"
        assert home <= c.MAX_SCORE and away <= c.MAX_SCORE, "book: score out of range"


@internal
def _finalize(game: uint256, g: Game):
    released: uint256 = 0
    upside: uint256 = 0
    vault_net: int256 = 0
    released, upside, vault_net = self._game_settlement(game, g)

    f: Game = g
    f.state = c.STATE_FINAL
    f.deadline = 0
    self._store_game(game, f)
    # the result never pays more than the market's worst case, so
    # `released - vault_net` is never negative
    self._move_risk(convert(released, int256) - vault_net, -convert(upside, int256))

    if vault_net > 0:
        extcall self.vault.settle(game, 0, convert(vault_net, uint256))
    elif vault_net < 0:
        profit: uint256 = convert(-vault_net, uint256)
        assert extcall TOKEN.transfer(self.vault.address, profit, default_return_value=True), "book: transfer failed"
        extcall self.vault.settle(game, profit, 0)

    status: uint256 = c.RESULT_FINAL
    if g.cancelled:
        status = c.RESULT_CANCELLED
    accumulator: bytes32 = keccak256(abi_encode(self.settlement_accumulator, game, status, g.home, g.away))
    self.settlement_accumulator = accumulator
    self.finalized_games += 1
    log ResultFinalized(
        game=game, status=status, home=g.home, away=g.away, vault_net=vault_net, accumulator=accumulator
    )


@view
@internal
def _game_settlement(game: uint256, g: Game) -> (uint256, uint256, int256):
    """
    @dev Walks the game's markets once: the reserve and upside they held,
         and what the Vault owes (positive) or earns (negative) on this
         result. A half-win pays half the net, rounded up so the Book
         always holds at least what its bets are owed.
    """
    released: uint256 = 0
    upside: uint256 = 0
    vault_net: int256 = 0
    for i: uint256 in range(g.market_count, bound=c.MAX_MARKETS_PER_GAME):
        market: uint256 = game << 8 | i
        nets: int256[3] = empty(int256[3])
        n: uint256 = 0
        nets, n = self._load_market(market)
        reserve: uint256 = 0
        gain: uint256 = 0
        reserve, gain = self._risk_of(nets, n)
        released += reserve
        upside += gain
        spec: uint256 = self._market_specs[market]
        for o: uint256 in range(n, bound=c.MAX_OUTCOMES):
            grade: uint256 = grading._grade(
                spec & 255, convert(spec >> 8, int256) - c.MAX_LINE, o, g.home, g.away, g.cancelled
            )
            if grade == c.GRADE_WIN:
                vault_net += nets[o]
            elif grade == c.GRADE_HALF_WIN:
                vault_net += self._ceil_half(nets[o])
    return released, upside, vault_net


@pure
@internal
def _ceil_half(x: int256) -> int256:
    # signed `//` truncates toward zero, which is the ceiling for x <= 0
    if x > 0:
        return (x + 1) // 2
    return x // 2


# ---------------------------------------------------------------- #
#                     Internal: risk and packing                   #
# ---------------------------------------------------------------- #

@pure
@internal
def _risk_of(nets: int256[3], n: uint256) -> (uint256, uint256):
    """
    @dev Worst case (reserve) and best case (upside) of a market for the
         Vault. A void is always possible and nets 0, so both are >= 0;
         half results are averages of a full result and a push, so the
         extremes are among the full wins. Unrolled: this runs twice per bet.
    """
    worst: int256 = max(max(nets[0], nets[1]), 0)
    best: int256 = min(min(nets[0], nets[1]), 0)
    if n == 3:
        worst = max(worst, nets[2])
        best = min(best, nets[2])
    return convert(worst, uint256), convert(-best, uint256)


@internal
def _move_risk(headroom_delta: int256, upside_delta: int256):
    risk: uint256 = self._risk
    headroom: int256 = convert(risk & _MASK_127, int256) + headroom_delta
    assert headroom >= 0, "book: vault liquidity exceeded"
    upside: int256 = convert((risk >> 127) & _MASK_128, int256) + upside_delta
    # both stay far inside their fields: they are sums of capped market risks and LP assets
    assert headroom <= convert(_MASK_127, int256) and upside >= 0 and upside <= convert(_MASK_128, int256)
    self._risk = convert(headroom, uint256) | convert(upside, uint256) << 127 | (risk >> 255) << 255


@internal
def _set_paused(paused: bool):
    flag: uint256 = 0
    if paused:
        flag = 1
    self._risk = (self._risk & ~(1 << 255)) | flag << 255
    log PauseSet(paused=paused, by=msg.sender)


@view
@internal
def _require_not_paused():
    assert self._risk >> 255 == 0, "book: paused"


@view
@internal
def _load_game(game: uint256) -> Game:
    word: uint256 = self._games[game]
    g: Game = empty(Game)
    g.kickoff = word & _MASK_40
    g.epoch = (word >> 40) & _MASK_32
    g.state = (word >> 72) & _MASK_4
    g.market_count = (word >> 76) & _MASK_8
    if g.state < c.STATE_PROPOSED:
        g.market_cap = ((word >> 84) & _MASK_36) * CAP_UNIT
        g.game_cap = ((word >> 120) & _MASK_36) * CAP_UNIT
        g.reserve = word >> 156
    else:
        g.home = (word >> 84) & _MASK_12
        g.away = (word >> 96) & _MASK_12
        g.cancelled = (word >> 108) & 1 == 1
        g.deadline = (word >> 109) & _MASK_40
    return g


@internal
def _store_game(game: uint256, g: Game):
    # an epoch grows by one per transaction; kickoff and counts are bounded by constants
    assert g.epoch <= _MASK_32
    word: uint256 = g.kickoff | g.epoch << 40 | g.state << 72 | g.market_count << 76
    if g.state < c.STATE_PROPOSED:
        # caps are whole tokens below 2**36 (checked where set); a reserve only grows under its cap
        assert g.reserve <= _MAX_RESERVE
        word |= (g.market_cap // CAP_UNIT) << 84 | (g.game_cap // CAP_UNIT) << 120 | g.reserve << 156
    else:
        flag: uint256 = 0
        if g.cancelled:
            flag = 1
        # scores are bounded by MAX_SCORE, deadlines by MAX_KICKOFF + MAX_VOID_DELAY
        word |= g.home << 84 | g.away << 96 | flag << 108 | g.deadline << 109
    self._games[game] = word


@internal
def _bump_epoch(game: uint256, g: Game):
    b: Game = g
    b.epoch += 1
    self._store_game(game, b)
    log GameStateChanged(game=game, state=b.state, epoch=b.epoch)


@view
@internal
def _load_market(market: uint256) -> (int256[3], uint256):
    word: uint256 = self._markets[market]
    n: uint256 = word >> 252
    assert n != 0, "book: unknown market"
    return [
        convert(word & _MASK_84, int256) - _NET_BIAS,
        convert((word >> _NET_BITS) & _MASK_84, int256) - _NET_BIAS,
        convert((word >> 2 * _NET_BITS) & _MASK_84, int256) - _NET_BIAS,
    ], n


@internal
def _store_market(market: uint256, nets: int256[3], n: uint256):
    lo: int256 = -_NET_BIAS
    hi: int256 = _NET_BIAS - 1
    assert nets[0] >= lo and nets[0] <= hi and nets[1] >= lo and nets[1] <= hi, "book: market too large"
    assert nets[2] >= lo and nets[2] <= hi, "book: market too large"
    self._markets[market] = (
        convert(nets[0] + _NET_BIAS, uint256)
        | convert(nets[1] + _NET_BIAS, uint256) << _NET_BITS
        | convert(nets[2] + _NET_BIAS, uint256) << 2 * _NET_BITS
        | n << 252
    )


# ---------------------------------------------------------------- #
#                      Internal: signatures, roles                 #
# ---------------------------------------------------------------- #

@pure
@internal
def _bet_tag(bet_id: bytes32) -> uint256:
    """
    @dev The top 127 bits of the bet id, with the low bit set so an open
         lane is never zero. Lanes are keyed by bettor and nonce, so
         forging a bet means a 127-bit second preimage of its tag.
    """
    return convert(bet_id, uint256) >> 128 | 1


@view
@internal
def _quote_digest(quote: Quote) -> bytes32:
    odds_hash: bytes32 = keccak256(abi_encode(quote.odds[0], quote.odds[1], quote.odds[2]))
    return eip712._hash_typed_data_v4(
        keccak256(abi_encode(_QUOTE_TYPEHASH, quote.market, quote.epoch, quote.expiry, quote.max_stake, odds_hash))
    )


@view
@internal
def _check_operator():
    assert self.is_operator[msg.sender] or msg.sender == ownable.owner, "book: not operator"


@view
@internal
def _check_operator_or_pricer():
    assert self.is_operator[msg.sender] or self.is_pricer[msg.sender], "book: not operator"


@view
@internal
def _check_vault():
    assert msg.sender == self.vault.address, "book: not vault"


@pure
@internal
def _check_address(account: address):
    assert account != empty(address), "book: zero address"


@view
@internal
def _validate_caps(market_cap: uint256, game_cap: uint256):
    assert market_cap % CAP_UNIT == 0 and game_cap % CAP_UNIT == 0, "book: cap not whole tokens"
    assert market_cap // CAP_UNIT <= _MASK_36 and game_cap // CAP_UNIT <= _MASK_36, "book: cap too large"


@internal
def _set_params(challenge_window: uint256, void_delay: uint256):
    assert challenge_window >= c.MIN_CHALLENGE_WINDOW and challenge_window <= c.MAX_CHALLENGE_WINDOW, "book: bad challenge window"
    assert void_delay >= c.MIN_VOID_DELAY and void_delay <= c.MAX_VOID_DELAY, "book: bad void delay"
    self.challenge_window = challenge_window
    self.void_delay = void_delay
    log ParamsSet(challenge_window=challenge_window, void_delay=void_delay)
