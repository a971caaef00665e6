"""Videos over the HTTP edge on the in-memory wiring: streaming upload, errors, listing, transcripts, Range."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dependency_injector import providers
from litestar.testing import TestClient

from adapters.memory import InMemoryBlobStorage, fake_media
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.unit.world import TALK

PASSWORD = "correct horse battery"


@pytest.fixture
def client(tmp_path) -> Iterator[TestClient]:
    settings = Settings(wiring="memory", data_dir=tmp_path, max_upload_mb=1, default_video_limit=3)
    container = build_container(settings)
    with TestClient(create_app(container)) as client:
        client.container = container  # type: ignore[attr-defined]
        client.post("/api/auth/signup", json={"username": "ada", "email": "ada@example.org", "password": PASSWORD})
        mail = container.gateways.mailer().sent[-1].body
        client.post("/api/auth/verify-email", json={"token": mail.split("token=")[1].split()[0]})
        tokens = client.post(
            "/api/auth/login", json={"login": "ada", "password": PASSWORD, "tokenDelivery": "body"}
        ).json()
        client.headers["Authorization"] = f"Bearer {tokens['accessToken']}"
        yield client


def upload(client: TestClient, content: bytes = TALK, title: str = "Lecture 1", name: str = "talk.mp4"):
    return client.post(
        "/api/videos", files={"file": (name, content, "video/mp4")}, data={"title": title, "description": "Intro"}
    )


class TestUpload:
    def test_an_upload_is_processed_and_listed(self, client: TestClient) -> None:
        created = upload(client)
        assert created.status_code == 201, created.text
        video = client.get(f"/api/videos/{created.json()['id']}").json()
        # The in-memory wiring runs the job at once: it is already transcribed.
        assert (video["status"], video["stage"], video["language"], video["duration"]) == (
            "completed",
            "done",
            "en",
            30.0,
        )
        listing = client.get("/api/videos").json()
        assert (listing["total"], listing["items"][0]["title"]) == (1, "Lecture 1")

    def test_a_file_that_is_not_media_is_415_and_nothing_is_stored(self, client: TestClient) -> None:
        response = upload(client, b"<svg onload=alert(1)>", name="movie.mp4")
        assert response.status_code == 415
        assert response.json() == {"detail": "The file is not a video or audio file.", "code": "invalid_media"}
        assert client.get("/api/videos").json()["total"] == 0
        assert client.container.gateways.storage().blobs == {}  # type: ignore[attr-defined]

    def test_an_empty_file_is_refused(self, client: TestClient) -> None:
        response = upload(client, b"")
        assert (response.status_code, response.json()["detail"]) == (415, "The file is empty.")

    def test_a_file_over_the_size_limit_is_413(self, client: TestClient) -> None:
        big = fake_media(10.0) + b"\n" + b"x" * (1024 * 1024)
        response = upload(client, big)
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        assert "1.0 MB limit" in response.json()["detail"]
        assert client.get("/api/videos").json()["total"] == 0

    def test_the_video_limit_is_403_with_a_reason(self, client: TestClient) -> None:
        for n in range(3):
            assert upload(client, title=f"v{n}").status_code == 201
        response = upload(client)
        assert (response.status_code, response.json()["code"]) == (403, "limit_reached")

    def test_a_form_without_a_file_or_title_is_422(self, client: TestClient) -> None:
        no_file = client.post("/api/videos", data={"title": "x"}, files={"other": ("a", b"b", "text/plain")})
        assert (no_file.status_code, no_file.json()["detail"]) == (422, "The form has no `file` field with the video.")
        no_title = client.post("/api/videos", files={"file": ("talk.mp4", TALK, "video/mp4")})
        assert (no_title.status_code, no_title.json()["detail"]) == (422, "A video needs a title.")
        not_multipart = client.post("/api/videos", json={"title": "x"})
        assert not_multipart.status_code == 422

    def test_uploading_needs_a_login(self, client: TestClient) -> None:
        del client.headers["Authorization"]
        assert upload(client).status_code == 401


class TestVideoEndpoints:
    def test_transcript_as_json_srt_and_webvtt(self, client: TestClient) -> None:
        video_id = upload(client).json()["id"]
        transcript = client.get(f"/api/videos/{video_id}/transcript").json()
        assert transcript["segments"][1]["text"] == "The capital of Australia is Canberra."
        assert transcript["segments"][1]["words"][0]["text"] == "The"
        assert transcript["segments"][1]["words"][0]["start"] == 4.0
        srt = client.get(f"/api/videos/{video_id}/transcript.srt")
        assert srt.headers["content-type"].startswith("application/x-subrip")
        assert 'filename="Lecture 1.srt"' in srt.headers["content-disposition"]
        assert "2\n00:00:04,000 --> 00:00:09,000\nThe capital of Australia is Canberra." in srt.text
        vtt = client.get(f"/api/videos/{video_id}/transcript.vtt")
        assert vtt.text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nWelcome to the course.")

    def test_edit_retry_and_delete(self, client: TestClient) -> None:
        video_id = upload(client).json()["id"]
        edited = client.patch(f"/api/videos/{video_id}", json={"title": "New title"})
        assert edited.json()["title"] == "New title"
        assert client.post(f"/api/videos/{video_id}/retry").status_code == 409
        assert client.delete(f"/api/videos/{video_id}").status_code == 204
        assert client.get(f"/api/videos/{video_id}").status_code == 404

    def test_list_filters_and_validates_its_parameters(self, client: TestClient) -> None:
        upload(client, title="Physics")
        upload(client, title="Chemistry")
        assert [v["title"] for v in client.get("/api/videos?search=phys").json()["items"]] == ["Physics"]
        assert client.get("/api/videos?status=error").json()["total"] == 0
        assert client.get("/api/videos?limit=0").status_code == 400
        assert client.get("/api/videos?status=bogus").status_code == 400


class TestMediaRanges:
    @pytest.fixture
    def video_id(self, client: TestClient) -> str:
        return upload(client).json()["id"]

    def test_the_whole_file_without_a_range(self, client: TestClient, video_id: str) -> None:
        response = client.get(f"/api/videos/{video_id}/media")
        assert (response.status_code, response.content) == (200, TALK)
        assert response.headers["accept-ranges"] == "bytes"
        assert response.headers["content-length"] == str(len(TALK))

    @pytest.mark.parametrize(
        ("header", "start", "end"),
        [
            ("bytes=0-9", 0, 9),
            ("bytes=10-", 10, len(TALK) - 1),
            ("bytes=-5", len(TALK) - 5, len(TALK) - 1),
            ("bytes=5-100000", 5, len(TALK) - 1),
        ],
    )
    def test_a_range_is_206_with_its_bytes(
        self, client: TestClient, video_id: str, header: str, start: int, end: int
    ) -> None:
        response = client.get(f"/api/videos/{video_id}/media", headers={"Range": header})
        assert response.status_code == 206
        assert response.content == TALK[start : end + 1]
        assert response.headers["content-range"] == f"bytes {start}-{end}/{len(TALK)}"
        assert response.headers["content-length"] == str(end - start + 1)

    @pytest.mark.parametrize("header", [f"bytes={len(TALK)}-", "bytes=-0", "bytes=9-3"])
    def test_an_unsatisfiable_range_is_416(self, client: TestClient, video_id: str, header: str) -> None:
        response = client.get(f"/api/videos/{video_id}/media", headers={"Range": header})
        assert response.status_code == 416
        assert response.headers["content-range"] == f"bytes */{len(TALK)}"

    def test_a_multi_range_request_gets_the_whole_file(self, client: TestClient, video_id: str) -> None:
        response = client.get(f"/api/videos/{video_id}/media", headers={"Range": "bytes=0-1,5-6"})
        assert (response.status_code, len(response.content)) == (200, len(TALK))


class TestQuestionsOverHttp:
    def test_ask_json_and_an_unknown_video_is_404_even_when_streaming(self, client: TestClient) -> None:
        upload(client)
        answer = client.post(
            "/api/questions", json={"question": "What is the capital of Australia?", "scope": {"kind": "library"}}
        )
        assert answer.status_code == 200
        assert answer.json()["citations"][0]["startSec"] == 4.0
        missing = client.post(
            "/api/questions",
            json={"question": "x?", "scope": {"kind": "video", "videoId": "00000000-0000-0000-0000-000000000000"}},
            headers={"Accept": "text/event-stream"},
        )
        assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
        no_id = client.post("/api/questions", json={"question": "x?", "scope": {"kind": "video"}})
        assert (no_id.status_code, no_id.json()["detail"]) == (422, "A question about a video needs its videoId.")

    def test_history_needs_a_known_scope(self, client: TestClient) -> None:
        assert client.get("/api/questions", params={"scope": "galaxy"}).status_code == 422
        assert client.get("/api/questions", params={"scope": "video"}).status_code == 422
        assert client.get("/api/questions").json()["total"] == 0


async def test_an_error_after_the_stream_started_becomes_an_error_event() -> None:
    from domain.errors import Unavailable  # noqa: PLC0415
    from entrypoints.http.controllers.questions import _events  # noqa: PLC0415

    async def failing():
        yield "Canberra"
        raise Unavailable("The answer service cannot be reached right now.")

    events = [event async for event in _events(failing())]
    assert [e.event for e in events] == ["delta", "error"]
    assert '"status": 503' in events[1].data


class TestGroupsAndSharingOverHttp:
    def test_the_sharing_story(self, client: TestClient) -> None:
        first = upload(client, title="Geography").json()["id"]
        second = upload(client, title="Geography 2").json()["id"]
        group = client.post("/api/groups", json={"name": "Course", "description": "Week 1"}).json()
        added = client.post(f"/api/groups/{group['id']}/videos", json={"videoIds": [first, second]})
        assert [v["id"] for v in added.json()["videos"]] == [first, second]
        reordered = client.put(f"/api/groups/{group['id']}/order", json={"videoIds": [second, first]})
        assert [v["id"] for v in reordered.json()["videos"]] == [second, first]
        bad_order = client.put(f"/api/groups/{group['id']}/order", json={"videoIds": [first]})
        assert bad_order.status_code == 422
        link = client.post(f"/api/groups/{group['id']}/share", json={"expiresInDays": 7}).json()
        token = link["token"]
        assert link["path"] == f"/shared/{token}"

        guest = TestClient(client.app)
        guest.__enter__()
        try:
            seen = guest.get(f"/api/shared/{token}").json()
            assert seen["name"] == "Course"
            assert "ownerId" not in seen
            part = guest.get(f"/api/shared/{token}/videos/{first}/media", headers={"Range": "bytes=0-8"})
            assert (part.status_code, part.content) == (206, TALK[:9])
            answer = guest.post(
                f"/api/shared/{token}/questions", json={"question": "What is the capital of Australia?"}
            )
            assert answer.json()["shared"] is True
            history = client.get("/api/questions", params={"scope": "group", "groupId": group["id"]}).json()
            assert history["items"][0]["chatId"] == answer.json()["chatId"]
            assert client.delete(f"/api/groups/{group['id']}/share").status_code == 204
            for path in ("", f"/videos/{first}/media"):
                gone = guest.get(f"/api/shared/{token}{path}")
                assert (gone.status_code, gone.json()["code"]) == (404, "not_found")
            assert guest.post(f"/api/shared/{token}/questions", json={"question": "x?"}).status_code == 404
        finally:
            guest.__exit__(None, None, None)

    def test_a_video_outside_the_group_is_not_reachable_with_the_link(self, client: TestClient) -> None:
        inside, outside = upload(client).json()["id"], upload(client).json()["id"]
        group = client.post("/api/groups", json={"name": "One"}).json()
        client.post(f"/api/groups/{group['id']}/videos", json={"videoIds": [inside]})
        token = client.post(f"/api/groups/{group['id']}/share").json()["token"]
        del client.headers["Authorization"]
        assert client.get(f"/api/shared/{token}/videos/{outside}/media").status_code == 404
        assert client.get(f"/api/shared/{token}x").status_code == 404


class TestMediaDelivery:
    def test_behind_nginx_the_api_hands_the_file_over_with_x_accel_redirect(self, tmp_path) -> None:
        settings = Settings(wiring="memory", data_dir=tmp_path, media_accel_prefix="/_media/")
        container = build_container(settings)
        with TestClient(create_app(container)) as client:
            _log_in(client, container)
            video = upload(client).json()
            response = client.get(f"/api/videos/{video['id']}/media", headers={"Range": "bytes=0-9"})
        assert response.status_code == 200
        assert response.content == b""
        assert response.headers["x-accel-redirect"].startswith("/_media/videos/")
        assert response.headers["x-accel-redirect"].endswith(video["id"])

    def test_behind_nginx_an_s3_object_is_handed_over_with_its_presigned_path_and_query(self, tmp_path) -> None:
        container = build_container(Settings(wiring="memory", data_dir=tmp_path, media_accel_prefix="/_media/"))
        container.gateways.storage.override(providers.Singleton(SignedStorage))
        with TestClient(create_app(container)) as client:
            _log_in(client, container)
            video = upload(client).json()
            response = client.get(f"/api/videos/{video['id']}/media", follow_redirects=False)
        assert response.status_code == 200
        target = response.headers["x-accel-redirect"]
        assert target.startswith("/_media/s3/askvideo/videos/")
        assert target.endswith(f"{video['id']}?X-Amz-Expires=300&X-Amz-Signature=abc")

    def test_without_nginx_an_s3_object_is_streamed_never_redirected_to_the_bucket(self, tmp_path) -> None:
        # The pages' CSP allows media from 'self' only: a redirect to the bucket's address would not play.
        container = build_container(Settings(wiring="memory", data_dir=tmp_path))
        container.gateways.storage.override(providers.Singleton(SignedStorage))
        with TestClient(create_app(container)) as client:
            _log_in(client, container)
            video = upload(client).json()
            response = client.get(
                f"/api/videos/{video['id']}/media", headers={"Range": "bytes=0-9"}, follow_redirects=False
            )
        assert response.status_code == 206
        assert len(response.content) == 10
        assert "location" not in response.headers


class SignedStorage(InMemoryBlobStorage):
    """Storage that signs URLs, as S3 does (path-style, like MinIO's)."""

    async def presigned_url(self, key: str, *, expires_in: int) -> str | None:
        return f"http://minio:9000/askvideo/{key}?X-Amz-Expires={expires_in}&X-Amz-Signature=abc"


def _log_in(client: TestClient, container) -> None:
    client.post("/api/auth/signup", json={"username": "ada", "email": "ada@example.org", "password": PASSWORD})
    mail = container.gateways.mailer().sent[-1].body
    client.post("/api/auth/verify-email", json={"token": mail.split("token=")[1].split()[0]})
    tokens = client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD, "tokenDelivery": "body"}).json()
    client.headers["Authorization"] = f"Bearer {tokens['accessToken']}"
