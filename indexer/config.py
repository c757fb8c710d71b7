"""The indexer's settings, from `INDEXER_*` environment variables; nothing else reads the environment."""

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEPLOYMENTS_DIR = Path(__file__).resolve().parents[1] / "deployments"


def use_psycopg3(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy would pick psycopg2, which is not installed)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# A SQLAlchemy URL of the indexer's database, as every service that reads or writes it takes it
DatabaseUrl = Annotated[str, AfterValidator(use_psycopg3)]


class Settings(BaseSettings):
    """Every knob of `python -m indexer`; defaults suit a local anvil and an embedded SQLite file."""

    model_config = SettingsConfigDict(env_prefix="INDEXER_", extra="ignore")

    rpc_url: str = "http://127.0.0.1:8545"
    # INDEXER_DATABASE_URL, else the project's common DATABASE_URL, else a SQLite file here
    database_url: DatabaseUrl = Field(
        default="sqlite:///rollbook.db",
        validation_alias=AliasChoices("INDEXER_DATABASE_URL", "DATABASE_URL"),
    )
    deployment_file: Path = DEPLOYMENTS_DIR / "local.json"
    confirmations: int = Field(default=12, ge=0)  # blocks below the head before data counts as confirmed
    batch_size: int = Field(default=2_000, ge=1)  # first eth_getLogs range, in blocks
    max_batch_size: int = Field(default=100_000, ge=1)  # adaptive ranges never grow past this
    target_logs: int = Field(default=5_000, ge=1)  # ranges grow while they return fewer logs than this
    poll_interval: float = Field(default=0.25, gt=0)  # seconds between head polls once caught up
    max_reorg_depth: int = Field(default=256, ge=1)  # deeper reorgs stop the indexer instead of guessing
    rpc_timeout: float = Field(default=10.0, gt=0)  # seconds per HTTP request
    rpc_retries: int = Field(default=6, ge=0)  # attempts per request beyond the first, with backoff
    metrics_port: int = Field(default=9101, ge=0, le=65_535)  # /metrics and /healthz; 0 disables
    max_lag_blocks: int = Field(default=64, ge=0)  # /healthz fails beyond this many blocks behind
    log_level: str = "INFO"
