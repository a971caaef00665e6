"""Forgot password: a reset link by email; the answer is the same whether the address is known or not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from application.accounts.emails import email_a_link
from application.accounts.throttle import throttle
from domain.accounts import TokenKind

if TYPE_CHECKING:
    from application.accounts.policy import AccountPolicy
    from application.accounts.resend_verification import EmailLinkRequest
    from application.ports.persistence import UnitOfWork
    from application.ports.security import Mailer, RateLimiter, TokenIssuer
    from application.ports.system import Clock


class RequestPasswordReset:
    """Email a reset link to the account with that address, if there is one."""

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
        """Send the link when the account exists; otherwise do nothing, with the same outcome."""
        email = request.email.strip().lower()
        await throttle(
            self._limiter,
            (f"reset:ip:{request.client_ip}", self._policy.email_link_per_ip),
            (f"reset:email:{email}", self._policy.email_link_per_address),
        )
        await email_a_link(
            uow=self._uow,
            issuer=self._issuer,
            mailer=self._mailer,
            clock=self._clock,
            policy=self._policy,
            email=email,
            kind=TokenKind.RESET_PASSWORD,
            eligible=lambda _user: True,
        )
