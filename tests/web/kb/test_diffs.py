"""Word-level diffs of FAQ fields (history and import preview) and the save messages that say
when a change reaches visitors."""

from __future__ import annotations

import io
import re

import pytest

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq
from faqbot.web.kb import service as kb
from faqbot.web.kb.diffs import diff, word_ops
from faqbot.web.kb.effects import edit_effect

from ..support import csrf_token_from

ANSWER = "Returns are free within 30 days. Use the returns portal to print a label."
ADDED = " Refunds reach your card within 5 working days."


def test_an_added_sentence_is_inserted_text_only():
    assert word_ops(ANSWER, ANSWER + ADDED) == [("equal", ANSWER), ("insert", ADDED)]
    html = str(diff(ANSWER, ANSWER + ADDED))
    assert "<del>" not in html and html.count("<ins>") == 1
    assert f"<ins>{ADDED}</ins>" in html


def test_a_changed_word_is_deleted_and_inserted_in_place():
    ops = word_ops("the quick brown fox", "a slow brown fox")
    assert ops == [("delete", "the quick"), ("insert", "a slow"), ("equal", " brown fox")]


def test_diffs_escape_what_they_show():
    html = str(diff("<b>old</b>", '<b>new</b> <script>alert("x")</script>'))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "<del>old</del><ins>new</ins>" in html


def test_lists_are_compared_item_by_item():
    html = str(diff(["gift card", "voucher", "present"], ["gift cards", "voucher", "coupon", "token"]))
    assert html == (
        "<ul><li>gift <del>card</del><ins>cards</ins></li><li>voucher</li>"
        "<li><del>present</del></li><li><ins>coupon</ins></li><li><ins>token</ins></li></ul>"
    )


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        (False, True, "<del>no</del><ins>yes</ins>"),
        (None, "Shipping", '<span class="text"><ins>Shipping</ins></span>'),
        ("Shipping", None, '<span class="text"><del>Shipping</del></span>'),
        (None, None, "<em>none</em>"),
    ],
)
def test_other_values(before, after, shown):
    assert str(diff(before, after)) == shown


def test_edit_effects_say_what_changes_now_and_what_after_a_retrain():
    assert edit_effect(["answer"]) == "Visitors see the new answer at once."
    question = edit_effect(["question"])
    assert "the new question text at once" in question and "after the next retrain" in question
    assert "at once" not in edit_effect(["phrasings"]) and "retrain" in edit_effect(["phrasings"])


@pytest.fixture
def admin(auth):
    auth.login("admin@example.com", "admin")


@pytest.mark.sqlite_only
def test_the_history_shows_an_added_sentence_as_inserted_text(client, app, admin):
    with session_scope(app) as session:
        old = session.get(Faq, "1").answer
        kb.update_faq(session, "1", {"answer": old + ADDED}, base_revision=None, user_id=None, source="t")
    html = client.get("/admin/faqs/1/history").get_data(as_text=True)
    edited = html.split("Revision 2")[1].split("Revision 1")[0]
    assert f"<ins>{ADDED}</ins>" in edited and "<del>" not in edited
    assert edited.count(old[:40]) == 1  # the unchanged text once, not in a before and an after column


@pytest.mark.sqlite_only
def test_the_import_preview_shows_changed_words(client, app, admin):
    exported = client.get("/admin/faqs/export.csv").get_data(as_text=True)
    changed = exported.replace("Every product page shows", "Each product page shows", 1)
    token = csrf_token_from(client.get("/admin/faqs/import").get_data(as_text=True))
    data = {"csrf_token": token, "format": "", "file": (io.BytesIO(changed.encode()), "kb.csv")}
    html = client.post("/admin/faqs/import", data=data, content_type="multipart/form-data").get_data(
        as_text=True
    )
    assert "<del>Every</del><ins>Each</ins> product page shows" in html
    assert "changed answers show to visitors at once" in html


@pytest.mark.sqlite_only
def test_saving_says_when_the_change_reaches_visitors(client, app, admin):
    page = client.get("/admin/faqs/3").get_data(as_text=True)
    with session_scope(app) as session:
        faq = session.get(Faq, "3")
        form = {"question": faq.question, "answer": faq.answer, "category": faq.category or ""}
        form["phrasings"] = "\n".join(p.text for p in faq.phrasings)
    form.update(csrf_token=csrf_token_from(page), revision="1")
    client.post("/admin/faqs/3", data={**form, "answer": "A new answer."})
    shown = client.get("/admin/faqs/3").get_data(as_text=True)
    message = re.search(r'<p class="flash info"[^>]*>([^<]+)</p>', shown).group(1)
    assert "Visitors see the new answer at once." in message and "retrain" not in message.lower()
    client.post(
        "/admin/faqs/3", data={**form, "answer": "A new answer.", "revision": "2", "question": "Renamed?"}
    )
    message = re.search(
        r'<p class="flash info"[^>]*>([^<]+)</p>', client.get("/admin/faqs/3").get_data(as_text=True)
    )
    assert "matches the new wording after the next retrain" in message.group(1)


def test_a_rewritten_sentence_is_one_removal_and_one_addition():
    old = "Stock is updated in real time, so the label you see at checkout is the one that counts."
    ops = word_ops(old, "An edited answer, so that the history has two versions.")
    assert [op for op, _ in ops] == ["delete", "insert", "equal"]  # not words kept at random
    assert ops[-1] == ("equal", ".")
