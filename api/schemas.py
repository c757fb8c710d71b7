"""Response and request bodies: what clients see, separate from the indexer's tables and views.

Token amounts are decimal strings (uint256 does not fit a JSON number); odds are decimal odds
x 10**4; times are unix seconds unless named `_ms`; addresses and hashes are lowercase hex.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Amount = Annotated[str, Field(pattern=r"^-?[0-9]+$", examples=["1000000"])]
Address = Annotated[str, Field(pattern=r"^0x[0-9a-f]{40}$")]
Hash = Annotated[str, Field(pattern=r"^0x[0-9a-f]{64}$")]
GameStateName = Literal["scheduled", "live", "suspended", "closed", "proposed", "final", "void"]
BetStatus = Literal["submitted", "included", "confirmed", "settled", "paid"]
BetResult = Literal["won", "half_won", "push", "half_lost", "lost", "void"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChainRef(Body):
    """Where a fact comes from on the chain: an auditor re-reads it with eth_getLogs."""

    block: int
    tx: Hash
    at: int


class PageInfo(Body):
    end_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")
    has_next_page: bool


class Score(Body):
    home: int
    away: int
    status: Literal["final", "cancelled"]


class Game(Body):
    game: int
    kickoff: int
    state: GameStateName
    epoch: int
    market_cap: Amount
    game_cap: Amount
    market_count: int
    bet_count: int
    total_stake: Amount
    reserve: Amount = Field(description="worst-case payout reserved for the game while it is open")
    result: Score | None
    is_challenged: bool
    created: ChainRef
    proposed: ChainRef | None
    final: ChainRef | None


class Market(Body):
    market: int
    game: int
    kind: Literal["1x2", "moneyline", "totals", "handicap"]
    line: int = Field(description="quarter units: 2.25 goals is 9")
    outcomes: int
    bet_count: int
    total_stake: Amount
    stakes: list[Amount]
    payouts: list[Amount]
    reserve: Amount
    created: ChainRef


class QuoteFields(Body):
    """The `quote` argument of `Book.place_bet`, field for field."""

    market: int
    epoch: int
    expiry: int
    max_stake: Amount
    odds: list[int] = Field(min_length=3, max_length=3, description="x 10**4 per outcome; 0 = not offered")


class SignatureFields(Body):
    """The `signature` argument of `Book.place_bet`."""

    v: int
    r: str = Field(pattern=r"^0x[0-9a-f]{64}$")
    s: str = Field(pattern=r"^0x[0-9a-f]{64}$")


class SignedQuote(Body):
    """A current quote: pass `quote` and `signature` to `Book.place_bet` with outcome, stake, min_odds."""

    seq: int
    game: int
    market: int
    published_at_ms: int
    signer: str
    chain_id: int
    book: str
    quote: QuoteFields
    signature: SignatureFields


class GameDetail(Game):
    markets: list[Market]
    quotes: list[SignedQuote]


class Settlement(Body):
    """What an auditor needs to re-check a bet's payout from the chain alone."""

    result: Score
    grade: int = Field(description="4 win, 3 half win, 2 push, 1 half loss, 0 loss")
    outcome_result: BetResult
    amount_due: Amount
    signers: list[Address] = Field(description="reporters whose signatures proposed the result")
    accumulator: Hash | None
    final: ChainRef
    paid: ChainRef | None
    paid_amount: Amount | None


class Bet(Body):
    bet_id: Hash | None = Field(description="null while only submitted")
    status: BetStatus
    bettor: Address
    market: int
    game: int | None
    outcome: int
    stake: Amount
    odds: int | None
    payout: Amount | None = Field(description="full-win payout, stake included")
    nonce: int | None
    tx: Hash
    placed: ChainRef | None
    log_index: int | None
    submitted_at_ms: int | None
    settlement: Settlement | None


class BetPage(Body):
    items: list[Bet]
    page_info: PageInfo


class GamePage(Body):
    items: list[Game]
    page_info: PageInfo


class BetRegistration(Body):
    """A bet the webapp just sent: shown as submitted until the indexer sees its transaction."""

    tx_hash: Hash
    market: int = Field(ge=0, lt=2**56)
    outcome: int = Field(ge=0, le=2)
    stake: Amount
    min_odds: int = Field(ge=0, lt=2**32)


class Account(Body):
    address: Address
    balance: Amount
    deposited: Amount
    withdrawn: Amount
    staked: Amount
    credited: Amount
    bet_count: int
    open_bets: int
    open_stake: Amount = Field(description="stakes of bets not yet paid: the account's open exposure")
    vault_shares: Amount


class Movement(Body):
    kind: Literal["deposit", "withdrawal", "bet", "settlement"]
    delta: Amount
    bet_id: Hash | None
    log_index: int
    chain: ChainRef


class MovementPage(Body):
    items: list[Movement]
    page_info: PageInfo


class Preferences(Body):
    notify_bet_settled: bool = True
    notify_bet_paid: bool = True
    notify_game_start: bool = False
    odds_format: Literal["decimal", "fractional", "american"] = "decimal"


class Vault(Body):
    total_assets: Amount
    total_supply: Amount
    share_price: float = Field(description="assets per share")
    reserved: Amount = Field(description="worst-case payouts reserved for open games")
    free: Amount
    lp_count: int


class VaultEvent(Body):
    kind: Literal["deposit", "withdraw", "settled"]
    account: Address | None
    game: int | None
    assets_delta: Amount
    shares_delta: Amount
    total_assets: Amount
    total_supply: Amount
    share_price: float
    log_index: int
    chain: ChainRef


class VaultEventPage(Body):
    items: list[VaultEvent]
    page_info: PageInfo


class VaultPosition(Body):
    address: Address
    shares: Amount
    assets: Amount = Field(description="shares valued at the current share price, rounded down")


class Totals(Body):
    volume: Amount
    bet_count: int
    open_stake: Amount
    house_pnl: Amount = Field(description="vault profit minus loss over settled games")


class GameStats(Body):
    game: int
    volume: Amount
    bet_count: int
    open_stake: Amount
    house_pnl: Amount | None


class DayStats(Body):
    day: str = Field(description="UTC date, YYYY-MM-DD")
    volume: Amount
    bet_count: int
    house_pnl: Amount


class GameStatsPage(Body):
    items: list[GameStats]
    page_info: PageInfo


class DayStatsPage(Body):
    items: list[DayStats]
    page_info: PageInfo


class NonceRequest(Body):
    address: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")


class NonceIssued(Body):
    nonce: str
    expires_at: int
    domain: str
    chain_id: int


class SignIn(Body):
    message: str = Field(max_length=4_096)
    signature: str = Field(max_length=200)


class Session(Body):
    token: str
    address: Address
    expires_at: int


class SessionInfo(Body):
    address: Address
    expires_at: int


class Health(Body):
    status: Literal["ok"]
    cursor_block: int | None
    head_block: int | None
    lag_blocks: int | None


class ErrorBody(Body):
    detail: str
