"""The throttle of failed sign-ins, written once.

Failures are kept in the database, so that every worker and instance counts them together, and counted over a
sliding window (LOGIN_THROTTLE_WINDOW_MINUTES):
- per account (the address typed, whether or not it has an account): the first LOGIN_THROTTLE_LIMIT failures
  cost nothing; after each later one the next attempt waits, twice as long each time (15 s, 30 s, 1 min …, at most
  the window). Guessing a password slows to a crawl; the owner is never shut out for long.
- per client address, across accounts: after LOGIN_ADDRESS_LIMIT failures that address waits until its oldest
  failure leaves the window (password spraying: one guess on each of many accounts).
- a browser that has signed in to the account before (a signed cookie) passes both, so whoever hammers an account
  or shares a conference's network cannot keep its owner out.
The check comes before the password is looked at, and costs the same for addresses with and without an account.
"""

from datetime import datetime, timedelta

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from accounts.models import LoginAttempt, User
from core.db import db, utcnow

FIRST_DELAY = timedelta(seconds=15)
KNOWN_BROWSER_COOKIE = "known_browser"
KNOWN_BROWSER_DAYS = 180
# The accounts one browser remembers (a shared computer at a conference desk).
KNOWN_BROWSER_ACCOUNTS = 5


def delay(failures: int, limit: int, window: timedelta) -> timedelta:
    """How long an account waits after its latest failure, once it has had `failures` in the window."""
    if failures < limit:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - limit), window)


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_THROTTLE_WINDOW_MINUTES"])


def wait_before_attempt(email: str, address: str, known: bool, now: datetime | None = None) -> timedelta:
    """How long until this sign-in attempt may be made; zero when it may be made now."""
    if known:
        return timedelta(0)
    now = now or utcnow()
    window = _window()
    # A failure exactly one window old weighs nothing either way (its wait ends now), so the boundary's `>=` and
    # `>` are the same rule: not mutated.
    in_window = LoginAttempt.attempted_at >= now - window  # pragma: no mutate
    count, last = db.session.execute(
        select(func.count(), func.max(LoginAttempt.attempted_at)).where(LoginAttempt.email == email, in_window)
    ).one()
    waits = [timedelta(0)]
    if count:
        waits.append(last + delay(count, current_app.config["LOGIN_THROTTLE_LIMIT"], window) - now)
    if address:
        from_address, oldest = db.session.execute(
            select(func.count(), func.min(LoginAttempt.attempted_at)).where(
                LoginAttempt.remote_addr == address, in_window
            )
        ).one()
        if from_address >= current_app.config["LOGIN_ADDRESS_LIMIT"]:
            waits.append(oldest + window - now)
    return max(waits)


def record_failure(email: str, address: str) -> None:
    db.session.add(LoginAttempt(email=email, remote_addr=address[:64]))
    db.session.flush()


def forget_failures(email: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    db.session.flush()


# Browsers that have signed in before ----------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-browser")


def known_accounts(request: Request) -> list[int]:
    """The accounts this browser has signed in to (within KNOWN_BROWSER_DAYS), as its signed cookie says."""
    raw = request.cookies.get(KNOWN_BROWSER_COOKIE)
    if not raw:
        return []
    try:
        ids = _serializer().loads(raw, max_age=KNOWN_BROWSER_DAYS * 86400)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def is_known(request: Request, email: str) -> bool:
    if not (ids := known_accounts(request)):
        return False
    user_id = db.session.scalar(select(User.id).where(User.email == email))
    return user_id is not None and user_id in ids


def remember_browser(request: Request, response: Response, user: User) -> None:
    ids = [user.id, *(i for i in known_accounts(request) if i != user.id)][:KNOWN_BROWSER_ACCOUNTS]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        _serializer().dumps(ids),
        max_age=KNOWN_BROWSER_DAYS * 86400,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        # Werkzeug writes the attribute in its own case ("Lax") whatever case is given: not mutated.
        samesite="Lax",  # pragma: no mutate
    )
