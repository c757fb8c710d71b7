"""Settings every oracle service shares: the chain and its keys, fees, the health server, TOML loading.

A service's `config.py` defines one `Settings(OracleSettings)` holding `chain: ChainSettings`
next to its own sections; `service: ServiceSettings` comes from the base. `load_settings(Settings,
path)` reads a TOML file and lets environment variables override it: with prefix `ORACLE_` and `__` between
levels, `ORACLE_CHAIN__RPC_URL` replaces `[chain] rpc_url`. Secrets never sit in the TOML: it
names a keystore and a password file.
"""

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from oracle.exceptions import ConfigError
from oracle.feeds.timeline import MATCHDAY_FILE

DEPLOYMENTS_DIR = Path(__file__).resolve().parents[1] / "deployments"
GWEI = 10**9


class ChainSettings(BaseModel):
    """Where the chain is, which deployment, which keys, and how transactions are priced."""

    model_config = ConfigDict(extra="forbid")

    rpc_url: str = "http://127.0.0.1:8545"
    deployment_file: Path = DEPLOYMENTS_DIR / "local.json"
    keystore: Path | None = None  # the signing key (Web3 Secret Storage JSON)
    password_file: Path | None = None
    gas_keystore: Path | None = None  # the key that pays gas, when it is another account
    gas_password_file: Path | None = None
    rpc_timeout: float = Field(default=10.0, gt=0)  # seconds per HTTP request
    max_fee_gwei: float = Field(default=100.0, gt=0)  # never pay more per gas than this
    max_priority_fee_gwei: float = Field(default=2.0, ge=0)  # tip cap
    fee_bump_percent: int = Field(default=20, ge=10, le=200)  # per replacement; nodes require >= 10
    stuck_after: float = Field(default=30.0, gt=0)  # seconds without a receipt before a fee bump
    receipt_timeout: float = Field(default=300.0, gt=0)  # seconds before giving a transaction up for now
    poll_interval: float = Field(default=0.2, gt=0)  # seconds between receipt polls
    gas_margin_percent: int = Field(default=25, ge=0, le=200)  # gas limit above the estimate

    @model_validator(mode="after")
    def check_key_pairs(self) -> "ChainSettings":
        if (self.keystore is None) != (self.password_file is None):
            raise ValueError("chain.keystore and chain.password_file go together")
        if (self.gas_keystore is None) != (self.gas_password_file is None):
            raise ValueError("chain.gas_keystore and chain.gas_password_file go together")
        return self

    @property
    def max_fee(self) -> int:
        return int(self.max_fee_gwei * GWEI)

    @property
    def max_priority_fee(self) -> int:
        return int(self.max_priority_fee_gwei * GWEI)


class ServiceSettings(BaseModel):
    """The process: its health/metrics endpoint and its logs."""

    model_config = ConfigDict(extra="forbid")

    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=0, ge=0, le=65_535)  # /healthz, /readyz, /metrics; 0 = off
    log_level: str = "INFO"


class ReplayFeedSettings(BaseModel):
    """The replay feed a pricer or keeper follows: processes given the same file, start and speed agree."""

    model_config = ConfigDict(extra="forbid")

    file: Path = MATCHDAY_FILE
    start: float = Field(default=0.0, ge=0)  # unix time of match-day second 0
    speed: float = Field(default=1.0, gt=0)  # match seconds per real second


class OracleSettings(BaseSettings):
    """Base of a service's settings: environment first, then the TOML file, then defaults."""

    model_config = SettingsConfigDict(env_prefix="ORACLE_", env_nested_delimiter="__", extra="forbid")

    service: ServiceSettings = Field(default_factory=ServiceSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # the TOML file arrives as init arguments; the environment overrides it
        return (env_settings, init_settings)


S = TypeVar("S", bound=OracleSettings)


def read_toml(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ConfigError(f"no config file at {path}: pass --config <file.toml>") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None


def load_settings(settings_cls: type[S], path: Path | str | None) -> S:
    """`settings_cls` from the TOML file at `path` (if any) with environment overrides."""
    values = read_toml(path) if path is not None else {}
    base = Path(path).resolve().parent if path is not None else Path.cwd()
    try:
        settings = settings_cls(**values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in error.errors()
        )
        raise ConfigError(
            f"{path or 'settings'}: {problems} (fix the file or its ORACLE_ variables)"
        ) from None
    return resolve_paths(settings, base)


def resolve_paths(model: Any, base: Path) -> Any:
    """Relative paths in a config file are relative to that file, wherever the service starts."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Path) and not value.is_absolute():
            setattr(model, name, base / value)
        elif isinstance(value, BaseModel):
            resolve_paths(value, base)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    resolve_paths(item, base)
    return model
