"""`python -m oracle keeper [--config keeper.toml]`: create games and markets, open and close play,
finalize results, void overdue games, push payouts.

Settings come from the TOML file and `ORACLE_*` variables (`oracle/keeper/config.py`). Exit
codes: 0 stopped by a signal, 2 a fatal error (the log says what to fix), 1 a bug.
"""

import logging

from prometheus_client import CollectorRegistry

from oracle.chain import TxSender, call_rpc, connect, load_system
from oracle.exceptions import ConfigError
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import load_matchday
from oracle.keeper.book import BookReader
from oracle.keeper.config import Settings
from oracle.keeper.exceptions import NotOperatorError
from oracle.keeper.keeper import Keeper, KeeperMetrics
from oracle.keys import load_account
from oracle.service import ScheduledService, main_scheduled

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


def start(settings: Settings, registry: CollectorRegistry) -> ScheduledService:
    keeper = build_keeper(settings, KeeperMetrics.build(registry))
    return ScheduledService(
        jobs=[(keeper.cycle, settings.keeper.interval)],
        stale_after=settings.keeper.stale_after,
        message="keeping",
        details={"operator": keeper.sender.address, "games": keeper.source.get_games()},
    )


def main(argv: list[str]) -> int:
    return main_scheduled("keeper", argv, __doc__, Settings, start)
