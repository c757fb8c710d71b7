"""`python -m oracle pricer [--config pricer.toml]`: price, sign and publish quotes; suspend on events.

Settings come from the TOML file and `ORACLE_*` variables (`oracle/pricing/config.py`). Exit
codes: 0 stopped by a signal, 2 a fatal error (the log says what to fix), 1 a bug.
"""

import logging

from prometheus_client import CollectorRegistry
from sqlalchemy import Engine

from indexer import db
from indexer.exceptions import SchemaMismatchError
from oracle.chain import TxSender, connect, load_system
from oracle.exceptions import ConfigError
from oracle.feeds.replay import ReplayFeed, ReplaySource
from oracle.feeds.timeline import load_matchday
from oracle.keys import load_account
from oracle.pricing.config import PricerSettings, Settings
from oracle.pricing.engine import PricingPolicy
from oracle.pricing.history import load_results
from oracle.pricing.metrics import PricerMetrics
from oracle.pricing.odds import OddsPolicy
from oracle.pricing.pricer import Chain, Pricer
from oracle.pricing.publish import PrunePolicy
from oracle.pricing.ratings import fit_ratings
from oracle.pricing.scores import LiveFactors
from oracle.service import ScheduledService, main_scheduled

log = logging.getLogger("oracle.pricing")


def build_policy(settings: PricerSettings, token_decimals: int) -> PricingPolicy:
    odds = OddsPolicy(
        overround=settings.overround,
        method=settings.margin_method,
        shading_strength=settings.shading_strength,
        min_odds=settings.min_odds,
        max_odds=settings.max_odds,
    )
    return PricingPolicy(
        odds=odds,
        live=LiveFactors(settings.red_card_own, settings.red_card_opponent),
        max_stake=int(settings.max_stake * 10**token_decimals),
        live_stake_share=settings.live_stake_share,
        ttl=settings.quote_ttl,
    )


def build_prune_policy(settings: PricerSettings) -> PrunePolicy:
    return PrunePolicy(
        expiry_margin=settings.prune_expiry_margin,
        retention=settings.quote_retention,
        batch_size=settings.prune_batch_size,
    )


def build_engine(url: str) -> Engine:
    engine = db.build_engine(url)
    try:
        db.validate_schema(engine)
    except SchemaMismatchError as error:
        raise ConfigError(f"{error} (run `python -m indexer migrate` against {url} first)") from None
    return engine


def build_pricer(settings: Settings, metrics: PricerMetrics) -> Pricer:
    """Everything the pricer talks to, checked: chain, role, key, database, feed, fitted ratings."""
    chain = settings.chain
    if chain.keystore is None or chain.password_file is None:
        raise ConfigError("the pricer signs quotes: set chain.keystore and chain.password_file")
    signer = load_account(chain.keystore, chain.password_file)
    payer = signer
    if chain.gas_keystore is not None and chain.gas_password_file is not None:
        payer = load_account(chain.gas_keystore, chain.gas_password_file)
    web3 = connect(chain)
    deployment = load_system(chain, web3)
    sender = TxSender(web3, payer, deployment.chain_id, chain)
    book = deployment.get_contract(web3, "book")
    replay = settings.replay
    feed = ReplayFeed(load_matchday(replay.file), replay.start, replay.speed)
    ratings = fit_ratings(
        load_results(settings.pricer.history_file), half_life_days=settings.pricer.half_life_days
    )
    pricer = Pricer(
        Chain(web3, book, deployment.chain_id, chain.rpc_url, sender, settings.pricer.suspend_tip),
        signer,
        build_engine(settings.pricer.database_url),
        ReplaySource(feed),
        ratings,
        build_policy(settings.pricer, deployment.params.token_decimals),
        metrics,
        settings.pricer.pregame_horizon,
        build_prune_policy(settings.pricer),
    )
    pricer.validate_role()
    return pricer


def start(settings: Settings, registry: CollectorRegistry) -> ScheduledService:
    pricer = build_pricer(settings, PricerMetrics.build(registry))
    return ScheduledService(
        jobs=[
            (pricer.watch, settings.pricer.watch_interval),
            (pricer.refresh_pregame, settings.pricer.pregame_interval),
            (pricer.refresh_live, settings.pricer.live_interval),
            (pricer.prune, settings.pricer.prune_interval),
        ],
        stale_after=settings.pricer.stale_after,
        message="pricing",
        details={"pricer": pricer.signer.address, "games": pricer.source.get_games()},
        close=pricer.engine.dispose,
    )


def main(argv: list[str]) -> int:
    return main_scheduled("pricer", argv, __doc__, Settings, start)
