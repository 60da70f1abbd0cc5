"""gunicorn settings for production: ``faqbot serve --production`` (or ``gunicorn -c`` this file).

Threaded workers (``gthread``): a request spends most of its time waiting on the database or
on the engine's numpy and onnxruntime code, which release the GIL, so threads serve more than
processes for the same memory (each process holds its own copy of the model).  The number of
workers follows the cores; every value can be set by an environment variable.

The instance is prepared once in the master before the workers fork (:func:`on_starting`):
migrations, the seed corpus and, on a first start, training the model, which can take longer
than a worker may stay silent.  Workers then only load what is there.
"""

from __future__ import annotations

import os

import gunicorn.http.wsgi


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("FAQBOT_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("FAQBOT_WORKERS", max(2, os.cpu_count() or 1))
threads = _int("FAQBOT_THREADS", 4)
timeout = _int("FAQBOT_WORKER_TIMEOUT", 60)  # a worker silent this long is restarted
graceful_timeout = 30
keepalive = 5
wsgi_app = "faqbot.web:create_app()"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("FAQBOT_LOG_LEVEL", "info").lower()
# The request id is the one faqbot's own log lines carry (X-Request-ID on every response).
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'

# No "Server: gunicorn/<version>" header: it only helps someone looking for a known hole.
gunicorn.http.wsgi.SERVER = "faqbot"


def on_starting(server) -> None:
    """Migrate, seed and train (first start only) in the master, before any worker exists."""
    from faqbot.web import create_app

    app = create_app({"SCHEDULER_ENABLED": False})  # the workers run the scheduler
    app.extensions["faqbot.engine"].dispose()  # no connection may cross the fork
    server.log.info("instance %s ready", app.instance_path)


def post_worker_init(worker) -> None:
    """Load the live model before this worker takes its first request: a fresh worker (at start,
    or after one died) would otherwise make its first visitors wait for the load."""
    live = getattr(worker.wsgi, "extensions", {}).get("faqbot.live_model")
    if live is not None:
        with worker.wsgi.app_context():
            live.get()
