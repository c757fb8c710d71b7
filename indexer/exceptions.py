"""The indexer's errors. Transient ones are retried by the run-cycle; fatal ones stop the process."""


class IndexerError(Exception):
    """Root of every error the indexer raises on purpose."""


class TransientError(IndexerError):
    """Worth retrying: the cause (a node, the network, the database) may go away by itself."""


class FatalError(IndexerError):
    """Retrying cannot help: a person must change the configuration, the database or the code."""


class RpcUnavailableError(TransientError):
    """The RPC did not answer usefully after every retry."""

    def __init__(self, url: str, method: str, kind: str, detail: str):
        self.kind = kind
        super().__init__(
            f"RPC {url} failed {method} ({kind}: {detail}) after all retries; "
            "check that the node is up and not rate-limiting this indexer"
        )


class RpcError(TransientError):
    """The node answered with a JSON-RPC error we do not know how to handle."""

    def __init__(self, method: str, code: int | None, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{method} returned JSON-RPC error {code}: {message}")


class RangeTooLargeError(RpcError):
    """The node refuses an eth_getLogs range (too many blocks or results): the caller shrinks it."""


class ReorgInFlightError(TransientError):
    """Logs and headers of one range disagree on a block hash: the chain changed while we read it."""

    def __init__(self, number: int, expected: str, got: str):
        super().__init__(
            f"block {number} changed while its range was read ({expected} then {got}); the range is retried"
        )


class DatabaseUnavailableError(TransientError):
    """The database refused a connection or dropped a transaction."""

    def __init__(self, detail: str):
        super().__init__(f"database error ({detail}); the range is retried once it answers")


class WrongChainError(FatalError):
    def __init__(self, expected: int, got: int, rpc_url: str):
        super().__init__(
            f"the deployment is on chain {expected} but {rpc_url} serves chain {got}: "
            "point INDEXER_RPC_URL at that chain or INDEXER_DEPLOYMENT_FILE at this chain's deployment"
        )


class ConfigError(FatalError):
    """A setting or the deployment file is unusable; the message says which."""


class OtherDeploymentError(FatalError):
    def __init__(self, chain_id: int, book: str, expected_chain: int, expected_book: str):
        super().__init__(
            f"this database indexes book {book} on chain {chain_id}, not book {expected_book} on chain "
            f"{expected_chain}: give each deployment its own database (INDEXER_DATABASE_URL)"
        )


class SchemaMismatchError(FatalError):
    def __init__(self, current: str | None, head: str):
        super().__init__(
            f"the database schema is at revision {current}, which this indexer (head {head}) does not know: "
            "run the indexer version that wrote it, or re-index into a fresh database"
        )


class ReorgTooDeepError(FatalError):
    def __init__(self, cursor: int, max_depth: int, oldest_checked: int):
        super().__init__(
            f"no block between {oldest_checked} and the cursor {cursor} is still on the chain: a reorg "
            f"deeper than INDEXER_MAX_REORG_DEPTH={max_depth} blocks. The database may hold orphaned "
            "data; re-index into a fresh database (or raise the limit if this chain reorgs that deep)"
        )


class DatabaseLockedError(FatalError):
    def __init__(self) -> None:
        super().__init__(
            "another indexer already writes to this database (its advisory lock is held): stop it first"
        )
