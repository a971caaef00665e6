"""Signed tokens as JWTs (PyJWT, HMAC-SHA256)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import jwt

from adapters.system.clock import SystemClock
from domain.accounts import TokenClaims, TokenKind
from domain.errors import Unauthorized

if TYPE_CHECKING:
    from collections.abc import Sequence

    from application.ports.system import Clock

ALGORITHM = "HS256"
# Exactly one algorithm: the header's `alg` never chooses how a token is checked (no `none`, no RS/HS confusion).
ALLOWED_ALGORITHMS = [ALGORITHM]
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "jti", "typ"]
MIN_KEY_BYTES = 32  # RFC 7518 §3.2: an HS256 key must be at least as long as the hash output
# Several API instances may disagree by a few seconds; only `iat` gets slack, never `exp`.
CLOCK_SKEW_SECONDS = 60

INVALID = "Invalid token."
SESSION_EXPIRED = "Your session has expired; log in again."
LINK_EXPIRED = "This link has expired. Ask for a new one."
SESSION_KINDS = frozenset({TokenKind.ACCESS, TokenKind.REFRESH})


class JwtTokenIssuer:
    """Issues and reads HS256 JWTs carrying `sub`, `jti`, `typ`, optional `sid`, `exp`, `iat`, `iss` and `aud`.

    Signs with `signing_key`; also accepts tokens signed with any of `previous_keys`, so rotating the key does not
    log everyone out. Times come from `clock` (the system clock by default) rather than PyJWT's own, so the
    application's clock decides both when a token was issued and whether it has expired. `exp` and `iat` are whole
    seconds: `read` returns `expires_at` truncated to the second.
    """

    def __init__(
        self,
        signing_key: bytes,
        *,
        issuer: str = "askvideo",
        audience: str = "askvideo",
        previous_keys: Sequence[bytes] = (),
        clock: Clock | None = None,
    ) -> None:
        for key in (signing_key, *previous_keys):
            if len(key) < MIN_KEY_BYTES:
                raise ValueError(f"A token signing key needs at least {MIN_KEY_BYTES} bytes.")
        self._signing_key = signing_key
        self._verification_keys = (signing_key, *previous_keys)
        self._issuer = issuer
        self._audience = audience
        self._clock = clock or SystemClock()

    def issue(self, claims: TokenClaims) -> str:
        """Sign the claims with the current key."""
        payload: dict[str, Any] = {
            "sub": str(claims.subject),
            "jti": str(claims.token_id),
            "typ": claims.kind.value,
            "exp": int(claims.expires_at.timestamp()),
            "iat": int(self._clock.now().timestamp()),
            "iss": self._issuer,
            "aud": self._audience,
        }
        if claims.session_id is not None:
            payload["sid"] = str(claims.session_id)
        return jwt.encode(payload, self._signing_key, algorithm=ALGORITHM)

    def read(self, token: str, *, kind: TokenKind) -> TokenClaims:
        """Check signature, issuer, audience, kind and expiry; raise `Unauthorized` with a short reason if any fails."""
        payload = self._decode(token)
        if payload["typ"] != kind.value:
            raise Unauthorized(INVALID)
        exp, iat = payload["exp"], payload["iat"]
        # bool is an int subclass; a float or string here means the token was not made by `issue`.
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in (exp, iat)):
            raise Unauthorized(INVALID)
        now = self._clock.now().timestamp()
        if iat > now + CLOCK_SKEW_SECONDS:
            raise Unauthorized(INVALID)
        if exp <= now:
            raise Unauthorized(SESSION_EXPIRED if kind in SESSION_KINDS else LINK_EXPIRED)
        try:
            sid = payload.get("sid")
            return TokenClaims(
                kind=kind,
                subject=uuid.UUID(payload["sub"]),
                token_id=uuid.UUID(payload["jti"]),
                expires_at=datetime.fromtimestamp(exp, UTC),
                session_id=None if sid is None else uuid.UUID(sid),
            )
        except (TypeError, ValueError, AttributeError, OverflowError) as error:
            raise Unauthorized(INVALID) from error

    def _decode(self, token: str) -> dict[str, Any]:
        """The verified payload: the first key whose signature matches wins; any other failure is final."""
        for key in self._verification_keys:
            try:
                return jwt.decode(
                    token,
                    key,
                    algorithms=ALLOWED_ALGORITHMS,
                    audience=self._audience,
                    issuer=self._issuer,
                    # Time claims are checked in `read` against the injected clock; PyJWT only knows the wall clock.
                    options={"require": REQUIRED_CLAIMS, "verify_exp": False, "verify_iat": False, "strict_aud": True},
                )
            except jwt.InvalidSignatureError:
                continue
            except jwt.PyJWTError as error:
                raise Unauthorized(INVALID) from error
        raise Unauthorized(INVALID)
