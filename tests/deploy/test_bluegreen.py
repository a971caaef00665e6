"""deploy/bluegreen.sh for real: Debian's nginx in front of a blue and a green `askvideo serve --api-only` on the
embedded PostgreSQL and Redis, a client loop running through every switch, and no request lost."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.deploy.nginx_harness import DEPLOY, Nginx, require_nginx
from tests.integration.conftest import free_port

pytestmark = pytest.mark.integration

SCRIPT = DEPLOY / "bluegreen.sh"


@dataclass
class Site:
    nginx: Nginx
    root: Path
    env: dict[str, str]
    blue: str
    green: str

    def run(self, command: str, **overrides: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(SCRIPT), command],
            env={**self.env, **overrides},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    @property
    def upstream(self) -> str:
        return (self.nginx.conf_dir / "upstream.conf").read_text()

    def state(self) -> tuple[str, str]:
        state = self.root / "state"
        return (state / "live").read_text().strip(), (state / "previous").read_text().strip()


@pytest.fixture(scope="module")
def site(database_url: str, redis_url: str) -> Iterator[Site]:
    require_nginx()
    if shutil.which("curl") is None:
        pytest.skip("bluegreen.sh health-checks with curl, which is not installed")
    root = Path(tempfile.mkdtemp(prefix="avbg-"))
    blue, green = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    ui = root / "ui"
    ui.mkdir()
    (ui / "index.html").write_text("<!doctype html><title>Ask Video</title>")
    nginx = Nginx(root / "nginx", api=[blue], media_root=root, ui_root=ui, max_body_mb=5)
    python = shlex.quote(sys.executable)
    app_env = {k: v for k, v in os.environ.items() if not k.startswith(("ASKVIDEO_", "BG_"))}
    env = {
        **app_env,
        "ASKVIDEO_DATABASE_URL": database_url,
        "ASKVIDEO_REDIS_URL": redis_url,
        "ASKVIDEO_DATA_DIR": str(root / "data"),
        "ASKVIDEO_SECRET_KEY": secrets.token_urlsafe(48),
        "ASKVIDEO_PUBLIC_URL": nginx.https_url,
        "BG_BLUE_SERVERS": blue,
        "BG_GREEN_SERVERS": green,
        "BG_UPSTREAM_FILE": str(nginx.conf_dir / "upstream.conf"),
        "BG_STATE_DIR": str(root / "state"),
        "BG_MIGRATE": f"{python} -m entrypoints.cli migrate",
        # A colour here is one API process on its port; in production it is a compose project (the defaults).
        "BG_START": f'nohup {python} -m entrypoints.cli serve --api-only --port "${{SERVERS##*:}}" '
        f'> {root}/"$COLOUR".log 2>&1 & echo $! > {root}/"$COLOUR".pid',
        "BG_STOP": f'pid=$(cat {root}/"$COLOUR".pid) && kill "$pid" && '
        'while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done',
        "BG_NGINX_TEST": shlex.join(nginx.command("-t")),
        "BG_NGINX_RELOAD": shlex.join(nginx.command("-s", "reload")),
        "BG_HEALTH_TIMEOUT": "60",
    }
    nginx.start()
    try:
        yield Site(nginx, root, env, blue, green)
    finally:
        nginx.stop()
        for pid_file in root.glob("*.pid"):
            pid = int(pid_file.read_text())
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class ClientLoop:
    """Users asking all the time: each thread sends requests one after another until stopped."""

    site: Site
    threads: int = 3
    stop: threading.Event = field(default_factory=threading.Event)
    served: int = 0
    reconnects: int = 0
    failures: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> ClientLoop:
        self._workers = [threading.Thread(target=self._run, daemon=True) for _ in range(self.threads)]
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        for worker in self._workers:
            worker.join(timeout=30)

    def wait_for_more(self, count: int, timeout: float = 60) -> None:
        """Until `count` more requests were served (or fail: the loop is stuck)."""
        target, deadline = self.served + count, time.monotonic() + timeout
        while self.served < target:
            assert time.monotonic() < deadline, f"the client loop is stuck: {self.failures[:5]}"
            time.sleep(0.05)

    def _run(self) -> None:
        with self.site.nginx.client(timeout=30) as client:
            while not self.stop.is_set():
                try:
                    response = self._get(client)
                    ok, outcome = response.status_code == 200, f"{response.status_code} {response.text[:200]}"
                except httpx.HTTPError as error:
                    ok, outcome = False, repr(error)
                with self._lock:
                    self.served += ok
                    if not ok:
                        self.failures.append(outcome)

    def _get(self, client: httpx.Client) -> httpx.Response:
        """One request, retried once on a new connection when nginx closed the idle keep-alive connection it was
        sent on: a reload's old workers close their idle connections, and a request can cross that close on the
        wire. Browsers retry such an idempotent request by themselves (RFC 9112 §9.3.1.1). Only that case is
        retried, once: an error answer, a timeout or a second disconnect still fail the test."""
        try:
            return client.get("/health/ready")
        except httpx.RemoteProtocolError:
            with self._lock:
                self.reconnects += 1
            return client.get("/health/ready")


def served_by(site: Site) -> list[str]:
    """The upstream of every /health/ready request nginx logged, in order."""
    lines = [line for line in site.nginx.access_log.splitlines() if '"GET /health/ready' in line]
    return [line.split(" upstream=", 1)[1].split(" ", 1)[0].rstrip(",") for line in lines]


def wait_until_served_by(site: Site, upstream: str, *, last: int, timeout: float = 30) -> None:
    """Until the last `last` requests nginx logged all went to `upstream` (the reload has taken effect)."""
    deadline = time.monotonic() + timeout
    while set(served_by(site)[-last:]) != {upstream}:
        assert time.monotonic() < deadline, f"nginx still sends requests elsewhere: {served_by(site)[-last:]}"
        time.sleep(0.05)


def test_deploy_switch_and_rollback_drop_no_request(site: Site) -> None:
    first = site.run("deploy")
    assert first.returncode == 0, first.stderr
    assert site.state() == ("blue", "")
    with ClientLoop(site) as loop:
        loop.wait_for_more(30)
        to_green = site.run("deploy")
        assert to_green.returncode == 0, to_green.stderr
        assert "migrating the database" in to_green.stderr
        loop.wait_for_more(30)
        assert site.state() == ("green", "blue")
        assert site.upstream.strip() == f"server {site.green} max_fails=1 fail_timeout=5s;"
        back = site.run("rollback")
        assert back.returncode == 0, back.stderr
        # `nginx -s reload` returns before the new workers serve: until then the old ones answer with the
        # previous upstream. Keep the requests flowing until blue answers them all, then 30 more.
        wait_until_served_by(site, site.blue, last=10)
        loop.wait_for_more(30)
    assert loop.failures == [], (
        f"{len(loop.failures)} of {loop.served + len(loop.failures)} failed: {loop.failures[:5]}"
    )
    assert site.state() == ("blue", "green")
    order = served_by(site)
    assert (order[0], order[-1]) == (site.blue, site.blue)
    assert site.green in order, "no request reached green"
    retired = site.run("retire")
    assert retired.returncode == 0, retired.stderr
    pid = int((site.root / "green.pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_new_colour_that_never_gets_ready_is_stopped_and_nothing_switches(site: Site) -> None:
    live_before, upstream_before = site.state(), site.upstream
    stopped = site.root / "stopped-green"
    failed = site.run("deploy", BG_MIGRATE="true", BG_START="true", BG_STOP=f"touch {stopped}", BG_HEALTH_TIMEOUT="2")
    assert failed.returncode == 1
    assert "green never became ready; it is stopped and blue still serves" in failed.stderr
    assert stopped.exists()
    assert (site.state(), site.upstream) == (live_before, upstream_before)


def test_a_switch_nginx_refuses_leaves_the_upstream_as_it_was(site: Site) -> None:
    live_before, upstream_before = site.state(), site.upstream
    refused = site.run("deploy", BG_MIGRATE="true", BG_START="true", BG_GREEN_SERVERS=site.blue, BG_NGINX_TEST="false")
    assert refused.returncode == 1
    assert "nginx refused the switch to green" in refused.stderr
    assert (site.state(), site.upstream) == (live_before, upstream_before)


def test_a_failed_migration_stops_the_deploy_before_anything_starts(site: Site) -> None:
    started = site.root / "started"
    failed = site.run("deploy", BG_MIGRATE="false", BG_START=f"touch {started}")
    assert failed.returncode == 1
    assert "the migration failed; nothing was switched" in failed.stderr
    assert not started.exists()


def test_rollback_without_a_previous_colour_says_so(site: Site, tmp_path: Path) -> None:
    refused = site.run("rollback", BG_STATE_DIR=str(tmp_path))
    assert refused.returncode == 1
    assert "nothing to roll back to" in refused.stderr


def test_the_colours_and_their_commands_must_be_set(site: Site) -> None:
    env = {k: v for k, v in site.env.items() if k != "BG_START"}
    refused = subprocess.run(
        ["bash", str(SCRIPT), "deploy"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode == 2
    assert "bluegreen: set BG_START" in refused.stderr


def test_settings_can_come_from_a_config_file(site: Site, tmp_path: Path) -> None:
    config = tmp_path / "bluegreen.env"
    marker = tmp_path / "migrated"
    config.write_text(f"BG_MIGRATE='echo \"$COLOUR\" > {marker}; false'\nBG_STATE_DIR={tmp_path / 'state'}\n")
    env = {k: v for k, v in site.env.items() if k not in {"BG_MIGRATE", "BG_STATE_DIR"}}
    failed = subprocess.run(
        ["bash", str(SCRIPT), "deploy"],
        env={**env, "BG_CONFIG": str(config)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert failed.returncode == 1
    assert "the migration failed" in failed.stderr
    assert marker.read_text().strip() == "blue"  # the colour being deployed (a first deploy) runs its migrations
