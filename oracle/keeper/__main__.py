"""`python -m oracle keeper [--config keeper.toml]`: create games and markets, open and close play,
finalize results, void overdue games, push payouts.

Settings come from the TOML file and `ORACLE_*` variables (`oracle/keeper/config.py`). Exit
codes: 0 stopped by a signal, 2 a fatal error (the log says what to fix), 1 a bug.
"""

import argparse
import logging
import sys
from pathlib import Path

from prometheus_client import CollectorRegistry

from oracle.chain import TxSender, call_rpc, connect, load_system
from oracle.config import load_settings
from oracle.exceptions import ConfigError, FatalError, TransientError
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import load_matchday
from oracle.keeper.book import BookReader
from oracle.keeper.config import Settings
from oracle.keeper.exceptions import NotOperatorError
from oracle.keeper.keeper import Keeper, KeeperMetrics
from oracle.keys import load_account
from oracle.service import ServiceHealth, configure_logging, run_scheduled, serve

log = logging.getLogger("oracle.keeper")


def build_keeper(settings: Settings, metrics: KeeperMetrics) -> Keeper:
    """The keeper with its chain, operator key and feed, checked."""
    chain = settings.chain
    if chain.keystore is None or chain.password_file is None:
        raise ConfigError(
            "the keeper sends operator transactions: set chain.keystore and chain.password_file"
        )
    if chain.gas_keystore is not None:
        raise ConfigError("the keeper's transactions need the operator as sender: remove chain.gas_keystore")
    operator = load_account(chain.keystore, chain.password_file)
    web3 = connect(chain)
    deployment = load_system(chain, web3)
    book = deployment.get_contract(web3, "book")
    if not call_rpc(chain.rpc_url, lambda: book.functions.is_operator(operator.address).call()):
        raise NotOperatorError(operator.address, book.address)
    replay = settings.replay
    source = ReplaySource(ReplayFeed(load_matchday(replay.file), replay.start, replay.speed))
    reader = BookReader(web3, book, chain.rpc_url, deployment.start_block, settings.keeper.log_block_range)
    sender = TxSender(web3, operator, deployment.chain_id, chain)
    cap_unit = 10**deployment.params.token_decimals
    return Keeper(reader, book, sender, source, settings.keeper, cap_unit, metrics)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m oracle keeper", description=__doc__)
    parser.add_argument("--config", type=Path, help="TOML settings ([chain], [service], [replay], [keeper])")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(Settings, args.config)
    except ConfigError as error:
        print(f"keeper: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.service.log_level)
    registry, health = CollectorRegistry(), ServiceHealth(stale_after=settings.keeper.stale_after)
    try:
        keeper = build_keeper(settings, KeeperMetrics.build(registry))
    except (FatalError, TransientError) as error:
        log.error("cannot start: %s", error, extra={"kind": type(error).__name__})
        return 2
    health.is_prepared = True
    server = serve(registry, health, settings.service, "keeper")
    log.info("keeping", extra={"operator": keeper.sender.address, "games": keeper.source.get_games()})
    try:
        return run_scheduled([(keeper.cycle, settings.keeper.interval)], health)
    finally:
        if server is not None:
            server.shutdown()
