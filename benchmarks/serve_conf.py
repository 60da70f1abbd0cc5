"""gunicorn settings for the baselines of ``benchmarks/serve.py``: faqbot's own production settings
(workers, threads, access log, timeouts) with the app from ``FAQBOT_BENCH_APP`` and nothing to
prepare in the master."""

import os

from faqbot.web.app.gunicorn_conf import *  # noqa: F403  (the same settings as faqbot's)

wsgi_app = os.environ["FAQBOT_BENCH_APP"]


def on_starting(server) -> None:
    """No faqbot instance to migrate, seed or train."""
