"""The knowledge-base service: every change recorded, restore (even of a deleted FAQ), stale
edits refused, and archived FAQs neither trained on, answered nor suggested."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.errors import ApiError
from faqbot.web.core.tables import Faq, FaqRevision, LearnedPhrasing
from faqbot.web.kb import history as kb_history
from faqbot.web.kb import query as kb_query
from faqbot.web.kb import service as kb
from faqbot.web.models.fitting import corpus_records


def _new(session, **fields):
    values = {
        "question": "Do you ship to Mars?",
        "answer": "Not yet.",
        "category": "Shipping",
        "phrasings": [],
    }
    values.update(fields)
    return kb.create_faq(session, **values, user_id=None, source="test")


def test_create_assigns_next_id_and_records_created(app):
    with session_scope(app) as session:
        faq = _new(session, question="  Do  you ship\tto Mars? ", phrasings=["mars delivery", ""])
        faq_id = faq.id
    with session_scope(app) as session:
        faq = session.get(Faq, faq_id)
        assert faq.question == "Do you ship to Mars?"  # whitespace collapsed like the loader does
        assert [p.text for p in faq.phrasings] == ["mars delivery"]
        assert faq.position == session.scalar(select(Faq.position).order_by(Faq.position.desc()).limit(1))
        (row,) = kb_history.history(session, faq_id)
        assert (row.action, row.revision, row.before, row.source) == ("created", 1, None, "test")
        assert row.after["phrasings"] == ["mars delivery"] and row.after["archived"] is False
    assert int(faq_id) == max(int(r["id"]) for r in corpus_records_of(app))


def corpus_records_of(app):
    with session_scope(app) as session:
        return corpus_records(session)


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"question": "  "}, "question must not be empty"),
        ({"answer": ""}, "answer must not be empty"),
        ({"answer": "x" * (kb.MAX_ANSWER + 1)}, "at most"),
        ({"phrasings": ["mars shipping", "Mars  Shipping"]}, "repeats"),
        ({"phrasings": ["do you ship to mars?"]}, "repeats the question"),
        ({"phrasings": "not a list"}, "list of strings"),
    ],
)
def test_invalid_fields_are_refused_with_a_clear_message(app, fields, problem):
    with session_scope(app) as session:
        with pytest.raises(ApiError) as caught:
            _new(session, **fields)
        assert caught.value.status == 400 and problem in caught.value.message
        session.rollback()


def test_edit_bumps_revision_and_keeps_before_and_after(app):
    with session_scope(app) as session:
        kb.update_faq(session, "1", {"answer": "New answer."}, base_revision=1, user_id=None, source="test")
    with session_scope(app) as session:
        faq = session.get(Faq, "1")
        assert (faq.revision, faq.answer) == (2, "New answer.")
        edit = kb_history.history(session, "1")[0]
        assert edit.action == "edited" and edit.revision == 2
        assert edit.before["answer"] != "New answer." and edit.after["answer"] == "New answer."
        assert [c["field"] for c in kb_query.changes(edit.before, edit.after)] == ["answer"]


def test_a_stale_edit_is_refused_and_changes_nothing(app):
    with session_scope(app) as session:
        kb.update_faq(session, "1", {"answer": "First."}, base_revision=1, user_id=None, source="test")
    with session_scope(app) as session:
        with pytest.raises(ApiError) as caught:
            kb.update_faq(session, "1", {"answer": "Second."}, base_revision=1, user_id=None, source="test")
        assert (caught.value.status, caught.value.code) == (409, "stale_revision")
    with session_scope(app) as session:
        assert session.get(Faq, "1").answer == "First."


def test_an_edit_that_changes_nothing_is_not_a_revision(app):
    with session_scope(app) as session:
        question = session.get(Faq, "1").question
        kb.update_faq(session, "1", {"question": f" {question} "}, base_revision=1, user_id=None, source="t")
    with session_scope(app) as session:
        assert session.get(Faq, "1").revision == 1
        assert len(kb_history.history(session, "1")) == 1  # only the seed's "created"


def test_restore_brings_back_an_earlier_version(app):
    with session_scope(app) as session:
        original = kb.snapshot(session.get(Faq, "2"), session)
        kb.update_faq(
            session,
            "2",
            {"answer": "Wrong.", "phrasings": ["x y z"]},
            base_revision=1,
            user_id=None,
            source="t",
        )
        kb.update_faq(session, "2", {"category": "Else"}, base_revision=2, user_id=None, source="t")
    with session_scope(app) as session:
        created = kb_history.history(session, "2")[-1]
        faq = kb_history.restore(session, "2", created.id, user_id=None, source="t")
        assert faq.revision == 4
    with session_scope(app) as session:
        assert kb.snapshot(session.get(Faq, "2"), session) == original
        assert kb_history.history(session, "2")[0].action == "restored"


def test_delete_keeps_history_and_restore_recreates_the_faq_with_learned_phrasings(app):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="3", text="visitor wording here"))
        session.flush()
        before = kb.snapshot(session.get(Faq, "3"), session)
        kb.delete_faq(session, "3", base_revision=1, user_id=None, source="t")
    with session_scope(app) as session:
        assert session.get(Faq, "3") is None
        assert session.scalars(select(LearnedPhrasing).where(LearnedPhrasing.faq_id == "3")).all() == []
        deleted = kb_history.history(session, "3")[0]
        assert deleted.action == "deleted" and deleted.after is None and deleted.before == before
        assert kb.next_faq_id(session) != "3"
        kb_history.restore(session, "3", deleted.id, user_id=None, source="t")
    with session_scope(app) as session:
        faq = session.get(Faq, "3")
        assert faq.revision == 3  # created 1, deleted 2, restored 3
        restored = kb.snapshot(faq, session)
        assert {k: v for k, v in restored.items() if k != "learned"} == {
            k: v for k, v in before.items() if k != "learned"
        }
        assert [item["text"] for item in restored["learned"]] == ["visitor wording here"]


def test_a_new_faq_never_reuses_a_deleted_id(app):
    with session_scope(app) as session:
        top = kb.next_faq_id(session)
        faq = _new(session)
        kb.delete_faq(session, faq.id, user_id=None, source="t")
        assert faq.id == top and kb.next_faq_id(session) == str(int(top) + 1)


def test_removing_a_learned_phrasing_is_recorded(app):
    with session_scope(app) as session:
        row = LearnedPhrasing(faq_id="4", text="wrongly linked")
        session.add(row)
        session.flush()
        kb.remove_learned(session, "4", row.id, user_id=None, source="t")
        last = kb_history.history(session, "4")[0]
        assert last.action == "learned_removed"
        assert [i["text"] for i in last.before["learned"]] == ["wrongly linked"] and last.after[
            "learned"
        ] == []


def test_search_finds_phrasings_and_learned_text_and_filters_archived(app):
    with session_scope(app) as session:
        session.add(LearnedPhrasing(faq_id="5", text="zebra crossing refund"))
        faq = _new(session, phrasings=["interplanetary 100% parcel"])
        kb.set_archived(session, faq.id, True, user_id=None, source="t")
        assert [f.id for f in kb_query.search(session, "zebra").faqs] == ["5"]
        assert kb_query.search(session, "interplanetary").total == 0
        assert [f.id for f in kb_query.search(session, "100%", archived="include").faqs] == [faq.id]
        assert kb_query.search(session, "100_", archived="include").total == 0  # LIKE wildcards escaped
        only = kb_query.search(session, archived="only", limit=500)
        assert [f.id for f in only.faqs] == [faq.id]
        page = kb_query.search(session, limit=10, offset=10)
        assert len(page.faqs) == 10 and page.total > 20


def test_categories_count_and_rename_records_a_revision_per_faq(app):
    with session_scope(app) as session:
        counts = {c["name"]: c["count"] for c in kb_query.categories(session)}
        name = max(counts, key=lambda n: counts[n] if n else -1)
        renamed = kb_query.rename_category(session, name, "Renamed", user_id=None, source="t")
        assert len(renamed) == counts[name]
    with session_scope(app) as session:
        after = {c["name"]: c["count"] for c in kb_query.categories(session)}
        assert name not in after and after["Renamed"] == counts[name]
        actions = session.scalars(select(FaqRevision.faq_id).where(FaqRevision.action == "edited")).all()
        assert len(actions) == counts[name]


def test_archived_faq_is_not_trained_on_answered_or_suggested(app, client):
    question = "How do I know if a product is in stock?"
    answered = client.post("/api/v1/ask", json={"question": question}).get_json()
    assert answered["status"] == "answered" and answered["answer"]["faq_id"] == "1"
    with session_scope(app) as session:
        kb.set_archived(session, "1", True, user_id=None, source="t")
    after = client.post("/api/v1/ask", json={"question": question}).get_json()
    assert after["status"] == "handoff" and after["answer"] is None
    assert all(s["faq_id"] != "1" for s in after["suggestions"])
    assert after["ticket"] is not None
    assert "1" not in {r["id"] for r in corpus_records_of(app)}
    listed = client.get("/api/v1/faqs").get_json()
    assert "1" not in {f["id"] for c in listed["categories"] for f in c["faqs"]}


def test_withhold_retired_drops_archived_suggestions_but_keeps_the_rest(app):
    with session_scope(app) as session:
        kb.set_archived(session, "2", True, user_id=None, source="t")
        result = {
            "status": "suggested",
            "faq_id": "2",
            "confidence": 0.4,
            "suggestions": [{"faq_id": "2", "confidence": 0.4}, {"faq_id": "3", "confidence": 0.3}],
        }
        kept = kb_query.withhold_retired(session, result)
        assert kept["status"] == "suggested" and [s["faq_id"] for s in kept["suggestions"]] == ["3"]
        only = dict(result, suggestions=result["suggestions"][:1])
        assert kb_query.withhold_retired(session, only)["status"] == "handoff"
        assert result["suggestions"][0]["faq_id"] == "2"  # the engine's result is not mutated
