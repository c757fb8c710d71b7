"""The pricer's errors. Transient ones are retried by the run-cycle; fatal ones stop the process."""

from collections.abc import Sequence

from oracle.exceptions import ConfigError, FatalError, TransientError


class FitError(FatalError):
    def __init__(self, detail: str):
        super().__init__(f"cannot fit team ratings: {detail}; check PRICER_HISTORY_FILE")


class UnknownTeamError(FatalError):
    def __init__(self, team: str, known: Sequence[str]):
        super().__init__(
            f"no rating for team {team!r} (rated: {', '.join(known)}): add its past results to the "
            "history file or fix the fixture's team name"
        )


class HistoryFileError(ConfigError):
    def __init__(self, path: object, line: int, detail: str):
        super().__init__(
            f"{path}:{line}: {detail}; fix the history file (date,home,away,home_goals,away_goals)"
        )


class NotPricerError(FatalError):
    def __init__(self, signer: str, book: str):
        super().__init__(
            f"{signer} is not a registered pricer of book {book}: the admin must call "
            f"set_pricer({signer}, True), or point PRICER_KEYSTORE at the pricer's key"
        )


class DatabaseUnavailableError(TransientError):
    def __init__(self, action: str, error: Exception):
        detail = type(error).__name__ + ": " + next(iter(str(error).splitlines()), "")
        super().__init__(f"cannot {action} ({detail}); retried on the job's next run")
