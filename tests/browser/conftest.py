"""Real Chromium (Debian's package, driven by Playwright) against `askvideo serve` on the embedded default."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo

CHROMIUM = Path("/usr/bin/chromium")
WEB_UI_BUILD = Path(__file__).resolve().parents[2] / "frontend" / "dist"
# Quiet, deterministic, offline: no GPU, no QUIC, no calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
LINK = re.compile(r"https?://\S+/verify-email\?token=[\w.\-]+")


def _missing_reason() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's chromium (./dev test does it with root) to run the browser tests"
        )
    if not (WEB_UI_BUILD / "index.html").is_file():
        return f"the web UI is not built ({WEB_UI_BUILD}): ./dev test builds it (needs node and npm)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415 - only to tell whether it is installed
    except ImportError:
        return "the playwright package is missing: ./dev test installs it with the test extra"
    return None


# Package scope, not session: Playwright's sync API keeps an asyncio loop running in the main thread until it stops,
# and every async test after this package would fail with "Runner.run() cannot be called from a running event loop".
@pytest.fixture(scope="package")
def browser_or_skip():
    """One Chromium for the browser tests; the whole directory skips, saying why, when it cannot run."""
    reason = _missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional until here

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Served:
    """The running app and where it keeps its data (the outbox is read from there)."""

    app: RunningApp
    data_dir: Path

    @property
    def url(self) -> str:
        return self.app.base_url

    def verification_link(self, address: str, timeout: float = 10) -> str:
        """The link in the newest email to `address` in the local outbox."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for path in sorted((self.data_dir / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if address in str(message["To"]):
                    body = message.get_body(preferencelist=("plain",))
                    found = LINK.search(body.get_content() if body else "")
                    if found:
                        return found.group(0)
            time.sleep(0.1)
        pytest.fail(f"no verification email to {address} in {self.data_dir / 'outbox'}")


@pytest.fixture(scope="package")
def served(browser_or_skip) -> Iterator[Served]:
    """`askvideo serve` (API + worker + embedded PostgreSQL and Redis) serving the built UI."""
    data_dir = Path(tempfile.mkdtemp(prefix="avweb-"))
    app = start_askvideo(
        ["serve"], {"ASKVIDEO_DATA_DIR": str(data_dir), "ASKVIDEO_WEB_UI_DIR": str(WEB_UI_BUILD)}, data_dir
    )
    try:
        yield Served(app, data_dir)
    finally:
        stop_askvideo(app)
        shutil.rmtree(data_dir, ignore_errors=True)
