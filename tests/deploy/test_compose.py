"""The Docker files stay true to the code. Docker cannot run here, so they are read: compose as Compose merges and
interpolates it, the Dockerfile's stages, and the settings every app container starts with."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

from entrypoints.migrate import find_migrations
from entrypoints.settings import Settings
from tests.deploy.compose_files import DEPLOY, interpolate, read_env_file, stack

ROOT = DEPLOY.parent
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
TEMPLATE = (DEPLOY / "nginx" / "templates" / "askvideo.conf.template").read_text()
APP_SERVICES = ("api", "worker", "migrate")
ONE_SHOTS = {"migrate", "bucket", "certs"}
DEV = ("compose.yaml",)
PROD = ("compose.yaml", "compose.prod.yaml")
SETUPS = {"development": (DEV, ".env", "example.env"), "production": (PROD, "prod.env", "prod.example.env")}


def stage(name: str) -> str:
    """The Dockerfile's text from `FROM … AS name` up to the next FROM."""
    match = re.search(rf"^FROM \S+ AS {name}\n(.*?)(?=^FROM |\Z)", DOCKERFILE, re.MULTILINE | re.DOTALL)
    assert match, f"no stage {name} in the Dockerfile"
    return match.group(1)


def image_env(stage_name: str) -> dict[str, str]:
    """The ENV a stage bakes into its image."""
    text = stage(stage_name).replace("\\\n", " ")
    pairs = [word.split("=", 1) for line in re.findall(r"^ENV (.+)$", text, re.MULTILINE) for word in shlex.split(line)]
    return dict(pairs)  # type: ignore[arg-type]


def container_env(setup: str, service: str) -> dict[str, str]:
    """What the app process of `service` sees: the image's ENV, then env_file, then `environment:` (Compose's order)."""
    files, env_file_name, example = SETUPS[setup]
    variables = read_env_file(example)
    definition = stack(*files)["services"][service]
    assert definition["env_file"] == [env_file_name], f"{service} must read its secrets from {env_file_name}"
    environment = {**image_env("app"), **variables}
    environment.update({k: interpolate(str(v), variables) for k, v in definition.get("environment", {}).items()})
    return {k: v for k, v in environment.items() if k.startswith("ASKVIDEO_")}


@pytest.mark.parametrize("setup", SETUPS)
def test_every_long_running_service_has_a_healthcheck_and_one_shots_end(setup: str) -> None:
    services = stack(*SETUPS[setup][0])["services"]
    for name, service in services.items():
        if name in ONE_SHOTS:
            assert service["restart"] == "no", f"{name} is a one-shot and must not restart"
            continue
        check = service.get("healthcheck", {})
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} turns its healthcheck off"
    for name, service in services.items():
        for needed, condition in service.get("depends_on", {}).items():
            assert needed in services, f"{name} depends on unknown {needed}"
            wanted = "service_completed_successfully" if needed in ONE_SHOTS else "service_healthy"
            assert condition == {"condition": wanted}, f"{name} → {needed}"
            assert "profiles" not in services[needed], f"{name} depends on {needed}, which is off by default"


@pytest.mark.parametrize("setup", SETUPS)
def test_every_image_is_pinned_to_an_exact_version(setup: str) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    for name, service in stack(*SETUPS[setup][0])["services"].items():
        image = service["image"]
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name} image has no tag: {image!r}"
        assert tag not in {"", "latest"}, f"{name} image is not pinned: {image!r}"
        assert re.search(r"\d", tag), f"{name} image tag is not a version: {image!r}"
        if "build" in service:
            assert tag == version, f"{name} builds {image!r}, but the project is {version}"
    for line in re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE):
        assert re.search(r":\d+\.\d+\.\d+", line) or "@sha256:" in line, f"base image not pinned: {line}"


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("service", APP_SERVICES)
def test_the_app_containers_start_with_valid_production_settings(setup: str, service: str) -> None:
    environment = container_env(setup, service)
    settings = Settings.from_env(environment)  # raises naming the variable if anything is missing or wrong
    assert settings.environment == "production"
    assert settings.storage == "s3"
    assert not settings.embedded
    assert settings.public_url is not None
    assert settings.public_url.startswith("https://")
    assert settings.media_accel_prefix == "/_media/"
    assert settings.trusted_proxy_list  # nginx's network: the forwarded client address is believed from it
    if setup == "production":
        assert settings.smtp_host != "mailpit"
    if service == "worker":  # where deploy/prometheus/prometheus.yml scrapes every worker replica
        assert settings.worker_metrics_port == 9101


def test_only_nginx_publishes_ports_in_production_and_the_api_and_workers_are_replicated() -> None:
    services = stack(*PROD)["services"]
    published = {name: service["ports"] for name, service in services.items() if service.get("ports")}
    assert published == {"nginx": ["80:80", "443:443"]}
    assert services["mailpit"]["profiles"] == ["dev"]
    for name in ("api", "worker"):
        assert services[name]["deploy"]["replicas"] >= 2
        assert services[name]["deploy"]["resources"]["limits"]["memory"]
    nginx_volumes = services["nginx"]["volumes"]
    assert "./certs:/etc/nginx/certs:ro" in nginx_volumes
    assert len([v for v in nginx_volumes if v.split(":")[1] == "/etc/nginx/certs"]) == 1


def test_development_publishes_only_the_entry_points_and_runs_two_api_instances() -> None:
    services = stack(*DEV)["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx", "mailpit", "minio"}
    assert services["api"]["deploy"]["replicas"] >= 2
    assert "server api:8000" in (DEPLOY / "nginx" / "upstream.conf").read_text()


@pytest.mark.parametrize("setup", SETUPS)
def test_nginx_gets_every_template_variable_and_the_upload_limit_of_the_api(setup: str) -> None:
    files, _, example = SETUPS[setup]
    variables = read_env_file(example)
    nginx = stack(*files)["services"]["nginx"]
    environment = {k: interpolate(str(v), variables) for k, v in nginx["environment"].items()}
    needed = set(re.findall(r"\$\{(NGINX_[A-Z0-9_]+)\}", TEMPLATE))
    assert needed <= set(environment), f"compose does not set {needed - set(environment)}"
    assert needed <= set(image_env("web")), f"the web image has no default for {needed - set(image_env('web'))}"
    assert int(environment["NGINX_MAX_BODY_MB"]) == Settings().max_upload_mb
    assert int(image_env("web")["NGINX_MAX_BODY_MB"]) == Settings().max_upload_mb
    assert environment["NGINX_PUBLIC_ORIGIN"] == variables["ASKVIDEO_PUBLIC_URL"]
    assert environment["NGINX_MEDIA_ROOT"] + "/" == "/data/media/"  # = ASKVIDEO_DATA_DIR/media in the app image
    assert image_env("app")["ASKVIDEO_DATA_DIR"] == "/data"


def test_the_dockerfile_builds_the_ui_a_wheel_and_a_slim_non_root_runtime() -> None:
    assert re.search(r"^FROM node:20\.\d+\.\d+\S* AS ui$", DOCKERFILE, re.MULTILINE)
    assert "npm ci" in stage("ui")
    assert "pip wheel" in stage("build")
    assert "--constraint deploy/constraints.txt" in stage("build")
    assert "pip install -e" not in DOCKERFILE
    app = stage("app")
    assert re.search(r"^FROM python:3\.\d+\.\d+-slim", DOCKERFILE, re.MULTILINE)
    assert re.search(r"^USER 10001:10001$", app, re.MULTILINE)
    assert "HEALTHCHECK" in app
    assert "/health/live" in app
    assert "COPY --from=build /opt/venv /opt/venv" in app
    assert "COPY --from=ui /ui/dist" in app
    assert "COPY --from=ui /ui/dist" in stage("web")
    assert "HEALTHCHECK" in stage("web")
    assert DOCKERFILE.rstrip().splitlines()[-1].startswith("CMD ["), "the app stage (default target) comes last"
    for key in image_env("app"):
        assert key.removeprefix("ASKVIDEO_").lower() in Settings.__struct_fields__ or not key.startswith("ASKVIDEO_")


def test_the_constraints_pin_every_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = {
        re.split(r"==", line)[0].lower().replace("_", "-")
        for line in (DEPLOY / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    for requirement in project["dependencies"]:
        name = re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f"{name} is not in deploy/constraints.txt: refresh it (see its header)"


def test_the_wheel_carries_every_migration_and_an_install_finds_them(tmp_path: Path) -> None:
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    packaged = {path for patterns in data_files.values() for pattern in patterns for path in ROOT.glob(pattern)}
    needed = {p for p in (ROOT / "migrations").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert needed <= packaged, f"not in the wheel: {sorted(str(p) for p in needed - packaged)}"
    checkout, installed = tmp_path / "checkout", tmp_path / "share" / "askvideo" / "migrations"
    assert find_migrations(checkout, installed) == installed  # the image: no checkout
    (checkout / "env.py").parent.mkdir()
    (checkout / "env.py").write_text("")
    assert find_migrations(checkout, installed) == checkout  # a checkout: its own migrations


def test_secrets_and_certificates_are_kept_out_of_git() -> None:
    ignored = (DEPLOY / ".gitignore").read_text().splitlines()
    assert {".env", "prod.env", "certs/"} <= set(ignored)


def test_the_nginx_template_streams_uploads_and_answers() -> None:
    # Proven for real by test_nginx_full_story.py (which skips without nginx); this reading keeps the intent.
    upload = TEMPLATE.split("location = /api/videos {", 1)[1].split("\n    }", 1)[0]
    assert "client_max_body_size ${NGINX_MAX_BODY_MB}m;" in upload
    assert "proxy_request_buffering off;" in upload
    answers = TEMPLATE.split("location ~ ^/api/(questions|shared/[^/]+/questions)$ {", 1)[1].split("\n    }", 1)[0]
    assert "proxy_buffering off;" in answers
    assert "text/event-stream" not in TEMPLATE.split("gzip_types", 1)[1].split(";", 1)[0]


def test_the_ci_workflow_runs_the_readme_test_command_and_builds_every_image() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "./dev test" in (ROOT / "README.md").read_text()
    assert "./dev test" in steps
    assert "exec ./dev test" in (ROOT / ".ci" / "run").read_text()
    targets = set(re.findall(r"^FROM \S+ AS (\w+)$", DOCKERFILE, re.MULTILINE)) - {"ui", "build"}
    built = {target for run in steps for target in re.findall(r"docker build -f deploy/Dockerfile --target (\w+)", run)}
    assert built == targets == {"app", "web"}
