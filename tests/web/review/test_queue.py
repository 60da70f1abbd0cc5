"""The review queue through its API: which questions are in it, how they are clustered and
ranked, and what linking, making a new FAQ and ignoring do.  Queries are inserted directly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import (
    Faq,
    FaqRevision,
    Feedback,
    LearnedPhrasing,
    Query,
    ReviewDecision,
    Ticket,
    utcnow,
)
from faqbot.web.models.fitting import corpus_records, fit_records
from faqbot.web.review.queue import MAX_CLUSTERED, unanswered_clusters

from .test_clustering import PARAPHRASES, SINGLETONS

CLUSTERS = "/api/v1/admin/review/clusters"
LOYALTY_FAQ = "62"  # the sample's "How does the loyalty points programme work?"


def add_query(app, question: str, decision: str = "handoff", *, days_ago: float = 1.0, **fields) -> int:
    with session_scope(app) as session:
        query = Query(
            question=question,
            decision=decision,
            confidence=0.1,
            latency_ms=1.0,
            session_id=fields.pop("session_id", None),
            created_at=utcnow() - timedelta(days=days_ago),
            **fields,
        )
        session.add(query)
        session.flush()
        return query.id


def add_fixture(app) -> dict[str, list[int]]:
    """The paraphrase groups, asked 15, 12, 7 and 6 times, plus one-off questions."""
    repeats = {"loyalty": 3, "jobs": 2, "gift_wrap": 1, "assembly": 1}
    ids: dict[str, list[int]] = {}
    for topic, questions in PARAPHRASES.items():
        ids[topic] = []
        for n, question in enumerate(questions):
            times = repeats[topic] if topic != "loyalty" or n < 3 else 1
            for k in range(times):
                decision = "suggested" if k % 2 else "handoff"
                session_id = f"{topic}-{n}" if topic == "loyalty" else f"{topic}-{n}-{k}"
                ids[topic].append(add_query(app, question, decision, session_id=session_id))
    ids["singletons"] = [add_query(app, q) for q in SINGLETONS]
    return ids


@pytest.fixture
def admin(auth):
    return auth.headers("admin")


def clusters(client, admin, **params) -> dict:
    response = client.get(CLUSTERS, query_string=params, headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_paraphrases_come_out_as_clusters_most_asked_first(app, client, admin):
    ids = add_fixture(app)
    body = clusters(client, admin, limit=50)
    assert body["total"] == sum(len(v) for v in ids.values()) and not body["truncated"]
    found = body["clusters"]
    assert [c["count"] for c in found[:4]] == [15, 12, 7, 6]
    for cluster, topic in zip(found, ["loyalty", "jobs", "gift_wrap", "assembly"]):
        assert sorted(cluster["query_ids"]) == sorted(ids[topic])
        assert cluster["label"] in PARAPHRASES[topic]
        assert len(cluster["examples"]) == 5 and set(cluster["examples"]) <= set(PARAPHRASES[topic])
        assert len(cluster["wordings"]) == len(PARAPHRASES[topic])
    assert [c["count"] for c in found[4:]] == [1] * len(SINGLETONS)
    loyalty, jobs = found[0], found[1]
    assert loyalty["visitors"] == 9  # 15 questions from 9 chat sessions
    assert loyalty["wordings"][0]["count"] == 3
    assert jobs["reasons"] == {"handoff": 6, "suggested": 6}
    assert loyalty["candidates"][0]["faq_id"] == LOYALTY_FAQ  # the live model knows that topic
    assert 0 < loyalty["candidates"][0]["score"] <= 1 and len(loyalty["candidates"]) <= 3


def test_nonsense_gets_no_candidate_faqs(app, client, admin):
    """The model gives gibberish near-zero confidence everywhere; no "0%" link buttons."""
    for _ in range(3):
        add_query(app, "zzzz qqq xkcd")
    (cluster,) = clusters(client, admin)["clusters"]
    assert cluster["count"] == 3 and cluster["candidates"] == []


def test_sources_unhelpful_in_resolved_tickets_out(app, client, admin):
    handed_off = add_query(app, "Do you sell second-hand bicycles?")
    suggested = add_query(app, "Can I rent a projector?", "suggested")
    answered = add_query(app, "Do you ship to Iceland?", "answered")
    thumbs_down = add_query(app, "How do I return a laptop?", "answered")  # a wrong answer, not a cluster
    picked_down = add_query(app, "Can I pay by cheque?", "suggested")  # the FAQ the visitor picked
    thumbs_up = add_query(app, "How do I track my parcel?", "answered")
    old = add_query(app, "Do you sell typewriters?", days_ago=120)
    with session_scope(app) as session:
        votes = [(thumbs_down, False), (picked_down, False), (thumbs_up, True)]
        session.add_all([Feedback(query_id=query_id, helpful=vote) for query_id, vote in votes])
        for n, resolution in enumerate(["link", "new_faq", "dismiss"]):
            ticket = Ticket(
                token=f"t{n}", question="q", reason="low_confidence", status="closed", resolution=resolution
            )
            session.add(ticket)
            session.flush()
            session.add(
                Query(
                    question=f"resolved by {resolution}",
                    decision="handoff",
                    confidence=0.1,
                    latency_ms=1.0,
                    ticket_id=ticket.id,
                )
            )
    body = clusters(client, admin, limit=50)
    listed = {i for c in body["clusters"] for i in c["query_ids"]}
    assert {handed_off, suggested, picked_down} <= listed
    assert not {answered, thumbs_down, thumbs_up, old} & listed
    labels = {c["label"] for c in body["clusters"]}
    assert "resolved by dismiss" in labels and not {"resolved by link", "resolved by new_faq"} & labels
    reasons = {c["query_ids"][0]: c["reasons"] for c in body["clusters"]}
    assert reasons[picked_down] == {"unhelpful": 1} and reasons[suggested] == {"suggested": 1}
    # A longer period, or an explicit one, reaches the older question.
    assert old in {i for c in clusters(client, admin, days=365)["clusters"] for i in c["query_ids"]}
    since = (utcnow() - timedelta(days=121)).date().isoformat()
    until = (utcnow() - timedelta(days=119)).date().isoformat()
    window = clusters(client, admin, since=since, until=until)
    assert [c["query_ids"] for c in window["clusters"]] == [[old]]


@pytest.mark.parametrize(
    "params, code",
    [
        ({"days": "0"}, "invalid_days"),
        ({"days": "many"}, "invalid_days"),
        ({"limit": "1000"}, "invalid_limit"),
        ({"since": "yesterday"}, "invalid_since"),
        ({"since": "2024-05-02", "until": "2024-05-01"}, "invalid_period"),
    ],
)
def test_bad_parameters_are_400(client, admin, params, code):
    response = client.get(CLUSTERS, query_string=params, headers=admin)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code


def test_ignored_questions_stay_out_even_when_asked_again(app, client, admin):
    spam = [add_query(app, "Buy cheap watches now"), add_query(app, "buy  CHEAP watches now")]
    keep = add_query(app, "Do you sell umbrellas?")
    (cluster,) = [c for c in clusters(client, admin)["clusters"] if spam[0] in c["query_ids"]]
    response = client.post(
        "/api/v1/admin/review/ignore", json={"query_ids": cluster["query_ids"]}, headers=admin
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "action": "ignored",
        "decided": 2,
        "faq_id": None,
        "phrasings_added": [],
        "phrasings_skipped": [],
    }
    again = add_query(app, "Buy cheap watches NOW")
    listed = {i for c in clusters(client, admin)["clusters"] for i in c["query_ids"]}
    assert keep in listed and not {*spam, again} & listed
    # Deciding on the same questions twice is a conflict, not a second decision.
    repeat = client.post("/api/v1/admin/review/ignore", json={"query_ids": spam}, headers=admin)
    assert repeat.status_code == 409 and repeat.get_json()["error"]["code"] == "already_reviewed"


def test_link_teaches_the_faq_and_empties_the_queue_then_a_retrain_answers(app, client, admin):
    assembly = [add_query(app, q) for q in PARAPHRASES["assembly"]]
    known = add_query(app, "how do I place an order? do I need an account?")  # FAQ 14's own question
    with app.app_context():
        from faqbot.web.models.store import live_model

        model = live_model().get()[1]
    before = model.ask("Do you offer furniture assembly?")
    assert (before["status"], before["faq_id"]) != ("answered", "14")
    response = client.post(
        "/api/v1/admin/review/link", json={"query_ids": [*assembly, known], "faq_id": "14"}, headers=admin
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["decided"] == 7 and body["faq_id"] == "14"
    assert sorted(body["phrasings_added"]) == sorted(PARAPHRASES["assembly"])
    assert body["phrasings_skipped"] == ["how do I place an order? do I need an account?"]
    assert clusters(client, admin)["clusters"] == []
    with session_scope(app) as session:
        learned = session.scalars(select(LearnedPhrasing).where(LearnedPhrasing.faq_id == "14")).all()
        assert sorted(row.text for row in learned) == sorted(PARAPHRASES["assembly"])
        assert all(row.created_by is not None for row in learned)
        revision = session.scalars(select(FaqRevision).where(FaqRevision.faq_id == "14")).all()[-1]
        assert (revision.action, revision.source) == ("learned_added", "review")
        assert {d.action for d in session.scalars(select(ReviewDecision))} == {"linked"}
        records = corpus_records(session)
    retrained = fit_records(app, records)
    answer = retrained.ask("Do you offer furniture assembly?")
    assert (answer["status"], answer["faq_id"]) == ("answered", "14")


def test_link_errors(app, client, admin):
    query = add_query(app, "Do you sell kites?")
    with session_scope(app) as session:
        session.get(Faq, "3").archived = True

    def link(body):
        response = client.post("/api/v1/admin/review/link", json=body, headers=admin)
        return response.status_code, response.get_json()["error"]["code"]

    assert link({"query_ids": [query], "faq_id": "9999"}) == (404, "unknown_faq")
    assert link({"query_ids": [query], "faq_id": "3"}) == (409, "faq_archived")
    assert link({"query_ids": [query, 987654], "faq_id": "1"}) == (400, "unknown_query_ids")
    assert link({"query_ids": "1,2", "faq_id": "1"}) == (400, "invalid_query_ids")
    assert link({"query_ids": [], "faq_id": "1"}) == (400, "invalid_query_ids")
    assert link({"query_ids": [True], "faq_id": "1"}) == (400, "invalid_query_ids")
    not_json = client.post("/api/v1/admin/review/link", data="query_ids=1", headers=admin)
    assert not_json.status_code == 415
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(ReviewDecision)) == 0
        assert session.scalar(select(func.count()).select_from(LearnedPhrasing)) == 0


def test_new_faq_from_a_cluster(app, client, admin):
    ids = [add_query(app, q) for q in PARAPHRASES["gift_wrap"]]
    payload = {"query_ids": ids, "question": "Can you gift wrap my order?", "category": "Orders"}
    missing = client.post("/api/v1/admin/review/new-faq", json=payload, headers=admin)
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_answer"
    payload["answer"] = "Yes: tick **Gift wrap** at checkout (3.95 EUR)."
    response = client.post("/api/v1/admin/review/new-faq", json=payload, headers=admin)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["decided"] == 7
    with session_scope(app) as session:
        faq = session.get(Faq, body["faq_id"])
        assert (faq.question, faq.category) == ("Can you gift wrap my order?", "Orders")
        phrasings = [p.text for p in faq.phrasings]
        assert sorted(phrasings) == sorted(PARAPHRASES["gift_wrap"][1:])  # the question is not repeated
        revision = session.scalar(select(FaqRevision).where(FaqRevision.faq_id == faq.id))
        assert (revision.action, revision.source) == ("created", "review")
        decisions = session.scalars(select(ReviewDecision)).all()
        assert {(d.action, d.faq_id) for d in decisions} == {("new_faq", faq.id)}
    assert clusters(client, admin)["clusters"] == []


def test_a_large_cluster_fits_in_one_request(app, client, admin):
    """Every id of a big cluster is sent back; that outgrows the app-wide 16 KiB body limit."""
    with session_scope(app) as session:
        session.add_all(
            Query(
                question="Is the shop open on Christmas?", decision="handoff", confidence=0.1, latency_ms=1.0
            )
            for _ in range(3000)
        )
    body = clusters(client, admin)
    (cluster,) = body["clusters"]
    assert cluster["count"] == 3000 and cluster["wordings"][0]["count"] == 3000
    payload = {"query_ids": cluster["query_ids"]}
    assert len(json.dumps(payload)) > 16 * 1024  # more than the app-wide body limit
    response = client.post("/api/v1/admin/review/ignore", json=payload, headers=admin)
    assert response.status_code == 200 and response.get_json()["decided"] == 3000
    assert MAX_CLUSTERED >= 3000


def test_only_the_most_recent_questions_are_clustered(app, client, admin, monkeypatch):
    import faqbot.web.review.queue as review

    monkeypatch.setattr(review, "MAX_CLUSTERED", 2)
    newest = [add_query(app, "newest one", days_ago=1), add_query(app, "newest two", days_ago=2)]
    add_query(app, "older", days_ago=3)
    body = clusters(client, admin)
    assert (body["total"], body["clustered"], body["truncated"]) == (3, 2, True)
    assert sorted(i for c in body["clusters"] for i in c["query_ids"]) == sorted(newest)


def test_unanswered_clusters_without_a_live_model(app):
    add_fixture(app)
    with session_scope(app) as session:  # no app context: no live model to ask
        found = unanswered_clusters(session, limit=3)
        window = unanswered_clusters(session, since=utcnow() - timedelta(hours=1), until=utcnow())
    assert [c.count for c in found] == [15, 12, 7]
    assert all(c.candidates == [] for c in found)
    assert found[0].label in PARAPHRASES["loyalty"] and len(found[0].query_ids) == 15
    assert set(found[1].examples) <= set(PARAPHRASES["jobs"])
    assert window == []  # the fixture was asked a day ago


def test_staff_and_anonymous_cannot_use_the_review_api(client, auth):
    staff = auth.headers("staff")
    for method, path in [
        ("get", CLUSTERS),
        ("post", "/api/v1/admin/review/link"),
        ("post", "/api/v1/admin/review/new-faq"),
        ("post", "/api/v1/admin/review/ignore"),
    ]:
        kwargs = {"json": {"query_ids": [1]}} if method == "post" else {}
        assert getattr(client, method)(path, headers=staff, **kwargs).status_code == 403
        assert getattr(client, method)(path, **kwargs).status_code == 401
