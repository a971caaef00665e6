"""The bad-upload corpus (scripts/make_bad_uploads.py) against the real API over HTTP with real PyAV.

Every hostile or broken file gets its own 4xx with a sentence saying why, never a 5xx; afterwards there is no new
row, no stored file and no temporary file in the upload folder. Audio-only files are the one accepted case: the
product transcribes speech, and docs/videos.md lists M4A, MP3 and WAV among the accepted recordings.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo
from tests.security.real_app import api_env, sign_in

ROOT = Path(__file__).resolve().parents[2]
TALK = ROOT / "tests" / "fixtures" / "media" / "talk.mp4"
LIMIT_MB = 1


def load_corpus_maker():
    spec = importlib.util.spec_from_file_location("make_bad_uploads", ROOT / "scripts" / "make_bad_uploads.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # a corpus case, or "talk" for the good fixture
    wire_name: str
    status: int
    code: str
    says: str
    raw_name: bool = False  # send the file name unescaped (as a hostile client, not a browser, would)


CASES = [
    Case("zero bytes", "zero_bytes", "empty.mp4", 415, "invalid_media", "empty"),
    Case("truncated MP4", "truncated_mp4", "cut.mp4", 415, "invalid_media", "incomplete or damaged"),
    Case("MP4 without audio", "no_audio_mp4", "silent.mp4", 415, "invalid_media", "no audio track"),
    Case("renamed executable", "renamed_executable", "setup.mp4", 415, "invalid_media", "not a video or audio file"),
    Case("HTML as video", "html_as_video", "page.mp4", 415, "invalid_media", "not a video or audio file"),
    Case("SVG as video", "svg_as_video", "image.mp4", 415, "invalid_media", "not a video or audio file"),
    Case("huge declared duration", "huge_declared_duration", "long.mp4", 415, "invalid_media", "cannot be decoded"),
    Case("decompression-bomb WAV", "decompression_bomb", "bomb.wav", 415, "invalid_media", "nothing to transcribe"),
    Case("one byte over the limit", "one_byte_over_limit", "big.mp4", 413, "too_large", f"{LIMIT_MB}.0 MB limit"),
    Case("../ in the file name", "talk", "../../etc/passwd.mp4", 422, "invalid_input", "plain name"),
    Case(
        "CRLF in the file name",
        "talk",
        "a\r\nContent-Type: text/html.mp4",
        422,
        "invalid_input",
        "header names none",
        True,
    ),
    Case("NUL in the file name", "talk", "talk.mp4\x00.exe", 422, "invalid_input", "control characters", True),
    Case("long Unicode file name", "talk", "é" * 200 + ".mp4", 422, "invalid_input", "longer than 255 bytes"),
]


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="avbad-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def corpus(data_dir: Path) -> dict[str, Path]:
    made = load_corpus_maker().make_corpus(data_dir / "corpus", limit_bytes=LIMIT_MB * 1024 * 1024)
    return {**made, "talk": TALK}


@pytest.fixture(scope="module")
def api(database_url: str, redis_url: str, data_dir: Path) -> Iterator[RunningApp]:
    env = api_env(database_url, redis_url, data_dir, max_upload_mb=str(LIMIT_MB), default_video_limit="1")
    running = start_askvideo(["serve", "--api-only"], env, data_dir)
    yield running
    stop_askvideo(running)


@pytest.fixture(scope="module")
def client(api: RunningApp) -> Iterator[httpx.Client]:
    with api.client() as client:
        client.timeout = 30
        yield client


def raw_multipart(file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHostile\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
            f"Content-Type: video/mp4\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def send(client: httpx.Client, headers: dict[str, str], case: Case, path: Path) -> httpx.Response:
    content = path.read_bytes()
    if case.raw_name:
        body, content_type = raw_multipart(case.wire_name, content)
        return client.post("/api/videos", content=body, headers={**headers, "Content-Type": content_type})
    return client.post(
        "/api/videos",
        data={"title": "Hostile"},
        files={"file": (case.wire_name, content, "video/mp4")},
        headers=headers,
    )


def stored_files(data_dir: Path) -> list[str]:
    return sorted(str(p) for p in (data_dir / "media").rglob("*") if p.is_file())


def leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "uploads").glob("*")) if (data_dir / "uploads").exists() else []


def test_the_corpus_has_at_least_twelve_hostile_files() -> None:
    assert len(CASES) + 1 >= 12  # + the over-quota case below


@pytest.fixture(scope="module")
def hostile(client: httpx.Client, data_dir: Path) -> dict[str, str]:
    """One user for every refused upload (none of them may count against the quota of 1)."""
    return sign_in(client, data_dir / "outbox", "bad")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_upload_gets_its_own_4xx_and_leaves_nothing(
    client: httpx.Client, api: RunningApp, data_dir: Path, corpus: dict[str, Path], hostile: dict, case: Case
) -> None:
    headers = hostile
    files_before = stored_files(data_dir)
    response = send(client, headers, case, corpus[case.file])
    assert response.status_code == case.status, f"{case.name}: {response.status_code} {response.text}"
    assert response.json()["code"] == case.code
    assert case.says in response.json()["detail"], response.json()["detail"]
    assert client.get("/api/videos", headers=headers).json()["total"] == 0, "a row was stored"
    assert stored_files(data_dir) == files_before, "a file was stored"
    assert leftovers(data_dir) == [], "a temporary file was left behind"
    assert "Traceback" not in api.log


def test_over_the_quota_is_403_before_the_body_is_read_and_audio_only_is_accepted(
    client: httpx.Client, api: RunningApp, data_dir: Path, corpus: dict[str, Path]
) -> None:
    headers = sign_in(client, data_dir / "outbox", "quota")
    audio = corpus["audio_only"]
    accepted = client.post(
        "/api/videos",
        data={"title": "Voice memo"},
        files={"file": ("memo.m4a", audio.read_bytes(), "audio/mp4")},
        headers=headers,
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["contentType"].startswith("audio/")
    files_before = stored_files(data_dir)
    refused = client.post(
        "/api/videos",
        data={"title": "One too many"},
        files={"file": ("talk.mp4", TALK.read_bytes(), "video/mp4")},
        headers=headers,
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "limit_reached")
    assert "limit" in refused.json()["detail"]
    assert client.get("/api/videos", headers=headers).json()["total"] == 1
    assert stored_files(data_dir) == files_before
    assert leftovers(data_dir) == []
