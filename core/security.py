"""Who may do what, and the HTTP headers every response carries."""

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, request
from flask_login import LoginManager, current_user

login_manager = LoginManager()

ADMIN = "admin"
ORGANISER = "organiser"
RAPPORTEUR = "rapporteur"
PARTICIPANT = "participant"
ROLES = (ADMIN, ORGANISER, RAPPORTEUR, PARTICIPANT)


def role_required(*roles: str) -> Callable:
    """Anonymous users are sent to sign in; signed-in users without one of the roles get 403. Admins pass."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != ADMIN and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        # Read by the route audit in the tests: every route is public, signed-in only, or role-restricted.
        wrapped.required_roles = roles
        return wrapped

    return decorator


def can_manage_events() -> bool:
    return current_user.is_authenticated and current_user.role in (ADMIN, ORGANISER)


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
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
