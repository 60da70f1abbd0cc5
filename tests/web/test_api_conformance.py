"""The OpenAPI document matches what the server does (issue 15).

schemathesis generates valid and invalid requests for every documented operation and runs all its
checks on each answer: no 5xx, only documented status codes and content types, bodies that match
their schemas, bad input refused with a 4xx, valid input accepted, secured operations refusing a
missing or wrong token.  ``test_openapi.py`` checks that the document lists the routes; this
checks what it says of them.

One test per database: a fresh app (sample FAQs and model) serves every operation in turn, as an
admin so that staff and admin operations run too.  An operation sees what earlier ones did (an FAQ
deleted, a ticket answered), as a real client would; the two tests share nothing.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from .support import make_config

# Bounded so the file runs in a few minutes on both databases on a busy 2-core machine; the
# examples and coverage phases add their own cases on top of these random ones.
EXAMPLES_PER_OPERATION = 5

# Characters the service refuses in any path, query or JSON string, keys included (a 400
# ``invalid_text``, see faqbot/web/core/hygiene.py and the document's description).  JSON Schema
# cannot say "no string anywhere in this body, even under keys the server ignores", so valid
# requests are generated without them; invalid ones may still carry them.
REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

# Operations whose schema-valid requests can still be refused with a 400 by a rule a schema cannot
# state: what exists in the database, or how two fields relate.  Every other operation must accept
# each request its schema admits.
RULES_BEYOND_THE_SCHEMA = {
    "GET /api/v1/admin/analytics": "the period spans at most 366 days",
    "GET /api/v1/admin/analytics/faqs": "the period spans at most 366 days",
    "GET /api/v1/admin/analytics.csv": "the period spans at most 366 days",
    "POST /api/v1/admin/categories/settings": "the category must exist",
    "PUT /api/v1/admin/categories/order": "the categories must exist",
    "POST /api/v1/admin/categories/rename": "the category must exist",
    "POST /api/v1/admin/review/link": "the questions must exist",
    "POST /api/v1/admin/review/new-faq": "the questions must exist",
    "POST /api/v1/admin/review/ignore": "the questions must exist",
    "POST /api/v1/admin/review/wrong-answers/correct": "the questions must exist",
    "POST /api/v1/admin/review/wrong-answers/confirm": "the questions must exist",
    "POST /api/v1/admin/faqs/{faq_id}/restore": "the revision must be one of this FAQ's",
    "PUT /api/v1/admin/thresholds": "the suggestion threshold must not exceed the answer threshold",
    "GET /api/v1/admin/thresholds/preview": "the suggestion threshold must not exceed the answer threshold",
    "POST /api/v1/me/password": "the current password must be right",
    "POST /api/v1/admin/faqs/import/preview": "the file must be a readable CSV or JSON export",
    "GET /api/v1/admin/review/clusters": "'since' must be before 'until'",
    "GET /api/v1/admin/review/wrong-answers": "'since' must be before 'until'",
    "POST /api/v1/staff/tickets/bulk": "the assignee must exist; adding or removing tags names one",
}

# POST /admin/retrain starts a real retrain (half a minute of training) in a background thread
# that outlives the test and its database; tests/web/models exercise it and wait for it.
schema = schemathesis.pytest.from_fixture("api_schema").exclude(method="POST", path="/api/v1/admin/retrain")


# An invalid request may be refused for its size (413) before its content is read.
REFUSALS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


def checks_config() -> schemathesis.config.SchemathesisConfig:
    """Every check on, with a 400 also accepted for valid data where a rule above applies."""
    accepted = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
    beyond = [
        {"include-name": name, "checks": {"positive_data_acceptance": {"expected-statuses": accepted}}}
        for name in RULES_BEYOND_THE_SCHEMA
    ]
    # ``/admin/faqs/{faq_id}`` matches ``/admin/faqs/export`` too, so OPTIONS there rightly lists
    # PATCH and DELETE (of an FAQ whose id is "export"), which the export path does not document.
    export = {
        "include-name": "GET /api/v1/admin/faqs/export",
        "checks": {"allow_header_conformance": {"enabled": False}},
    }
    return schemathesis.config.SchemathesisConfig.from_dict(
        {
            "checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}},
            "operations": [*beyond, export],
        }
    )


def cleaned(value: Any) -> Any:
    """``value`` with each refused character of each string (and key) replaced by ``?``, and each
    whole float as an int: JSON Schema counts 3.0 as an integer, the server (like most) wants 3."""
    if isinstance(value, str):
        return REFUSED.sub("?", value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {cleaned(k): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    return value


def clean_valid_parts(case) -> None:
    """Clean (see :func:`cleaned`) each part of the request that is meant to be valid; an invalid
    part is sent as generated."""
    parts = case.meta.components if case.meta is not None else {}
    for location, attribute in (("path", "path_parameters"), ("query", "query"), ("body", "body")):
        info = parts.get(ParameterLocation(location))
        if info is None or not info.mode.is_negative:
            setattr(case, attribute, cleaned(getattr(case, attribute)))


@pytest.fixture
def app_config(instance, database_url) -> dict:
    """Without rate limits, so that generated requests reach the endpoints instead of a 429."""
    return make_config(instance, database_url, RATELIMIT_ENABLED=False)


@pytest.fixture
def api_schema(app, request):
    """The document as the app serves it (with its configured limits), calling the app in-process."""
    # schemathesis 4.32.5 renames the running test after each operation through the node's
    # ``_nodeid``, which pytest 9.2 no longer has; give it one (only names in reports depend on it).
    request.node._nodeid = request.node.nodeid
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=checks_config())


@pytest.fixture
def admin_headers(auth) -> dict[str, str]:
    return auth.headers("admin")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_server_answers_as_documented(case, admin_headers):
    clean_valid_parts(case)
    # With no checks named, call_and_validate runs every built-in check (``--checks all``).
    case.call_and_validate(headers=admin_headers)
