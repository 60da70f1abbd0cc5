"""The embeddable chat widget's script (``/widget.js``) and the demo shop page (``/demo``).

Sites embed the unversioned ``/widget.js``: it is cached for a few minutes and revalidated by
ETag, so a new widget reaches every site quickly.  ``/widget.js?v=<content hash>`` (what
:func:`widget_url` gives, and what the demo page uses) is the same file cached for a year: a new
file has a new hash, hence a new URL.  The script is plain JavaScript, no build step: the files
on disk (``static/widget.js`` and the optional parts in ``static/widget/``, e.g. the Browse view)
are joined into one closure, in which the parts register themselves in ``faqbotModules`` and
``widget.js`` picks them up.  Nothing of it is global but ``window.FaqBot``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

# The widget's files are served at /static/widget/ as before the areas had folders of their own.
bp = Blueprint(
    "widget", __name__, template_folder="templates", static_folder="static", static_url_path="/static/widget"
)

SCRIPT_PATH = Path(__file__).parent / "static" / "widget.js"
MODULE_PATHS = (Path(__file__).parent / "static" / "widget" / "browse.js",)
BUNDLE_HEAD = b'(function () {\n  "use strict";\n  var faqbotModules = [];\n'
BUNDLE_TAIL = b"})();\n"
SHORT_MAX_AGE = 300  # seconds: how stale an embedded, unversioned widget may get
LONG_MAX_AGE = 365 * 24 * 3600  # versioned URLs never change


@dataclass(frozen=True)
class WidgetScript:
    body: bytes
    version: str
    stamp: tuple[tuple[str, int], ...]  # paths and modification times of what was read


_lock = threading.Lock()
_current: WidgetScript | None = None


def widget_script() -> WidgetScript:
    """The script and its content hash, re-read only when a file changes (cheap per request)."""
    global _current
    stamp = tuple((str(path), path.stat().st_mtime_ns) for path in (*MODULE_PATHS, SCRIPT_PATH))
    with _lock:
        if _current is None or _current.stamp != stamp:
            body = bundle()
            version = hashlib.sha256(body).hexdigest()[:12]
            _current = WidgetScript(body=body, version=version, stamp=stamp)
        return _current


def bundle() -> bytes:
    """The optional parts, then widget.js, in one closure that shares ``faqbotModules``."""
    parts = [path.read_bytes() for path in (*MODULE_PATHS, SCRIPT_PATH)]
    return BUNDLE_HEAD + b"\n".join(parts) + b"\n" + BUNDLE_TAIL


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
        "visitor/demo.html",
        widget_src=widget_url(),
        api_base=request.host_url.rstrip("/"),
    )
