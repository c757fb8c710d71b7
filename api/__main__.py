"""`python -m api`: the production server, uvicorn with `API_WORKERS` worker processes.

Each worker is a full copy of the app (its own tailers, quote book and stream hub) behind one
listening socket; the workers share the database, the rate counters in it and, for `/metrics`, a
Prometheus multiprocess directory. uvloop and httptools; WebSocket compression off (streams are
small JSON and compression costs CPU and memory per client); no access log (metrics count requests).
"""

import os
import sys
import tempfile

import uvicorn

from api.config import Settings
from indexer.logs import configure_logging

WS_MAX_MESSAGE = 4_096  # clients only send control frames; anything larger is refused
KEEP_ALIVE = 30  # seconds an idle HTTP connection is kept


def main(argv: list[str]) -> int:
    if argv not in ([], ["serve"]):
        print("usage: python -m api [serve]   (settings: API_* environment variables)", file=sys.stderr)
        return 2
    settings = Settings()
    configure_logging(settings.log_level)
    if settings.workers > 1 and settings.metrics_dir is None:
        # the workers inherit these: one Prometheus directory aggregated by /metrics
        directory = tempfile.mkdtemp(prefix="rollbook-api-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["API_METRICS_DIR"] = directory
    uvicorn.run(
        "api.main:build_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        backlog=settings.backlog,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_max_size=WS_MAX_MESSAGE,
        timeout_keep_alive=KEEP_ALIVE,
        access_log=False,
        log_config=None,
        proxy_headers=False,  # X-Forwarded-For is read only from API_TRUSTED_PROXIES, by the rate limiter
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
