"""The pricer's settings: `[chain]`, `[service]`, `[replay]` and `[pricer]` of a TOML file, or `ORACLE_*`.

Environment variables override the file: `ORACLE_PRICER__OVERROUND=1.06`,
`ORACLE_REPLAY__START=1767225600`. Nothing else in the pricer reads the environment.
"""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from indexer.config import DatabaseUrl
from oracle.config import GWEI, ChainSettings, OracleSettings, ReplayFeedSettings
from oracle.pricing.history import HISTORY_FILE
from oracle.pricing.odds import MAX_ODDS, MIN_ODDS, MarginMethod

MAX_QUOTE_TTL = 3_600  # contracts/constants.vy: a quote may not live longer


class PricerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # the indexer's database: quotes go to published_quotes
    database_url: DatabaseUrl = "sqlite:///rollbook.db"
    history_file: Path = HISTORY_FILE  # past results the ratings are fitted on
    half_life_days: float | None = Field(default=365.0, gt=0)  # older results weigh less
    overround: float = Field(default=1.05, ge=1.0, le=1.5)  # sum of 1/odds of a market
    margin_method: MarginMethod = MarginMethod.POWER
    shading_strength: float = Field(default=0.5, ge=0, le=3)  # price factor e^s at full market cap
    min_odds: int = Field(default=MIN_ODDS, ge=MIN_ODDS, le=MAX_ODDS)  # x 10**4; shorter is not offered
    max_odds: int = Field(default=500_000, ge=MIN_ODDS, le=MAX_ODDS)  # x 10**4; longer is cut to this
    max_stake: float = Field(default=1_000.0, gt=0)  # whole tokens per bet before kickoff
    live_stake_share: float = Field(default=0.5, gt=0, le=1)  # share of max_stake per bet in play
    red_card_own: float = Field(default=0.67, gt=0, le=1)  # scoring rate factor of a side per own red
    red_card_opponent: float = Field(default=1.25, ge=1, le=3)  # per red card of the opponent
    quote_ttl: int = Field(default=20, ge=2, le=MAX_QUOTE_TTL)  # seconds a quote lives
    pregame_interval: float = Field(default=10.0, gt=0)  # seconds between pre-game refreshes
    live_interval: float = Field(default=3.0, gt=0)  # seconds between in-play refreshes
    watch_interval: float = Field(default=0.1, gt=0)  # seconds between feed reads (events)
    pregame_horizon: float = Field(default=86_400 * 7, gt=0)  # quote games kicking off within this
    prune_interval: float = Field(default=10.0, gt=0)  # seconds between prunes of published_quotes
    prune_expiry_margin: float = Field(default=60.0, ge=0)  # seconds past expiry before a quote may go
    quote_retention: float = Field(default=600.0, ge=10)  # seconds a superseded quote is kept
    prune_batch_size: int = Field(default=1_000, ge=1, le=100_000)  # rows per DELETE
    suspend_priority_fee_gwei: float = Field(default=5.0, ge=0)  # least tip of Book.suspend (fee cap rules)
    stale_after: float = Field(default=60.0, gt=0)  # /healthz fails when no job finished for this long

    @property
    def suspend_tip(self) -> int:
        return int(self.suspend_priority_fee_gwei * GWEI)


class Settings(OracleSettings):
    chain: ChainSettings = Field(default_factory=ChainSettings)
    replay: ReplayFeedSettings = Field(default_factory=ReplayFeedSettings)
    pricer: PricerSettings = Field(default_factory=PricerSettings)
