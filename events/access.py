"""The meeting a page or an API operation is about, loaded with the reader's right checked (events.rules)."""

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app
from flask_babel import gettext as _
from flask_login import current_user

from core.api import ApiError
from events import rules, services
from events.models import Event, Series


def load_for_page(subject: Event | Series | None, right: str | None = None):
    """404 when the reader may not see it (or it does not exist); without the right: sign in first, else 403."""
    if right is not None and not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    try:
        rules.check(current_user, subject, right)
    except rules.NotVisible:
        abort(404)
    except rules.NotAllowed:
        abort(403)
    return subject


def meeting_page(right: str | None = None) -> Callable:
    """The view is called with the meeting named by `slug` in its address, once the reader's right is checked."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(slug: str, **kwargs):
            return view(load_for_page(services.find_event(slug), right), **kwargs)

        # Read by the route audit in the tests, as role_required's roles are (set at import: see core.roles).
        wrapped.required_right = right  # pragma: no mutate
        return wrapped

    return decorator


def load_for_api(slug: str, right: str | None = None) -> Event:
    event = services.find_event(slug)
    try:
        rules.check(current_user, event, right)
    except rules.NotVisible:
        raise ApiError(404, _("There is no such meeting.")) from None
    except rules.NotAllowed:
        raise ApiError(403, _("You have no right to do this on this meeting.")) from None
    return event
