"""Share links: the owner opens, regenerates or revokes one; a guest with it sees, watches and asks."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from application.accounts.throttle import throttle
from application.groups.manage_groups import GroupDetail, owned_group, videos_of
from domain.errors import InvalidInput, NotFound
from domain.videos import VideoStatus

if TYPE_CHECKING:
    from uuid import UUID

    from application.accounts.authenticate import Caller
    from application.accounts.policy import RateRule
    from application.ports.persistence import UnitOfWork
    from application.ports.security import RateLimiter
    from application.ports.system import Clock
    from domain.groups import Group

TOKEN_BYTES = 24
"""192 bits from `secrets`: unguessable."""
EXPIRY_DAYS_MAX = 365
LINK_NOT_VALID = "This share link does not exist or is no longer valid."


def token_fingerprint(token: str) -> str:
    """A short, non-reversible name for a token, for rate-limit keys (the token itself is never stored there)."""
    import hashlib  # noqa: PLC0415 - only needed here

    return hashlib.sha256(token.encode()).hexdigest()[:16]


class ShareGroup:
    """Open the group's share link, or replace it with a new one (the old one stops working at once)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, group_id: UUID, *, expires_in_days: int | None) -> Group:
        """The shared group with its new token."""
        if expires_in_days is not None and not 1 <= expires_in_days <= EXPIRY_DAYS_MAX:
            raise InvalidInput(f"A share link can last 1 to {EXPIRY_DAYS_MAX} days, or forever.")
        now = self._clock.now()
        expires = now + timedelta(days=expires_in_days) if expires_in_days else None
        async with self._uow as uow:
            group = (await owned_group(uow, caller, group_id)).share(
                secrets.token_urlsafe(TOKEN_BYTES), now=now, expires_at=expires
            )
            await uow.groups.update(group)
            await uow.commit()
        return group


class RevokeShare:
    """Close the group's share link."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, caller: Caller, group_id: UUID) -> Group:
        """The group, unshared."""
        async with self._uow as uow:
            group = (await owned_group(uow, caller, group_id)).revoke_share(now=self._clock.now())
            await uow.groups.update(group)
            await uow.commit()
        return group


async def shared_group(uow: UnitOfWork, token: str, clock: Clock) -> Group:
    """The group a valid token opens, or NotFound (unknown, revoked and expired look the same)."""
    group = await uow.groups.get_by_share_token(token) if token else None
    if group is None or not group.shared_with(token, clock.now()):
        raise NotFound(LINK_NOT_VALID)
    return group


@dataclass(frozen=True, slots=True, kw_only=True)
class GuestRules:
    """How often guests may ask, per link and per address."""

    per_token: RateRule
    per_ip: RateRule


class OpenSharedGroup:
    """What a guest sees: the group and its completed videos (nothing about the owner)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, token: str) -> GroupDetail:
        """The group and its watchable videos."""
        async with self._uow as uow:
            group = await shared_group(uow, token, self._clock)
            videos = [v for v in await videos_of(uow, group) if v.status is VideoStatus.COMPLETED]
        return GroupDetail(group=group, videos=tuple(videos))


class CheckGuestAsk:
    """Guests' own, stricter rate limit, per link and per address."""

    def __init__(self, limiter: RateLimiter, rules: GuestRules) -> None:
        self._limiter, self._rules = limiter, rules

    async def __call__(self, token: str, client_ip: str) -> None:
        """Raise RateLimited when over either limit."""
        await throttle(
            self._limiter,
            (f"guest:link:{token_fingerprint(token)}", self._rules.per_token),
            (f"guest:ip:{client_ip}", self._rules.per_ip),
        )


def require_member(group: Group, video_id: UUID) -> None:
    """Guests reach only the group's own videos."""
    if video_id not in group.video_ids:
        raise NotFound("There is no video with that id.")
