"""Memory while uploading a large file: the API's RSS growth while it receives a 2 GB upload. Aim: ≤ 64 MB.

Usage: python bench/bench_upload_memory.py [--gigabytes 2]
Starts `askvideo serve` on the embedded default in a temporary data directory, signs a user up through the
outbox, streams a generated file (zeros, so it is refused as "not media" once received: the figure is about
receiving) and samples the API process's resident memory every 100 ms.
"""

from __future__ import annotations

import argparse
import email
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

PASSWORD = "correct horse battery"  # noqa: S105 - a throw-away bench account


class Zeros(io.RawIOBase):
    """A file-like object of `size` zero bytes, produced on the fly."""

    def __init__(self, size: int) -> None:
        self.remaining = size

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.remaining if n < 0 else min(n, self.remaining)
        self.remaining -= n
        return b"\0" * n


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=2.0)
    args = parser.parse_args()
    size = int(args.gigabytes * 1024**3)
    data_dir = Path(tempfile.mkdtemp(prefix="avbench-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    env |= {"ASKVIDEO_DATA_DIR": str(data_dir), "ASKVIDEO_PORT": str(port), "ASKVIDEO_MAX_UPLOAD_MB": "100000"}
    server = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        client = httpx.Client(base_url=base, timeout=600)
        client.post("/api/auth/signup", json={"username": "bench", "email": "bench@example.org", "password": PASSWORD})
        message = email.message_from_bytes(next((data_dir / "outbox").glob("*.eml")).read_bytes())
        token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
        client.post("/api/auth/verify-email", json={"token": token})
        login = client.post("/api/auth/login", json={"login": "bench", "password": PASSWORD, "tokenDelivery": "body"})
        client.headers["Authorization"] = f"Bearer {login.json()['accessToken']}"

        api = psutil.Process(server.pid)
        baseline = api.memory_info().rss
        peak = baseline
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, api.memory_info().rss)
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.perf_counter()
        files = {"file": ("big.mp4", Zeros(size), "video/mp4")}
        response = client.post("/api/videos", data={"title": "big"}, files=files)
        elapsed = time.perf_counter() - started
        stop.set()
        sampler.join()
        print(
            f"uploaded {size / 1024**3:.1f} GiB in {elapsed:.1f} s ({size / 1024**2 / elapsed:.0f} MiB/s); "
            f"answer {response.status_code} {response.json().get('code')}"
        )
        print(
            f"API RSS: baseline {baseline / 1024**2:.0f} MiB, peak {peak / 1024**2:.0f} MiB, "
            f"growth {(peak - baseline) / 1024**2:.1f} MiB (aim <= 64 MiB)"
        )
        print(f"temporary files left: {len(list((data_dir / 'uploads').glob('*')))}")
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
