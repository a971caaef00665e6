"""API keys, tags and library search over the HTTP edge (in-memory wiring): scopes, CSRF, errors, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.unit.world import TALK

PASSWORD = "correct horse battery"


def sign_up(client: TestClient, container, name: str) -> dict[str, str]:
    client.post("/api/auth/signup", json={"username": name, "email": f"{name}@example.org", "password": PASSWORD})
    mail = container.gateways.mailer().sent[-1].body
    client.post("/api/auth/verify-email", json={"token": mail.split("token=")[1].split()[0]})
    tokens = client.post("/api/auth/login", json={"login": name, "password": PASSWORD, "tokenDelivery": "body"}).json()
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


class App:
    def __init__(self, client: TestClient, container) -> None:
        self.client, self.container = client, container
        self.ada = sign_up(client, container, "ada")
        self.bob = sign_up(client, container, "bob")
        self.video = client.post(
            "/api/videos",
            files={"file": ("t.mp4", TALK, "video/mp4")},
            data={"title": "Geography", "description": "World facts"},
            headers=self.ada,
        ).json()["id"]

    def key(self, *scopes: str, owner: dict[str, str] | None = None) -> dict[str, str]:
        created = self.client.post("/api/keys", json={"name": "k", "scopes": list(scopes)}, headers=owner or self.ada)
        assert created.status_code == 201, created.text
        return {"Authorization": f"Bearer {created.json()['secret']}"}


@pytest.fixture
def app(tmp_path) -> Iterator[App]:
    settings = Settings(wiring="memory", data_dir=tmp_path, api_key_requests_per_minute=30, cookie_secure=False)
    container = build_container(settings)
    with TestClient(create_app(container)) as client:
        yield App(client, container)


class TestApiKeysOverHttp:
    def test_the_secret_is_shown_once_and_the_list_shows_prefix_and_last_use(self, app: App) -> None:
        created = app.client.post("/api/keys", json={"name": "Laptop", "scopes": ["read"]}, headers=app.ada).json()
        assert created["secret"].startswith("av_")
        assert created["secret"].startswith(created["prefix"])
        assert created["lastUsedAt"] is None
        listed = app.client.get("/api/keys", headers=app.ada).json()
        assert [set(k) for k in listed] == [{"id", "name", "prefix", "scopes", "createdAt", "lastUsedAt"}]
        assert created["secret"] not in app.client.get("/api/keys", headers=app.ada).text
        app.client.get("/api/videos", headers={"Authorization": f"Bearer {created['secret']}"})
        assert app.client.get("/api/keys", headers=app.ada).json()[0]["lastUsedAt"] is not None

    @pytest.mark.parametrize(
        ("body", "status", "fragment"),
        [
            ({"name": "", "scopes": ["read"]}, 422, "name"),
            ({"name": "k", "scopes": []}, 422, "at least one scope"),
            ({"name": "k", "scopes": ["admin"]}, 422, "Unknown scope admin"),
            ({"name": "k"}, 400, "scopes"),
        ],
    )
    def test_bad_requests_say_what_is_wrong(self, app: App, body: dict, status: int, fragment: str) -> None:
        response = app.client.post("/api/keys", json=body, headers=app.ada)
        assert response.status_code == status
        assert fragment in response.json()["detail"]

    def test_revoking_stops_the_key_and_another_user_cannot_revoke(self, app: App) -> None:
        created = app.client.post("/api/keys", json={"name": "k", "scopes": ["read"]}, headers=app.ada).json()
        key = {"Authorization": f"Bearer {created['secret']}"}
        assert app.client.delete(f"/api/keys/{created['id']}", headers=app.bob).status_code == 404
        assert app.client.get("/api/videos", headers=key).status_code == 200
        assert app.client.delete(f"/api/keys/{created['id']}", headers=app.ada).status_code == 204
        refused = app.client.get("/api/videos", headers=key)
        assert (refused.status_code, refused.json()["code"]) == (401, "unauthorized")
        assert app.client.delete(f"/api/keys/{created['id']}", headers=app.ada).status_code == 404

    def test_an_unknown_key_is_401(self, app: App) -> None:
        response = app.client.get("/api/videos", headers={"Authorization": "Bearer av_not-a-real-key"})
        assert response.status_code == 401
        assert "not valid" in response.json()["detail"]

    def test_keys_are_rate_limited_each_on_its_own(self, app: App) -> None:
        one, two = app.key("read"), app.key("read")
        statuses = [app.client.get("/api/tags", headers=one).status_code for _ in range(31)]
        assert statuses[:30] == [200] * 30
        assert statuses[30] == 429
        refused = app.client.get("/api/tags", headers=one)
        assert int(refused.headers["retry-after"]) >= 1
        assert app.client.get("/api/tags", headers=two).status_code == 200

    def test_the_rate_limit_covers_the_openai_api_and_mcp_in_their_shapes(self, app: App) -> None:
        key = app.key("read", "ask")
        for _ in range(30):
            assert app.client.get("/v1/models", headers=key).status_code == 200
        openai_style = app.client.get("/v1/models", headers=key)
        assert openai_style.status_code == 429
        assert openai_style.json()["error"]["code"] == "rate_limit_exceeded"
        assert int(openai_style.headers["retry-after"]) >= 1
        mcp = app.client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=key)
        assert (mcp.status_code, mcp.json()["code"]) == (429, "rate_limited")
        assert int(mcp.headers["retry-after"]) >= 1


class TestOpenAiErrorShape:
    def test_unknown_paths_and_methods_under_v1_answer_like_openai(self, app: App) -> None:
        key = app.key("read", "ask")
        unknown = app.client.get("/v1/embeddings-of-everything", headers=key)
        wrong_method = app.client.delete("/v1/models", headers=key)
        assert unknown.status_code == 404
        assert unknown.json()["error"]["type"] == "invalid_request_error"
        assert unknown.json()["error"]["message"]
        assert wrong_method.status_code == 405
        assert wrong_method.json()["error"]["type"] == "invalid_request_error"

    def test_the_rest_of_the_api_keeps_its_own_shape(self, app: App) -> None:
        unknown = app.client.get("/api/no-such-thing")
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "not_found"


class TestScopesOnRoutes:
    def test_read_opens_get_routes_only(self, app: App) -> None:
        read = app.key("read")
        assert app.client.get("/api/videos", headers=read).status_code == 200
        assert app.client.get(f"/api/videos/{app.video}/transcript", headers=read).status_code == 200
        assert app.client.get("/api/search", params={"q": "capital"}, headers=read).status_code == 200
        ask = app.client.post(
            "/api/questions", json={"question": "capital?", "scope": {"kind": "library"}}, headers=read
        )
        assert (ask.status_code, ask.json()["code"]) == (403, "forbidden")
        assert "`ask` scope" in ask.json()["detail"]

    def test_ask_opens_asking_but_not_reading(self, app: App) -> None:
        ask = app.key("ask")
        answer = app.client.post(
            "/api/questions", json={"question": "capital of Australia?", "scope": {"kind": "library"}}, headers=ask
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["citations"]
        refused = app.client.get("/api/videos", headers=ask)
        assert refused.status_code == 403
        assert "`read` scope" in refused.json()["detail"]

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("GET", "/api/me", None),
            ("PATCH", "/api/me", {"displayName": "x"}),
            ("GET", "/api/keys", None),
            ("POST", "/api/keys", {"name": "minted", "scopes": ["read", "ask"]}),
            ("POST", "/api/auth/logout", None),
            ("POST", "/api/tags", {"name": "t"}),
            ("PATCH", "/api/videos/{video}", {"title": "Renamed"}),
            ("DELETE", "/api/videos/{video}", None),
            ("POST", "/api/groups", {"name": "G"}),
        ],
    )
    def test_account_keys_and_changes_are_never_open_to_a_key(
        self, app: App, method: str, path: str, body: dict | None
    ) -> None:
        both = app.key("read", "ask")
        response = app.client.request(method, path.replace("{video}", app.video), json=body, headers=both)
        assert response.status_code == 403, (method, path, response.text)
        assert app.client.get(f"/api/videos/{app.video}", headers=app.ada).json()["title"] == "Geography"
        assert len(app.client.get("/api/keys", headers=app.ada).json()) == 1

    def test_a_key_sees_only_its_owners_things(self, app: App) -> None:
        bobs = app.key("read", owner=app.bob)
        assert app.client.get(f"/api/videos/{app.video}", headers=bobs).status_code == 404
        assert app.client.get("/api/videos", headers=bobs).json()["total"] == 0


class TestCsrf:
    def test_a_cookie_session_needs_the_csrf_token_but_a_bearer_key_does_not(self, app: App) -> None:
        app.client.post("/api/auth/login", json={"login": "ada", "password": PASSWORD})  # sets the cookies
        refused = app.client.post("/api/keys", json={"name": "k", "scopes": ["read"]})
        assert (refused.status_code, refused.json()["code"]) == (403, "csrf_failed")
        csrf = {"X-CSRF-Token": app.client.cookies.get("askvideo_csrf")}
        created = app.client.post("/api/keys", json={"name": "k", "scopes": ["ask"]}, headers=csrf)
        assert created.status_code == 201
        key = {"Authorization": f"Bearer {created.json()['secret']}"}
        # No cookie is needed with a key, so no CSRF token either (the cookies still sent here are not used).
        asked = app.client.post(
            "/api/questions", json={"question": "capital of Australia?", "scope": {"kind": "library"}}, headers=key
        )
        assert asked.status_code == 200, asked.text


class TestTagsOverHttp:
    def test_create_attach_filter_rename_detach_delete(self, app: App) -> None:
        tag = app.client.post("/api/tags", json={"name": "Geo", "color": "#0A0"}, headers=app.ada)
        assert tag.status_code == 201
        assert tag.json()["color"] == "#00aa00"
        tag_id = tag.json()["id"]
        other = app.client.post("/api/tags", json={"name": "Other"}, headers=app.ada).json()["id"]
        attached = app.client.put(f"/api/videos/{app.video}/tags/{tag_id}", headers=app.ada)
        assert [t["name"] for t in attached.json()] == ["Geo"]
        listing = app.client.get("/api/videos", params={"tag": tag_id}, headers=app.ada).json()
        assert listing["total"] == 1
        assert [t["name"] for t in listing["items"][0]["tags"]] == ["Geo"]
        assert app.client.get("/api/videos", params={"tag": [tag_id, other]}, headers=app.ada).json()["total"] == 0
        renamed = app.client.patch(f"/api/tags/{tag_id}", json={"name": "Geography"}, headers=app.ada)
        assert renamed.json()["name"] == "Geography"
        assert app.client.delete(f"/api/videos/{app.video}/tags/{tag_id}", headers=app.ada).json() == []
        assert app.client.delete(f"/api/tags/{tag_id}", headers=app.ada).status_code == 204
        assert [t["name"] for t in app.client.get("/api/tags", headers=app.ada).json()] == ["Other"]

    @pytest.mark.parametrize(
        ("body", "status", "fragment"),
        [
            ({"name": "x", "color": "red"}, 422, "not a colour"),
            ({"name": "   "}, 422, "needs a name"),
            ({"name": "x" * 41}, 422, "at most 40"),
            ({"color": "#fff"}, 400, "name"),
        ],
    )
    def test_bad_tags_say_what_is_wrong(self, app: App, body: dict, status: int, fragment: str) -> None:
        response = app.client.post("/api/tags", json=body, headers=app.ada)
        assert response.status_code == status
        assert fragment in response.json()["detail"]

    def test_a_duplicate_name_is_409(self, app: App) -> None:
        app.client.post("/api/tags", json={"name": "Geo"}, headers=app.ada)
        response = app.client.post("/api/tags", json={"name": "GEO"}, headers=app.ada)
        assert (response.status_code, response.json()["code"]) == (409, "conflict")

    def test_filtering_by_an_unknown_or_foreign_tag_is_404_and_a_bad_id_400(self, app: App) -> None:
        bobs = app.client.post("/api/tags", json={"name": "Bob's"}, headers=app.bob).json()["id"]
        assert app.client.get("/api/videos", params={"tag": bobs}, headers=app.ada).status_code == 404
        assert app.client.get("/api/videos", params={"tag": "nope"}, headers=app.ada).status_code == 400

    def test_another_users_tag_or_video_is_404(self, app: App) -> None:
        bobs = app.client.post("/api/tags", json={"name": "Bob's"}, headers=app.bob).json()["id"]
        mine = app.client.post("/api/tags", json={"name": "Mine"}, headers=app.ada).json()["id"]
        assert app.client.put(f"/api/videos/{app.video}/tags/{bobs}", headers=app.ada).status_code == 404
        assert app.client.put(f"/api/videos/{app.video}/tags/{mine}", headers=app.bob).status_code == 404
        assert app.client.patch(f"/api/tags/{mine}", json={"name": "x"}, headers=app.bob).status_code == 404
        assert app.client.delete(f"/api/tags/{mine}", headers=app.bob).status_code == 404


class TestSearchOverHttp:
    def test_it_finds_the_video_with_its_moment(self, app: App) -> None:
        found = app.client.get("/api/search", params={"q": "capital of Australia"}, headers=app.ada).json()
        hit = found["items"][0]
        assert (hit["videoId"], hit["title"], hit["matchedText"]) == (app.video, "Geography", False)
        assert "Canberra" in hit["moments"][0]["text"]
        assert hit["moments"][0]["timestamp"] == "00:00:04"  # the matching sentence, not its whole scene
        by_title = app.client.get("/api/search", params={"q": "geography"}, headers=app.ada).json()
        assert by_title["items"][0]["matchedText"] is True

    @pytest.mark.parametrize(
        ("params", "status"), [({}, 422), ({"q": "  "}, 422), ({"q": "x" * 301}, 400), ({"q": "x", "limit": 0}, 400)]
    )
    def test_bad_queries_are_refused(self, app: App, params: dict, status: int) -> None:
        assert app.client.get("/api/search", params=params, headers=app.ada).status_code == status

    def test_it_needs_a_caller(self, app: App) -> None:
        assert app.client.get("/api/search", params={"q": "capital"}).status_code == 401
