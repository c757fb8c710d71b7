"""The API's settings, from `API_*` environment variables; nothing else reads the environment."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from indexer.config import DatabaseUrl


class Settings(BaseSettings):
    """Every knob of `python -m api`; defaults suit a laptop next to a local indexer."""

    model_config = SettingsConfigDict(env_prefix="API_", extra="ignore")

    # API_DATABASE_URL, else the project's common DATABASE_URL (the indexer's database)
    database_url: DatabaseUrl = Field(
        default="sqlite:///rollbook.db", validation_alias=AliasChoices("API_DATABASE_URL", "DATABASE_URL")
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65_535)
    workers: int = Field(default=2, ge=1, le=64)  # uvicorn worker processes; one per core
    backlog: int = Field(default=4_096, ge=64)  # listen queue of the shared socket
    log_level: str = "INFO"
    metrics_dir: str | None = None  # shared by the workers' Prometheus values; `python -m api` sets it
    cors_origins: list[str] = []  # origins allowed to call from a browser (the webapp's)
    trusted_proxies: list[str] = []  # peers whose X-Forwarded-For is believed

    # Sign-In with Ethereum
    siwe_domain: str = "localhost:8000"  # what the EIP-4361 message must name (the webapp's host)
    chain_id: int | None = None  # the sign-in chain; None = the indexed deployment's chain
    nonce_ttl: int = Field(default=300, ge=10)  # seconds a nonce stays usable
    session_ttl: int = Field(default=86_400, ge=60)  # seconds a session token stays valid
    max_clock_skew: int = Field(default=60, ge=0)  # seconds an Issued At may lie in the future

    # limits
    rate_limit: int = Field(default=600, ge=1)  # requests per client per rate window
    auth_rate_limit: int = Field(default=30, ge=1)  # sign-in and registration requests per window
    rate_window: int = Field(default=60, ge=1)  # seconds
    max_body_bytes: int = Field(default=16_384, ge=256)
    max_pending_bets: int = Field(default=50, ge=1)  # registered, not yet indexed, per account
    pending_bet_ttl: int = Field(default=3_600, ge=60)  # seconds a registration shows as submitted

    # tailing and streams
    quote_poll_interval: float = Field(default=0.02, gt=0)  # seconds between published_quotes polls
    chain_poll_interval: float = Field(default=0.1, gt=0)  # seconds between indexer cursor polls
    quote_gap_timeout: float = Field(default=0.5, gt=0)  # seconds a missing seq may hold back later ones
    ws_queue_size: int = Field(default=256, ge=4)  # messages a client may fall behind before it is dropped
    ws_send_timeout: float = Field(default=10.0, gt=0)  # seconds one send may block before the drop
    ws_backlog: int = Field(default=500, ge=1)  # messages replayed on resume; beyond it, a snapshot
    ws_heartbeat: float = Field(default=15.0, gt=0)  # seconds between heartbeats
    ws_max_clients: int = Field(default=20_000, ge=1)  # per worker
