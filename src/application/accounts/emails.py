"""The emails accounts send: a signed one-time link, its record stored, the message written for a person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.accounts import EmailMessage, OneTimeToken, TokenClaims, TokenKind
from domain.errors import Unauthorized

if TYPE_CHECKING:
    from collections.abc import Callable

    from application.accounts.policy import AccountPolicy
    from application.ports.persistence import UnitOfWork
    from application.ports.security import Mailer, TokenIssuer
    from application.ports.system import Clock
    from domain.accounts import User

_PAGES = {TokenKind.VERIFY_EMAIL: "verify-email", TokenKind.RESET_PASSWORD: "reset-password"}


async def store_link_token(
    uow: UnitOfWork, issuer: TokenIssuer, clock: Clock, policy: AccountPolicy, user: User, kind: TokenKind
) -> str:
    """Record a one-time link for `user` inside the caller's transaction and return its signed token."""
    lifetime = policy.verify_link_lifetime if kind is TokenKind.VERIFY_EMAIL else policy.reset_link_lifetime
    record = OneTimeToken.issue(user_id=user.id, kind=kind, now=clock.now(), lifetime=lifetime)
    await uow.one_time_tokens.add(record)
    return issuer.issue(TokenClaims(kind=kind, subject=user.id, token_id=record.id, expires_at=record.expires_at))


def link_email(policy: AccountPolicy, user: User, kind: TokenKind, token: str) -> EmailMessage:
    """The message carrying the link."""
    url = policy.link(_PAGES[kind], token)
    if kind is TokenKind.VERIFY_EMAIL:
        hours = int(policy.verify_link_lifetime.total_seconds() // 3600)
        return EmailMessage(
            to=user.email,
            subject="Confirm your email for Ask Video",
            body=(
                f"Hello {user.username},\n\nconfirm your email address to start using Ask Video:\n\n{url}\n\n"
                f"The link works once and expires in {hours} hours. "
                "If you did not sign up, ignore this email.\n"
            ),
        )
    minutes = int(policy.reset_link_lifetime.total_seconds() // 60)
    return EmailMessage(
        to=user.email,
        subject="Reset your Ask Video password",
        body=(
            f"Hello {user.username},\n\nchoose a new password here:\n\n{url}\n\n"
            f"The link works once and expires in {minutes} minutes. Resetting logs you out everywhere. "
            "If you did not ask for this, ignore this email: your password stays as it is.\n"
        ),
    )


async def send_link(mailer: Mailer, policy: AccountPolicy, user: User, kind: TokenKind, token: str) -> None:
    """Send the link email (after the transaction committed, so the link is valid when it arrives)."""
    await mailer.send(link_email(policy, user, kind, token))


async def spend_link_token(uow: UnitOfWork, issuer: TokenIssuer, clock: Clock, token: str, kind: TokenKind) -> User:
    """Check the link's signature, expiry and single use; mark it used and return its user (caller commits)."""
    claims = issuer.read(token, kind=kind)
    record = await uow.one_time_tokens.get(claims.token_id)
    if record is None or record.user_id != claims.subject or record.kind is not kind:
        raise Unauthorized("This link is not valid. Ask for a new one.")
    await uow.one_time_tokens.update(record.use(now=clock.now()))
    user = await uow.users.get(record.user_id)
    if user is None:
        raise Unauthorized("This link is not valid. Ask for a new one.")
    return user


async def email_a_link(
    *,
    uow: UnitOfWork,
    issuer: TokenIssuer,
    mailer: Mailer,
    clock: Clock,
    policy: AccountPolicy,
    email: str,
    kind: TokenKind,
    eligible: Callable[[User], bool],
) -> None:
    """Send a `kind` link to the account with `email` when `eligible` says so; otherwise do nothing, silently
    (the caller answers the same either way, so the form cannot be used to probe for accounts)."""
    async with uow:
        user = await uow.users.get_by_email(email)
        if user is None or not eligible(user):
            return
        token = await store_link_token(uow, issuer, clock, policy, user, kind)
        await uow.commit()
    await send_link(mailer, policy, user, kind, token)
