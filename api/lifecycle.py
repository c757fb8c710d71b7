"""A worker's life: build its state, run the tailers and housekeeping, stop them on shutdown."""

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from api.config import Settings
from api.metrics import Metrics
from api.ratelimit import Limiter
from api.state import ApiState
from api.store import auth as auth_store
from api.streams import Hub
from api.tail import Tailers
from indexer.db import build_engine

log = logging.getLogger("api")
HOUSEKEEPING_INTERVAL = 60.0  # seconds
GC_YOUNG_THRESHOLD = 50_000  # allocations between young collections (CPython's default: 700)


def build_state(settings: Settings) -> ApiState:
    engine = build_engine(settings.database_url)
    metrics = Metrics()
    return ApiState(
        settings=settings,
        engine=engine,
        metrics=metrics,
        hub=Hub(metrics, settings.ws_queue_size, settings.ws_send_timeout),
        limiter=Limiter(engine, settings.rate_window),
    )


async def keep_house(state: ApiState) -> None:
    """Forget ended rate windows, expired nonces and sessions."""
    while True:
        await asyncio.sleep(HOUSEKEEPING_INTERVAL)
        try:
            await asyncio.to_thread(state.limiter.prune, time.time())
            with state.engine.begin() as connection:
                auth_store.delete_expired(connection, int(time.time() * 1000))
        except SQLAlchemyError as error:
            log.warning("housekeeping failed", extra={"error": str(error)[:300]})


@contextlib.asynccontextmanager
async def run_worker(app: FastAPI) -> AsyncIterator[None]:
    state: ApiState = app.state.api
    gc.collect()
    gc.freeze()  # startup objects never need collecting again: shorter collector pauses under load
    gc.set_threshold(GC_YOUNG_THRESHOLD)  # thousands of stream clients allocate fast; collect less often
    tasks = [asyncio.create_task(Tailers(state).run()), asyncio.create_task(keep_house(state))]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        state.engine.dispose()
