"""Slashing protection: every signature the node makes, in a SQLite file, before it leaves the process.

One row per (chain, oracle, signer, game). `sign_once` runs inside one write transaction: it
reads the row, signs only if there is none, inserts the signature and commits with
`synchronous=FULL` (the commit is fsync'd) before returning it. A second, different result for a
game is refused for ever, across restarts and crashes; the same result returns the stored
signature. An exclusive lock file keeps a second process off the same store.
"""

import fcntl
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oracle.reporter.exceptions import DoubleSignRefusedError, StoreLockedError, StoreMismatchError
from oracle.signing import GameResult, Signature

_SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    chain_id INTEGER NOT NULL,
    oracle TEXT NOT NULL,
    signer TEXT NOT NULL,
    game INTEGER NOT NULL,
    status INTEGER NOT NULL,
    home INTEGER NOT NULL,
    away INTEGER NOT NULL,
    digest TEXT NOT NULL,
    v INTEGER NOT NULL,
    r TEXT NOT NULL,
    s TEXT NOT NULL,
    signed_at REAL NOT NULL,
    PRIMARY KEY (chain_id, oracle, signer, game)
)
"""


@dataclass(frozen=True)
class SignedResult:
    result: GameResult
    digest: bytes
    signature: Signature
    signed_at: float


class SlashingStore:
    """The signatures of one signer for one oracle contract on one chain."""

    def __init__(self, path: Path, chain_id: int, oracle: str, signer: str):
        self.path = path
        self.key = (chain_id, oracle.lower(), signer.lower())
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _acquire_lock(path.with_name(path.name + ".lock"))
        try:
            self._db = sqlite3.connect(path, isolation_level=None, timeout=5)
        except sqlite3.Error as error:
            raise StoreMismatchError(path, f"cannot be opened ({error})") from None
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        self._db.close()
        os.close(self._lock)

    def get(self, game: int) -> SignedResult | None:
        row = self._db.execute(
            "SELECT game, status, home, away, digest, v, r, s, signed_at FROM signatures "
            "WHERE chain_id = ? AND oracle = ? AND signer = ? AND game = ?",
            (*self.key, game),
        ).fetchone()
        return None if row is None else _to_signed(row)

    def list_games(self) -> list[int]:
        rows = self._db.execute(
            "SELECT game FROM signatures WHERE chain_id = ? AND oracle = ? AND signer = ? ORDER BY game",
            self.key,
        )
        return [int(game) for (game,) in rows]

    def sign_once(
        self, result: GameResult, digest: bytes, sign: Callable[[GameResult], Signature]
    ) -> SignedResult:
        """The stored signature over `result`, or a new one committed to disk first; never a different one."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            existing = self.get(result.game)
            if existing is not None:
                if existing.result != result:
                    raise DoubleSignRefusedError(result.game, existing.result, result)
                self._db.execute("ROLLBACK")
                return existing
            signed = SignedResult(result, digest, sign(result), time.time())
            sig = signed.signature
            self._db.execute(
                "INSERT INTO signatures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *self.key,
                    result.game,
                    result.status,
                    result.home,
                    result.away,
                    digest.hex(),
                    sig.v,
                    hex(sig.r),
                    hex(sig.s),
                    signed.signed_at,
                ),
            )
            self._db.execute("COMMIT")
            return signed
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise


def _to_signed(row: tuple[Any, ...]) -> SignedResult:
    game, status, home, away, digest, v, r, s, signed_at = row
    return SignedResult(
        result=GameResult(int(game), int(status), int(home), int(away)),
        digest=bytes.fromhex(digest),
        signature=Signature(v=int(v), r=int(r, 16), s=int(s, 16)),
        signed_at=float(signed_at),
    )


def _acquire_lock(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreLockedError(path) from None
    return fd
