"""Exception handlers: our errors keep their status and fixed detail; a database outage is a 503."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError, TimeoutError

from api.exceptions import ApiError, DatabaseUnavailableError

log = logging.getLogger("api")


async def handle_api_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse({"detail": error.detail}, status_code=error.status)


async def handle_database_error(request: Request, error: Exception) -> JSONResponse:
    log.warning("database unavailable", extra={"path": request.url.path, "error": str(error)[:300]})
    unavailable = DatabaseUnavailableError()
    return JSONResponse(
        {"detail": unavailable.detail}, status_code=unavailable.status, headers={"retry-after": "1"}
    )


def add_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, handle_api_error)
    for kind in (OperationalError, DBAPIError, TimeoutError):
        app.add_exception_handler(kind, handle_database_error)
