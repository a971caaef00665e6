"""The security audit trail: one structured `audit` log event per authentication outcome and refused access.

Events (the `event` field is always `audit`, `action` says what happened):
- `login.succeeded` / `login.failed` — a login attempt, with the user id when it succeeded;
- `logout` — a session ended by its holder;
- `authentication.failed` — any other request whose credential was missing, wrong, expired or revoked (401);
- `access.denied` — a known caller refused (403: CSRF, foreign origin, a limit, a wrong current password);
- `access.not_found` — an object that does not exist *or belongs to someone else* (404: the two are not told apart
  to the client, so the log keeps the attempts).
Each carries the route template, the path with share tokens redacted, the client address, the user id when known
and the request id (bound by the request middleware). Never a password, a token or a cookie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from domain import errors
from entrypoints.http.middleware import USER_ID_STATE, loggable_path

if TYPE_CHECKING:
    from litestar import Request

log = structlog.get_logger("askvideo.audit")

LOGIN_PATH = "/api/auth/login"


def audit(request: Request, action: str, **fields: object) -> None:
    """Write one audit event about `request`."""
    scope = request.scope
    log.info(
        "audit",
        action=action,
        method=scope.get("method"),
        path=loggable_path(scope),
        route=scope.get("path_template"),
        client=request.client.host if request.client else None,
        user_id=scope.get("state", {}).get(USER_ID_STATE),
        **fields,
    )


def audit_refusal(request: Request, error: errors.DomainError) -> None:
    """Record a refused request, if the refusal is about identity or access."""
    if isinstance(error, errors.Unauthorized):
        action = "login.failed" if request.scope.get("path") == LOGIN_PATH else "authentication.failed"
    elif isinstance(error, errors.NotFound):
        action = "access.not_found"
    elif isinstance(error, errors.Forbidden):
        action = "access.denied"
    else:
        return
    audit(request, action, code=error.code)
