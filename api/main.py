"""The FastAPI application, assembled: state, routers, middleware, error handlers."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.config import Settings
from api.errors import add_handlers
from api.lifecycle import build_state, run_worker
from api.middleware import BodyLimitMiddleware, MetricsMiddleware, QuoteFastPath, RateLimitMiddleware
from api.routers import accounts, auth, bets, games, health, markets, stats, streams, vault
from indexer.logs import configure_logging

DESCRIPTION = "Odds, bets, settlements and the vault of the rollbook sportsbook, read from its chain mirror."


def build_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(settings.log_level)
    state = build_state(settings)
    app = FastAPI(title="rollbook API", version="1", description=DESCRIPTION, lifespan=run_worker)
    app.state.api = state
    for module in (games, markets, bets, accounts, vault, stats, auth, health, streams):
        app.include_router(module.router)
    add_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_headers=["authorization"]
        )
    app.add_middleware(QuoteFastPath, state=state)
    limits = (settings.rate_limit, settings.auth_rate_limit)
    app.add_middleware(
        RateLimitMiddleware, limiter=state.limiter, limits=limits, trusted=frozenset(settings.trusted_proxies)
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=state.metrics)
    return app
