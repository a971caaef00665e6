"""One place mapping every error to one status and the `{detail, code}` body."""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from litestar import MediaType, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from domain import errors
from entrypoints.http.audit import audit_refusal

if TYPE_CHECKING:
    from litestar import Request
    from litestar.types import ExceptionHandlersMap

log = structlog.get_logger(__name__)

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.InvalidMedia: 415,
    errors.InvalidInput: 422,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.LimitReached: 403,
    errors.TooLarge: 413,
    errors.RateLimited: 429,
    errors.Unavailable: 503,
}

CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}


def status_for(error: errors.DomainError) -> int:
    """The status of the nearest mapped class in the error's ancestry (500 if none: a bug)."""
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return HTTP_500_INTERNAL_SERVER_ERROR


def _body(detail: str, code: str, status: int, headers: dict[str, str] | None = None) -> Response[dict[str, str]]:
    return Response(
        {"detail": detail, "code": code}, status_code=status, media_type=MediaType.JSON, headers=headers or {}
    )


def domain_error(request: Request, error: errors.DomainError) -> Response[dict[str, str]]:
    """A domain error: its own message and code, its mapped status (refusals also go to the audit log)."""
    audit_refusal(request, error)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, errors.RateLimited) else None
    return _body(error.detail, error.code, status_for(error), headers)


def http_error(_: Request, error: HTTPException) -> Response[dict[str, str]]:
    """Litestar's own errors (routing, validation, size limits) in the same shape."""
    detail = error.detail
    if isinstance(error, ValidationException) and error.extra:
        problems = "; ".join(
            f"{item.get('key') or 'body'}: {item.get('message')}" for item in error.extra if isinstance(item, dict)
        )
        detail = f"The request is not valid: {problems}" if problems else detail
    return _body(detail, CODE_BY_STATUS.get(error.status_code, "error"), error.status_code, error.headers)


def unexpected_error(_: Request, error: Exception) -> Response[dict[str, str]]:
    """A bug: log it with the traceback, tell the client only that it happened (no internals)."""
    log.exception("unhandled error", error_type=type(error).__name__)
    return _body(
        "Something went wrong on our side. Try again; if it persists, report the request id.",
        "internal_error",
        HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    errors.DomainError: domain_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
