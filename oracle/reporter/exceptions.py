"""The reporter node's errors; the run-cycle retries transient ones and stops on fatal ones."""

from oracle.exceptions import FatalError, OracleError


class ReporterError(OracleError):
    """Root of the errors only the reporter raises."""


class DoubleSignRefusedError(ReporterError):
    """The node was about to sign a second, different result for a game; it never does."""

    def __init__(self, game: int, signed: object, asked: object):
        super().__init__(
            f"game {game}: this key already signed {signed} and will never sign {asked}; "
            "the sources changed their mind after the signature: investigate them, the signature stands"
        )


class StoreLockedError(FatalError):
    def __init__(self, path: object):
        super().__init__(
            f"another reporter process holds {path}: run one node per signing key and store; "
            "stop the other first"
        )


class StoreMismatchError(FatalError):
    def __init__(self, path: object, detail: str):
        super().__init__(
            f"the slashing-protection store {path} {detail}; give each key and deployment its own store"
        )


class PeerError(ReporterError):
    """A peer did not answer usefully; the node carries on without it (never retried as a cycle error)."""


class PeerDataError(PeerError):
    def __init__(self, detail: str):
        super().__init__(f"the answer {detail}")
