"""Rate limits that hold across every worker and host: fixed windows counted in the database.

A worker does not ask the database per request. It leases tokens for a client key in blocks: one
UPSERT adds the block to the key's counter for the current window and returns the new total, and
the worker grants only what fits under the limit. Every granted request is thus counted in the
shared row before it is served, so the sum over all workers never exceeds the limit. Blocks start
at one token and double while a key stays busy (up to `limit / 16`), so a quiet client costs one
statement per request and a hot one a statement per block. Tokens a worker leased but did not
use are lost when the window ends: a busy client may get slightly fewer than `limit`, never more.

If the database cannot be reached, each worker falls back to counting on its own (at most
`limit` per worker per window) and logs it; routes that need the database answer 503 anyway.
"""

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import Engine, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from indexer.models import ApiRateCounter

log = logging.getLogger("api.ratelimit")
MAX_TRACKED_KEYS = 100_000  # per worker; older windows are forgotten first


@dataclass
class Lease:
    remaining: int = 0
    used: int = 0
    next_block: int = 1
    is_exhausted: bool = False  # the shared counter reached the limit this window


class Limiter:
    def __init__(self, engine: Engine, window: int):
        self.engine = engine
        self.window = window
        self.leases: dict[tuple[str, int], Lease] = {}
        self.locks: dict[tuple[str, int], asyncio.Lock] = {}

    async def allow(self, key: str, limit: int, now: float) -> bool:
        """Whether one more request of `key` fits under `limit` in the current window."""
        slot = (key, int(now) // self.window * self.window)
        lease = self.leases.get(slot)
        if lease is None:
            lease = self._track(slot)
        if lease.remaining == 0 and not lease.is_exhausted:
            lock = self.locks.setdefault(slot, asyncio.Lock())
            async with lock:
                if lease.remaining == 0 and not lease.is_exhausted:
                    await self._lease(slot, lease, limit)
        if lease.remaining == 0:
            return False
        lease.remaining -= 1
        lease.used += 1
        return True

    def _track(self, slot: tuple[str, int]) -> Lease:
        if len(self.leases) >= MAX_TRACKED_KEYS:
            current = slot[1]
            self.leases = {s: lease for s, lease in self.leases.items() if s[1] == current}
            self.locks = {s: lock for s, lock in self.locks.items() if s[1] == current}
        lease = self.leases[slot] = Lease()
        return lease

    async def _lease(self, slot: tuple[str, int], lease: Lease, limit: int) -> None:
        block = min(lease.next_block, max(1, limit // 16))
        try:
            granted = await asyncio.to_thread(self._take, slot, block, limit)
        except SQLAlchemyError as error:
            log.warning(
                "rate counter unavailable; counting in this worker", extra={"error": str(error)[:200]}
            )
            granted = max(0, min(block, limit - lease.used))
        lease.remaining = granted
        lease.is_exhausted = granted < block
        lease.next_block = block * 2

    def _take(self, slot: tuple[str, int], block: int, limit: int) -> int:
        key, window_start = slot
        with self.engine.begin() as connection:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = (
                dialect.insert(ApiRateCounter)
                .values(key=key, window_start=window_start, count=block)
                .on_conflict_do_update(
                    index_elements=["key", "window_start"], set_={"count": ApiRateCounter.count + block}
                )
                .returning(ApiRateCounter.count)
            )
            total = int(connection.execute(statement).scalar_one())
        return max(0, min(block, limit - (total - block)))

    def prune(self, now: float) -> None:
        """Delete counters of windows that ended (called from a worker's housekeeping task)."""
        oldest = int(now) // self.window * self.window - self.window
        with self.engine.begin() as connection:
            connection.execute(delete(ApiRateCounter).where(ApiRateCounter.window_start < oldest))
        self.leases = {s: lease for s, lease in self.leases.items() if s[1] >= oldest}
        self.locks = {s: lock for s, lock in self.locks.items() if s[1] >= oldest}
