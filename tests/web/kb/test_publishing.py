"""What the help center shows, as the knowledge base keeps it: an FAQ's visibility and pinning (edits
recorded in its history), category order and visibility (recorded, by API and page), and both
through export and import, where a file without the new columns changes nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import AuditEvent, Faq
from faqbot.web.kb import history as kb_history
from faqbot.web.kb import service as kb
from faqbot.web.kb.apply import apply_preview
from faqbot.web.kb.categories import set_category
from faqbot.web.kb.export import CSV_COLUMNS, export_text
from faqbot.web.kb.importer import ImportFileError, build_preview, parse_upload

from ..support import csrf_token_from


@pytest.fixture
def admin(auth) -> dict[str, str]:
    return auth.headers("admin")


def faq_json(client, admin, faq_id: str) -> dict:
    return client.get(f"/api/v1/admin/faqs/{faq_id}", headers=admin).get_json()


def test_visibility_and_pinning_are_edits_recorded_in_the_history(client, admin):
    before = faq_json(client, admin, "7")
    assert (before["visibility"], before["pinned"]) == ("public", False)
    response = client.patch(
        "/api/v1/admin/faqs/7",
        headers=admin,
        json={"revision": before["revision"], "visibility": "internal", "pinned": True},
    )
    assert response.status_code == 200
    assert (response.get_json()["visibility"], response.get_json()["pinned"]) == ("internal", True)
    latest = client.get("/api/v1/admin/faqs/7/history", headers=admin).get_json()["revisions"][0]
    assert latest["action"] == "edited" and latest["source"] == "api"
    assert {c["field"]: (c["before"], c["after"]) for c in latest["changes"]} == {
        "visibility": ("public", "internal"),
        "pinned": (False, True),
    }
    same = client.patch(
        "/api/v1/admin/faqs/7", headers=admin, json={"revision": before["revision"] + 1, "pinned": True}
    )
    assert same.get_json()["revision"] == before["revision"] + 1  # no change, no revision


@pytest.mark.parametrize(
    "change", [{"visibility": "secret"}, {"visibility": None}, {"pinned": "yes"}, {"pinned": 1}]
)
def test_bad_visibility_or_pinned_is_a_clear_400(client, admin, change):
    response = client.patch("/api/v1/admin/faqs/7", headers=admin, json={"revision": 1, **change})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_faq"


def test_a_new_faq_can_start_internal_and_pinned(client, admin):
    body = {"question": "Staff discount?", "answer": "Ask HR.", "visibility": "internal", "pinned": True}
    created = client.post("/api/v1/admin/faqs", headers=admin, json=body).get_json()
    assert (created["visibility"], created["pinned"]) == ("internal", True)


def test_restoring_a_revision_restores_visibility_too(app):
    with session_scope(app) as session:
        kb.update_faq(session, "7", {"visibility": "internal"}, base_revision=None, user_id=None, source="t")
        first = kb_history.history(session, "7")[-1]
        faq = kb_history.restore(session, "7", first.id, user_id=None, source="t")
        assert faq.visibility == "public"


def test_an_old_revision_without_visibility_keeps_the_current_one(app):
    with session_scope(app) as session:
        kb.update_faq(session, "7", {"visibility": "internal"}, base_revision=None, user_id=None, source="t")
        first = kb_history.history(session, "7")[-1]
        first.after = {k: v for k, v in first.after.items() if k not in ("visibility", "pinned")}
    with session_scope(app) as session:
        faq = kb_history.restore(session, "7", first.id, user_id=None, source="t")
        assert faq.visibility == "internal"


def test_category_settings_by_api_are_recorded(app, client, admin):
    response = client.post(
        "/api/v1/admin/categories/settings",
        headers=admin,
        json={"name": "Refunds", "visibility": "internal", "position": 3},
    )
    assert response.get_json() == {"name": "Refunds", "visibility": "internal", "position": 3}
    rows = {
        c["name"]: c for c in client.get("/api/v1/admin/categories", headers=admin).get_json()["categories"]
    }
    assert (rows["Refunds"]["visibility"], rows["Refunds"]["position"], rows["Refunds"]["slug"]) == (
        "internal",
        3,
        "refunds",
    )
    assert (rows["Products"]["visibility"], rows["Products"]["position"]) == ("public", None)
    with session_scope(app) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.kind == "category")).one()
        assert event.subject == "Refunds" and event.before["visibility"] == "public"
        assert event.after == {"name": "Refunds", "position": 3, "visibility": "internal", "source": "api"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "Refunds"}, 400, "nothing_to_change"),
        ({"name": "Refunds", "visibility": "hidden"}, 400, "invalid_visibility"),
        ({"name": "Refunds", "position": 0}, 400, "invalid_position"),
        ({"name": "Refunds", "position": "2"}, 400, "invalid_position"),
        ({"name": "No such topic", "position": 2}, 404, "not_found"),
        ({"position": 2}, 400, "invalid_name"),
    ],
)
def test_bad_category_settings_are_refused(client, admin, body, status, code):
    response = client.post("/api/v1/admin/categories/settings", headers=admin, json=body)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_category_order_by_api(client, admin):
    client.post("/api/v1/admin/categories/settings", headers=admin, json={"name": "Contact", "position": 1})
    response = client.put(
        "/api/v1/admin/categories/order", headers=admin, json={"names": ["Refunds", "Warranty"]}
    )
    assert response.get_json()["order"] == [
        {"name": "Refunds", "position": 1},
        {"name": "Warranty", "position": 2},
    ]
    rows = {
        c["name"]: c["position"]
        for c in client.get("/api/v1/admin/categories", headers=admin).get_json()["categories"]
    }
    assert (rows["Refunds"], rows["Warranty"], rows["Contact"]) == (1, 2, None)
    assert (
        client.put(
            "/api/v1/admin/categories/order", headers=admin, json={"names": ["Refunds", "Refunds"]}
        ).status_code
        == 400
    )
    assert (
        client.put("/api/v1/admin/categories/order", headers=admin, json={"names": "Refunds"}).status_code
        == 400
    )
    assert (
        client.put("/api/v1/admin/categories/order", headers=admin, json={"names": ["Nope"]}).status_code
        == 404
    )


def test_staff_cannot_change_categories(client, auth):
    staff = auth.headers("staff")
    response = client.post(
        "/api/v1/admin/categories/settings", headers=staff, json={"name": "Refunds", "position": 1}
    )
    assert response.status_code == 403


# --- export and import -------------------------------------------------------------------------


def _preview(app, text: str, name: str) -> dict:
    with session_scope(app) as session:
        return build_preview(session, parse_upload(text.encode(), name, None), name)


def _settings(app) -> None:
    with session_scope(app) as session:
        kb.update_faq(
            session,
            "7",
            {"visibility": "internal", "pinned": True},
            base_revision=None,
            user_id=None,
            source="t",
        )
        set_category(session, "Refunds", visibility="internal", position=2, user_id=None, source="t")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_export_carries_the_settings_and_imports_back_unchanged(app, fmt):
    _settings(app)
    with session_scope(app) as session:
        text = export_text(session, fmt)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert tuple(rows[0]) == CSV_COLUMNS
        row = next(r for r in rows if r["id"] == "7")
        assert (row["visibility"], row["pinned"]) == ("internal", "true")
        refunds = [r for r in rows if r["category"] == "Refunds"]
        assert {(r["category_visibility"], r["category_position"]) for r in refunds} == {("internal", "2")}
    preview = _preview(app, text, f"faqs.{fmt}")
    assert preview["counts"]["unchanged"] == len(preview["items"]) and preview["categories"] == []
    assert preview["counts"]["categories_changed"] == 0


def test_import_changes_visibility_pinning_and_category_settings(app):
    with session_scope(app) as session:
        records = json.loads(export_text(session, "json"))
    for record in records:
        if record["id"] == "7":
            record.update(visibility="internal", pinned=True)
        if record["category"] == "Warranty":
            record.update(category_visibility="internal", category_position=1)
    preview = _preview(app, json.dumps(records), "faqs.json")
    item = next(i for i in preview["items"] if i["id"] == "7")
    assert item["status"] == "changed"
    assert {c["field"] for c in item["changes"]} == {"visibility", "pinned"}
    assert preview["categories"] == [
        {
            "name": "Warranty",
            "line": preview["categories"][0]["line"],
            "state": {"visibility": "internal", "position": 1},
            "changes": [
                {"field": "visibility", "before": "public", "after": "internal"},
                {"field": "position", "before": None, "after": 1},
            ],
        }
    ]
    with session_scope(app) as session:
        result = apply_preview(session, preview, user_id=None)
    assert (result["updated"], result["categories_changed"]) == (1, 1)
    with session_scope(app) as session:
        faq = session.get(Faq, "7")
        assert (faq.visibility, faq.pinned) == ("internal", True)
        assert kb_history.history(session, "7")[0].source == "import"
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.kind == "category")).one().after["source"]
            == "import"
        )


def test_an_old_file_without_the_columns_changes_no_setting(app):
    _settings(app)
    old = "id,question,answer,category\n7,{q},{a},{c}\n"
    with session_scope(app) as session:
        faq = session.get(Faq, "7")
        text = old.format(q=faq.question, a=json.dumps(faq.answer), c=faq.category)
    preview = _preview(app, text, "old.csv")
    item = preview["items"][0]
    assert item["state"]["visibility"] == "internal" and item["state"]["pinned"] is True
    assert "visibility" not in {c["field"] for c in item["changes"]}
    assert preview["categories"] == []


@pytest.mark.parametrize(
    ("header", "rows", "problem"),
    [
        ("id,question,answer,visibility", ["1,Q?,A.,secret"], "'visibility' must be public or internal"),
        ("id,question,answer,pinned", ["1,Q?,A.,perhaps"], "'pinned' must be true or false"),
        (
            "id,question,answer,category,category_position",
            ["1,Q?,A.,Refunds,2", "2,R?,B.,Refunds,3"],
            "category 'Refunds': category_position differs",
        ),
        (
            "id,question,answer,category,category_position",
            ["1,Q?,A.,Refunds,0"],
            "'category_position' must be",
        ),
        (
            "id,question,answer,category,category_visibility",
            ["1,Q?,A.,Refunds,maybe"],
            "'category_visibility' must be public or internal",
        ),
    ],
)
def test_bad_columns_name_the_line_and_import_nothing(app, header, rows, problem):
    text = "\n".join([header, *rows]) + "\n"
    with pytest.raises(ImportFileError, match=problem) as caught:
        _preview(app, text, "bad.csv")
    assert caught.value.line == len(rows) + 1


# --- pages -------------------------------------------------------------------------------------


def _admin_page(client, auth, path: str) -> str:
    auth.login("admin@example.com", "admin")
    return client.get(path).get_data(as_text=True)


def test_the_edit_page_sets_visibility_and_pinning(app, client, auth):
    html = _admin_page(client, auth, "/admin/faqs/7")
    assert '<option value="public" selected>' in html and 'name="pinned"' in html
    with session_scope(app) as session:
        faq = session.get(Faq, "7")
        data = {
            "csrf_token": csrf_token_from(html),
            "question": faq.question,
            "answer": faq.answer,
            "category": faq.category,
            "phrasings": "\n".join(p.text for p in faq.phrasings),
            "revision": str(faq.revision),
            "visibility": "internal",
            "pinned": "y",
        }
    assert client.post("/admin/faqs/7", data=data).status_code == 302
    with session_scope(app) as session:
        assert (session.get(Faq, "7").visibility, session.get(Faq, "7").pinned) == ("internal", True)
        assert kb_history.history(session, "7")[0].source == "admin"
    html = client.get("/admin/faqs/7").get_data(as_text=True)
    assert '<option value="internal" selected>' in html and '<span class="kb-badge">internal</span>' in html
    bad = client.post(
        "/admin/faqs/7", data={**data, "revision": str(data["revision"]), "visibility": "secret"}
    )
    assert bad.status_code == 200  # shown again with the problem; nothing saved
    with session_scope(app) as session:
        assert session.get(Faq, "7").visibility == "internal"


def _category_form(html: str) -> dict[str, str]:
    """The categories page's form as a browser would post it."""
    import re

    data = {"csrf_token": csrf_token_from(html)}
    for index, name in re.findall(r'name="name-(\d+)" value="([^"]+)"', html):
        data[f"name-{index}"] = name.replace("&amp;", "&")
        data[f"position-{index}"] = ""
        data[f"visibility-{index}"] = "public"
    return data


def test_the_categories_page_orders_and_hides_categories(app, client, auth):
    html = _admin_page(client, auth, "/admin/faqs/categories")
    assert "Categories in the help center" in html
    data = _category_form(html)
    index = {v: k.split("-")[1] for k, v in data.items() if k.startswith("name-")}
    data[f"position-{index['Warranty']}"] = "1"
    data[f"visibility-{index['Refunds']}"] = "internal"
    response = client.post("/admin/faqs/categories", data=data)
    assert response.status_code == 302
    rows = {c["name"]: c for c in client.get("/api/v1/admin/categories").get_json()["categories"]}
    assert rows["Warranty"]["position"] == 1 and rows["Refunds"]["visibility"] == "internal"
    page = client.get("/admin/faqs/categories").get_data(as_text=True)
    assert "Saved: 2 categories changed." in page and "Recent changes" in page
    assert page.index("Warranty") < page.index("Products")  # ordered as the help center shows them

    data = _category_form(page)
    data[f"position-{index['Products']}"] = "abc"
    refused = client.post("/admin/faqs/categories", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Nothing was saved" in html
    assert 'value="abc"' in html  # what was typed is kept
    rows = {c["name"]: c for c in client.get("/api/v1/admin/categories").get_json()["categories"]}
    assert rows["Warranty"]["position"] == 1  # the whole form was refused


def test_the_categories_page_is_for_admins_with_a_csrf_token(client, auth):
    auth.login("staff@example.com", "staff")
    assert client.get("/admin/faqs/categories").status_code == 403
    client.post("/logout")
