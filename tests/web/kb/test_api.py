"""The knowledge-base admin API: CRUD with optimistic concurrency, history and restore,
import/export over HTTP, and the admin role required everywhere."""

from __future__ import annotations

import io

import pytest

from faqbot.web import create_app
from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq

from ..support import csrf_token_from, make_config

ADMIN_ROUTES = [
    ("get", "/api/v1/admin/faqs"),
    ("post", "/api/v1/admin/faqs"),
    ("get", "/api/v1/admin/faqs/1"),
    ("patch", "/api/v1/admin/faqs/1"),
    ("delete", "/api/v1/admin/faqs/1"),
    ("post", "/api/v1/admin/faqs/1/archive"),
    ("post", "/api/v1/admin/faqs/1/unarchive"),
    ("get", "/api/v1/admin/faqs/1/history"),
    ("post", "/api/v1/admin/faqs/1/restore"),
    ("delete", "/api/v1/admin/faqs/1/learned/1"),
    ("get", "/api/v1/admin/faqs/export"),
    ("post", "/api/v1/admin/faqs/import/preview"),
    ("post", "/api/v1/admin/faqs/import/apply"),
    ("get", "/api/v1/admin/categories"),
    ("post", "/api/v1/admin/categories/rename"),
]


@pytest.fixture
def admin(auth):
    return auth.headers("admin")


def test_staff_get_403_and_strangers_401_on_every_kb_route(client, auth):
    staff = auth.headers("staff")
    for method, path in ADMIN_ROUTES:
        assert getattr(client, method)(path, headers=staff, json={}).status_code == 403, path
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"
    with session_scope(client.application) as session:
        assert session.get(Faq, "1").revision == 1


def test_create_read_edit_archive_delete_restore(client, admin):
    created = client.post(
        "/api/v1/admin/faqs",
        headers=admin,
        json={
            "question": "Can I pay in gold?",
            "answer": "No.",
            "category": "Payment",
            "phrasings": ["gold"],
        },
    )
    assert created.status_code == 201
    faq = created.get_json()
    assert created.headers["Location"].endswith(f"/faqs/{faq['id']}") and faq["revision"] == 1
    url = f"/api/v1/admin/faqs/{faq['id']}"
    edited = client.patch(url, headers=admin, json={"revision": 1, "answer": "Only silver."})
    assert edited.status_code == 200 and edited.get_json()["revision"] == 2
    stale = client.patch(url, headers=admin, json={"revision": 1, "answer": "Bronze."})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_revision"
    assert client.get(url, headers=admin).get_json()["answer"] == "Only silver."
    missing = client.patch(url, headers=admin, json={"answer": "x"})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_revision"
    assert client.post(f"{url}/archive", headers=admin).get_json()["archived"] is True
    listed = client.get("/api/v1/admin/faqs?q=gold", headers=admin).get_json()
    assert listed["total"] == 0
    listed = client.get("/api/v1/admin/faqs?q=gold&archived=include", headers=admin).get_json()
    assert [f["id"] for f in listed["faqs"]] == [faq["id"]]
    assert client.delete(url, headers=admin).status_code == 200
    assert client.get(url, headers=admin).status_code == 404
    history = client.get(f"{url}/history", headers=admin).get_json()
    assert history["exists"] is False
    assert [r["action"] for r in history["revisions"]] == ["deleted", "archived", "edited", "created"]
    assert history["revisions"][2]["changes"] == [
        {"field": "answer", "before": "No.", "after": "Only silver."}
    ]
    assert history["revisions"][0]["user"].startswith("admin-")
    first = history["revisions"][-1]["id"]
    restored = client.post(f"{url}/restore", headers=admin, json={"revision_id": first})
    assert restored.status_code == 200
    assert (restored.get_json()["answer"], restored.get_json()["archived"]) == ("No.", False)


@pytest.mark.parametrize(
    "body, code",
    [
        ({"question": "", "answer": "x"}, "invalid_faq"),
        ({"question": "x"}, "invalid_faq"),
        ({"question": "q", "answer": "a", "phrasings": ["p", "P"]}, "invalid_faq"),
        ({"question": "q", "answer": "a", "category": 5}, "invalid_faq"),
    ],
)
def test_invalid_faq_bodies_are_400(client, admin, body, code):
    response = client.post("/api/v1/admin/faqs", headers=admin, json=body)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_unknown_faq_revision_and_bad_filters(client, admin):
    assert client.get("/api/v1/admin/faqs/nope", headers=admin).status_code == 404
    bad = client.post("/api/v1/admin/faqs/1/restore", headers=admin, json={"revision_id": 999999})
    assert bad.status_code == 404
    assert client.get("/api/v1/admin/faqs?archived=maybe", headers=admin).status_code == 400
    assert client.get("/api/v1/admin/faqs?limit=0", headers=admin).status_code == 400
    assert client.get("/api/v1/admin/faqs/export?format=xml", headers=admin).status_code == 400


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_then_import_over_http_changes_nothing(client, admin, fmt):
    exported = client.get(f"/api/v1/admin/faqs/export?format={fmt}", headers=admin)
    assert exported.status_code == 200 and f"faqs.{fmt}" in exported.headers["Content-Disposition"]
    raw = client.post(f"/api/v1/admin/faqs/import/preview?format={fmt}", headers=admin, data=exported.data)
    assert raw.status_code == 200, raw.get_json()
    body = raw.get_json()
    assert body["counts"]["unchanged"] == len(body["items"]) and "fingerprint" not in body
    applied = client.post("/api/v1/admin/faqs/import/apply", headers=admin, json={"token": body["token"]})
    assert applied.get_json()["updated"] == applied.get_json()["created"] == 0
    again = client.post("/api/v1/admin/faqs/import/apply", headers=admin, json={"token": body["token"]})
    assert again.status_code == 404  # a preview is applied once


def test_a_preview_made_on_one_instance_is_applied_on_another(app, client, admin, tmp_path):
    """Behind a load balancer the apply may reach another instance sharing the database."""
    other = create_app(make_config(tmp_path / "other", app.config["DATABASE_URL"]), with_model=False)
    try:
        exported = client.get("/api/v1/admin/faqs/export?format=json", headers=admin).get_json()
        exported[0]["answer"] = "Answered from the other instance."
        preview = client.post("/api/v1/admin/faqs/import/preview?format=json", headers=admin, json=exported)
        assert preview.get_json()["counts"]["changed"] == 1
        token = preview.get_json()["token"]
        applied = other.test_client().post(
            "/api/v1/admin/faqs/import/apply", headers=admin, json={"token": token}
        )
        assert applied.status_code == 200 and applied.get_json()["updated"] == 1
    finally:
        other.extensions["faqbot.engine"].dispose()
    with session_scope(app) as session:
        assert session.get(Faq, exported[0]["id"]).answer == "Answered from the other instance."


def test_multipart_import_bigger_than_the_app_body_limit_is_accepted(client, admin, app):
    exported = client.get("/api/v1/admin/faqs/export?format=json", headers=admin).data
    assert len(exported) > app.config["MAX_CONTENT_LENGTH"]
    data = {"file": (io.BytesIO(exported), "kb.json")}
    response = client.post("/api/v1/admin/faqs/import/preview", headers=admin, data=data)
    assert response.status_code == 200 and response.get_json()["filename"] == "kb.json"
    app.config["MAX_IMPORT_LENGTH"] = 1000
    too_big = client.post("/api/v1/admin/faqs/import/preview?format=json", headers=admin, data=exported)
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "payload_too_large"


def test_bad_import_file_is_a_400_naming_the_line(client, admin):
    response = client.post(
        "/api/v1/admin/faqs/import/preview?format=csv", headers=admin, data=b"id,question,answer\n1,,A\n"
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "upload.csv:2: empty question"
    unknown = client.post("/api/v1/admin/faqs/import/preview", headers=admin, data=b"id,question\n")
    assert unknown.status_code == 400 and unknown.get_json()["error"]["code"] == "invalid_format"


def test_categories_and_rename(client, admin):
    names = {
        c["name"] for c in client.get("/api/v1/admin/categories", headers=admin).get_json()["categories"]
    }
    old = sorted(n for n in names if n)[0]
    renamed = client.post("/api/v1/admin/categories/rename", headers=admin, json={"from": old, "to": "Zeta"})
    assert renamed.status_code == 200 and renamed.get_json()["renamed"] >= 1
    names = {
        c["name"] for c in client.get("/api/v1/admin/categories", headers=admin).get_json()["categories"]
    }
    assert old not in names and "Zeta" in names


def test_session_writes_need_the_csrf_header(client, auth):
    auth.login("boss@example.com", "admin")
    no_header = client.post("/api/v1/admin/faqs/1/archive")
    assert no_header.status_code == 400 and no_header.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token_from(client.get("/admin/faqs/").get_data(as_text=True))
    ok = client.post("/api/v1/admin/faqs/1/archive", headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["archived"] is True
