"""Sign up: an inactive account and an email with a link to verify it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.accounts.emails import send_link, store_link_token
from application.accounts.throttle import throttle
from domain.accounts import TokenKind, User, check_password_policy, normalise_email, normalise_username

if TYPE_CHECKING:
    from application.accounts.policy import AccountPolicy
    from application.ports.persistence import UnitOfWork
    from application.ports.security import Mailer, PasswordHasher, RateLimiter, TokenIssuer
    from application.ports.system import Clock


@dataclass(frozen=True, slots=True, kw_only=True)
class SignUpCommand:
    """What the sign-up form sends."""

    username: str
    email: str
    password: str
    client_ip: str


class SignUp:
    """Register an inactive user and email them a verification link."""

    def __init__(
        self,
        uow: UnitOfWork,
        hasher: PasswordHasher,
        issuer: TokenIssuer,
        mailer: Mailer,
        limiter: RateLimiter,
        clock: Clock,
        policy: AccountPolicy,
    ) -> None:
        self._uow, self._hasher, self._issuer, self._mailer = uow, hasher, issuer, mailer
        self._limiter, self._clock, self._policy = limiter, clock, policy

    async def __call__(self, command: SignUpCommand) -> User:
        """Create the account (raises InvalidInput, Conflict or RateLimited) and send the link."""
        await throttle(self._limiter, (f"signup:ip:{command.client_ip}", self._policy.signup_per_ip))
        username = normalise_username(command.username)
        email = normalise_email(command.email)
        check_password_policy(command.password, username=username, email=email)
        user = User.register(
            username=username,
            email=email,
            password_hash=await self._hasher.hash(command.password),
            video_limit=self._policy.default_video_limit,
            now=self._clock.now(),
        )
        async with self._uow as uow:
            await uow.users.add(user)
            token = await store_link_token(uow, self._issuer, self._clock, self._policy, user, TokenKind.VERIFY_EMAIL)
            await uow.commit()
        await send_link(self._mailer, self._policy, user, TokenKind.VERIFY_EMAIL, token)
        return user
