"""msgspec Structs shared by every controller: camelCase on the wire, one error shape."""

from __future__ import annotations

import msgspec


class Schema(msgspec.Struct, rename="camel", kw_only=True):
    """Base of every request and response body: snake_case in Python, camelCase in JSON."""


class ErrorBody(Schema):
    """Every error response: a sentence for people and a stable code for programs."""

    detail: str
    code: str
