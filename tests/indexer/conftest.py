"""Indexer fixtures: a chain with the scripted history, and throwaway databases (SQLite and PostgreSQL).

PostgreSQL is the server at INDEXER_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres);
each test gets its own fresh database, dropped afterwards. When the server is unreachable the
PostgreSQL cases skip, except under CI=true, where they fail: CI must exercise PostgreSQL.
"""

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine

from indexer import db
from scripts.deployment import Deployment, load_deployment
from scripts.history import History, scripted_history
from scripts.localchain import Anvil, deploy_with_ape

POSTGRES = os.environ.get("INDEXER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass(frozen=True)
class Chain:
    anvil: Anvil
    deployment_file: Path
    deployment: Deployment
    history: History


@pytest.fixture(scope="session")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    """A fresh anvil with a system `ape run deploy` put on it and the scripted history played."""
    with Anvil.start(accounts=20) as anvil:
        path = tmp_path_factory.mktemp("indexer-deployment") / "local.json"
        deploy_with_ape(anvil, path)
        deployment = load_deployment(path, anvil.web3)
        yield Chain(anvil, path, deployment, scripted_history(anvil.web3, deployment))


def create_postgres_database() -> str:
    """A new empty database on the test server; its SQLAlchemy URL."""
    name = f"idx_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but PostgreSQL at {POSTGRES} is unreachable: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES} is unreachable ({error}); set INDEXER_TEST_POSTGRES")
    return POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'indexer.db'}"
        return
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.build_engine(database_url)
    yield engine
    engine.dispose()
