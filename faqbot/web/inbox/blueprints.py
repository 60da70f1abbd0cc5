"""The inbox's two blueprints; the modules that add routes to them import them from here, and
:mod:`pages` and :mod:`api` import those modules so that registering a blueprint brings all."""

from __future__ import annotations

from flask import Blueprint

pages = Blueprint(
    "inbox",
    __name__,
    url_prefix="/inbox",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
api = Blueprint("staff_api", __name__, url_prefix="/api/v1/staff")
