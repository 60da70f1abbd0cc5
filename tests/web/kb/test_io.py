"""Export and import: the round trip changes nothing, the preview classifies every FAQ, apply
does exactly what was previewed, and a bad file changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from faqbot.engine.corpus import load_corpus
from faqbot.web.core.db import session_scope
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, FaqRevision, ImportPreview, LearnedPhrasing, utcnow
from faqbot.web.kb import history as kb_history
from faqbot.web.kb import service as kb
from faqbot.web.kb.apply import PREVIEW_TTL, apply_preview, save_preview, take_preview
from faqbot.web.kb.export import export_text
from faqbot.web.kb.importer import build_preview, parse_upload

FORMATS = ("csv", "json", "jsonl")


def _tricky(app) -> str:
    """An FAQ whose texts stress the formats: '|' in phrasings, quotes, newlines, unicode."""
    with session_scope(app) as session:
        faq = kb.create_faq(
            session,
            question='Is "A|B" testing | allowed?',
            answer='Yes, with care:\n- one, "two"\n- three \u2028 four, five',
            category="Lab, tests",
            phrasings=["plain one", "has | pipe", "after the pipe", "émoji 🎉"],
            user_id=None,
            source="test",
        )
        session.add(LearnedPhrasing(faq_id=faq.id, text="learned  with | pipe"))
        session.add(LearnedPhrasing(faq_id="2", text="a visitor's own words"))
        kb.set_archived(session, "3", True, user_id=None, source="test")
        return faq.id


def _preview(app, text: str, fmt: str, name: str | None = None) -> dict:
    with session_scope(app) as session:
        return build_preview(session, parse_upload(text.encode(), name or f"faqs.{fmt}", None), "faqs")


def _revision_count(app) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count()).select_from(FaqRevision))


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_import_is_all_unchanged_and_applies_nothing(app, fmt, tmp_path):
    faq_id = _tricky(app)
    with session_scope(app) as session:
        text = export_text(session, fmt)
    path = tmp_path / f"faqs.{fmt}"
    path.write_text(text, encoding="utf-8", newline="")
    loaded = load_corpus(path).by_id()[faq_id]  # the engine reads the export as it is
    assert loaded.phrasings == (
        'Is "A|B" testing | allowed?',
        "plain one",
        "has | pipe",
        "after the pipe",
        "émoji 🎉",
        "learned with | pipe",
    )
    preview = _preview(app, text, fmt)
    assert preview["counts"]["unchanged"] == len(preview["items"]) > 60
    assert preview["counts"]["new"] == preview["counts"]["changed"] == preview["counts"]["conflicting"] == 0
    assert preview["counts"]["missing"] == 0
    before = _revision_count(app)
    with session_scope(app) as session:
        result = apply_preview(session, preview, user_id=None, archive_missing=True)
    assert result["unchanged"] == len(preview["items"]) and result["created"] == result["updated"] == 0
    assert result["archived"] == 0 and _revision_count(app) == before
    with session_scope(app) as session:
        assert export_text(session, fmt) == text
        assert session.get(Faq, "3").archived is True


def test_preview_classifies_new_changed_unchanged_conflicting_and_missing(app):
    with session_scope(app) as session:
        records = json.loads(export_text(session, "json"))
    by_id = {r["id"]: r for r in records}
    old_answer, by_id["1"]["answer"] = by_id["1"]["answer"], "A changed answer."
    by_id["2"]["alternates"].append("a brand new way to ask")
    by_id["4"]["archived"] = True
    del by_id["6"]
    first_question = by_id["7"]["question"]
    by_id["900"] = {"id": "900", "question": "A fresh question?", "answer": "Fresh.", "category": None}
    by_id["901"] = {"id": "901", "question": first_question.upper(), "answer": "Copy."}
    with session_scope(app) as session:  # edited in the database after the export
        kb.update_faq(
            session, "5", {"answer": "Edited meanwhile."}, base_revision=1, user_id=None, source="t"
        )
    by_id["5"]["answer"] = "The file's answer."
    preview = _preview(app, json.dumps(list(by_id.values())), "json")
    status = {item["id"]: item for item in preview["items"]}
    assert status["1"]["status"] == "changed"
    assert status["1"]["changes"] == [{"field": "answer", "before": old_answer, "after": "A changed answer."}]
    assert status["2"]["status"] == "changed" and status["2"]["changes"][0]["field"] == "phrasings"
    assert [c["field"] for c in status["4"]["changes"]] == ["archived"]
    assert status["900"]["status"] == "new"
    assert status["901"]["status"] == "conflicting" and "#7" in status["901"]["conflicts"][0]
    assert status["5"]["status"] == "conflicting" and "revision 2" in status["5"]["conflicts"][0]
    assert status["8"]["status"] == "unchanged"
    assert [m["id"] for m in preview["missing"]] == ["6"]
    counts = preview["counts"]
    assert (counts["new"], counts["changed"], counts["conflicting"], counts["missing"]) == (1, 3, 2, 1)


def test_apply_does_what_was_previewed_and_records_import_revisions(app):
    with session_scope(app) as session:
        records = json.loads(export_text(session, "json"))
    records[0]["answer"] = "Imported answer."
    records = [r for r in records if r["id"] != "6"]
    records.append(
        {"id": "950", "question": "Imported question?", "answer": "Imported.", "alternates": ["x|y"]}
    )
    preview = _preview(app, json.dumps(records), "json")
    with session_scope(app) as session:
        stored = save_preview(session, preview, None)
    with session_scope(app) as session:
        result = apply_preview(
            session, take_preview(session, stored["token"]), user_id=None, archive_missing=True
        )
    assert (result["created"], result["updated"], result["archived"]) == (1, 1, 1)
    with session_scope(app) as session:
        assert session.get(Faq, "1").answer == "Imported answer."
        assert [p.text for p in session.get(Faq, "950").phrasings] == ["x|y"]
        assert session.get(Faq, "6").archived is True
        sources = {r.faq_id: (r.action, r.source) for r in kb_history.history(session, "1")[:1]}
        assert sources == {"1": ("edited", "import")}
        assert kb_history.history(session, "950")[0].source == "import"


def test_apply_is_refused_when_the_knowledge_base_changed_after_the_preview(app):
    with session_scope(app) as session:
        records = json.loads(export_text(session, "json"))
    records[0]["answer"] = "From the file."
    preview = _preview(app, json.dumps(records), "json")
    with session_scope(app) as session:
        kb.update_faq(session, "9", {"answer": "Someone else."}, base_revision=1, user_id=None, source="t")
    with session_scope(app) as session:
        with pytest.raises(ApiError) as caught:
            apply_preview(session, preview, user_id=None)
        assert (caught.value.status, caught.value.code) == (409, "kb_changed")
    with session_scope(app) as session:
        assert session.get(Faq, "1").answer != "From the file."


def test_learned_phrasings_stay_learned_and_are_never_removed_by_an_import(app):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="2", text="taught after the export"))
        records = json.loads(export_text(session, "json"))
    preview = _preview(app, json.dumps(records), "json")
    assert preview["counts"]["changed"] == 0
    records[1]["alternates"] = [a for a in records[1]["alternates"] if a != "taught after the export"]
    preview = _preview(app, json.dumps(records), "json")
    assert preview["counts"]["changed"] == 0  # its absence from an older file does not remove it


@pytest.mark.parametrize(
    "name, content, line, problem",
    [
        ("bad.csv", "id,question,answer\n1,Q?,A\n2,,B\n", 3, "empty question"),
        ("bad.csv", "id,question\n1,Q?\n", 1, "missing required column 'answer'"),
        (
            "bad.jsonl",
            '{"id": 1, "question": "Q?", "answer": "A"}\n{"id": 2, "question": \n',
            2,
            "invalid JSON",
        ),
        ("bad.json", '[{"id": "1", "question": "Q?", "answer": "A", "archived": "maybe"}]', 1, "'archived'"),
        ("bad.csv", "id,question,answer\nx/y,Q?,A\n", 2, "without '/'"),
        ("bad.csv", "id,question,answer\n1,Q?," + "a" * 20001 + "\n", 2, "at most"),
    ],
)
def test_a_bad_file_names_line_and_problem_and_changes_nothing(app, name, content, line, problem):
    before = _revision_count(app)
    with session_scope(app) as session, pytest.raises(ApiError) as caught:
        build_preview(session, parse_upload(content.encode(), name, None), name)
    assert caught.value.status == 400
    assert caught.value.message.startswith(f"{name}:{line}: ") and problem in caught.value.message
    assert _revision_count(app) == before


def test_unknown_taken_or_expired_preview_tokens_are_404(app):
    with session_scope(app) as session:
        token = save_preview(session, {"items": []}, None)["token"]
        stale = save_preview(session, {"items": []}, None)["token"]
        session.get(ImportPreview, stale).expires_at = utcnow() - PREVIEW_TTL
    with session_scope(app) as session:
        assert take_preview(session, token)["token"] == token
    for attempt in ("../../etc/passwd", "nope", None, "A" * 32, token, stale):
        with pytest.raises(ApiError) as caught, session_scope(app) as session:
            take_preview(session, attempt)
        assert caught.value.status == 404, attempt


def test_a_preview_that_fails_to_apply_stays_for_another_try(app):
    with session_scope(app) as session:
        token = save_preview(session, {"items": [], "fingerprint": "outdated"}, None)["token"]
    with pytest.raises(ApiError) as caught, session_scope(app) as session:
        apply_preview(session, take_preview(session, token), user_id=None)
    assert caught.value.code == "kb_changed"
    with session_scope(app) as session:
        assert session.get(ImportPreview, token) is not None  # rolled back with the failed apply


def test_the_preview_warns_about_a_corpus_that_would_not_work(app):
    with session_scope(app) as session:
        records = json.loads(export_text(session, "json"))
    assert _preview(app, json.dumps(records), "json")["warnings"] == []  # the sample is fine
    copied = dict(records[1], id="900", alternates=[])
    copied["question"] = records[0]["question"]  # the same question under two FAQs
    warnings = _preview(app, json.dumps([*records, copied]), "json")["warnings"]
    assert any(repr(records[0]["question"]) in w and "belongs to FAQs" in w for w in warnings), warnings


def test_the_preview_page_shows_the_warnings(app, client, auth):
    auth.login("admin@example.com", "admin")
    with session_scope(app) as session:
        records = json.loads(export_text(session, "json"))
    copied = dict(records[1], id="900", alternates=[], question=records[0]["question"])
    token = auth.page_csrf("/admin/faqs/import")
    upload = (io.BytesIO(json.dumps([*records, copied]).encode()), "faqs.json")
    page = client.post("/admin/faqs/import", data={"csrf_token": token, "file": upload})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "may not work well" in html and "belongs to FAQs" in html
