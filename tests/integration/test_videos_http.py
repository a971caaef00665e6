"""The video story over real HTTP on the embedded default: `askvideo serve` (API + Dramatiq worker + embedded
PostgreSQL/pgvector and Redis), real PyAV decoding, offline faster-whisper and the offline embedder."""

from __future__ import annotations

import email
import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.integration.conftest import RunningApp, start_askvideo, stop_askvideo

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"
TALK = json.loads((MEDIA / "talk.json").read_text())
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="avvid-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def app(data_dir: Path) -> Iterator[RunningApp]:
    running = start_askvideo(
        ["serve"],
        {"ASKVIDEO_DATA_DIR": str(data_dir), "ASKVIDEO_COOKIE_SECURE": "false", "ASKVIDEO_MAX_UPLOAD_MB": "5"},
        data_dir,
    )
    yield running
    stop_askvideo(running)


@pytest.fixture(scope="module")
def client(app: RunningApp, data_dir: Path) -> Iterator[httpx.Client]:
    with app.client() as client:
        client.timeout = 60
        client.post("/api/auth/signup", json={"username": "vid", "email": "vid@example.org", "password": PASSWORD})
        message = email.message_from_bytes(next((data_dir / "outbox").glob("*.eml")).read_bytes())
        token = message.get_payload(decode=True).decode().split("token=")[1].split()[0]
        client.post("/api/auth/verify-email", json={"token": token})
        tokens = client.post(
            "/api/auth/login", json={"login": "vid", "password": PASSWORD, "tokenDelivery": "body"}
        ).json()
        client.headers["Authorization"] = f"Bearer {tokens['accessToken']}"
        yield client


def upload(client: httpx.Client, name: str, title: str = "Talk") -> httpx.Response:
    with (MEDIA / name).open("rb") as handle:
        return client.post("/api/videos", data={"title": title}, files={"file": (name, handle, "video/mp4")})


def database_url(data_dir: Path) -> str:
    return f"postgresql://postgres@/askvideo?host={data_dir / 'postgres'}"


def wait_until_done(client: httpx.Client, video_id: str, timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    seen = set()
    while time.monotonic() < deadline:
        video = client.get(f"/api/videos/{video_id}").json()
        seen.add(video["stage"])
        if video["status"] in {"completed", "error"}:
            video["stages_seen"] = seen
            return video
        time.sleep(0.3)
    pytest.fail(f"video {video_id} not processed within {timeout} s: {video}")


@pytest.fixture(scope="module")
def processed(client: httpx.Client) -> dict:
    """A fixture video, uploaded and processed once for the tests below."""
    created = upload(client, "talk.mp4", "Spoken facts")
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending"
    assert created.json()["contentType"] == "video/mp4"
    return wait_until_done(client, created.json()["id"])


class TestUploadToIndex:
    def test_the_worker_transcribes_and_completes_it(self, processed: dict) -> None:
        assert processed["status"] == "completed", processed
        assert processed["language"] == "en"
        assert processed["duration"] == pytest.approx(TALK["duration"], abs=0.5)

    def test_the_transcript_has_the_spoken_words_at_the_right_seconds(
        self, client: httpx.Client, processed: dict
    ) -> None:
        transcript = client.get(f"/api/videos/{processed['id']}/transcript").json()
        words = [(w["text"].strip(" .,").lower(), w["start"]) for s in transcript["segments"] for w in s["words"]]
        for sentence in TALK["sentences"][:3]:
            first_keyword = sentence["keywords"][0]
            said_at = [start for text, start in words if text == first_keyword]
            assert said_at, f"{first_keyword!r} not heard"
            spoken = sentence["start"] + (sentence["end"] - sentence["start"]) * 0.0
            assert min(abs(start - spoken) for start in said_at) <= sentence["end"] - sentence["start"] + 1.0

    def test_scenes_are_in_pgvector_once(self, processed: dict, data_dir: Path) -> None:
        with psycopg.connect(database_url(data_dir)) as db:
            rows = db.execute(
                "select sc.index, sc.text, sc.embedder, jsonb_array_length(sc.sentences), count(s.id),"
                " min(vector_dims(s.embedding)), string_agg(s.terms, ' ')"
                " from scene sc join scene_sentence s on s.scene_id = sc.id"
                " where sc.video_id = %s group by sc.id order by sc.index",
                (processed["id"],),
            ).fetchall()
        assert rows
        assert [r[0] for r in rows] == list(range(len(rows)))
        assert all(r[2] == "multilingual-e5-small-q4" and r[3] == r[4] and r[5] == 384 for r in rows)
        assert "canberra" in " ".join(r[1] for r in rows).lower()
        assert "canberra" in " ".join(r[6] for r in rows)  # the normalised terms the full-text half searches

    def test_the_video_streams_with_http_ranges(self, client: httpx.Client, processed: dict) -> None:
        size = (MEDIA / "talk.mp4").stat().st_size
        part = client.get(f"/api/videos/{processed['id']}/media", headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.content == (MEDIA / "talk.mp4").read_bytes()[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{size}"
        beyond = client.get(f"/api/videos/{processed['id']}/media", headers={"Range": f"bytes={size}-"})
        assert beyond.status_code == 416

    def test_srt_export(self, client: httpx.Client, processed: dict) -> None:
        srt = client.get(f"/api/videos/{processed['id']}/transcript.srt")
        assert srt.status_code == 200
        assert srt.text.startswith("1\n00:00:0")


class TestBadUploads:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("empty.mp4", "empty"),
            ("not_media.mp4", "not a video or audio file"),
            ("no_audio.mp4", "no audio"),
            ("truncated.mp4", "incomplete or damaged"),
        ],
    )
    def test_each_is_refused_with_its_reason_and_nothing_is_stored(
        self, client: httpx.Client, data_dir: Path, name: str, message: str
    ) -> None:
        before = client.get("/api/videos").json()["total"]
        stored_before = sorted(p.name for p in (data_dir / "media").rglob("*") if p.is_file())
        response = upload(client, name)
        assert response.status_code == 415, response.text
        assert message in response.json()["detail"]
        assert client.get("/api/videos").json()["total"] == before
        assert sorted(p.name for p in (data_dir / "media").rglob("*") if p.is_file()) == stored_before
        assert list((data_dir / "uploads").glob("*")) == []

    def test_a_file_over_the_size_limit_is_413_and_leaves_no_temporary_file(
        self, client: httpx.Client, data_dir: Path
    ) -> None:
        response = client.post(
            "/api/videos", data={"title": "big"}, files={"file": ("big.mp4", b"\0" * (6 * 1024 * 1024), "video/mp4")}
        )
        assert (response.status_code, response.json()["code"]) == (413, "too_large")
        assert list((data_dir / "uploads").glob("*")) == []


def test_deleting_a_video_removes_its_file_and_scenes(client: httpx.Client, data_dir: Path) -> None:
    created = upload(client, "talk.mp4", "To delete").json()
    wait_until_done(client, created["id"])
    assert client.delete(f"/api/videos/{created['id']}").status_code == 204
    with psycopg.connect(database_url(data_dir)) as db:
        assert db.execute("select count(*) from scene where video_id = %s", (created["id"],)).fetchone() == (0,)
    assert not any(created["id"] in str(p) for p in (data_dir / "media").rglob("*"))


class TestQuestions:
    def test_an_answer_cites_the_second_where_it_is_said(self, client: httpx.Client, processed: dict) -> None:
        response = client.post(
            "/api/questions",
            json={
                "question": "What is the capital of Australia?",
                "scope": {"kind": "video", "videoId": processed["id"]},
            },
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["grounded"] is True
        assert "canberra" in answer["answer"].lower()
        cited = answer["citations"][0]
        truth = TALK["sentences"][0]
        assert cited["videoId"] == processed["id"]
        assert abs(cited["startSec"] - truth["start"]) <= 1.0
        assert cited["endSec"] - cited["startSec"] <= 10

    def test_the_answer_streams_as_server_sent_events(self, client: httpx.Client, processed: dict) -> None:
        events = []
        with client.stream(
            "POST",
            "/api/questions",
            json={"question": "Where should the blue umbrella go?", "scope": {"kind": "library"}},
            headers={"Accept": "text/event-stream"},
        ) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            event = None
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    events.append((event, line.split(":", 1)[1].strip()))
        kinds = [kind for kind, _ in events]
        assert kinds[-1] == "answer"
        assert "delta" in kinds
        final = json.loads(events[-1][1])
        assert "".join(json.loads(data) for kind, data in events if kind == "delta") == final["answer"]
        assert "station" in final["answer"].lower()

    def test_an_uncovered_question_is_refused_and_history_feedback_and_csv_work(
        self, client: httpx.Client, processed: dict
    ) -> None:
        scope = {"kind": "video", "videoId": processed["id"]}
        refused = client.post("/api/questions", json={"question": "Who painted the Mona Lisa?", "scope": scope}).json()
        assert (refused["grounded"], refused["citations"]) == (False, [])
        history = client.get("/api/questions", params={"scope": "video", "videoId": processed["id"]}).json()
        assert history["items"][0]["chatId"] == refused["chatId"]
        rated = client.put(f"/api/questions/{refused['chatId']}/feedback", json={"feedback": "bad"})
        assert rated.json()["feedback"] == "bad"
        csv_response = client.get("/api/questions/export.csv", params={"scope": "video", "videoId": processed["id"]})
        assert csv_response.headers["content-type"].startswith("text/csv")
        assert csv_response.content.startswith(b"\xef\xbb\xbftime,question")
        assert "Who painted the Mona Lisa?" in csv_response.content.decode("utf-8-sig")

    def test_questions_about_a_video_not_mine_or_not_ready_are_refused(
        self, client: httpx.Client, processed: dict
    ) -> None:
        missing = client.post(
            "/api/questions",
            json={"question": "x?", "scope": {"kind": "video", "videoId": "00000000-0000-0000-0000-000000000000"}},
        )
        assert missing.status_code == 404
        empty = client.post("/api/questions", json={"question": "   ", "scope": {"kind": "library"}})
        assert (empty.status_code, empty.json()["detail"]) == (422, "Ask a question.")


def test_the_group_sharing_story_over_real_http(app: RunningApp, client: httpx.Client, processed: dict) -> None:
    second = upload(client, "talk.mp4", "Second copy").json()["id"]
    wait_until_done(client, second)
    group = client.post("/api/groups", json={"name": "Shared facts"}).json()
    client.post(f"/api/groups/{group['id']}/videos", json={"videoIds": [processed["id"], second]})
    token = client.post(f"/api/groups/{group['id']}/share").json()["token"]
    with httpx.Client(base_url=app.base_url, timeout=60) as guest:
        seen = guest.get(f"/api/shared/{token}").json()
        assert [v["id"] for v in seen["videos"]] == [processed["id"], second]
        part = guest.get(f"/api/shared/{token}/videos/{second}/media", headers={"Range": "bytes=0-99"})
        assert part.status_code == 206
        assert part.content == (MEDIA / "talk.mp4").read_bytes()[:100]
        answer = guest.post(f"/api/shared/{token}/questions", json={"question": "What is the capital of Australia?"})
        assert answer.status_code == 200
        assert answer.json()["shared"] is True
        assert answer.json()["citations"][0]["videoId"] in {processed["id"], second}
        history = client.get("/api/questions", params={"scope": "group", "groupId": group["id"]}).json()
        assert history["items"][0]["chatId"] == answer.json()["chatId"]
        assert client.delete(f"/api/groups/{group['id']}/share").status_code == 204
        assert guest.get(f"/api/shared/{token}").status_code == 404
        assert guest.get(f"/api/shared/{token}/videos/{second}/media").status_code == 404
