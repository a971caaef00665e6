"""The built web UI served by the API: its files, the page for browser routes, and the API left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.http.web_ui import API_PREFIXES, LONG_CACHE, REVALIDATE, build_file
from entrypoints.settings import Settings

INDEX = "<!doctype html><title>Ask Video</title><div id=root></div>"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A small stand-in for frontend/dist, laid out the way Vite builds it."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-3f2a1b.js").write_text("console.log('ui')")
    (dist / "assets" / "index-9c8d7e.css").write_text("body{}")
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("not part of the build")
    return dist


@pytest.fixture
def client(build: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(wiring="memory", data_dir=tmp_path / "data", web_ui_dir=build)
    with TestClient(create_app(build_container(settings))) as client:
        yield client


class TestTheUiPages:
    @pytest.mark.parametrize(
        "path",
        ["/", "/videos", "/videos/6f1c0d1e-0000-4000-8000-000000000000", "/verify-email?token=abc.def", "/shared/tok"],
    )
    def test_every_browser_route_gets_the_page_revalidated_on_each_visit(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200
        assert response.text == INDEX
        assert response.headers["content-type"].startswith("text/html")
        assert response.headers["cache-control"] == REVALIDATE

    def test_hashed_assets_are_cached_for_a_year_with_the_right_types(self, client: TestClient) -> None:
        script = client.get("/assets/index-3f2a1b.js")
        style = client.get("/assets/index-9c8d7e.css")
        assert (script.status_code, script.text) == (200, "console.log('ui')")
        assert script.headers["content-type"].startswith("text/javascript")
        assert style.headers["content-type"].startswith("text/css")
        assert script.headers["cache-control"] == style.headers["cache-control"] == LONG_CACHE

    def test_unhashed_files_are_revalidated(self, client: TestClient) -> None:
        icon = client.get("/favicon.svg")
        assert (icon.status_code, icon.headers["content-type"]) == (200, "image/svg+xml")
        assert icon.headers["cache-control"] == REVALIDATE

    def test_a_missing_hashed_asset_is_404_not_the_page(self, client: TestClient) -> None:
        response = client.get("/assets/index-old.js")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_the_pages_carry_the_security_headers(self, client: TestClient) -> None:
        headers = client.get("/videos").headers
        assert "script-src" not in headers["content-security-policy"]  # default-src 'self': own scripts only
        assert "default-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"

    @pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"])
    def test_nothing_outside_the_build_is_served(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert "not part of the build" not in response.text

    def test_build_file_refuses_to_step_outside(self, build: Path) -> None:
        assert build_file(build, "../secret.txt") is None
        assert build_file(build, "assets/index-3f2a1b.js") == build / "assets" / "index-3f2a1b.js"
        assert build_file(build, "assets") is None


class TestTheApiStaysTheApi:
    @pytest.mark.parametrize("path", ["/api/nothing-here", "/api", "/health/nope", "/metrics/nope"])
    def test_unknown_api_addresses_are_json_404s(self, client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_an_unknown_openai_address_is_a_json_404_in_openais_shape(self, client: TestClient) -> None:
        response = client.get("/v1/nope")
        assert response.status_code == 404
        assert response.json()["error"]["type"] == "invalid_request_error"

    def test_an_unknown_schema_address_is_not_the_page(self, client: TestClient) -> None:
        response = client.get("/schema/nope")
        assert (response.status_code, INDEX in response.text) == (404, False)

    def test_api_routes_still_answer(self, client: TestClient) -> None:
        assert client.get("/health/live").json() == {"status": "ok"}
        assert client.get("/schema/openapi.json").json()["info"]["title"] == "Ask Video API"
        assert client.get("/api/me").status_code == 401
        assert client.delete("/api/system/pipeline-checks").status_code == 405

    def test_every_api_route_lives_under_a_prefix_the_ui_never_answers(self, client: TestClient) -> None:
        firsts = {route.path.strip("/").split("/", 1)[0] for route in client.app.routes}
        assert firsts - {"", "{path:path}"} <= set(API_PREFIXES)

    def test_the_pages_are_not_in_the_openapi_schema(self, client: TestClient) -> None:
        paths = client.get("/schema/openapi.json").json()["paths"]
        assert "/" not in paths
        assert not any("{path" in p for p in paths)


def test_without_a_build_the_api_serves_alone(tmp_path: Path) -> None:
    settings = Settings(wiring="memory", data_dir=tmp_path / "data", web_ui_dir=tmp_path / "missing")
    with TestClient(create_app(build_container(settings))) as client:
        assert client.get("/").status_code == 404
        assert client.get("/health/live").status_code == 200


def test_the_default_build_folder_is_frontend_dist_in_this_checkout() -> None:
    assert Settings().web_ui_dir == Path(__file__).resolve().parents[2] / "frontend" / "dist"
