"""Starting the development server with everything a first-time user needs printed."""

from __future__ import annotations

import logging
import sys

from . import create_app
from .bootstrap import ensure_first_admin
from .config import ConfigError


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
    print(f"faqbot is running on {base}")
    print(f"  widget demo: {base}/")
    print(f"  staff inbox: {base}/inbox")
    print(f"  API:         {base}/api/v1/openapi.json")
    if password:
        print(f"  first admin login: {email} / {password}  (shown only once; change it)")
    print("Press Ctrl+C to stop.", flush=True)
    app.run(host=host, port=port, debug=False, use_reloader=False)
    return 0
