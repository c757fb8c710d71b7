"""The reporter node's settings: `node.toml` plus `ORACLE_*` environment overrides; nothing else reads either.

[node]     name, slashing-protection store, poll interval, grace period
[chain]    RPC, deployment file, signing keystore + password file, optional gas keystore, fees
[peers]    other nodes' base URLs (their /signatures), timeout, blocks between turns
[replay]   start (unix time) and speed shared by replay sources that give none
[[sources]]  kind = "replay" (file) or "http" (url with {game}, games, field mapping)
[service]  health/metrics port, log level
"""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oracle.config import ChainSettings, OracleSettings
from oracle.feeds.http import FieldMapping
from oracle.feeds.model import MatchStatus
from oracle.feeds.timeline import MATCHDAY_FILE


class NodeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "reporter"
    store: Path = Path("reporter-signatures.sqlite")  # slashing protection: keep it with the keystore
    poll_interval: float = Field(default=1.0, gt=0)  # seconds between run-cycles
    grace_seconds: int = Field(default=120, ge=0)  # chain-time seconds after the match's end before signing
    games: list[int] = Field(default_factory=list)  # only these games; empty = every game the sources list
    stale_after: float = Field(default=60.0, gt=0)  # /healthz fails when no cycle finished for this long


class PeersSettings(BaseModel):
    """Other nodes whose `/signatures` this node reads to submit one bundle per game."""

    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(default_factory=list, max_length=16)  # base URLs; none: vote alone at once
    timeout: float = Field(default=1.0, gt=0, le=10)  # seconds per peer and round, all peers at once
    stagger_blocks: int = Field(default=3, ge=1, le=1_000)  # blocks between one node's turn and the next's

    @field_validator("urls")
    @classmethod
    def check_urls(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.startswith(("http://", "https://")) or len(url) > 200:
                raise ValueError(f"a peer URL is http(s)://host:port, got {url[:60]!r}")
        return urls


class ReplaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: float | None = None  # unix time of match-day second 0
    speed: float = Field(default=1.0, gt=0)  # match seconds per real second


class ReplaySourceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["replay"]
    name: str
    file: Path = MATCHDAY_FILE
    start: float | None = None  # default: [replay] start
    speed: float | None = Field(default=None, gt=0)  # default: [replay] speed


class HttpSourceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["http"]
    name: str
    url: str  # with a {game} placeholder
    games: list[int]
    timeout: float = Field(default=5.0, gt=0)
    mapping: dict[str, str | None] = Field(default_factory=dict)  # FieldMapping paths by field
    statuses: dict[str, MatchStatus] = Field(default_factory=dict)  # provider code -> status
    provisional_statuses: list[str] = Field(default_factory=list)

    def build_mapping(self) -> FieldMapping:
        fields: dict[str, object] = dict(self.mapping)
        if self.statuses:
            fields["statuses"] = dict(self.statuses)
        fields["provisional_statuses"] = tuple(self.provisional_statuses)
        return FieldMapping(**fields)  # type: ignore[arg-type]


SourceSettings = Annotated[ReplaySourceSettings | HttpSourceSettings, Field(discriminator="kind")]


class Settings(OracleSettings):
    node: NodeSettings = NodeSettings()
    chain: ChainSettings = ChainSettings()
    peers: PeersSettings = PeersSettings()
    replay: ReplaySettings = ReplaySettings()
    sources: list[SourceSettings] = Field(default_factory=list)

    @model_validator(mode="after")
    def check(self) -> "Settings":
        if not self.sources:
            raise ValueError("give at least one [[sources]] entry")
        names = [s.name for s in self.sources]
        if len(set(names)) != len(names):
            raise ValueError(f"source names must be distinct: {names}")
        if self.chain.keystore is None:
            raise ValueError("chain.keystore and chain.password_file name the signing key")
        for source in self.sources:
            if (
                isinstance(source, ReplaySourceSettings)
                and source.start is None
                and self.replay.start is None
            ):
                raise ValueError(f"replay source {source.name} needs a start: set it or [replay] start")
        return self
