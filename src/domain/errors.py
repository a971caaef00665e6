"""Domain errors. Each class maps to exactly one HTTP status in the HTTP layer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises on purpose; `code` is stable and machine-readable."""

    code = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know that it exists."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"


class Unauthorized(DomainError):
    """The caller did not prove who they are."""

    code = "unauthorized"


class Conflict(DomainError):
    """The request clashes with what is stored (a duplicate, a wrong state)."""

    code = "conflict"


class InvalidInput(DomainError):
    """The input breaks a rule; the detail says which and how to fix it."""

    code = "invalid_input"


class InvalidMedia(InvalidInput):
    """An uploaded file is not media the product can transcribe (no audio, not a container, corrupt, empty)."""

    code = "invalid_media"


class LimitReached(DomainError):
    """A quota or size limit would be exceeded."""

    code = "limit_reached"


class TooLarge(LimitReached):
    """An upload is larger than the configured maximum."""

    code = "too_large"


class RateLimited(DomainError):
    """Too many attempts; try again later."""

    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency the action needs (database, queue, model service) is down."""

    code = "unavailable"
