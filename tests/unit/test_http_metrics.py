"""`GET /metrics` and the request log line on the in-memory wiring: route templates, status classes, the token."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from prometheus_client.parser import text_string_to_metric_families

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.logging import configure_logging
from entrypoints.settings import Settings

TOKEN = "scrape-me-please-0123456789"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of an exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def app_client(tmp_path: Path, **values: object) -> TestClient:
    # No web UI build: its catch-all route would answer every unknown path.
    settings = Settings(wiring="memory", **{"web_ui_dir": tmp_path / "no-ui", **values})
    return TestClient(create_app(build_container(settings)))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path) as client:
        yield client


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[TestClient]:
    with app_client(tmp_path, metrics_token=TOKEN) as client:
        yield client


class TestRequestMetrics:
    def test_requests_are_counted_by_route_template_and_status_class(self, client: TestClient) -> None:
        for _ in range(3):
            assert client.get("/health/live").status_code == 200
        for _ in range(2):
            assert client.get(f"/api/videos/{uuid.uuid4()}").status_code == 401
        scraped = client.get("/metrics")
        assert scraped.status_code == 200
        assert scraped.headers["content-type"].startswith("text/plain")
        text = scraped.text
        assert value(text, "askvideo_http_requests_total", method="GET", route="/health/live", status_class="2xx") == 3
        # Two different ids, one series: the template bounds the label set.
        route = "/api/videos/{video_id}"
        assert value(text, "askvideo_http_requests_total", method="GET", route=route, status_class="4xx") == 2
        assert not [key for key in samples(text) if any(str(v).count("-") == 4 for _, v in key[1])]
        assert value(text, "askvideo_http_request_duration_seconds_count", method="GET", route="/health/live") == 3
        assert value(text, "askvideo_http_requests_in_flight") == 1  # the scrape itself
        assert value(text, "process_resident_memory_bytes") > 0

    def test_paths_no_route_matches_share_one_series(self, client: TestClient) -> None:
        assert client.get("/no/such/thing").status_code == 404
        assert client.get("/nor/this").status_code == 404
        text = client.get("/metrics").text
        assert value(text, "askvideo_http_requests_total", method="GET", route="unmatched", status_class="4xx") == 2

    def test_refusals_of_the_protection_middleware_are_counted(self, client: TestClient) -> None:
        refused = client.post("/api/auth/login", json={}, headers={"Origin": "https://evil.example"})
        assert refused.status_code == 403
        text = client.get("/metrics").text
        assert value(text, "askvideo_http_requests_total", method="POST", route="/api/auth/login", status_class="4xx")


class TestMetricsToken:
    def test_without_the_token_the_scrape_is_refused_in_the_error_shape(self, guarded: TestClient) -> None:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            refused = guarded.get("/metrics", headers=headers)
            assert refused.status_code == 401
            assert refused.json()["code"] == "unauthorized"
            assert "ASKVIDEO_METRICS_TOKEN" in refused.json()["detail"]

    def test_with_the_token_it_is_served(self, guarded: TestClient) -> None:
        scraped = guarded.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert scraped.status_code == 200
        assert "askvideo_http_requests_total" in scraped.text

    def test_the_openapi_schema_describes_it(self, guarded: TestClient) -> None:
        operation = guarded.get("/schema/openapi.json").json()["paths"]["/metrics"]["get"]
        assert operation["operationId"] == "getMetrics"
        assert set(operation["responses"]) >= {"200", "401"}


class TestRequestLogLine:
    def test_it_names_route_user_status_duration_and_hides_share_tokens(
        self, client: TestClient, capsys: pytest.CaptureFixture[str]
    ) -> None:
        configure_logging(json=True)
        try:
            secret = "s3cr3t-share-token-value"
            client.get(f"/api/shared/{secret}/", headers={"X-Request-ID": "rid-1"})
            printed = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
            lines = [line for line in printed if line.get("logger") != "httpx"]  # the test client's own lines
        finally:
            logging.getLogger().handlers.clear()
        request = next(line for line in lines if line.get("event") == "request" and line["request_id"] == "rid-1")
        assert request["route"] == "/api/shared/{token}"
        assert request["path"] == "/api/shared/[redacted]"
        assert {"status", "duration_ms", "user_id", "method"} <= set(request)
        assert secret not in json.dumps(lines)

    def test_share_links_of_the_web_ui_are_hidden_too(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        ui = tmp_path / "dist"
        ui.mkdir()
        (ui / "index.html").write_text("<!doctype html><title>Ask Video</title>")
        configure_logging(json=True)
        try:
            with app_client(tmp_path, web_ui_dir=ui) as client:
                assert client.get("/shared/another-s3cr3t-token", headers={"X-Request-ID": "rid-2"}).status_code == 200
            printed = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
        finally:
            logging.getLogger().handlers.clear()
        request = next(line for line in printed if line.get("request_id") == "rid-2" and line["event"] == "request")
        assert request["path"] == "/shared/[redacted]"
        assert "another-s3cr3t-token" not in json.dumps([p for p in printed if p.get("logger") != "httpx"])
