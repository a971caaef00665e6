"""deploy/prometheus: the alert rules and scrape config pass `promtool` (Debian's prometheus package), and every alert
is unit-tested with sample series in alerts_test.yml — firing on bad input, silent on good input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is missing: install Debian's `prometheus` package (./dev test does)"
)


def promtool(*args: str, cwd: Path = PROMETHEUS) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def alert_names() -> set[str]:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    return {rule["alert"] for group in rules["groups"] for rule in group["rules"]}


@needs_promtool
def test_the_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(alert_names())} rules found" in result.stdout


@needs_promtool
def test_every_alert_fires_on_its_sample_and_stays_silent_on_good_input() -> None:
    result = promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_the_scrape_config_is_valid(tmp_path: Path) -> None:
    # The bearer token file is a mounted secret in production; here a stand-in file takes its place.
    token = tmp_path / "askvideo_metrics_token"
    token.write_text("a-token\n")
    config = (PROMETHEUS / "prometheus.yml").read_text()
    assert "/etc/prometheus/secrets/askvideo_metrics_token" in config
    (tmp_path / "prometheus.yml").write_text(
        config.replace("/etc/prometheus/secrets/askvideo_metrics_token", str(token))
    )
    shutil.copy(PROMETHEUS / "alerts.yml", tmp_path / "alerts.yml")
    result = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_firing_and_a_silent_case() -> None:
    tests = yaml.safe_load((PROMETHEUS / "alerts_test.yml").read_text())["tests"]
    cases = [case for test in tests for case in test["alert_rule_test"]]
    fires = {case["alertname"] for case in cases if case["exp_alerts"]}
    silent = {case["alertname"] for case in cases if not case["exp_alerts"]}
    assert alert_names() == fires == silent


def test_alerts_cover_errors_latency_jobs_backlog_disk_and_memory() -> None:
    rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())
    expressions = " ".join(rule["expr"] for group in rules["groups"] for rule in group["rules"])
    for metric in (
        'askvideo_http_requests_total{status_class="5xx"}',
        "askvideo_http_request_duration_seconds_bucket",
        "askvideo_jobs_failed_total",
        "askvideo_queue_depth",
        "node_filesystem_avail_bytes",
        "node_memory_MemAvailable_bytes",
    ):
        assert metric in expressions
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert rule["labels"]["severity"] in {"page", "ticket"}
            assert rule["annotations"]["runbook"] == f"docs/operations.md#{rule['alert'].lower()}"
