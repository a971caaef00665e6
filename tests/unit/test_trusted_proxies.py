"""Only the reverse proxies in ASKVIDEO_TRUSTED_PROXIES may say who the client is (rate limits key on it)."""

from __future__ import annotations

import asyncio

import pytest
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from entrypoints.settings import Settings, SettingsError


def client_seen(settings: Settings, peer: str, forwarded_for: str | None) -> str:
    """The client address the app sees behind uvicorn's proxy-header handling, configured as `askvideo serve` does."""
    seen: list[str] = []

    async def app(scope: dict, receive: object, send: object) -> None:
        seen.append(scope["client"][0])

    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else []
    scope = {"type": "http", "client": (peer, 40000), "headers": headers, "scheme": "http"}
    middleware = ProxyHeadersMiddleware(app, trusted_hosts=list(settings.trusted_proxy_list))  # type: ignore[arg-type]
    asyncio.run(middleware(scope, None, None))  # type: ignore[arg-type]
    return seen[0]


def test_by_default_only_a_proxy_on_the_same_machine_is_believed() -> None:
    settings = Settings()
    assert settings.trusted_proxy_list == ("127.0.0.1",)
    assert client_seen(settings, "127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert client_seen(settings, "198.51.100.2", "203.0.113.7") == "198.51.100.2"


def test_a_proxy_network_is_believed_and_a_spoofed_address_before_it_is_not() -> None:
    settings = Settings.from_env({"ASKVIDEO_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"})
    assert client_seen(settings, "10.1.2.3", "203.0.113.7") == "203.0.113.7"
    # The user claimed 192.0.2.1 themselves; nginx appended the address it saw: that one counts.
    assert client_seen(settings, "10.1.2.3", "192.0.2.1, 203.0.113.7") == "203.0.113.7"
    assert client_seen(settings, "203.0.113.9", "192.0.2.1") == "203.0.113.9"


def test_star_trusts_every_peer() -> None:
    settings = Settings.from_env({"ASKVIDEO_TRUSTED_PROXIES": "*"})
    assert client_seen(settings, "198.51.100.2", "203.0.113.7") == "203.0.113.7"


@pytest.mark.parametrize("value", ["nginx", "10.0.0.0/33", "127.0.0.1,not-an-ip"])
def test_anything_but_addresses_and_networks_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError, match="ASKVIDEO_TRUSTED_PROXIES needs IP addresses or networks"):
        Settings.from_env({"ASKVIDEO_TRUSTED_PROXIES": value})
