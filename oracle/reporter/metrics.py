"""The reporter's Prometheus metrics, in their own registry."""

from prometheus_client import CollectorRegistry, Counter, Gauge

from oracle.service import LoopMetrics


class ReporterMetrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = r = registry or CollectorRegistry()
        self.loop = LoopMetrics.build(r, "reporter")
        self.last_signed_game = Gauge(
            "reporter_last_signed_game", "Game id of the last signature", registry=r
        )
        self.last_signed_at = Gauge(
            "reporter_last_signed_timestamp_seconds", "Unix time of the last signature", registry=r
        )
        self.signatures = Counter("reporter_signatures", "Results signed (one per game)", registry=r)
        self.submissions = Counter("reporter_submissions", "report_result transactions mined", registry=r)
        self.submission_failures = Counter(
            "reporter_submission_failures", "Submissions that failed, by reason", ["reason"], registry=r
        )
        self.gas_used = Counter("reporter_gas_used", "Gas of this node's mined transactions", registry=r)
        self.source_up = Gauge(
            "reporter_source_up", "1 when the source answered last cycle", ["source"], registry=r
        )
        self.disagreements = Counter(
            "reporter_source_disagreements", "Games whose sources disagreed (signature refused)", registry=r
        )
        self.conflicts = Counter(
            "reporter_result_conflicts",
            "Games whose result on chain differs from the one this node signed (check this node's sources)",
            registry=r,
        )
        self.divergent_votes = Counter(
            "reporter_divergent_votes",
            "Other reporters' votes for a result the chain did not take",
            registry=r,
        )
        self.double_sign_refusals = Counter(
            "reporter_double_sign_refusals", "Second, different results the node refused to sign", registry=r
        )
        self.rpc_lag = Gauge(
            "reporter_rpc_lag_seconds", "Host time minus the latest block's time", registry=r
        )
        self.head_block = Gauge("reporter_head_block", "Latest block number the RPC reported", registry=r)
        self.gas_balance = Gauge(
            "reporter_gas_balance_wei", "Balance of the account that pays gas", registry=r
        )
        self.bundles = Counter(
            "reporter_bundles", "Mined submissions carrying peers' signatures too", registry=r
        )
        self.fallbacks = Counter(
            "reporter_fallbacks",
            "Submissions sent without enough signatures for the quorum after the wait (peers silent)",
            registry=r,
        )
        self.peer_up = Gauge(
            "reporter_peer_up", "1 when the peer's last answer was usable", ["peer"], registry=r
        )
        self.peer_rejections = Counter(
            "reporter_peer_rejections",
            "Peers' answers or signatures refused, by reason",
            ["reason"],
            registry=r,
        )
        self.games_open = Gauge("reporter_games_open", "Listed games without a proposed result", registry=r)
