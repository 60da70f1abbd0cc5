"""A cookie session that stays out of the public API.

The widget's API is called cross-origin from visitors' browsers; it must neither read nor set
cookies.  Flask refreshes a permanent session cookie on every response, so the public blueprint
is skipped here rather than in an ``after_request`` (which runs before the session is saved).
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

COOKIELESS_BLUEPRINTS = frozenset({"public", "openapi"})


class ApiAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request_):
        if request_.blueprint in COOKIELESS_BLUEPRINTS:
            return self.session_class()  # an empty session: the cookie is ignored
        return super().open_session(app, request_)

    def save_session(self, app: Flask, session, response) -> None:
        if request.blueprint in COOKIELESS_BLUEPRINTS:
            return
        super().save_session(app, session, response)
