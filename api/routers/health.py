"""Readiness (503 while the database is unreachable or not indexed yet), liveness and Prometheus metrics."""

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import StateDep
from api.exceptions import DatabaseUnavailableError, NotReadyError
from api.metrics import render
from api.schemas import ErrorBody, Health
from api.store import tail as store

router = APIRouter(tags=["health"])
HEALTH_TIMEOUT = 2.0  # seconds


@router.get("/health", response_model=Health, responses={503: {"model": ErrorBody}})
async def get_health(state: StateDep) -> dict:
    """Ready when the database answers and holds an indexed deployment; 503 otherwise."""

    def read() -> object:
        with state.engine.connect() as connection:
            return store.fetch_sync(connection)

    try:
        sync = await asyncio.wait_for(asyncio.to_thread(read), HEALTH_TIMEOUT)
    except Exception:  # any failure to reach the database is "not ready", never a 500
        raise DatabaseUnavailableError() from None
    if sync is None:
        raise NotReadyError()
    cursor, head = sync["cursor_number"], sync["head_number"]  # type: ignore[index]
    return {"status": "ok", "cursor_block": cursor, "head_block": head, "lag_blocks": head - cursor}


@router.get("/health/live", response_model=dict[str, str])
async def get_live() -> dict[str, str]:
    """The process is up (no database check)."""
    return {"status": "ok"}


@router.get("/metrics", response_class=Response, include_in_schema=False)
async def get_metrics(state: StateDep) -> Response:
    body, content_type = render(state.metrics, state.settings.metrics_dir)
    return Response(body, media_type=content_type)
