"""Pages for some roles only: the decorator that checks them (core.rules.has_role, where administrators pass)."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app
from flask_login import current_user

from core.rules import Role, has_role

ADMIN, ORGANISER, RAPPORTEUR, PARTICIPANT = Role


def role_required(*roles: Role) -> Callable:
    """Anonymous users are sent to sign in; signed-in users without one of the roles get 403 (core.rules.has_role,
    where administrators pass)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        # Read by the route audit in the tests: every route is public, signed-in only, or restricted. (Set when the
        # module is imported, before the mutation run can switch anything: the audit, not a mutant, checks it.)
        wrapped.required_roles = roles  # pragma: no mutate
        return wrapped

    return decorator
