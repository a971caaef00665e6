"""API keys over HTTP: create (the secret is shown once), list, revoke. Only a logged-in person, never a key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from application.accounts.authenticate import Caller
from application.api_keys.create_api_key import CreateApiKey
from application.api_keys.list_api_keys import ListApiKeys
from application.api_keys.revoke_api_key import RevokeApiKey
from domain.api_keys import ApiKey, ApiKeyScope
from entrypoints.http.auth import NEVER_BY_KEY
from entrypoints.http.schemas import Schema


class ApiKeyCreate(Schema):
    """A name to recognise the key by, and what it may do: `read` and/or `ask`."""

    name: Annotated[str, msgspec.Meta(max_length=1000)]
    scopes: Annotated[list[str], msgspec.Meta(max_length=10)]


class ApiKeyBody(Schema):
    """A key as listed: never its secret, only the secret's first characters."""

    id: UUID
    name: str
    prefix: str
    scopes: list[ApiKeyScope]
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyBody:
        """Build from the domain key."""
        return cls(
            id=key.id,
            name=key.name,
            prefix=key.prefix,
            scopes=sorted(key.scopes),
            created_at=key.created_at,
            last_used_at=key.last_used_at,
        )


class CreatedApiKeyBody(ApiKeyBody):
    """A new key with its secret: shown this once, store it now. Send it as `Authorization: Bearer <secret>`."""

    secret: str


class ApiKeyController(Controller):
    """The caller's API keys (login required; an API key can never manage keys)."""

    path = "/api/keys"
    tags = ["api keys"]  # noqa: RUF012 - Litestar reads a list
    opt = NEVER_BY_KEY

    @post("/", operation_id="createApiKey", status_code=201, summary="Create an API key")
    async def create(
        self,
        data: JSONBody[ApiKeyCreate],
        caller: NamedDependency[Caller],
        create_api_key: NamedDependency[CreateApiKey],
    ) -> CreatedApiKeyBody:
        """The secret is in this response only (422: no name or an unknown scope; 403: 25 keys already)."""
        created = await create_api_key(caller, name=data.name, scopes=data.scopes)
        listed = ApiKeyBody.of(created.key)
        return CreatedApiKeyBody(**msgspec.structs.asdict(listed), secret=created.secret)

    @get("/", operation_id="listApiKeys", summary="My API keys")
    async def list_keys(
        self, caller: NamedDependency[Caller], list_api_keys: NamedDependency[ListApiKeys]
    ) -> list[ApiKeyBody]:
        """Newest first: name, scopes, the secret's first characters and when the key was last used."""
        return [ApiKeyBody.of(key) for key in await list_api_keys(caller)]

    @delete("/{key_id:uuid}", operation_id="revokeApiKey", status_code=204, summary="Revoke an API key")
    async def revoke(
        self, key_id: FromPath[UUID], caller: NamedDependency[Caller], revoke_api_key: NamedDependency[RevokeApiKey]
    ) -> None:
        """The key stops working at once (404 for a key that is not yours or already revoked)."""
        await revoke_api_key(caller, key_id)
