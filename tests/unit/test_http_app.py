"""The HTTP edge on the in-memory wiring: routes, error shape, request ids, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

OPERATOR_TOKEN = "operator-token-for-the-tests-0123456789"
OPERATOR = {"X-Operator-Token": OPERATOR_TOKEN}


@pytest.fixture
def client() -> Iterator[TestClient]:
    container = build_container(Settings(wiring="memory", operator_token=OPERATOR_TOKEN))
    with TestClient(create_app(container)) as client:
        client.container = container  # type: ignore[attr-defined]
        yield client


class TestHealth:
    def test_live_answers_ok(self, client: TestClient) -> None:
        response = client.get("/health/live")
        assert (response.status_code, response.json()) == (200, {"status": "ok"})

    def test_ready_lists_each_part(self, client: TestClient) -> None:
        response = client.get("/health/ready")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "parts": [{"name": "queue", "ok": True, "detail": "ok"}]}

    def test_ready_is_503_naming_the_part_that_is_down(self, client: TestClient) -> None:
        client.container.gateways.job_queue().down = True  # type: ignore[attr-defined]
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert response.json()["parts"] == [{"name": "queue", "ok": False, "detail": "queue is down"}]


class TestPipelineCheck:
    def test_a_queued_check_is_done_by_the_in_process_runner(self, client: TestClient) -> None:
        started = client.post("/api/system/pipeline-checks", headers=OPERATOR)
        assert started.status_code == 202
        check = client.get(f"/api/system/pipeline-checks/{started.json()['id']}", headers=OPERATOR).json()
        assert (check["status"], check["worker"]) == ("done", "in-process")
        assert check["completedAt"] >= check["createdAt"]

    def test_an_unknown_check_is_404_in_the_error_shape(self, client: TestClient) -> None:
        response = client.get("/api/system/pipeline-checks/00000000-0000-0000-0000-000000000000", headers=OPERATOR)
        assert response.status_code == 404
        assert response.json() == {"detail": "There is no pipeline check with that id.", "code": "not_found"}

    def test_a_malformed_id_is_404_not_500(self, client: TestClient) -> None:
        response = client.get("/api/system/pipeline-checks/not-a-uuid", headers=OPERATOR)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_a_down_queue_gives_503_in_the_error_shape(self, client: TestClient) -> None:
        client.container.gateways.job_queue().down = True  # type: ignore[attr-defined]
        response = client.post("/api/system/pipeline-checks", headers=OPERATOR)
        assert response.status_code == 503
        assert response.json() == {"detail": "The job queue cannot be reached.", "code": "unavailable"}

    def test_without_the_operator_token_it_is_401_and_nothing_is_queued(self, client: TestClient) -> None:
        for headers in ({}, {"X-Operator-Token": OPERATOR_TOKEN + "x"}, {"Authorization": f"Bearer {OPERATOR_TOKEN}"}):
            response = client.post("/api/system/pipeline-checks", headers=headers)
            assert (response.status_code, response.json()["code"]) == (401, "unauthorized")
        assert client.get("/api/system/pipeline-checks/00000000-0000-0000-0000-000000000000").status_code == 401

    def test_with_no_operator_token_configured_the_checks_do_not_exist(self) -> None:
        with TestClient(create_app(build_container(Settings(wiring="memory")))) as client:
            response = client.post("/api/system/pipeline-checks", headers=OPERATOR)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_a_wrong_method_is_405_in_the_error_shape(self, client: TestClient) -> None:
        response = client.delete("/api/system/pipeline-checks", headers=OPERATOR)
        assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")


class TestRequestId:
    def test_every_response_carries_a_new_request_id(self, client: TestClient) -> None:
        first, second = client.get("/health/live"), client.get("/health/live")
        assert len(first.headers["x-request-id"]) == 32
        assert first.headers["x-request-id"] != second.headers["x-request-id"]

    def test_a_plain_client_request_id_is_kept(self, client: TestClient) -> None:
        response = client.get("/health/live", headers={"X-Request-ID": "trace-42"})
        assert response.headers["x-request-id"] == "trace-42"

    def test_a_request_id_that_could_forge_log_lines_is_replaced(self, client: TestClient) -> None:
        response = client.get("/health/live", headers={"X-Request-ID": "a b\tc" + "x" * 80})
        assert response.headers["x-request-id"] != "a b\tc" + "x" * 80
        assert len(response.headers["x-request-id"]) == 32


def test_the_openapi_schema_describes_every_route(client: TestClient) -> None:
    schema = client.get("/schema/openapi.json").json()
    described = [op for path in schema["paths"].values() for op in path.values()]
    assert [op["operationId"] for op in described if not op.get("summary")] == []
    operations = {op["operationId"] for op in described}
    assert operations == {
        "getLiveness",
        "getReadiness",
        "getMetrics",
        "startPipelineCheck",
        "getPipelineCheck",
        "signUp",
        "verifyEmail",
        "resendVerification",
        "logIn",
        "refreshSession",
        "logOut",
        "forgotPassword",
        "resetPassword",
        "getMe",
        "updateMe",
        "changePassword",
        "setOpenAiKey",
        "clearOpenAiKey",
        "deleteMe",
        "uploadVideo",
        "listVideos",
        "getVideo",
        "editVideo",
        "deleteVideo",
        "retryVideo",
        "getTranscript",
        "downloadTranscriptSrt",
        "downloadTranscriptVtt",
        "streamVideo",
        "askQuestion",
        "listQuestions",
        "exportQuestions",
        "giveFeedback",
        "createGroup",
        "listGroups",
        "getGroup",
        "editGroup",
        "deleteGroup",
        "addGroupVideos",
        "removeGroupVideo",
        "reorderGroup",
        "shareGroup",
        "revokeShare",
        "getSharedGroup",
        "streamSharedVideo",
        "askSharedGroup",
        "createApiKey",
        "listApiKeys",
        "revokeApiKey",
        "listTags",
        "createTag",
        "editTag",
        "deleteTag",
        "attachTag",
        "detachTag",
        "searchLibrary",
        "listModels",
        "createChatCompletion",
    }
    upload = schema["paths"]["/api/videos"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["required"] == ["title", "file"]
    assert "503" in schema["paths"]["/health/ready"]["get"]["responses"]
