"""Generated from the app's route table, so a new endpoint cannot escape:

1. every route is public by name, needs a logged-in caller, or is opened by a share token;
2. every route that names an object (video, group, chat) or a share link is denied — 404, never leaking whether the
   object exists — to another user, to a guest holding another group's link, a revoked link or an expired link, and
   to nobody at all (401); nothing changes while they try; the owner succeeds.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from adapters.memory import FakeClock
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.unit.world import TALK

PASSWORD = "correct horse battery"
PUBLIC = {
    "getLiveness",
    "getReadiness",
    "signUp",
    "verifyEmail",
    "resendVerification",
    "logIn",
    "refreshSession",
    "forgotPassword",
    "resetPassword",
    # Prometheus scrape: open unless ASKVIDEO_METRICS_TOKEN is set (then a bearer token); aggregate counts only.
    "getMetrics",
    # The built web UI's files and pages (present once frontend/dist is built): the same for everyone, no data.
    "getWebUiIndex",
    "getWebUiPage",
}
# Dependencies that prove who calls: a logged-in user, or the operator (ASKVIDEO_OPERATOR_TOKEN).
GUARDS = ("caller", "operator")
# ASGI apps mounted whole (no handler signature to read): each must authenticate every request itself, which
# test_mounted_apps_authenticate_every_request_themselves checks at run time.
SELF_AUTHENTICATING_MOUNTS = {"/mcp"}
OPERATOR_TOKEN = "operator-token-for-the-tests-0123456789"
# Valid bodies, so that a refusal is about access and not about a malformed request.
BODIES = {
    "editVideo": {"title": "Renamed"},
    "giveFeedback": {"feedback": "bad"},
    "editGroup": {"name": "Renamed"},
    "editTag": {"name": "Renamed"},
    "addGroupVideos": "OTHER_VIDEO",
    "reorderGroup": "OWNER_ORDER",
    "shareGroup": {},
    "askSharedGroup": {"question": "What is the capital of Australia?"},
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    operation_id: str
    needs_caller: bool
    guarded: bool


def endpoints(app: Litestar) -> list[Endpoint]:
    found = []
    for route in app.routes:
        for method, value in getattr(route, "route_handler_map", {}).items():
            handler = value[0] if isinstance(value, tuple) else value
            if method == "OPTIONS" or route.path.startswith("/schema"):
                continue
            parameters = handler.parsed_fn_signature.parameters
            found.append(
                Endpoint(
                    method,
                    route.path,
                    handler.operation_id,
                    needs_caller="caller" in parameters,
                    guarded=any(guard in parameters for guard in GUARDS),
                )
            )
    return found


@dataclass
class Scene:
    client: TestClient
    clock: FakeClock
    owner: dict[str, str]
    other: dict[str, str]
    ids: dict[str, str]
    tokens: dict[str, str]
    container: object


def sign_in(client: TestClient, container, name: str) -> dict[str, str]:
    client.post("/api/auth/signup", json={"username": name, "email": f"{name}@example.org", "password": PASSWORD})
    mail = container.gateways.mailer().sent[-1].body
    client.post("/api/auth/verify-email", json={"token": mail.split("token=")[1].split()[0]})
    tokens = client.post("/api/auth/login", json={"login": name, "password": PASSWORD, "tokenDelivery": "body"}).json()
    return {"Authorization": f"Bearer {tokens['accessToken']}"}


def upload(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post(
        "/api/videos", files={"file": ("t.mp4", TALK, "video/mp4")}, data={"title": "Talk"}, headers=headers
    )
    return response.json()["id"]


def shared_group(client: TestClient, headers: dict[str, str], video_id: str, **share: object) -> tuple[str, str]:
    group = client.post("/api/groups", json={"name": "G"}, headers=headers).json()["id"]
    client.post(f"/api/groups/{group}/videos", json={"videoIds": [video_id]}, headers=headers)
    token = client.post(f"/api/groups/{group}/share", json=share, headers=headers).json()["token"]
    return group, token


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    container = build_container(Settings(wiring="memory", data_dir=tmp_path, operator_token=OPERATOR_TOKEN))
    clock = FakeClock()
    clock.advance(days=365 * 2)  # near today, so freshly signed tokens are valid
    container.gateways.clock.override(providers.Object(clock))
    with TestClient(create_app(container)) as client:
        owner = sign_in(client, container, "owner")
        other = sign_in(client, container, "other")
        video = upload(client, owner)
        second = upload(client, owner)
        other_video = upload(client, other)
        group, token = shared_group(client, owner, video)
        client.post(f"/api/groups/{group}/videos", json={"videoIds": [second]}, headers=owner)
        _, other_token = shared_group(client, other, other_video)
        revoked_group, revoked = shared_group(client, owner, video)
        client.delete(f"/api/groups/{revoked_group}/share", headers=owner)
        _, expiring = shared_group(client, owner, video, expiresInDays=1)
        chat = client.post(
            "/api/questions", json={"question": "capital of Australia?", "scope": {"kind": "library"}}, headers=owner
        ).json()["chatId"]
        tag = client.post("/api/tags", json={"name": "T"}, headers=owner).json()["id"]
        client.put(f"/api/videos/{video}/tags/{tag}", headers=owner)
        key = client.post("/api/keys", json={"name": "K", "scopes": ["read", "ask"]}, headers=owner).json()["id"]
        clock.advance(days=1, seconds=1)  # the expiring link has now expired
        owner = sign_in(client, container, "owner")  # fresh access tokens after the clock moved
        other = sign_in(client, container, "other")
        yield Scene(
            client=client,
            clock=clock,
            owner=owner,
            other=other,
            ids={
                "video_id": video,
                "group_id": group,
                "chat_id": chat,
                "second": second,
                "other_video": other_video,
                "tag_id": tag,
                "key_id": key,
            },
            tokens={"valid": token, "other_group": other_token, "revoked": revoked, "expired": expiring},
            container=container,
        )


def fill(path: str, ids: dict[str, str], token: str) -> str:
    path = path.replace("{token:str}", token)
    return re.sub(r"\{(\w+):uuid\}", lambda m: ids.get(m.group(1), "00000000-0000-0000-0000-000000000000"), path)


def body(endpoint: Endpoint, scene: Scene) -> dict | None:
    value = BODIES.get(endpoint.operation_id)
    if value == "OTHER_VIDEO":
        return {"videoIds": [scene.ids["video_id"]]}
    if value == "OWNER_ORDER":
        return {"videoIds": [scene.ids["second"], scene.ids["video_id"]]}
    return value


def call(scene: Scene, endpoint: Endpoint, headers: dict[str, str], token: str):
    return scene.client.request(
        endpoint.method,
        fill(endpoint.path, scene.ids, token),
        json=body(endpoint, scene),
        headers=headers,
        follow_redirects=False,
    )


def snapshot(scene: Scene) -> dict:
    store = scene.container.gateways.store()  # type: ignore[attr-defined]
    return {
        name: copy.deepcopy(getattr(store, name))
        for name in ("videos", "groups", "chats", "users", "tags", "video_tags", "api_keys")
    }


def test_every_route_is_public_guarded_or_opened_by_a_share_token(tmp_path: Path) -> None:
    app = create_app(build_container(Settings(wiring="memory", data_dir=tmp_path)))
    unguarded = [
        f"{e.method} {e.path}"
        for e in endpoints(app)
        if not e.guarded and e.operation_id not in PUBLIC and "{token:str}" not in e.path
    ]
    assert unguarded == []
    stale = PUBLIC - {e.operation_id for e in endpoints(app)} - {"getWebUiIndex", "getWebUiPage"}
    assert stale == set(), "PUBLIC names routes that no longer exist"


def mounted_apps(app: Litestar) -> list[str]:
    return [route.path for route in app.routes if not hasattr(route, "route_handler_map")]


def test_every_mounted_app_is_known_to_authenticate_itself(tmp_path: Path) -> None:
    app = create_app(build_container(Settings(wiring="memory", data_dir=tmp_path)))
    assert set(mounted_apps(app)) <= SELF_AUTHENTICATING_MOUNTS, "a mounted ASGI app escapes the route checks"


def test_mounted_apps_authenticate_every_request_themselves(scene: Scene) -> None:
    rpc = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    before = snapshot(scene)
    for path in mounted_apps(scene.client.app):
        for headers in ({}, scene.owner, {"Authorization": f"Bearer {scene.tokens['valid']}"}):
            for method in ("GET", "POST", "DELETE"):
                response = scene.client.request(
                    method, path, json=rpc, headers={**headers, "Accept": "application/json, text/event-stream"}
                )
                assert response.status_code == 401, f"{method} {path} with {headers}: {response.status_code}"
                assert scene.ids["video_id"] not in response.text
    assert snapshot(scene) == before


def test_every_guarded_route_refuses_anonymous_callers_and_share_tokens(scene: Scene) -> None:
    """What the signature promises, the running app keeps: no guarded route answers without a credential."""
    routes = [e for e in endpoints(scene.client.app) if e.guarded]
    assert len(routes) >= 30
    before = snapshot(scene)
    for endpoint in routes:
        for headers in ({}, *({"Authorization": f"Bearer {scene.tokens[n]}"} for n in ("valid", "revoked"))):
            response = call(scene, endpoint, headers, "")
            assert response.status_code == 401, f"{endpoint} with {headers}: {response.status_code}"
            assert scene.ids["video_id"] not in response.text
    assert snapshot(scene) == before


def test_operator_routes_need_the_operator_token_and_a_user_login_is_not_one(scene: Scene) -> None:
    operator_routes = [e for e in endpoints(scene.client.app) if not e.needs_caller and e.guarded]
    assert {e.operation_id for e in operator_routes} >= {"startPipelineCheck", "getPipelineCheck"}
    for endpoint in operator_routes:
        path = fill(endpoint.path, scene.ids, "")
        for headers in ({}, scene.owner, {"X-Operator-Token": OPERATOR_TOKEN[:-1]}):
            response = scene.client.request(endpoint.method, path, headers=headers)
            assert response.status_code == 401, f"{endpoint} with {headers}: {response.status_code}"
        allowed = scene.client.request(endpoint.method, path, headers={"X-Operator-Token": OPERATOR_TOKEN})
        assert allowed.status_code in {202, 404}, f"{endpoint} as the operator: {allowed.status_code}"


OBJECT = re.compile(r"\{(video_id|group_id|chat_id|tag_id|key_id):uuid\}")


def object_endpoints(tmp_path: Path) -> list[Endpoint]:
    app = create_app(build_container(Settings(wiring="memory", data_dir=tmp_path)))
    return [e for e in endpoints(app) if e.needs_caller and OBJECT.search(e.path)]


def shared_endpoints(tmp_path: Path) -> list[Endpoint]:
    app = create_app(build_container(Settings(wiring="memory", data_dir=tmp_path)))
    return [e for e in endpoints(app) if "{token:str}" in e.path]


def test_object_routes_are_denied_to_everyone_but_the_owner(scene: Scene, tmp_path: Path) -> None:
    routes = object_endpoints(tmp_path)
    assert len(routes) >= 15
    before = snapshot(scene)
    for endpoint in routes:
        anonymous = call(scene, endpoint, {}, "")
        assert anonymous.status_code == 401, f"{endpoint} anonymous: {anonymous.status_code}"
        stranger = call(scene, endpoint, scene.other, "")
        assert stranger.status_code == 404, f"{endpoint} other user: {stranger.status_code} {stranger.text}"
        assert "owner" not in stranger.text
        for name in ("other_group", "revoked", "expired"):  # a share token is never a login
            guest = call(scene, endpoint, {"Authorization": f"Bearer {scene.tokens[name]}"}, "")
            assert guest.status_code == 401, f"{endpoint} with a {name} share token: {guest.status_code}"
    assert snapshot(scene) == before, "a refused request changed something"
    for endpoint in routes:
        if endpoint.method == "GET":
            owner = call(scene, endpoint, scene.owner, "")
            assert owner.status_code in {200, 206}, f"{endpoint} owner: {owner.status_code} {owner.text}"


def test_shared_routes_are_denied_for_every_link_but_the_right_one(scene: Scene, tmp_path: Path) -> None:
    routes = shared_endpoints(tmp_path)
    assert {e.operation_id for e in routes} == {"getSharedGroup", "streamSharedVideo", "askSharedGroup"}
    before = snapshot(scene)
    for endpoint in routes:
        for name in ("revoked", "expired"):
            response = call(scene, endpoint, {}, scene.tokens[name])
            assert response.status_code == 404, f"{endpoint} with a {name} link: {response.status_code}"
        wrong = call(scene, endpoint, {}, scene.tokens["valid"] + "x")
        assert wrong.status_code == 404
        # Another group's link opens only that group: never this group's videos, ids or answers.
        other = call(scene, endpoint, {}, scene.tokens["other_group"])
        if "{video_id:uuid}" in endpoint.path:
            assert other.status_code == 404, f"{endpoint} with another group's link: {other.status_code}"
        else:
            assert scene.ids["video_id"] not in other.text
            assert scene.ids["group_id"] not in other.text
    after = snapshot(scene)
    # The other group's guest asked about the other group: only that chat entry is new.
    assert {k: v for k, v in after.items() if k != "chats"} == {k: v for k, v in before.items() if k != "chats"}
    assert all(entry.is_shared_origin for key, entry in after["chats"].items() if key not in before["chats"])
    # With the right link, a video outside the group stays out of reach.
    media = scene.client.get(f"/api/shared/{scene.tokens['valid']}/videos/{scene.ids['other_video']}/media")
    assert media.status_code == 404
    for endpoint in routes:
        response = call(scene, endpoint, {}, scene.tokens["valid"])
        assert response.status_code in {200, 206}, f"{endpoint} with the right link: {response.status_code}"
