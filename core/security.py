"""Signing in, what reaches the app at all, and the HTTP headers every response carries."""

import json

from flask import Flask, abort, current_app, request
from flask_login import current_user

from core.rules import can

# The deepest JSON body taken: the API's models nest three levels; a parser would recurse into a deeper one.
MAX_JSON_DEPTH = 32


def _nesting(body: bytes) -> int:
    """How deep the arrays and objects of a body go when read as JSON (as the API reads any body, in whatever
    encoding json detects), or 0 for a body that is not JSON. The C parser itself measures: it is linear, and it
    stops with RecursionError on a body nested past what it can take; the walk over what it built is iterative."""
    try:
        value = json.loads(body)
    except RecursionError:
        return MAX_JSON_DEPTH + 1
    except ValueError:  # not JSON, or not text: the parser that reads it refuses it
        return 0
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def refuse_nul_characters() -> None:
    """No text a person writes holds a NUL character, and PostgreSQL cannot store one: refused at the door (400)."""
    parts = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    if request.method in ("POST", "PUT", "PATCH"):
        # The API reads a body as JSON whatever its declared type: every body but a file upload is measured first.
        if request.mimetype != "multipart/form-data" and _nesting(request.get_data(cache=True)) > MAX_JSON_DEPTH:
            abort(400)
        if request.is_json:
            parts.append(request.get_json(silent=True))
        else:
            parts += [text for pair in request.form.items(multi=True) for text in pair]
    if any(_holds_nul(part) for part in parts):
        abort(400)


def add_security_headers(response):
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config.get("BEHIND_TLS") or request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Pages vary by language and by who is signed in.
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    # Templates ask the same rules as the views: {% if can("programme", event) %}.
    app.jinja_env.globals["can"] = lambda right, subject: can(current_user, right, subject)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
