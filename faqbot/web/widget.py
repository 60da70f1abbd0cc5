"""The embeddable chat widget's script (``/widget.js``) and the demo shop page (``/demo``).

Sites embed the unversioned ``/widget.js``: it is cached for a few minutes and revalidated by
ETag, so a new widget reaches every site quickly.  ``/widget.js?v=<content hash>`` (what
:func:`widget_url` gives, and what the demo page uses) is the same file cached for a year: a new
file has a new hash, hence a new URL.  The script is plain JavaScript served as it is on disk.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

bp = Blueprint("widget", __name__)

SCRIPT_PATH = Path(__file__).parent / "static" / "widget" / "widget.js"
SHORT_MAX_AGE = 300  # seconds: how stale an embedded, unversioned widget may get
LONG_MAX_AGE = 365 * 24 * 3600  # versioned URLs never change


@dataclass(frozen=True)
class WidgetScript:
    body: bytes
    version: str
    stamp: tuple[str, int]  # path and modification time of what was read


_lock = threading.Lock()
_current: WidgetScript | None = None


def widget_script() -> WidgetScript:
    """The script and its content hash, re-read only when the file changes (cheap per request)."""
    global _current
    stamp = (str(SCRIPT_PATH), SCRIPT_PATH.stat().st_mtime_ns)
    with _lock:
        if _current is None or _current.stamp != stamp:
            body = SCRIPT_PATH.read_bytes()
            version = hashlib.sha256(body).hexdigest()[:12]
            _current = WidgetScript(body=body, version=version, stamp=stamp)
        return _current


def widget_url(*, external: bool = False) -> str:
    """The cache-busting URL of the current widget script."""
    return url_for("widget.script", v=widget_script().version, _external=external)


@bp.get("/widget.js")
def script() -> Response:
    current = widget_script()
    response = Response(current.body, mimetype="text/javascript")
    response.cache_control.public = True
    if request.args.get("v") == current.version:
        response.cache_control.max_age = LONG_MAX_AGE
        response.cache_control.immutable = True
    else:  # unversioned, or a stale version: serve the current file, but not for long
        response.cache_control.max_age = SHORT_MAX_AGE
    response.set_etag(current.version)
    return response.make_conditional(request)


@bp.get("/demo")
def demo() -> str:
    """A plausible shop page with the one-tag embed, so a fresh install has something to click."""
    return render_template(
        "demo.html",
        widget_src=widget_url(),
        api_base=request.host_url.rstrip("/"),
    )
