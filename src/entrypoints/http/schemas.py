"""msgspec Structs shared by every controller: camelCase on the wire, one error shape."""

from __future__ import annotations

import msgspec


class Schema(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True):
    """Base of every request and response body: snake_case in Python, camelCase in JSON.

    Unknown fields are refused (422), so a client cannot slip `ownerId`, `status` or `videoLimit` into an edit and
    believe it was applied (no mass assignment, and no silent ignoring either).
    """


class ErrorBody(Schema):
    """Every error response: a sentence for people and a stable code for programs."""

    detail: str
    code: str
