"""`indexer.config.Settings`: the environment it reads, and the database URL fallbacks."""

import pytest

from api.config import Settings as ApiSettings
from indexer.config import Settings
from oracle.pricing.config import PricerSettings

pytestmark = pytest.mark.unit


def test_default_behavior(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INDEXER_DATABASE_URL", "DATABASE_URL", "INDEXER_CONFIRMATIONS", "INDEXER_BATCH_SIZE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///rollbook.db"
    assert (settings.confirmations, settings.batch_size, settings.poll_interval) == (12, 2_000, 0.25)
    assert settings.deployment_file.name == "local.json"


def test_database_url_falls_back_to_the_common_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INDEXER_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://app@db:5432/rollbook")
    assert Settings().database_url == "postgresql+psycopg://app@db:5432/rollbook"
    monkeypatch.setenv("INDEXER_DATABASE_URL", "sqlite:////tmp/indexer.db")
    assert Settings().database_url == "sqlite:////tmp/indexer.db"


def test_reads_the_indexer_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INDEXER_CONFIRMATIONS", "3")
    monkeypatch.setenv("INDEXER_BATCH_SIZE", "50")
    monkeypatch.setenv("CONFIRMATIONS", "99")
    assert (Settings().confirmations, Settings().batch_size) == (3, 50)
    monkeypatch.setenv("INDEXER_BATCH_SIZE", "0")
    with pytest.raises(ValueError, match="batch_size"):
        Settings()


def test_every_service_reads_the_database_url_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API and the pricer take the indexer's database the same way: postgres URLs mean psycopg 3."""
    monkeypatch.delenv("API_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://app@db/rollbook")
    assert ApiSettings().database_url == "postgresql+psycopg://app@db/rollbook"
    assert PricerSettings(database_url="postgresql://app@db/rollbook").database_url == (
        "postgresql+psycopg://app@db/rollbook"
    )
    assert PricerSettings(database_url="sqlite:///x.db").database_url == "sqlite:///x.db"
