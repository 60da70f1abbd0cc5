"""Wrong answers in the review queue: rejected answers come back as their own kind, grouped by
the FAQ given; "the right FAQ was #m" teaches #m, "the answer was right" closes them for good."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import FaqRevision, LearnedPhrasing, ReviewDecision

from .test_pages import PAGE, form_ids

WRONG = "/api/v1/admin/review/wrong-answers"
CLUSTERS = "/api/v1/admin/review/clusters"
TRACKING = "How can I track my order?"  # answered with FAQ 38 by the sample model
TRACKING_FAQ = "38"
RIGHT_FAQ = "39"  # say the visitor meant another FAQ


@pytest.fixture
def admin(auth):
    return auth.headers("admin")


def ask(client, question: str, **extra) -> dict:
    body = client.post("/api/v1/ask", json={"question": question, **extra}).get_json()
    return body


def answered_and_voted_down(client, question: str = TRACKING, session_id: str | None = None, **vote) -> dict:
    body = ask(client, question, session_id=session_id)
    assert body["status"] == "answered" and body["answer"]["faq_id"] == TRACKING_FAQ, body
    voted = client.post("/api/v1/feedback", json={"query_id": body["query_id"], "helpful": False, **vote})
    assert voted.status_code == 200
    return body


def wrong_answers(client, admin) -> dict:
    response = client.get(WRONG, headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_voted_down_answer_is_a_wrong_answer_not_a_cluster(client, admin):
    first = answered_and_voted_down(client)
    second = answered_and_voted_down(client, "how do i track my order", reason="not what I asked")
    listed = {i for c in client.get(CLUSTERS, headers=admin).get_json()["clusters"] for i in c["query_ids"]}
    assert not {first["query_id"], second["query_id"]} & listed
    body = wrong_answers(client, admin)
    assert body["total"] == 2
    (group,) = body["groups"]
    assert group["faq_id"] == TRACKING_FAQ and group["question"] == first["answer"]["question"]
    assert group["count"] == 2 and group["visitors"] == 2
    assert group["kinds"] == {"thumbs_down": 1, "not_what_i_asked": 1}
    assert sorted(group["query_ids"]) == sorted([first["query_id"], second["query_id"]])
    assert {w["text"] for w in group["wordings"]} == {TRACKING, "how do i track my order"}
    assert TRACKING_FAQ not in [c["faq_id"] for c in group["candidates"]]  # the given one is no candidate


def test_the_right_faq_was_m_teaches_m_and_records_it_in_its_history(app, client, admin):
    wrong = answered_and_voted_down(client)
    refused = client.post(
        f"{WRONG}/correct", headers=admin, json={"query_ids": [wrong["query_id"]], "faq_id": "38"}
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "same_faq"
    done = client.post(
        f"{WRONG}/correct", headers=admin, json={"query_ids": [wrong["query_id"]], "faq_id": RIGHT_FAQ}
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json() == {
        "action": "corrected",
        "decided": 1,
        "faq_id": RIGHT_FAQ,
        "phrasings_added": [TRACKING],
        "phrasings_skipped": [],
    }
    with session_scope(app) as session:
        learned = session.scalars(select(LearnedPhrasing)).all()
        assert [(row.faq_id, row.text) for row in learned] == [(RIGHT_FAQ, TRACKING)]
        newest = select(FaqRevision).where(FaqRevision.faq_id == RIGHT_FAQ).order_by(FaqRevision.id.desc())
        revision = session.scalars(newest).first()
        assert (revision.action, revision.source) == ("learned_added", "review")
        assert TRACKING in [row["text"] for row in revision.after["learned"]]
        decision = session.scalar(select(ReviewDecision))
        assert (decision.action, decision.faq_id) == ("corrected", RIGHT_FAQ)
    assert wrong_answers(client, admin)["groups"] == []
    again = client.post(
        f"{WRONG}/correct", headers=admin, json={"query_ids": [wrong["query_id"]], "faq_id": "40"}
    )
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_reviewed"


def test_the_answer_was_right_closes_it_and_the_same_rejection_stays_out(client, admin):
    first = answered_and_voted_down(client)
    response = client.post(f"{WRONG}/confirm", headers=admin, json={"query_ids": [first["query_id"]]})
    assert response.get_json()["action"] == "confirmed" and response.get_json()["decided"] == 1
    assert wrong_answers(client, admin)["total"] == 0
    answered_and_voted_down(client)  # the same wording, the same FAQ, rejected again: stays out
    assert wrong_answers(client, admin)["total"] == 0
    other = answered_and_voted_down(client, "where can i track my order")
    assert [g["query_ids"] for g in wrong_answers(client, admin)["groups"]] == [[other["query_id"]]]


def test_only_rejected_answers_can_be_decided_as_wrong_answers(client, admin):
    handed_off = ask(client, "zzzz qqq xkcd", handoff=True)
    kept = ask(client, TRACKING)  # answered, never rejected
    for ids in ([handed_off["query_id"]], [kept["query_id"]]):
        response = client.post(f"{WRONG}/confirm", headers=admin, json={"query_ids": ids})
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "not_wrong_answers"
    wrong = answered_and_voted_down(client)
    unknown = client.post(
        f"{WRONG}/correct", headers=admin, json={"query_ids": [wrong["query_id"]], "faq_id": "x"}
    )
    assert unknown.status_code == 404
    assert client.post(f"{WRONG}/confirm", headers=admin, json={"query_ids": []}).status_code == 400


def test_staff_cannot_see_or_decide_wrong_answers(client, auth):
    staff = auth.headers("staff")
    assert client.get(WRONG, headers=staff).status_code == 403
    assert client.post(f"{WRONG}/confirm", headers=staff, json={"query_ids": [1]}).status_code == 403
    assert client.get(WRONG).status_code == 401


def test_the_page_lists_wrong_answers_apart_and_decides_them(app, client, auth):
    wrong = answered_and_voted_down(client)
    hostile = answered_and_voted_down(client, "<b>track</b> my order? <script>x</script>")
    auth.login("admin@example.com", role="admin")
    html = client.get(PAGE).get_data(as_text=True)
    section = html[html.index('id="wrong-answers"') :]
    assert "Answered with #38" in section and "Rejected 2 times by 2 visitors" in section
    assert "2 thumbs-down" in section and "<script>x" not in html and "&lt;script&gt;x" in section
    assert "Wrong answers (2)" in html
    ids = form_ids(section[: section.index('id="proposals"')])
    assert sorted(ids) == sorted([str(wrong["query_id"]), str(hostile["query_id"])])

    token = auth.page_csrf(PAGE)
    form = {"csrf_token": token, "back": PAGE, "ids": [str(wrong["query_id"])]}
    taught = client.post(
        "/admin/review/wrong-answers", data={**form, "candidate": RIGHT_FAQ}, follow_redirects=True
    )
    assert f"Taught FAQ #{RIGHT_FAQ} 1 new phrasing(s)" in taught.get_data(as_text=True)
    form["ids"] = [str(hostile["query_id"])]
    kept = client.post(
        "/admin/review/wrong-answers", data={**form, "action": "confirm"}, follow_redirects=True
    )
    assert "Kept the answer for 1 question(s)" in kept.get_data(as_text=True)
    assert "No rejected answers in this period." in kept.get_data(as_text=True)
    expired = client.post(
        "/admin/review/wrong-answers", data={**form, "csrf_token": "x"}, follow_redirects=True
    )
    assert expired.status_code == 400 and "CSRF token is invalid" in expired.get_data(as_text=True)
