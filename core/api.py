"""What every part of the JSON API shares: the error format, tokens, pages, ETags and rate limits.

Each domain declares its operations on a flask-openapi3 APIBlueprint with pydantic models; the same models validate
requests, shape responses and make the OpenAPI 3.1 document, so the document cannot drift from the code.
Errors are RFC 9457 problem details. The API reads no cookies: it is authenticated by bearer tokens only, so it
needs no CSRF protection and a browser's session never acts through it.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from http import HTTPStatus
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, g, request
from flask_babel import gettext as _
from flask_limiter import ApplicationLimit, Limiter
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import Select, func, select
from werkzeug.exceptions import HTTPException

from core.db import db
from core.i18n import is_known_zone
from core.params import EARLIEST, LATEST
from core.rules import has_role
from core.text import SINGLE_LINE_MESSAGE, is_single_line

PREFIX = "/api/v1"
DOCS = PREFIX + "/docs"
PROBLEM = "application/problem+json"
BEARER = [{"bearerAuth": []}]
# Reading is open to all; a token, when sent, must be valid and shows its holder what else they may see.
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]
# The largest request body: a meeting with six long descriptions is a few tens of kilobytes.
MAX_BODY_BYTES = 1024 * 1024

Item = TypeVar("Item")
Language = Literal["en", "fr", "de", "it", "ru", "es"]
# A text in the languages it exists in, keyed by language code.
Texts = dict[str, str]
ShortText = Annotated[str, StringConstraints(max_length=500)]
# A row's id in a path: what the databases can hold (SQLite refuses integers past 64 bits with an error, not a 404).
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]


class FieldProblem(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `body.title` or `query.per_page`.")
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details: the same shape for every error of the API."""

    type: str = "about:blank"
    title: str = Field(description="The HTTP status phrase.")
    status: int
    detail: str = Field(description="What went wrong, in the language asked for with Accept-Language.")
    errors: list[FieldProblem] = Field(default_factory=list)


def _error(description: str) -> dict:
    return {"description": description, "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


ERROR_RESPONSES = {
    400: _error("The request could not be read."),
    401: _error("The bearer token is missing, unknown or revoked."),
    403: _error("The token's holder may not do this."),
    404: _error("No such resource, or not one this caller may see."),
    409: _error("The request conflicts with the current state (e.g. a session clashing with others)."),
    412: _error("If-Match does not match the current ETag: someone changed the resource."),
    413: _error("The request body is larger than 1 MiB."),
    422: _error("Invalid values; `errors` says which and why."),
    429: _error("Too many requests; Retry-After says when to try again."),
}


class ApiError(Exception):
    def __init__(self, status: int, detail: str, errors: list[FieldProblem] | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors or [], headers or {}


def problem(status: int, detail: str, errors: list[FieldProblem] | None = None, headers: dict | None = None):
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, errors=errors or [])
    response = Response(body.model_dump_json(), status=status, mimetype=PROBLEM)
    response.headers.update(headers or {})
    return response


def refused(errors: dict[str, Any], location: str = "body") -> ApiError:
    """A service's {field: message} refusal as a 422."""
    return ApiError(
        422,
        _("Some values were refused; see errors."),
        [FieldProblem(field=f"{location}.{name}", message=str(message)) for name, message in errors.items()],
    )


# Where a pydantic model is used tells where its fields come from: the models are named by it.
_LOCATIONS = {"Query": "query", "Body": "body", "Path": "path"}


def validation_problem(error: ValidationError) -> Response:
    """flask-openapi3 calls this when a request does not match its models."""
    location = next((where for suffix, where in _LOCATIONS.items() if error.title.endswith(suffix)), "request")
    errors = [
        FieldProblem(field=".".join([location, *(str(part) for part in item["loc"])]), message=item["msg"])
        for item in error.errors(include_url=False, include_context=False, include_input=False)
    ]
    return problem(422, _("Some values are invalid; see errors."), errors)


def is_api_request() -> bool:
    """Under /api/v1, but for the reading page (DOCS): a page like the others, in the language chosen on the site."""
    return (request.path == PREFIX or request.path.startswith(PREFIX + "/")) and request.path != DOCS


# Tokens --------------------------------------------------------------------------------------------------------


def _raw_token() -> str | None:
    scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
    return raw.strip() if scheme.lower() == "bearer" and raw.strip() else None


def authenticate() -> None:
    """Runs before every API request: a body must be of a sensible size, and a token that is sent must be good,
    even where none is needed.

    The holder becomes Flask-Login's user for this request only (g._login_user is where Flask-Login keeps it), so
    the audit log and the services see who acted; a browser session's cookie never counts here.
    """
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiError(413, _("The request is too large."))
    user = current_app.login_manager.anonymous_user()
    if "Authorization" in request.headers:
        raw = _raw_token()
        user = current_app.extensions["api_token_loader"](raw) if raw else None
        if user is None:
            raise ApiError(
                401,
                _("The API token is missing, unknown or revoked."),
                headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'},
            )
    g._login_user = user
    _check_roles(user)


def wall_clock(value: datetime, zone_name: str) -> datetime:
    """An instant sent with an offset as wall-clock time in the meeting's zone; a time without one is that already."""
    if value.tzinfo is None or not is_known_zone(zone_name):
        return value.replace(tzinfo=None)
    return value.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


def roles_required(*roles: str) -> Callable:
    """Declares who may call an operation; authenticate() enforces it before the request is even validated."""

    def decorator(view: Callable) -> Callable:
        # Also read by the route audit, as for the pages (core.roles.role_required).
        view.required_roles = roles
        return view

    return decorator


def _check_roles(user) -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    roles = getattr(view, "required_roles", None)
    if not roles:
        return
    if not user.is_authenticated:
        raise ApiError(
            401, _("This needs an API token: create one in your profile."), headers={"WWW-Authenticate": "Bearer"}
        )
    if not has_role(user, *roles):
        raise ApiError(403, _("Your role does not allow this."))


# Pages ---------------------------------------------------------------------------------------------------------


class PageQuery(BaseModel):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    per_page: int = Field(20, ge=1, le=100, description="Items per page, at most 100.")


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    page: int
    per_page: int
    total: int = Field(description="Items matching the filters, on all pages.")


def paginate(query: Select, params: PageQuery) -> tuple[list, int]:
    """One page of a query's rows and the total count: two queries, whatever the size."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.offset((params.page - 1) * params.per_page).limit(params.per_page)).all()
    return list(rows), total


def page_links(params: PageQuery, total: int) -> str:
    """RFC 8288 Link header: first, prev, next and last pages, with the request's own filters kept."""
    last = max(1, -(-total // params.per_page))
    wanted = {"first": 1, "last": last}
    if params.page > 1:
        wanted["prev"] = min(params.page - 1, last)
    if params.page < last:
        wanted["next"] = params.page + 1
    links = []
    for relation, number in wanted.items():
        args = {**request.args.to_dict(), "page": number, "per_page": params.per_page}
        links.append(f'<{request.base_url}?{urlencode(args)}>; rel="{relation}"')
    return ", ".join(links)


# Responses -----------------------------------------------------------------------------------------------------


def _body(payload: BaseModel | dict) -> bytes:
    data = payload.model_dump(mode="json") if isinstance(payload, BaseModel) else payload
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def etag_of(payload: BaseModel) -> str:
    return hashlib.sha256(_body(payload)).hexdigest()[:32]


def respond(payload: BaseModel | dict, status: int = 200, headers: dict | None = None) -> Response:
    """JSON with a strong ETag; a GET whose If-None-Match matches gets 304 without a body."""
    data = _body(payload)
    response = Response(data, status=status, mimetype="application/json")
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.headers.update(headers or {})
    if request.method == "GET":
        response.make_conditional(request)
    return response


def respond_page(page: Page, params: PageQuery) -> Response:
    return respond(page, headers={"Link": page_links(params, page.total)})


def check_if_match(current: BaseModel) -> None:
    """Optimistic concurrency for updates: If-Match, when sent, must name the current representation."""
    if request.if_match and not request.if_match.contains(etag_of(current)) and not request.if_match.star_tag:
        raise ApiError(412, _("Someone changed this since you read it. Read it again, then send your change."))


def in_range(value: date | datetime | None) -> date | datetime | None:
    """Dates the API takes: outside 1990–2100 they are typing mistakes, and would overflow time zone arithmetic."""
    if value is not None:
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= LATEST:
            raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


class Strict(BaseModel):
    """Request bodies refuse fields they do not know, so a typo is an error, not a silent no-op; every text is one
    line (core.text) but for the LongText ones."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _single_line(cls, value: Any, info: ValidationInfo) -> Any:
        if not _holds_paragraphs(cls.model_fields[info.field_name].annotation):
            texts = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
            if any(isinstance(text, str) and not is_single_line(text) for text in texts):
                raise PydanticCustomError("single_line", str(SINGLE_LINE_MESSAGE))
        return value


def _holds_paragraphs(annotation: Any) -> bool:
    return annotation == LongText or any(_holds_paragraphs(argument) for argument in get_args(annotation))


def _without_null_defaults(schema: dict) -> None:
    for field in schema.get("properties", {}).values():
        if "default" in field and field["default"] is None and "anyOf" not in field:
            del field["default"]


class Patch(Strict):
    """A partial change: only the fields sent change. None marks a field not sent; it is no value a client may send
    where the type does not allow null, so the document does not show it as a default."""

    model_config = ConfigDict(json_schema_extra=_without_null_defaults)


def blueprint(name: str, import_name: str, tag: str, description: str) -> APIBlueprint:
    """An APIBlueprint under /api/v1 whose operations share a tag (N_-marked: the reading page translates it)."""
    api = APIBlueprint(
        name,
        import_name,
        url_prefix=PREFIX,
        abp_tags=[Tag(name=tag, description=description)],
        abp_responses=ERROR_RESPONSES,
    )
    api.before_request(authenticate)
    return api


# The application -----------------------------------------------------------------------------------------------


def _address_key() -> str:
    return "ip:" + (request.remote_addr or "")


def _rate_key() -> str:
    raw = _raw_token()
    return "token:" + hashlib.sha256(raw.encode()).hexdigest()[:32] if raw else _address_key()


def _rate_limit() -> str:
    name = "API_RATE_LIMIT_TOKEN" if _raw_token() else "API_RATE_LIMIT_ANONYMOUS"
    return current_app.config[name]


def _address_limit() -> str:
    return current_app.config["API_RATE_LIMIT_ADDRESS"]


def error_response(error: Exception) -> Response:
    """Inside /api/, every error is a problem document, never an HTML page."""
    if isinstance(error, ApiError):
        return problem(error.status, error.detail, error.errors, error.headers)
    if isinstance(error, HTTPException):
        headers = dict(error.get_response().headers) if error.code in (405, 429) else {}
        headers.pop("Content-Type", None)
        headers.pop("Content-Length", None)
        detail = error.description if error.code != 404 else _("There is nothing at this address.")
        return problem(error.code or 500, str(detail), headers=headers)
    return problem(500, _("Something went wrong on our side. Please try again later."))


def _api_headers(response: Response) -> Response:
    if is_api_request():
        # Answers depend on the token and on the language of the messages, never on cookies.
        response.vary.add("Authorization")
        response.cache_control.no_cache = True
        if response.status_code != 429:
            response.headers.pop("Retry-After", None)
    return response


def init_app(app: Flask, token_loader: Callable[[str], Any]) -> None:
    """token_loader finds the user of a raw token: accounts provides it, as core does not know the users' model."""
    app.extensions["api_token_loader"] = token_loader
    # Registered before the limiter's own, so that it runs after it (Flask runs them in reverse) and has the last word.
    app.after_request(_api_headers)
    limiter = Limiter(
        key_func=_rate_key,
        # One budget for the whole API per token (or per address without one), and a ceiling per address that
        # made-up tokens, each with a budget of its own, cannot get round.
        application_limits=[
            ApplicationLimit(_rate_limit, key_function=_rate_key, scope="api"),
            ApplicationLimit(_address_limit, key_function=_address_key, scope="api-address"),
        ],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        headers_enabled=True,
        strategy="moving-window",
    )
    limiter.request_filter(lambda: not is_api_request())
    limiter.init_app(app)
    app.register_error_handler(ApiError, error_response)


def document(app) -> dict:
    """The OpenAPI document: flask-openapi3's, with what it cannot infer (caching and paging headers)."""
    if "api_document" not in app.extensions:
        spec = json.loads(json.dumps(app.api_doc))
        for item in spec["paths"].values():
            if "get" in item:
                responses = item["get"]["responses"]
                responses["304"] = {"description": "Not modified: the ETag sent in If-None-Match is still current."}
                ok = responses.get("200", {})
                ok.setdefault("headers", {})["ETag"] = {"schema": {"type": "string"}}
        app.extensions["api_document"] = spec
    return app.extensions["api_document"]


def N_(message: str) -> str:
    """Marks an operation's summary for translation; the documentation page translates it when it shows it."""
    return message


def _type_of(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(option) for option in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(json.dumps(value) for value in schema["enum"])
    if "const" in schema:
        return json.dumps(schema["const"])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return f"object of {_type_of(schema['additionalProperties'])}"
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_of(value),
            "required": name in required,
            "description": value.get("description", ""),
        }
        for name, value in schema.get("properties", {}).items()
    ]


def reference_sections(spec: dict) -> list[dict]:
    """The document arranged for reading: operations grouped by tag, each with its inputs and answers."""
    schemas = spec.get("components", {}).get("schemas", {})
    sections = {tag["name"]: {**tag, "operations": []} for tag in spec.get("tags", [])}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            body_name = _type_of(body) if body else ""
            ok = next((code for code in operation["responses"] if code.startswith("2")), "")
            answer = operation["responses"].get(ok, {}).get("content", {}).get("application/json", {}).get("schema")
            entry = {
                "id": operation["operationId"],
                "method": method.upper(),
                "path": path,
                "summary": operation.get("summary", ""),
                "needs_token": {} not in operation.get("security", [{}]),
                "parameters": [
                    {
                        "name": parameter["name"],
                        "in": parameter["in"],
                        "required": parameter.get("required", False),
                        "type": _type_of(parameter.get("schema", {})),
                        "description": parameter.get("description", ""),
                    }
                    for parameter in operation.get("parameters", [])
                ],
                "body": body_name,
                "body_fields": _fields(schemas.get(body_name, {})),
                "answer": _type_of(answer) if answer else "",
                "responses": sorted(operation["responses"]),
            }
            for tag in operation.get("tags", []):
                sections[tag]["operations"].append(entry)
    return [section for section in sections.values() if section["operations"]]


def schema_sections(spec: dict) -> list[dict]:
    schemas = spec.get("components", {}).get("schemas", {})
    return [
        {"name": name, "description": schema.get("description", ""), "fields": _fields(schema)}
        for name, schema in sorted(schemas.items())
        if schema.get("type") == "object" or "properties" in schema
    ]
