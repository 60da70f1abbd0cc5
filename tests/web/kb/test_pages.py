"""Knowledge-base pages: admin only, CSRF on every form, visitor text escaped, stale edits
explained, history with restore, and the upload-preview-apply import."""

from __future__ import annotations

import io

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, LearnedPhrasing
from faqbot.web.kb import history as kb_history
from faqbot.web.kb import service as kb

from ..support import csrf_token_from

XSS = '<script>alert("x")</script>'


def _admin(auth):
    auth.login("admin@example.com", "admin")


def test_staff_get_403_on_kb_pages_and_strangers_go_to_login(client, auth):
    assert client.get("/admin/faqs/").status_code == 302
    auth.login("staff@example.com", "staff")
    for path in (
        "/admin/faqs/",
        "/admin/faqs/1",
        "/admin/faqs/1/history",
        "/admin/faqs/import",
        "/admin/faqs/export.csv",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/faqs/1/archive").status_code in (400, 403)


def test_forms_without_csrf_token_change_nothing(client, auth, app):
    _admin(auth)
    for path in ("/admin/faqs/1/archive", "/admin/faqs/1/delete", "/admin/faqs/new", "/admin/faqs/1"):
        client.post(path, data={"question": "Hijacked?", "answer": "Yes", "revision": "1"})
    with session_scope(app) as session:
        faq = session.get(Faq, "1")
        assert (faq.revision, faq.archived) == (1, False)
        assert session.query(Faq).filter(Faq.question == "Hijacked?").count() == 0


def test_visitor_text_is_escaped_everywhere_it_is_shown(client, auth, app):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="1", text=XSS))
        kb.update_faq(
            session,
            "2",
            {"answer": XSS, "question": f"alert {XSS}"},
            base_revision=1,
            user_id=None,
            source="t",
        )
    _admin(auth)
    for path in ("/admin/faqs/1", "/admin/faqs/2/history", "/admin/faqs/?q=alert"):
        html = client.get(path).get_data(as_text=True)
        assert XSS not in html and "&lt;script&gt;" in html, path


def test_add_then_edit_with_a_stale_revision_gets_a_clear_message(client, auth, app):
    _admin(auth)
    token = csrf_token_from(client.get("/admin/faqs/new").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "question": "Do you sell gift cards?",
        "answer": "Yes.",
        "phrasings": "gift card\n\nvoucher",
    }
    added = client.post("/admin/faqs/new", data=data)
    assert added.status_code == 302
    faq_id = added.headers["Location"].rsplit("/", 1)[1]
    with session_scope(app) as session:
        assert [p.text for p in session.get(Faq, faq_id).phrasings] == ["gift card", "voucher"]
        kb.update_faq(
            session, faq_id, {"answer": "Someone else's."}, base_revision=1, user_id=None, source="t"
        )
    stale = {**data, "answer": "Mine.", "revision": "1"}
    page = client.post(f"/admin/faqs/{faq_id}", data=stale)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "changed by someone else" in html and "Someone else&#39;s." in html
    with session_scope(app) as session:
        assert session.get(Faq, faq_id).answer == "Someone else's."
    again = client.post(f"/admin/faqs/{faq_id}", data={**stale, "revision": "2"})
    assert again.status_code == 302
    with session_scope(app) as session:
        assert session.get(Faq, faq_id).answer == "Mine."


def test_delete_then_restore_from_the_history_page(client, auth, app):
    _admin(auth)
    token = csrf_token_from(client.get("/admin/faqs/4").get_data(as_text=True))
    deleted = client.post("/admin/faqs/4/delete", data={"csrf_token": token, "revision": "1"})
    assert deleted.headers["Location"].endswith("/admin/faqs/4/history")
    html = client.get("/admin/faqs/4/history").get_data(as_text=True)
    assert "This FAQ is deleted" in html and "Restore this version" in html
    with session_scope(app) as session:
        assert session.get(Faq, "4") is None
        revision_id = kb_history.history(session, "4")[-1].id
    restored = client.post(f"/admin/faqs/4/restore/{revision_id}", data={"csrf_token": token})
    assert restored.status_code == 302
    with session_scope(app) as session:
        assert session.get(Faq, "4").revision == 3


def test_import_upload_preview_then_apply(client, auth, app):
    _admin(auth)
    exported = client.get("/admin/faqs/export.csv").get_data(as_text=True)
    changed = exported.replace("Every product page shows", "Each product page shows", 1)
    assert len(changed.encode()) > app.config["MAX_CONTENT_LENGTH"]  # bigger than other forms may be
    token = csrf_token_from(client.get("/admin/faqs/import").get_data(as_text=True))
    data = {"csrf_token": token, "format": "", "file": (io.BytesIO(changed.encode()), "kb.csv")}
    preview = client.post("/admin/faqs/import", data=data, content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 changed" in html and "Apply the import" in html
    with session_scope(app) as session:
        assert session.get(Faq, "1").answer.startswith("Every")
    apply_token = csrf_token_from(html)
    preview_token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    applied = client.post(
        "/admin/faqs/import/apply", data={"csrf_token": apply_token, "token": preview_token}
    )
    assert applied.status_code == 302
    with session_scope(app) as session:
        assert session.get(Faq, "1").answer.startswith("Each")


def test_a_bad_upload_shows_line_and_problem_and_changes_nothing(client, auth, app):
    _admin(auth)
    token = csrf_token_from(client.get("/admin/faqs/import").get_data(as_text=True))
    bad = b"id,question,answer\n1,Q?,A\n1,Q2?,B\n"
    data = {"csrf_token": token, "format": "", "file": (io.BytesIO(bad), "mine.csv")}
    page = client.post(
        "/admin/faqs/import", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    html = page.get_data(as_text=True)
    assert "Nothing was imported. mine.csv:3: id &#39;1&#39;: answer differs from the one on line 2" in html
    with session_scope(app) as session:
        assert session.get(Faq, "1").revision == 1
