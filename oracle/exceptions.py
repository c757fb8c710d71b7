"""The root error of every oracle service, and the two kinds the run-cycles act on.

A `TransientError` is logged and retried by the run-cycle (an RPC timeout, a 5xx, a feed that
did not answer); a `FatalError` stops the process with a message saying what to fix (wrong chain,
a key without its role, a bad config). Each service's `exceptions.py` subclasses these.
"""


class OracleError(Exception):
    """Root of every error the oracle services raise on purpose."""


class TransientError(OracleError):
    """Worth retrying: the cause (a node, the network, a data provider) may go away by itself."""


class FatalError(OracleError):
    """Retrying cannot help: a person must change the configuration, a key or the deployment."""


class ConfigError(FatalError):
    """A setting, a config file or the deployment file is unusable; the message says which."""


class KeystoreError(FatalError):
    """A keystore or its password file is missing, unreadable, or does not decrypt."""


class FeedError(TransientError):
    """A data source did not answer, or answered something that is not a match state."""

    def __init__(self, source: str, detail: str):
        self.source = source
        super().__init__(f"source {source}: {detail}")


class FeedDataError(ConfigError):
    """A recorded match day file is malformed; the message names the match and the event."""


class RpcUnavailableError(TransientError):
    """The chain's RPC did not answer usefully (timeout, refused connection, HTTP 5xx)."""

    def __init__(self, url: str, detail: str):
        super().__init__(f"RPC {url} unavailable ({detail}); retried while the node is down")


class WrongChainError(FatalError):
    def __init__(self, expected: int, got: int, rpc_url: str):
        super().__init__(
            f"the deployment is on chain {expected} but {rpc_url} serves chain {got}: point the RPC URL "
            "at that chain or the deployment file at this chain's deployment"
        )


class RoleMissingError(FatalError):
    def __init__(self, address: str, role: str, contract: str):
        super().__init__(
            f"{address} is not a {role} of {contract}: use a key the deployment registered, or ask the "
            "admin to register this one"
        )


class RevertError(OracleError):
    """A transaction (or its gas estimate) reverted; `reason` is the contract's revert string."""

    def __init__(self, label: str, reason: str, tx_hash: str | None = None):
        self.label = label
        self.reason = reason
        self.tx_hash = tx_hash
        where = f" in {tx_hash}" if tx_hash else ""
        super().__init__(f"{label} reverted{where}: {reason or '(no reason given)'}")


class InsufficientFundsError(TransientError):
    def __init__(self, address: str, detail: str):
        super().__init__(f"{address} cannot pay for gas ({detail}): send it ETH on this chain")


class StuckTransactionError(TransientError):
    def __init__(self, label: str, nonce: int, tx_hash: str, max_fee: int):
        super().__init__(
            f"{label} (nonce {nonce}, last {tx_hash}) is not mined at the highest fee allowed "
            f"({max_fee} wei/gas); it stays pending and is bumped again, or raise the fee cap"
        )
