"""The deploy files stay true to the code: Docker cannot run here, so they are checked by reading them."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from entrypoints.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_every_long_running_service_has_a_healthcheck_and_every_image_is_pinned() -> None:
    services = compose()["services"]
    for name, service in services.items():
        if service.get("restart") != "no":  # one-shot jobs (migrate) end instead of staying healthy
            assert "healthcheck" in service, f"{name} has no healthcheck"
        image = service.get("image", "")
        assert ":" in image, f"{name} image is not pinned: {image!r}"
        assert not image.endswith(":latest"), f"{name} image is not pinned: {image!r}"


def test_the_app_services_start_with_valid_production_settings() -> None:
    example = dict(
        line.split("=", 1)
        for line in (DEPLOY / "example.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    services = compose()["services"]
    for name in ("api", "worker", "migrate"):
        environment = {
            key: re.sub(r"\$\{(\w+)\}", lambda m: example[m.group(1)], str(value))
            for key, value in services[name]["environment"].items()
        }
        environment.update({k: v for k, v in example.items() if k.startswith("ASKVIDEO_")})
        environment["ASKVIDEO_ENVIRONMENT"] = "production"
        settings = Settings.from_env(environment)  # raises with the variable's name if anything is missing or wrong
        assert settings.storage == "s3"
        assert not settings.embedded


def test_the_dockerfile_runs_as_a_non_root_user_with_a_healthcheck() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER askvideo$", dockerfile, re.MULTILINE)
    assert "HEALTHCHECK" in dockerfile
    assert ":latest" not in dockerfile


def test_nginx_streams_uploads_and_answers_and_matches_the_upload_limit() -> None:
    config = (DEPLOY / "nginx" / "askvideo.conf").read_text()
    assert "proxy_request_buffering off;" in config
    assert "proxy_buffering off;" in config
    limit = re.search(r"client_max_body_size (\d+)m;", config)
    assert limit is not None
    assert int(limit.group(1)) == Settings().max_upload_mb


def test_the_image_keeps_migrations_next_to_the_code() -> None:
    # `askvideo migrate` finds migrations/ beside src/ (entrypoints/migrate.py): the image must install editable
    # from /app and copy both.
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install -e ." in dockerfile
    assert "COPY migrations ./migrations" in dockerfile
    assert "COPY --from=build /app /app" in dockerfile
