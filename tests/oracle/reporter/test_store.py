"""The slashing-protection store, offline: one result per game for ever, across reopen; one process."""

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from oracle.reporter.exceptions import DoubleSignRefusedError, StoreLockedError
from oracle.reporter.store import SlashingStore
from oracle.signing import GameResult, Signature, build_result_typed_data, get_digest, sign_result
from scripts.deployment import local_account

pytestmark = pytest.mark.unit

ORACLE = "0x" + "ab" * 20
REPORTER = local_account("reporter 0")


def sign(result: GameResult) -> Signature:
    return sign_result(REPORTER.key, result, 901, ORACLE)


def digest(result: GameResult) -> bytes:
    return get_digest(build_result_typed_data(result, 901, ORACLE))


def open_store(path: Path) -> SlashingStore:
    return SlashingStore(path, 901, ORACLE, REPORTER.address)


def test_default_behavior(tmp_path: Path) -> None:
    """The first signature is stored; the same result again returns it without signing."""
    store = open_store(tmp_path / "s.sqlite")
    result = GameResult(7, 1, 2, 1)
    signed = store.sign_once(result, digest(result), sign)
    assert signed.signature == sign(result) and store.get(7) == signed
    calls: list[GameResult] = []
    again = store.sign_once(result, digest(result), lambda r: calls.append(r) or sign(r))  # type: ignore[func-returns-value]
    assert again == signed and calls == []
    assert store.list_games() == [7]


def test_refuses_a_second_result_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    first = GameResult(7, 1, 2, 1)
    store.sign_once(first, digest(first), sign)
    store.close()
    reopened = open_store(path)
    for other in (GameResult(7, 1, 1, 1), GameResult(7, 2, 0, 0)):
        with pytest.raises(DoubleSignRefusedError, match="will never sign"):
            reopened.sign_once(other, digest(other), sign)
    assert reopened.get(7) is not None and reopened.get(7).result == first  # type: ignore[union-attr]


def test_committed_before_returned(tmp_path: Path) -> None:
    """Another connection sees the row as soon as sign_once returns (it was committed first)."""
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    result = GameResult(8, 1, 0, 0)
    store.sign_once(result, digest(result), sign)
    rows = sqlite3.connect(path).execute("SELECT game, status, home, away FROM signatures").fetchall()
    assert rows == [(8, 1, 0, 0)]
    assert store._db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_failed_signing_stores_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite")

    def broken(result: GameResult) -> Signature:
        raise RuntimeError("signer unavailable")

    with pytest.raises(RuntimeError):
        store.sign_once(GameResult(9, 1, 1, 0), b"\x00" * 32, broken)
    assert store.get(9) is None


def test_keys_are_per_oracle_and_signer(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = open_store(path)
    result = GameResult(7, 1, 2, 1)
    store.sign_once(result, digest(result), sign)
    store.close()
    other = SlashingStore(path, 901, "0x" + "cd" * 20, REPORTER.address)
    assert other.get(7) is None


def _hold(
    path: str, ready: "multiprocessing.synchronize.Event", done: "multiprocessing.synchronize.Event"
) -> None:
    open_store(Path(path))
    ready.set()
    done.wait(10)


def test_one_process_per_store(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    ready, done = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(str(path), ready, done))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(StoreLockedError, match="another reporter process"):
            open_store(path)
    finally:
        done.set()
        holder.join(10)
    open_store(path).close()  # free again once the holder is gone
