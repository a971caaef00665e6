"""Make the generated OpenAPI schema tell the whole truth: error bodies, who must log in, and links.

Errors: every one has the `{detail, code}` shape.
Litestar documents its own 400/404 bodies as `{status_code, detail, extra}`, which is not what `errors.py` sends,
and lists no other error status. This rewrites every documented error to the real body and adds a `default`
response (any other status: an error in that same shape), so clients and Schemathesis can check every answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.openapi.spec import Link, OpenAPIMediaType, OpenAPIResponse, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

from entrypoints.http.schemas import Schema as HttpSchema

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.openapi.spec import OpenAPI, Operation

ERROR_BODY = "ErrorBody"
ERROR_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["detail", "code"],
    properties={
        "detail": Schema(type=OpenAPIType.STRING, description="What went wrong, for a person."),
        "code": Schema(type=OpenAPIType.STRING, description="A stable machine-readable code, e.g. `not_found`."),
    },
    description="Every error: a human message and a stable code.",
)
# The OpenAI-compatible surface (`/v1/…`) answers errors in OpenAI's own shape, like the API it stands in for.
OPENAI_PREFIX = "/v1/"
OPENAI_ERROR_BODY = "OpenAiErrorBody"
_NULLABLE_STRING = Schema(one_of=[Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.NULL)])
OPENAI_ERROR_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    required=["error"],
    properties={
        "error": Schema(
            type=OpenAPIType.OBJECT,
            required=["message", "type"],
            properties={
                "message": Schema(type=OpenAPIType.STRING),
                "type": Schema(type=OpenAPIType.STRING),
                "param": _NULLABLE_STRING,
                "code": _NULLABLE_STRING,
            },
        )
    },
    description="An error in OpenAI's shape (the `/v1` endpoints).",
)
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _error_response(description: str, body: str) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=description,
        content={"application/json": OpenAPIMediaType(schema=Reference(ref=f"#/components/schemas/{body}"))},
    )


def _describe(operation: Operation, body: str) -> None:
    responses = operation.responses if operation.responses is not None else {}
    for status, response in list(responses.items()):
        if status[:1] in {"4", "5"} and isinstance(response, OpenAPIResponse):
            responses[status] = _error_response(response.description, body)
    responses.setdefault("default", _error_response("An error: the request was refused or failed.", body))
    operation.responses = responses


def _closed_struct_names() -> set[str]:
    """Names of every body Struct that refuses unknown fields (all subclasses of the HTTP `Schema` base)."""
    found, pending = set(), [HttpSchema]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub.__struct_config__.forbid_unknown_fields:
                found.add(sub.__name__)
            pending.append(sub)
    return found


def describe_closed_bodies(openapi: OpenAPI) -> None:
    """`additionalProperties: false` on every object schema whose Struct refuses unknown fields, as the server does."""
    closed = _closed_struct_names()
    for name, schema in (openapi.components.schemas or {}).items():  # type: ignore[union-attr]
        if isinstance(schema, Schema) and schema.type == OpenAPIType.OBJECT and name.rsplit("_", 1)[-1] in closed:
            schema.additional_properties = False


def describe_errors(openapi: OpenAPI) -> None:
    """Rewrite every error response of every operation to the real error body, and add a `default` one."""
    if openapi.components.schemas is None:  # type: ignore[union-attr]
        openapi.components.schemas = {}  # type: ignore[union-attr]
    openapi.components.schemas[ERROR_BODY] = ERROR_SCHEMA  # type: ignore[union-attr,index]
    openapi.components.schemas[OPENAI_ERROR_BODY] = OPENAI_ERROR_SCHEMA  # type: ignore[union-attr,index]
    for path, item in (openapi.paths or {}).items():
        body = OPENAI_ERROR_BODY if path.startswith(OPENAI_PREFIX) else ERROR_BODY
        for method in METHODS:
            operation = getattr(item, method, None)
            if operation is not None:
                _describe(operation, body)


def _guarded_operations(app: Litestar) -> set[str]:
    """Operation ids of the handlers that need a logged-in caller (their `caller` dependency)."""
    guarded = set()
    for route in app.routes:
        for value in getattr(route, "route_handler_map", {}).values():
            handler = value[0] if isinstance(value, tuple) else value
            if "caller" in handler.parsed_fn_signature.parameters and handler.operation_id:
                guarded.add(str(handler.operation_id))
    return guarded


def describe_security(openapi: OpenAPI, guarded: set[str]) -> None:
    """Mark every operation that needs a login with the schemes that carry one (Bearer header or cookie)."""
    for item in (openapi.paths or {}).values():
        for method in METHODS:
            operation = getattr(item, method, None)
            if operation is not None and operation.operation_id in guarded and not operation.security:
                operation.security = [{"bearer": []}, {"cookie": []}]


def describe_links(openapi: OpenAPI) -> None:
    """OpenAPI links from each create operation (201 with an `id`) to the operations on the created object.

    `POST /api/groups` → every operation on `/api/groups/{group_id}` (and deeper paths with that one parameter),
    with `group_id` taken from the response's `id`: clients, and Schemathesis' stateful runs, follow them through
    create → read → update → delete.
    """
    paths = openapi.paths or {}
    for path, item in paths.items():
        create = item.post
        if create is None or not create.responses or "201" not in create.responses:
            continue
        response = create.responses["201"]
        if not isinstance(response, OpenAPIResponse):
            continue
        links: dict[str, Link | Reference] = {}
        for target_path, target in paths.items():
            if not target_path.startswith(path.rstrip("/") + "/{"):
                continue
            parameter = target_path[len(path.rstrip("/")) + 2 :].split("}", 1)[0]
            if target_path.count("{") != 1:
                continue
            for method in METHODS:
                operation = getattr(target, method, None)
                if operation is not None and operation.operation_id:
                    links[f"{operation.operation_id}"] = Link(
                        operation_id=operation.operation_id, parameters={parameter: "$response.body#/id"}
                    )
        if links:
            response.links = links


def document_errors_on_startup(app: Litestar) -> None:
    """Startup hook: build the schema once and correct it before anyone reads it."""
    openapi = app.openapi_schema
    describe_errors(openapi)
    describe_closed_bodies(openapi)
    describe_security(openapi, _guarded_operations(app))
    describe_links(openapi)
