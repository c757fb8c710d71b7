"""The keeper's settings: `[chain]`, `[service]`, `[replay]` and `[keeper]` of a TOML file, or `ORACLE_*`.

Environment variables override the file (`ORACLE_KEEPER__INTERVAL=1`,
`ORACLE_REPLAY__START=1767225600`). Nothing else in the keeper reads the environment.
"""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from oracle.config import ChainSettings, OracleSettings, ReplayFeedSettings
from oracle.markets import MAX_LINE, Kind

MAX_BATCH = 256  # contracts/constants.vy: bets per settle_bets call
MAX_MARKETS_PER_GAME = 32  # contracts/constants.vy
# 1X2, moneyline; totals 1.5, 2.25, 2.5, 2.75, 3.5; home handicaps -1.5 ... +0.5 (quarter units)
DEFAULT_MARKETS = [
    (Kind.ONE_X_TWO, 0),
    (Kind.MONEYLINE, 0),
    *((Kind.TOTALS, line) for line in (6, 9, 10, 11, 14)),
    *((Kind.HANDICAP, line) for line in (-6, -4, -3, -2, -1, 0, 1, 2)),
]


class KeeperSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interval: float = Field(default=2.0, gt=0)  # seconds between run-cycles
    markets: list[tuple[Kind, int]] = Field(default_factory=lambda: list(DEFAULT_MARKETS))
    market_cap: int = Field(default=10_000, ge=0, le=2**36 - 1)  # whole tokens of worst-case loss per market
    game_cap: int = Field(default=50_000, ge=0, le=2**36 - 1)  # whole tokens per game
    create_ahead: float = Field(default=86_400 * 7, gt=0)  # seconds before kickoff games are listed
    min_lead: float = Field(default=10.0, ge=0)  # a game kicking off sooner than this is not listed
    settle_batch: int = Field(default=200, ge=1, le=MAX_BATCH)  # bets per settle_bets transaction
    settle_in_flight: int = Field(default=8, ge=1, le=64)  # settle_bets transactions sent before a receipt
    log_block_range: int = Field(default=50_000, ge=1)  # blocks per eth_getLogs when finding bets
    stale_after: float = Field(default=60.0, gt=0)  # /healthz fails when no cycle finished for this long

    @field_validator("markets")
    @classmethod
    def check_markets(cls, markets: list[tuple[Kind, int]]) -> list[tuple[Kind, int]]:
        if len(markets) > MAX_MARKETS_PER_GAME:
            raise ValueError(f"at most {MAX_MARKETS_PER_GAME} markets per game")
        if len(set(markets)) != len(markets):
            raise ValueError("a market is listed twice")
        for kind, line in markets:
            if kind in (Kind.ONE_X_TWO, Kind.MONEYLINE) and line != 0:
                raise ValueError(f"{kind.name} has no line (0), got {line}")
            if kind == Kind.TOTALS and not 2 <= line <= MAX_LINE:
                raise ValueError(f"a totals line is 2 .. {MAX_LINE} quarters, got {line}")
            if abs(line) > MAX_LINE:
                raise ValueError(f"line {line} is beyond {MAX_LINE} quarters")
        return markets


class Settings(OracleSettings):
    chain: ChainSettings = Field(default_factory=ChainSettings)
    replay: ReplayFeedSettings = Field(default_factory=ReplayFeedSettings)
    keeper: KeeperSettings = Field(default_factory=KeeperSettings)
