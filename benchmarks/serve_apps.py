"""The two baselines ``benchmarks/serve.py`` loads beside faqbot, under the same gunicorn settings.

- :func:`hello`: a bare Flask app answering every ``POST /api/v1/ask`` with a constant: the ceiling
  of Flask and gunicorn on this machine.
- :func:`engine`: the engine alone behind Flask: parse the JSON, ``model.ask``, answer JSON.  No
  database, no rate limits, no tickets: what faqbot's request path costs on top of the engine is
  the difference between it and faqbot's ``/ask``.
"""

from __future__ import annotations

import os

from flask import Flask, abort, jsonify, request


def hello() -> Flask:
    app = Flask("hello")

    @app.post("/api/v1/ask")
    def ask():
        return jsonify({"status": "hello"})

    return app


def engine() -> Flask:
    """The model in ``FAQBOT_BENCH_MODEL`` (a version directory), loaded and verified by faqbot."""
    import faqbot

    model = faqbot.load(os.environ["FAQBOT_BENCH_MODEL"])
    app = Flask("engine")

    @app.post("/api/v1/ask")
    def ask():
        body = request.get_json(silent=True)
        question = body.get("question") if isinstance(body, dict) else None
        if not isinstance(question, str) or not question.strip():
            abort(400)
        return jsonify(model.ask(question[:500]))

    return app
