"""`python -m indexer [run | migrate | verify [--block N] | health]`; settings from `INDEXER_*` variables."""

import argparse
import json
import logging
import signal
import sys
import threading
from types import FrameType

from sqlalchemy import Engine

from indexer import db
from indexer.config import Settings
from indexer.exceptions import ConfigError, FatalError, IndexerError
from indexer.follower import Follower, load_target
from indexer.logs import configure_logging
from indexer.metrics import Metrics, serve
from indexer.rpc import RpcClient
from indexer.verify import verify
from scripts.deployment import DeploymentError, load_deployment

log = logging.getLogger("indexer")


def build_rpc(settings: Settings, metrics: Metrics | None = None) -> RpcClient:
    on_error = None if metrics is None else (lambda kind: metrics.rpc_errors.labels(kind).inc())
    return RpcClient(settings.rpc_url, settings.rpc_timeout, settings.rpc_retries, on_error)


def command_run(settings: Settings, engine: Engine) -> int:
    metrics = Metrics(settings.max_lag_blocks)
    follower = Follower(settings, load_target(settings), build_rpc(settings, metrics), engine, metrics)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        log.info("stopping", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = serve(metrics, settings.metrics_port) if settings.metrics_port else None
    try:
        follower.prepare()
        follower.run(stop)
    finally:
        follower.close()
        if server is not None:
            server.shutdown()
    return 0


def command_migrate(settings: Settings, engine: Engine) -> int:
    log.info("schema migrated", extra={"revision": db.migrate(engine)})
    return 0


def command_verify(settings: Settings, engine: Engine, block: int | None) -> int:
    try:
        deployment = load_deployment(settings.deployment_file)
    except DeploymentError as error:
        raise ConfigError(str(error)) from None
    db.validate_schema(engine)
    report = verify(engine, build_rpc(settings), deployment, block)
    print(report.to_text())
    return 1 if report.mismatches else 0


def command_health(settings: Settings, engine: Engine) -> int:
    """Exit 0 when the database's cursor is within INDEXER_MAX_LAG_BLOCKS of the RPC's head."""
    target = load_target(settings)
    db.validate_schema(engine)
    with engine.connect() as connection:
        cursor = db.load_cursor(connection, target.chain_id, target.book)
    head = build_rpc(settings).get_head()
    lag = None if cursor is None else head.number - cursor.number
    is_healthy = lag is not None and lag <= settings.max_lag_blocks
    status = {
        "healthy": is_healthy,
        "head": head.number,
        "cursor": cursor and cursor.number,
        "lag_blocks": lag,
    }
    print(json.dumps(status))
    return 0 if is_healthy else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="migrate, then follow the chain into the database (default)")
    commands.add_parser("migrate", help="upgrade the database schema to this version")
    verify_parser = commands.add_parser(
        "verify", help="compare the database with the contracts; exit 1 on a mismatch"
    )
    verify_parser.add_argument("--block", type=int, help="block to compare at (default: the cursor)")
    commands.add_parser("health", help="exit 0 when the indexer is close to the head, 1 otherwise")
    args = parser.parse_args(argv)

    settings = Settings()
    configure_logging(settings.log_level)
    engine = db.build_engine(settings.database_url)
    try:
        if args.command == "migrate":
            return command_migrate(settings, engine)
        if args.command == "verify":
            return command_verify(settings, engine, args.block)
        if args.command == "health":
            return command_health(settings, engine)
        return command_run(settings, engine)
    except FatalError as error:
        log.error("stopped: %s", error, extra={"kind": type(error).__name__})
        return 2
    except IndexerError as error:
        log.error("failed: %s", error, extra={"kind": type(error).__name__})
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
