"""Integration fixtures: a real anvil per test session, and a system `ape run deploy` put on it.

`anvil` is the chain (chain id 901, anvil's funded test accounts);
`deployment` is what every service reads: the file the deploy script
wrote, loaded and checked against that chain; `ape_deploy(*args)` runs
the deploy script again. Tests that change the chain take `isolated`,
which reverts it after the test, and send with `transactor`.
"""

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from scripts.deployment import Deployment, load_deployment
from scripts.localchain import Anvil, Transactor, deploy_with_ape, run_ape_deploy


@pytest.fixture(scope="session")
def anvil() -> Iterator[Anvil]:
    with Anvil.start(accounts=20) as chain:
        yield chain


@pytest.fixture
def transactor(anvil: Anvil) -> Transactor:
    """Per test: it caches nonces, which a revert of the chain would make stale."""
    return Transactor(anvil.web3)


@pytest.fixture(scope="session")
def ape_deploy(anvil: Anvil) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`ape_deploy(*args)` runs `ape run deploy <args>` against `anvil`."""
    return lambda *args: run_ape_deploy(anvil, *args)


@pytest.fixture(scope="session")
def deployment_file(anvil: Anvil, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("deployments") / "local.json"
    return deploy_with_ape(anvil, path)


@pytest.fixture(scope="session")
def deployment(deployment_file: Path, anvil: Anvil) -> Deployment:
    return load_deployment(deployment_file, anvil.web3)


@pytest.fixture
def isolated(anvil: Anvil) -> Iterator[None]:
    """Revert whatever the test does to the chain (state and time)."""
    snapshot = anvil.snapshot()
    yield
    anvil.revert(snapshot)
