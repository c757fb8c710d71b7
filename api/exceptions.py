"""The API's errors: each carries its HTTP status and a fixed `detail` a client can match on."""


class ApiError(Exception):
    """Root of every error the API raises on purpose; rendered as `{"detail": detail}`."""

    status = 400
    detail = "bad request"

    def __init__(self, detail: str | None = None):
        if detail is not None:
            self.detail = detail
        super().__init__(self.detail)


class NotFoundError(ApiError):
    status = 404
    detail = "not found"


class InvalidCursorError(ApiError):
    detail = "invalid cursor: pass back the end_cursor of the previous page"


class InvalidAddressError(ApiError):
    detail = "invalid address: expected 0x and 40 hex digits"


class InvalidHashError(ApiError):
    detail = "invalid hash: expected 0x and 64 hex digits"


class SignInError(ApiError):
    """Any failed Sign-In with Ethereum; the detail names the check, never which secret was wrong."""

    status = 401
    detail = "sign-in failed"


class AuthenticationRequiredError(ApiError):
    status = 401
    detail = "sign in first: send Authorization: Bearer <token> from POST /auth/verify"


class ForbiddenError(ApiError):
    status = 403
    detail = "this resource belongs to another account"


class ConflictError(ApiError):
    status = 409
    detail = "already registered"


class TooManyPendingError(ApiError):
    status = 429
    detail = "too many bets waiting to be indexed: wait for earlier ones"


class RateLimitedError(ApiError):
    status = 429
    detail = "rate limit exceeded: slow down and retry after the Retry-After seconds"


class DatabaseUnavailableError(ApiError):
    status = 503
    detail = "database unavailable: retry shortly"


class NotReadyError(ApiError):
    status = 503
    detail = "the indexer has not indexed a deployment yet: start python -m indexer"
