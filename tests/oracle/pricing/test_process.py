"""`python -m oracle pricer` as a process: it publishes quotes, stops cleanly, refuses a non-pricer key."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from oracle.keys import write_keystore
from scripts.deployment import local_account
from scripts.localchain import REPO, anvil_account
from tests.oracle.conftest import LocalSystem

from .conftest import GAME, MARKETS, Book, fetch_published

pytestmark = pytest.mark.integration

PASSWORD = "pricer test password"


def build_env(
    system: LocalSystem, tmp_path: Path, engine: Engine, key: bytes, start: float
) -> dict[str, str]:
    keystore, password = tmp_path / "pricer.json", tmp_path / "pricer.password"
    write_keystore(keystore, key, PASSWORD, kdf="pbkdf2", iterations=2)
    password.write_text(PASSWORD + "\n")
    password.chmod(0o600)
    return {
        **os.environ,
        "ORACLE_CHAIN__RPC_URL": system.anvil.url,
        "ORACLE_CHAIN__DEPLOYMENT_FILE": str(system.deployment_file),
        "ORACLE_CHAIN__KEYSTORE": str(keystore),
        "ORACLE_CHAIN__PASSWORD_FILE": str(password),
        "ORACLE_REPLAY__START": str(start),
        "ORACLE_PRICER__DATABASE_URL": str(engine.url),
        "ORACLE_PRICER__PREGAME_INTERVAL": "0.5",
    }


def test_default_behavior(book: Book, engine: Engine, local_system: LocalSystem, tmp_path: Path):
    kickoff = time.time() + 3_600
    book.create_game(GAME, int(kickoff))
    env = build_env(local_system, tmp_path, engine, bytes(local_account("pricer").key), kickoff)
    log = (tmp_path / "pricer.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "oracle", "pricer"], env=env, cwd=REPO, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 60
        while len({p.quote.market for p in fetch_published(engine)}) < len(MARKETS):
            assert process.poll() is None and time.monotonic() < deadline, (
                tmp_path / "pricer.log"
            ).read_text()
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0, (tmp_path / "pricer.log").read_text()


def test_a_key_that_is_no_pricer_stops_it(local_system: LocalSystem, engine: Engine, tmp_path: Path):
    env = build_env(local_system, tmp_path, engine, bytes(anvil_account(4).key), time.time())
    done = subprocess.run(
        [sys.executable, "-m", "oracle", "pricer"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "is not a registered pricer" in done.stderr
