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
    app.after_request(add_security_headers)
