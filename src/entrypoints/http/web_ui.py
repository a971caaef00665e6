"""The built web UI (`frontend/dist`) served by the API itself: its files, and `index.html` for every page address.

The UI is a single-page app: `/videos/…`, `/verify-email?token=…`, `/shared/{token}` are routes in the browser,
so any address that is neither a file of the build nor an API address gets `index.html`. Addresses under the API's
own prefixes stay theirs: an unknown one is a JSON 404, never the page.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath
from litestar.response import File

# The API's addresses; the UI never answers under them.
API_PREFIXES = ("api", "health", "schema", "metrics", "mcp", "v1")
# Vite names every file under assets/ by a hash of its content: a new build gets new names, so they never go stale.
HASHED_ASSETS = "assets"
LONG_CACHE = "public, max-age=31536000, immutable"
# index.html (and the few unhashed files) must be checked on every visit, or a browser keeps an old build's page.
REVALIDATE = "no-cache"
# With `nosniff` a browser runs a script only when its type says so: never leave these to the system's MIME table.
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
}


def is_api_address(path: str) -> bool:
    """Whether `path` (without its leading slash) belongs to the API."""
    first = path.split("/", 1)[0]
    return first in API_PREFIXES


def cache_control_for(relative: str) -> str:
    """The Cache-Control header for a file of the build."""
    return LONG_CACHE if relative.startswith(f"{HASHED_ASSETS}/") else REVALIDATE


def media_type_for(file: Path) -> str:
    """The Content-Type of a file of the build."""
    return MEDIA_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"


def _send(file: Path, cache_control: str) -> File:
    return File(
        file,
        filename=file.name,
        media_type=media_type_for(file),
        content_disposition_type="inline",
        headers={"Cache-Control": cache_control},
    )


def build_file(directory: Path, relative: str) -> Path | None:
    """The file of the build at `relative`, or None (also for anything that would step outside the build)."""
    parts = PurePosixPath(relative).parts
    if not parts or any(part in {"..", "."} or part.startswith("/") for part in parts):
        return None
    candidate = directory.joinpath(*parts)
    if not candidate.is_file() or not candidate.resolve().is_relative_to(directory.resolve()):
        return None
    return candidate


def web_ui_handlers(directory: Path) -> list[HTTPRouteHandler]:
    """Route handlers serving the build in `directory`; none when it has not been built (the API still works)."""
    index = directory / "index.html"
    if not index.is_file():
        return []

    def page(path: str) -> File:
        relative = path.lstrip("/")
        if is_api_address(relative):
            raise NotFoundException("There is nothing at this address.")
        found = build_file(directory, relative) if relative else None
        if found is not None:
            return _send(found, cache_control_for(relative))
        if PurePosixPath(relative).parts[:1] == (HASHED_ASSETS,):
            # A missing hashed file is an old page asking for a build that is gone: 404, not the page.
            raise NotFoundException("There is no such file in the web UI.")
        return _send(index, REVALIDATE)

    @get("/", include_in_schema=False, operation_id="getWebUiIndex", sync_to_thread=False)
    def web_ui_index() -> File:
        """The UI's start page."""
        return page("")

    @get("/{path:path}", include_in_schema=False, operation_id="getWebUiPage", sync_to_thread=False)
    def web_ui_page(path: FromPath[Path]) -> File:
        """A file of the build, or the UI's page for an address the browser routes itself."""
        return page(str(path))

    return [web_ui_index, web_ui_page]
