"""Keeper fixtures: keeper processes (`python -m oracle keeper`) on a real anvil, bettors and reporters.

Reporters are simulated by signing results with the local reporter keys and submitting them to
the ResultOracle; bettors take quotes signed with the local pricer key at fixed odds.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount

from oracle.feeds.model import MatchState, MatchStatus
from oracle.keys import write_keystore
from oracle.markets import Kind
from oracle.signing import GameResult, Quote, sign_quote, sign_result
from scripts.chain_setup import fund_vault
from scripts.deployment import local_account
from scripts.localchain import REPO, Anvil, Transactor, anvil_account
from tests.oracle.conftest import LocalSystem, deploy_local

ONE = 10**6
# what the keepers list per game: every kind, whole, half and quarter lines (fewer than the
# default plan, so two keepers on a loaded machine list 8 games well before their kickoffs)
MARKETS = [(0, 0), (1, 0), (2, 10), (2, 9), (3, -4), (3, -1)]
PASSWORD = "keeper test password"
reporters = sorted((local_account(f"reporter {i}") for i in range(3)), key=lambda a: int(a.address, 16))
pricer = local_account("pricer")


@dataclass
class KeeperProcess:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.argv, env=self.env, cwd=REPO, stdout=out, stderr=out)

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def get_starts(self) -> int:
        """How many times a process of this keeper got past its start-up checks."""
        return self.log.read_text().count('"message": "keeping"') if self.log.exists() else 0


@dataclass
class MatchDay:
    system: LocalSystem
    start: float
    speed: float
    tmp: Path
    transactor: Transactor
    keepers: list[KeeperProcess] = field(default_factory=list)

    @property
    def web3(self) -> Any:
        return self.system.anvil.web3

    @property
    def book(self) -> Any:
        return self.system.deployment.get_contract(self.web3, "book")

    @property
    def oracle(self) -> Any:
        return self.system.deployment.get_contract(self.web3, "oracle")

    def keeper(self, name: str, account: LocalAccount) -> KeeperProcess:
        keystore, password = self.tmp / f"{name}.json", self.tmp / f"{name}.password"
        if not keystore.exists():
            write_keystore(keystore, bytes(account.key), PASSWORD, kdf="pbkdf2", iterations=2)
            password.write_text(PASSWORD + "\n")
            password.chmod(0o600)
        env = {
            **os.environ,
            "ORACLE_CHAIN__RPC_URL": self.system.anvil.url,
            "ORACLE_CHAIN__DEPLOYMENT_FILE": str(self.system.deployment_file),
            "ORACLE_CHAIN__KEYSTORE": str(keystore),
            "ORACLE_CHAIN__PASSWORD_FILE": str(password),
            "ORACLE_CHAIN__POLL_INTERVAL": "0.05",
            "ORACLE_REPLAY__START": str(self.start),
            "ORACLE_REPLAY__SPEED": str(self.speed),
            "ORACLE_KEEPER__INTERVAL": "0.3",
            "ORACLE_KEEPER__MIN_LEAD": "3",
            "ORACLE_KEEPER__MARKETS": json.dumps(MARKETS),
        }
        process = KeeperProcess(
            name, [sys.executable, "-m", "oracle", "keeper"], env, self.tmp / f"{name}.log"
        )
        self.keepers.append(process)
        return process

    def send(self, call: Any, sender: LocalAccount) -> Any:
        return self.transactor.send(call, sender)

    def fund(self, bettor: LocalAccount, amount: int = 100_000 * ONE) -> None:
        token = self.system.deployment.get_contract(self.web3, "token")
        self.send(token.functions.faucet(amount), bettor)
        self.send(token.functions.approve(self.book.address, amount), bettor)
        self.send(self.book.functions.deposit(amount), bettor)

    def bet(self, bettor: LocalAccount, market: int, kind: int, epoch: int, outcome: int, stake: int) -> Any:
        odds = (21_000, 34_000, 36_000) if kind == Kind.ONE_X_TWO else (19_000, 19_500, 0)
        quote = Quote(market, epoch, int(time.time()) + 60, 1_000 * ONE, odds)
        signature = sign_quote(pricer.key, quote, self.system.deployment.chain_id, self.book.address)
        call = self.book.functions.place_bet(quote.as_tuple(), signature.as_tuple(), outcome, stake, 0)
        return self.send(call, bettor)

    def report(self, state: MatchState) -> None:
        """Two of the three local reporters sign what the feed shows; anyone submits.

        A block is mined first, so the latest block's time (what a call is estimated at) is now.
        """
        self.web3.provider.make_request("evm_mine", [])
        cancelled = state.status.is_cancelled
        result = GameResult(
            state.game, 2 if cancelled else 1, 0 if cancelled else state.home, 0 if cancelled else state.away
        )
        oracle_address = self.system.deployment.oracle.address
        chain_id = self.system.deployment.chain_id
        signatures = [sign_result(r.key, result, chain_id, oracle_address).as_tuple() for r in reporters[:2]]
        self.send(self.oracle.functions.report_result(result.as_tuple(), signatures), anvil_account(9))

    def logs(self) -> str:
        return "\n".join(k.log.read_text() for k in self.keepers if k.log.exists())


def is_reportable(state: MatchState) -> bool:
    return state.status.is_terminal and not state.is_provisional and state.status != MatchStatus.SCHEDULED


@pytest.fixture
def own_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSystem]:
    """A chain of its own, whose time starts at the wall clock the match day's feed follows.

    The session's shared anvil can run ahead of the wall clock once other tests have moved its
    time forward, and a keeper never lists a game whose kickoff is already past in chain time.
    """
    with Anvil.start(accounts=10) as anvil:
        yield deploy_local(anvil, tmp_path_factory.mktemp("match-day") / "local.json")


@pytest.fixture
def match_day(own_system: LocalSystem, tmp_path: Path) -> Iterator[MatchDay]:
    local_system = own_system
    fund_vault(local_system.anvil.web3, local_system.deployment, 5_000_000 * ONE)
    # the day starts in 50 s: two keepers list 8 games of 15 markets and bettors bet before kickoff
    day = MatchDay(local_system, time.time() + 50, 1_800.0, tmp_path, Transactor(local_system.anvil.web3))
    yield day
    for keeper in day.keepers:
        keeper.stop()
