"""The account rules an operator can tune: lifetimes, limits, where emailed links point."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.accounts import DEFAULT_VIDEO_LIMIT


@dataclass(frozen=True, slots=True, kw_only=True)
class RateRule:
    """At most `limit` attempts per `window_seconds`."""

    limit: int
    window_seconds: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountPolicy:
    """Lifetimes of tokens and links, the default video limit, rate limits and the public URL for links."""

    public_url: str = "http://127.0.0.1:8000"
    access_lifetime: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(days=30)
    # Inactivity: each refresh token expires this long after it was issued, so a client idle for longer holds
    # nothing that still works (its access token expired long before) and must log in again.
    session_idle_lifetime: timedelta = timedelta(days=7)
    verify_link_lifetime: timedelta = timedelta(hours=48)
    reset_link_lifetime: timedelta = timedelta(hours=1)
    default_video_limit: int = DEFAULT_VIDEO_LIMIT
    login_per_ip: RateRule = field(default_factory=lambda: RateRule(limit=30, window_seconds=300))
    login_per_account: RateRule = field(default_factory=lambda: RateRule(limit=10, window_seconds=900))
    signup_per_ip: RateRule = field(default_factory=lambda: RateRule(limit=10, window_seconds=3600))
    email_link_per_ip: RateRule = field(default_factory=lambda: RateRule(limit=10, window_seconds=3600))
    email_link_per_address: RateRule = field(default_factory=lambda: RateRule(limit=3, window_seconds=3600))
    refresh_per_ip: RateRule = field(default_factory=lambda: RateRule(limit=120, window_seconds=60))
    api_key_calls: RateRule = field(default_factory=lambda: RateRule(limit=120, window_seconds=60))
    """Requests one API key may make."""
    searches_per_user: RateRule = field(default_factory=lambda: RateRule(limit=60, window_seconds=60))
    """Library searches one user may run (each embeds the query)."""

    def link(self, page: str, token: str) -> str:
        """The web address of an emailed link, e.g. `…/verify-email?token=…`."""
        return f"{self.public_url.rstrip('/')}/{page}?token={token}"
