"""Oracle fixtures: a real anvil with a system `ape run deploy` put on it, with a short challenge window.

`local_system` deploys once per session (3 local reporters, quorum 2, a 60 s challenge window,
the minimum, so a proposed result can be finalized after a 60 s time jump). Tests that change
the chain take `isolated`, which starts them with chain time caught up with the wall clock and
reverts the chain (state and time) afterwards.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.deployment import Deployment, load_deployment
from scripts.localchain import Anvil, deploy_with_ape

CHALLENGE_WINDOW = 60  # seconds: contracts/constants.vy MIN_CHALLENGE_WINDOW
VOID_DELAY = 3_600  # seconds: MIN_VOID_DELAY


@dataclass(frozen=True)
class LocalSystem:
    anvil: Anvil
    deployment_file: Path
    deployment: Deployment


def deploy_local(anvil: Anvil, path: Path, *args: str) -> LocalSystem:
    """`ape run deploy` onto `anvil` with the short windows (and `args`), written to `path`."""
    windows = ("--challenge-window", str(CHALLENGE_WINDOW), "--void-delay", str(VOID_DELAY))
    deploy_with_ape(anvil, path, *windows, *args)
    return LocalSystem(anvil, path, load_deployment(path, anvil.web3))


@pytest.fixture(scope="session")
def local_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    with Anvil.start(accounts=10) as anvil:
        yield deploy_local(anvil, tmp_path_factory.mktemp("oracle-deployment") / "local.json")


def sync_chain_time(system: LocalSystem) -> None:
    """Bring chain time up to the wall clock, which quote expiries and the replay feed follow.

    Reverting an anvil snapshot rewinds its clock, so an anvil shared by earlier isolated tests
    runs behind the wall clock by their total length.
    """
    now = int(time.time())
    if system.anvil.get_timestamp() < now:
        # anvil stamps new blocks from the wall clock already: only the latest block is old. Adding
        # the gap with `evm_increaseTime` would put every later block that far ahead of the clock.
        request = system.anvil.web3.provider.make_request
        request("evm_setNextBlockTimestamp", [now])  # type: ignore[arg-type]
        request("evm_mine", [])  # type: ignore[arg-type]


@pytest.fixture
def isolated(local_system: LocalSystem) -> Iterator[None]:
    sync_chain_time(local_system)
    snapshot = local_system.anvil.snapshot()
    yield
    local_system.anvil.revert(snapshot)
