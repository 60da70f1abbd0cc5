"""Starting the service: the development server with everything a first-time user needs printed, or
gunicorn with faqbot's production settings."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from flask import Flask

from faqbot.web import create_app
from faqbot.web.app.bootstrap import ensure_first_admin
from faqbot.web.core.config import ConfigError
from faqbot.web.core.db import session_scope
from faqbot.web.visitor.site import serving_problem


def run_dev_server(host: str = "127.0.0.1", port: int = 5000) -> int:
    """Build the app (training a model if there is none), make a first admin, and serve."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        app = create_app()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    email = "admin@localhost"
    password = ensure_first_admin(app, email)
    base = f"http://{host}:{port}"
    print(f"faqbot is running on {base}  (instance: {app.instance_path})")
    problem = _serving_problem(app)
    if problem:
        print(f"  NOT ANSWERING YET: {problem}; {base}/healthz says the same until then")
    print(f"  widget demo: {base}/")
    print(f"  staff inbox: {base}/inbox")
    print(f"  API:         {base}/api/v1/openapi.json")
    if password:
        print(f"  first admin login: {email} / {password}  (once: you choose your own at the first login)")
    print("Press Ctrl+C to stop.", flush=True)
    app.run(host=host, port=port, debug=False, use_reloader=False)
    return 0


def _serving_problem(app: Flask) -> str | None:
    """What stops this instance answering visitors (no FAQs, no model), or None."""
    if app.extensions["faqbot.live_model"].get() is not None:
        return None
    with session_scope(app) as session:
        return serving_problem(session)


def run_production(host: str = "127.0.0.1", port: int = 8000) -> int:
    """Replace this process with gunicorn on :mod:`faqbot.web.app.gunicorn_conf` (never returns).

    ``FAQBOT_BIND`` set in the environment wins over ``--host``/``--port``, as in the config file.
    """
    os.environ.setdefault("FAQBOT_BIND", f"{host}:{port}")
    config = Path(__file__).with_name("gunicorn_conf.py")
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "-c", str(config)])
    return 1  # not reached
