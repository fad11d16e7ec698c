"""Addresses the app builds or follows: where a redirect may go, and the public address links in mail come from."""

import re
from urllib.parse import urlsplit

from flask import Flask, current_app

from core.config import BadSetting

# Browsers drop tabs and line breaks anywhere in a URL and trim control characters and spaces at its ends
# (WHATWG URL standard, "basic URL parser"), and read a backslash as a slash: "/\t/evil.example" is
# "//evil.example" to them. The check below therefore judges what the browser will follow, not the raw text.
_DROPPED = re.compile(r"[\t\n\r]")
_TRIMMED = "".join(map(chr, range(0x21)))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: str | None) -> str | None:
    """`target` as a path of this site (with its query), or None when a browser would leave the site with it."""
    if not target:
        return None
    cleaned = _DROPPED.sub("", target).strip(_TRIMMED)
    cleaned = cleaned.replace("\\", "/")
    if _CONTROL.search(cleaned) or not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    parts = urlsplit(cleaned)
    if parts.scheme or parts.netloc:
        return None
    return cleaned


def public_url(endpoint: str, **values) -> str:
    """An absolute link (mail, calendars, the API's own addresses) built on PUBLIC_URL, never on the Host header of
    whoever asked; it works the same in a request, the outbox worker and the CLI."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def init_app(app: Flask) -> None:
    """Checks PUBLIC_URL at start rather than at the first mail, and offers public_url to the templates."""
    base = urlsplit(app.config["PUBLIC_URL"])
    if base.scheme not in ("http", "https") or not base.hostname or base.query or base.fragment:
        raise BadSetting(
            f"PUBLIC_URL must be the site's address, such as https://meetings.example.org: {base.geturl()!r}"
        )
    if app.config["BEHIND_TLS"] and base.scheme != "https":
        raise BadSetting("PUBLIC_URL must start with https:// when BEHIND_TLS=1")
    app.jinja_env.globals["public_url"] = public_url
