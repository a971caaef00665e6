"""Debian's nginx started by a test with the deploy/nginx template, on free ports, in its own folder."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX_DIR = DEPLOY / "nginx"
TEMPLATE = NGINX_DIR / "templates" / "askvideo.conf.template"
NGINX_BINARY = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
PLACEHOLDER = re.compile(r"\$\{(NGINX_[A-Z0-9_]+)\}")


def require_nginx() -> str:
    """The nginx binary, or skip with what to install."""
    if NGINX_BINARY is None:
        pytest.skip("nginx is not installed (Debian: apt install nginx; `./dev test` installs it when it can)")
    return NGINX_BINARY


def render_template(template: str, values: dict[str, str]) -> str:
    """What the nginx image's envsubst step does with our template: `${NGINX_*}` replaced, nginx's own `$vars` kept.
    A placeholder without a value is an error (envsubst would silently leave an empty string)."""
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def write_self_signed(cert: Path, key: Path, hosts: list[str]) -> None:
    """The certificate helper compose uses (deploy/nginx/selfsigned.py), loaded from its file."""
    spec = importlib.util.spec_from_file_location("askvideo_selfsigned", NGINX_DIR / "selfsigned.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_self_signed(cert, key, hosts)


def upstream_lines(addresses: list[str]) -> str:
    """An upstream.conf: one `server` line per API instance."""
    return "".join(f"server {address} max_fails=1 fail_timeout=5s;\n" for address in addresses)


class Nginx:
    """One nginx master (non-daemon) with its own prefix, pid file, temp folders and logs."""

    def __init__(
        self,
        root: Path,
        *,
        api: list[str],
        media_root: Path,
        ui_root: Path,
        max_body_mb: int,
        s3_origin: str = "http://127.0.0.1:9",  # never reached with local storage
    ) -> None:
        self.root = root
        self.http_port = free_port()
        self.https_port = free_port()
        self.conf_dir = root / "askvideo"
        self.conf_dir.mkdir(parents=True)
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (root / "tmp" / name).mkdir(parents=True)
        cert, key = root / "certs" / "tls.crt", root / "certs" / "tls.key"
        write_self_signed(cert, key, ["127.0.0.1", "localhost"])
        self.cert = cert
        shutil.copy(NGINX_DIR / "security-headers.conf", self.conf_dir / "security-headers.conf")
        self.set_upstream(api)
        values = {
            "NGINX_SERVER_NAME": "127.0.0.1 localhost",
            "NGINX_PUBLIC_ORIGIN": self.https_url,
            "NGINX_HTTP_PORT": str(self.http_port),
            "NGINX_HTTPS_PORT": str(self.https_port),
            "NGINX_CERT": str(cert),
            "NGINX_CERT_KEY": str(key),
            "NGINX_CONF_DIR": str(self.conf_dir),
            "NGINX_UI_ROOT": str(ui_root),
            "NGINX_MEDIA_ROOT": str(media_root),
            "NGINX_S3_ORIGIN": s3_origin,
            "NGINX_MAX_BODY_MB": str(max_body_mb),
            # As if a load balancer sat in front on this machine: the test plays users at other addresses.
            "NGINX_REAL_IP_FROM": "127.0.0.1",
        }
        (root / "askvideo.conf").write_text(render_template(TEMPLATE.read_text(), values))
        tmp = root / "tmp"
        # The main file Debian or the nginx image would have; ours only points everything into `root`.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (root / "nginx.conf").write_text(
            f"{user}worker_processes 2;\npid {root}/nginx.pid;\nerror_log {root}/error.log notice;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    sendfile on;\n"
            f"    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n"
            f"    fastcgi_temp_path {tmp}/fastcgi;\n    uwsgi_temp_path {tmp}/uwsgi;\n    scgi_temp_path {tmp}/scgi;\n"
            f"    access_log {root}/access.log;\n"
            f"    include {root}/askvideo.conf;\n"
            "}\n"
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def https_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def access_log(self) -> str:
        """nginx's access lines (the template logs to stdout, which goes to this file)."""
        return (self.root / "stdout.log").read_text(errors="replace")

    @property
    def error_log(self) -> str:
        return (self.root / "error.log").read_text(errors="replace")

    def command(self, *extra: str) -> list[str]:
        return [require_nginx(), "-p", str(self.root), "-e", str(self.root / "error.log"),
                "-c", str(self.root / "nginx.conf"), *extra]  # fmt: skip

    def set_upstream(self, addresses: list[str]) -> None:
        (self.conf_dir / "upstream.conf").write_text(upstream_lines(addresses))

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the rendered configuration."""
        return subprocess.run(self.command("-t"), capture_output=True, text=True, check=False)

    def start(self) -> None:
        tested = self.check()
        if tested.returncode != 0:
            pytest.fail(f"nginx -t refused the rendered configuration:\n{tested.stderr}")
        with (self.root / "stdout.log").open("wb") as out:
            self.process = subprocess.Popen(self.command("-g", "daemon off;"), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited with {self.process.returncode}:\n{self.error_log}")
            try:
                httpx.get(self.http_url, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        pytest.fail(f"nginx did not answer within 15 s:\n{self.error_log}")

    def reload(self) -> None:
        subprocess.run(self.command("-s", "reload"), check=True, capture_output=True)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: fast shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self, **options: object) -> httpx.Client:
        """An HTTPS client that trusts this nginx's self-signed certificate."""
        trust = ssl.create_default_context(cafile=str(self.cert))
        options.setdefault("timeout", 60)
        return httpx.Client(base_url=self.https_url, verify=trust, **options)  # type: ignore[arg-type]
