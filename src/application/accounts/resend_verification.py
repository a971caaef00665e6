"""Resend verification: a fresh link for an account that is not active yet; the answer never tells which exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from application.accounts.emails import email_a_link
from application.accounts.throttle import throttle
from domain.accounts import TokenKind

if TYPE_CHECKING:
    from application.accounts.policy import AccountPolicy
    from application.ports.persistence import UnitOfWork
    from application.ports.security import Mailer, RateLimiter, TokenIssuer
    from application.ports.system import Clock


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailLinkRequest:
    """Someone asks for an emailed link (verification or password reset)."""

    email: str
    client_ip: str


class ResendVerification:
    """Send a new verification link if the address belongs to an inactive account; otherwise do nothing, silently."""

    def __init__(
        self,
        uow: UnitOfWork,
        issuer: TokenIssuer,
        mailer: Mailer,
        limiter: RateLimiter,
        clock: Clock,
        policy: AccountPolicy,
    ) -> None:
        self._uow, self._issuer, self._mailer = uow, issuer, mailer
        self._limiter, self._clock, self._policy = limiter, clock, policy

    async def __call__(self, request: EmailLinkRequest) -> None:
        """Same outcome for every address, so it cannot be used to probe for accounts."""
        email = request.email.strip().lower()
        await throttle(
            self._limiter,
            (f"verify:ip:{request.client_ip}", self._policy.email_link_per_ip),
            (f"verify:email:{email}", self._policy.email_link_per_address),
        )
        await email_a_link(
            uow=self._uow,
            issuer=self._issuer,
            mailer=self._mailer,
            clock=self._clock,
            policy=self._policy,
            email=email,
            kind=TokenKind.VERIFY_EMAIL,
            eligible=lambda user: not user.is_active,
        )
