"""`python -m oracle reporter --config node.toml`: one M-of-N result signer node.

Exit codes: 0 after SIGTERM/SIGINT, 2 on a fatal error (the message says what to fix), 1 on any
other error of the node's own.
"""

import argparse
import logging
import threading
from pathlib import Path

from oracle.chain import TxSender, connect
from oracle.config import load_settings
from oracle.exceptions import ConfigError, FatalError, OracleError
from oracle.keys import load_account
from oracle.reporter.chainview import OracleClient
from oracle.reporter.config import Settings
from oracle.reporter.exchange import Exchange
from oracle.reporter.metrics import ReporterMetrics
from oracle.reporter.node import Node
from oracle.reporter.peers import SIGNATURES_PATH, PeerClient
from oracle.reporter.sources import build_sources, get_games
from oracle.reporter.store import SlashingStore
from oracle.service import ServiceHealth, configure_logging, install_stop_signals, run_loop, serve
from scripts.deployment import DeploymentError, load_deployment

log = logging.getLogger("oracle.reporter")


def build_node(settings: Settings, metrics: ReporterMetrics, health: ServiceHealth) -> Node:
    chain = settings.chain
    assert chain.keystore is not None and chain.password_file is not None  # Settings.check
    signer = load_account(chain.keystore, chain.password_file)
    payer = signer
    if chain.gas_keystore is not None and chain.gas_password_file is not None:
        payer = load_account(chain.gas_keystore, chain.gas_password_file)
    try:
        deployment = load_deployment(chain.deployment_file)
    except DeploymentError as error:
        raise ConfigError(str(error)) from None
    web3 = connect(chain)
    sender = TxSender(web3, payer, deployment.chain_id, chain)
    store = SlashingStore(settings.node.store, deployment.chain_id, deployment.oracle.address, signer.address)
    sources = build_sources(settings)
    log.info(
        "reporter starting",
        extra={
            "node": settings.node.name,
            "signer": signer.address,
            "gas_payer": payer.address,
            "oracle": deployment.oracle.address,
            "chain_id": deployment.chain_id,
            "sources": [s.name for s in sources],
            "store": str(settings.node.store),
            "peers": settings.peers.urls,
        },
    )
    client = OracleClient(web3, deployment, signer, sender, chain.rpc_url)
    games = get_games(sources, settings.node.games)
    node = Node(client, sources, games, store, settings.node.grace_seconds, metrics, health)
    node.exchange = build_exchange(settings, node)
    node.stagger = settings.peers.stagger_blocks
    return node


def build_exchange(settings: Settings, node: Node) -> Exchange | None:
    """Signature sharing with the configured peers; None (vote alone) without any."""
    peers = settings.peers
    if not peers.urls:
        return None
    if not settings.service.metrics_port:
        log.warning("peers are set but service.metrics_port is 0: this node serves no /signatures to them")
    client = node.client
    return Exchange(
        PeerClient(peers.urls, peers.timeout),
        node.metrics,
        client.chain_id,
        client.oracle.address,
        client.signer.address,
        client.build_digest,
        node.alert,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m oracle reporter", description=__doc__)
    parser.add_argument("--config", type=Path, help="node TOML file (ORACLE_* variables override it)")
    args = parser.parse_args(argv)
    configure_logging("INFO")
    try:
        settings = load_settings(Settings, args.config)
        configure_logging(settings.service.log_level)
        metrics = ReporterMetrics()
        health = ServiceHealth(stale_after=settings.node.stale_after)
        node = build_node(settings, metrics, health)
    except FatalError as error:
        log.error("cannot start: %s", error, extra={"kind": type(error).__name__})
        return 2
    stop = threading.Event()
    install_stop_signals(stop)
    routes = {SIGNATURES_PATH: lambda: (True, node.get_served())}
    server = serve(metrics.registry, health, settings.service, "reporter", routes)
    try:
        run_loop(node.run_cycle, stop, settings.node.poll_interval, health, metrics.loop)
        return 0
    except FatalError as error:
        log.error("stopped: %s", error, extra={"kind": type(error).__name__})
        return 2
    except OracleError as error:
        log.error("failed: %s", error, extra={"kind": type(error).__name__})
        return 1
    finally:
        node.store.close()
        if node.exchange is not None:
            node.exchange.peers.close()
        if server is not None:
            server.shutdown()
