"""Log in with username or email and password; a new session and its tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.accounts.sessions import SessionTokens, mint_tokens
from application.accounts.throttle import throttle
from domain.accounts import LoginSession
from domain.errors import Forbidden, Unauthorized

if TYPE_CHECKING:
    from application.accounts.policy import AccountPolicy
    from application.ports.persistence import UnitOfWork
    from application.ports.security import PasswordHasher, RateLimiter, TokenIssuer
    from application.ports.system import Clock

WRONG_CREDENTIALS = "Wrong username, email or password."
# Verifying against a real-looking hash when the account does not exist keeps the timing the same.
_DUMMY_PASSWORD = "not-a-real-password-but-hashed-for-timing"  # noqa: S105


class EmailNotVerified(Forbidden):
    """The password was right but the email is not verified yet."""

    code = "email_not_verified"


@dataclass(frozen=True, slots=True, kw_only=True)
class LogInCommand:
    """The login form."""

    login: str
    password: str
    client_ip: str


class LogIn:
    """Check the credentials and open a session."""

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        issuer: TokenIssuer,
        limiter: RateLimiter,
        clock: Clock,
        policy: AccountPolicy,
    ) -> None:
        self._uow, self._hasher, self._issuer = uow, hasher, issuer
        self._limiter, self._clock, self._policy = limiter, clock, policy
        self._dummy_hash: str | None = None

    async def __call__(self, command: LogInCommand) -> SessionTokens:
        """Tokens for a right password on an active account; one message for every wrong combination."""
        await throttle(
            self._limiter,
            (f"login:ip:{command.client_ip}", self._policy.login_per_ip),
            (f"login:account:{command.login.strip().lower()}", self._policy.login_per_account),
        )
        async with self._uow as uow:
            user = await uow.users.get_by_login(command.login)
            if user is None:
                self._dummy_hash = self._dummy_hash or await self._hasher.hash(_DUMMY_PASSWORD)
                await self._hasher.verify(self._dummy_hash, command.password)
                raise Unauthorized(WRONG_CREDENTIALS)
            if not await self._hasher.verify(user.password_hash, command.password):
                raise Unauthorized(WRONG_CREDENTIALS)
            if not user.is_active:
                raise EmailNotVerified(
                    "Verify your email address first: open the link we sent you, or ask for a new one."
                )
            if self._hasher.needs_rehash(user.password_hash):
                user = user.with_password_hash(await self._hasher.hash(command.password))
                await uow.users.update(user)
            now = self._clock.now()
            session = LoginSession.open(user_id=user.id, now=now, lifetime=self._policy.session_lifetime)
            await uow.login_sessions.add(session)
            await uow.commit()
        return mint_tokens(self._issuer, self._policy, user, session, now)
