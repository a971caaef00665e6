"""Load and soak: a realistic mix against two API processes on 127.0.0.1; throughput, latency, errors, memory.

Usage: python bench/load.py [--minutes 2] [--concurrency 16]      (the full soak: --minutes 10)

Starts embedded PostgreSQL and Redis in a temporary folder, two `askvideo serve --api-only` processes on their own
ports and one worker; signs a user up, uploads the fixture talk and waits until it is transcribed. Then
`--concurrency` asyncio clients (httpx) share both APIs round robin for `--minutes`, each request drawn from the
mix: list videos 30 %, video detail 30 %, stream media (a 64 KB Range) 25 %, ask a question 15 %. It prints req/s,
p50/p95/p99 per kind and overall, the error rate (anything but 2xx) and each API process's resident memory before
the run (after a warm-up) and after it. Not part of the test suite: timings belong here, not in asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from entrypoints.embedded import EmbeddedPostgres, EmbeddedRedis  # noqa: E402
from entrypoints.migrate import run_migrations  # noqa: E402

PASSWORD = "correct horse battery"  # noqa: S105 - a throw-away bench account
TALK = ROOT / "tests" / "fixtures" / "media" / "talk.mp4"
QUESTIONS = ("What is the capital of Australia?", "When did the meeting move?", "What should I bring to the station?")
MIX = (("list", 30), ("detail", 30), ("media", 25), ("ask", 15))


def free_port() -> int:
    import socket  # noqa: PLC0415

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASKVIDEO_")}
    handle = log.open("ab")
    command = [sys.executable, "-m", "entrypoints.cli", *args]
    return subprocess.Popen(command, env={**clean, **env}, stdout=handle, stderr=handle)  # noqa: S603


def wait_live(url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/live", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not start:\n{log.read_text(errors='replace')[-3000:]}")


def prepare(base: str, outbox: Path) -> tuple[dict[str, str], str]:
    """A verified user with one transcribed video: its Bearer header and the video id."""
    with httpx.Client(base_url=base, timeout=60) as client:
        client.post(
            "/api/auth/signup", json={"username": "loader", "email": "loader@example.org", "password": PASSWORD}
        )
        message = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes())
        token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
        client.post("/api/auth/verify-email", json={"token": token})
        login = client.post("/api/auth/login", json={"login": "loader", "password": PASSWORD, "tokenDelivery": "body"})
        headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        video = client.post(
            "/api/videos",
            data={"title": "Talk"},
            files={"file": ("talk.mp4", TALK.read_bytes(), "video/mp4")},
            headers=headers,
        ).json()["id"]
        deadline = time.monotonic() + 300
        while (status := client.get(f"/api/videos/{video}", headers=headers).json()["status"]) != "completed":
            if status == "error" or time.monotonic() > deadline:
                raise SystemExit(f"the bench video did not complete: {status}")
            time.sleep(0.5)
    return headers, video


async def one_request(client: httpx.AsyncClient, kind: str, headers: dict[str, str], video: str) -> int:
    if kind == "list":
        response = await client.get("/api/videos", headers=headers)
    elif kind == "detail":
        response = await client.get(f"/api/videos/{video}", headers=headers)
    elif kind == "media":
        start = random.randrange(0, 40_000)  # noqa: S311 - not security
        response = await client.get(
            f"/api/videos/{video}/media", headers={**headers, "Range": f"bytes={start}-{start + 65535}"}
        )
    else:
        response = await client.post(
            "/api/questions",
            json={"question": random.choice(QUESTIONS), "scope": {"kind": "video", "videoId": video}},  # noqa: S311
            headers=headers,
        )
    await response.aread()
    return response.status_code


async def run_load(bases: list[str], headers: dict[str, str], video: str, seconds: float, concurrency: int) -> dict:
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    statuses: dict[int, int] = defaultdict(int)
    clients = [
        httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=concurrency)) for base in bases
    ]
    deadline = time.monotonic() + seconds

    async def user(number: int) -> None:
        turn = number
        while time.monotonic() < deadline:
            kind = random.choice(kinds)  # noqa: S311
            client = clients[turn % len(clients)]
            turn += 1
            started = time.perf_counter()
            try:
                status = await one_request(client, kind, headers, video)
            except httpx.HTTPError:
                status = 0
            latencies[kind].append(time.perf_counter() - started)
            statuses[status] += 1
            if not 200 <= status < 300:
                errors[kind] += 1

    began = time.monotonic()
    await asyncio.gather(*(user(n) for n in range(concurrency)))
    elapsed = time.monotonic() - began
    for client in clients:
        await client.aclose()
    return {"latencies": latencies, "errors": errors, "statuses": dict(statuses), "elapsed": elapsed}


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {cuts[49] * 1000:.0f} ms, p95 {cuts[94] * 1000:.0f} ms, p99 {cuts[98] * 1000:.0f} ms"


def rss_mib(processes: list[subprocess.Popen[bytes]]) -> list[float]:
    return [round(psutil.Process(p.pid).memory_info().rss / 2**20, 1) for p in processes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs) afterwards")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="avload-"))
    postgres, queue = EmbeddedPostgres(root), EmbeddedRedis(root)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        database_url = postgres.start()
        run_migrations(database_url)
        env = {
            "ASKVIDEO_DATABASE_URL": database_url,
            "ASKVIDEO_REDIS_URL": queue.start(),
            "ASKVIDEO_DATA_DIR": str(root / "data"),
            "ASKVIDEO_SECRET_KEY": "load-bench-secret-key-" + "b" * 32,
            "ASKVIDEO_LOG_LEVEL": "warning",
            "ASKVIDEO_COOKIE_SECURE": "false",
        }
        ports = [free_port(), free_port()]
        apis = [spawn(["serve", "--api-only"], {**env, "ASKVIDEO_PORT": str(p)}, root / f"api-{p}.log") for p in ports]
        processes += apis
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        for base, port in zip(bases, ports, strict=True):
            wait_live(base, root / f"api-{port}.log")
        worker = spawn(["worker"], env, root / "worker.log")
        processes.append(worker)
        headers, video = prepare(bases[0], root / "data" / "outbox")
        worker.terminate()  # the mix does no processing: the two APIs get the machine
        worker.wait(timeout=30)
        asyncio.run(run_load(bases, headers, video, 15, args.concurrency))  # warm-up: models loaded, pools full
        before = rss_mib(apis)
        result = asyncio.run(run_load(bases, headers, video, args.minutes * 60, args.concurrency))
        after = rss_mib(apis)
        total = sum(len(v) for v in result["latencies"].values())
        errors = sum(result["errors"].values())
        print(f"{args.minutes:g} min, {args.concurrency} concurrent clients, 2 API processes on 127.0.0.1")
        print(
            f"requests {total}, {total / result['elapsed']:.1f} req/s, "
            f"errors {errors} ({100 * errors / max(total, 1):.2f} %)"
        )
        print(f"all: {percentiles([x for v in result['latencies'].values() for x in v])}")
        for kind, _ in MIX:
            found = result["latencies"][kind]
            print(f"{kind:7} n={len(found):6}  {percentiles(found)}  errors {result['errors'][kind]}")
        print(f"statuses {result['statuses']}")
        print(
            f"API RSS MiB before {before} after {after} "
            f"(growth {[round(a - b, 1) for a, b in zip(after, before, strict=True)]})"
        )
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        queue.stop()
        postgres.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
