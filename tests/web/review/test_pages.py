"""The review queue pages: clusters with their counts and candidates, the one-click actions,
proposed FAQs, permissions, CSRF and escaping of what visitors typed."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq, LearnedPhrasing, ProposedFaq, Query, ReviewDecision

from .test_clustering import PARAPHRASES
from .test_queue import LOYALTY_FAQ, add_query

PAGE = "/admin/review/"
DECIDE = "/admin/review/decide"


@pytest.fixture
def admin_client(client, auth):
    auth.login("admin@example.com", role="admin")
    return client


def form_ids(html: str) -> list[str]:
    return re.findall(r'name="ids" value="([0-9,]+)"', html)


def decide(client, auth, **data):
    token = auth.page_csrf(PAGE)
    return client.post(DECIDE, data={"csrf_token": token, "back": PAGE, **data}, follow_redirects=True)


def counts(app) -> tuple[int, int]:
    with session_scope(app) as session:
        decided = session.scalar(select(func.count()).select_from(ReviewDecision))
        learned = session.scalar(select(func.count()).select_from(LearnedPhrasing))
    return decided, learned


def test_page_shows_clusters_most_asked_first_with_candidates(app, admin_client):
    for question in PARAPHRASES["loyalty"]:
        add_query(app, question)
        add_query(app, question, "suggested")
    for question in PARAPHRASES["jobs"]:
        add_query(app, question)
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "9 visitors asked this" not in html  # no sessions: every question is its own visitor
    assert html.index("18 visitors asked this") < html.index("6 visitors asked this")
    assert "9 handoff" in html and "9 suggested" in html
    assert f'name="candidate" value="{LOYALTY_FAQ}"' in html
    assert "How does the loyalty points programme work?" in html
    assert len(form_ids(html)) == 9 + 6
    assert 'name="question" value="' in html  # the new-FAQ form, prefilled


def test_hostile_question_is_escaped(app, admin_client):
    add_query(app, '<script>alert("x")</script><img src=x onerror=alert(1)> refund?')
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_link_by_candidate_button_and_unticked_wordings_stay(app, admin_client, auth):
    for question in PARAPHRASES["loyalty"]:
        add_query(app, question)
    ids = form_ids(admin_client.get(PAGE).get_data(as_text=True))
    ticked, unticked = ids[:-1], ids[-1]
    response = decide(admin_client, auth, ids=ticked, candidate=LOYALTY_FAQ)
    assert f"Linked 8 question(s) to FAQ #{LOYALTY_FAQ}" in response.get_data(as_text=True)
    assert counts(app) == (8, 8)
    assert form_ids(admin_client.get(PAGE).get_data(as_text=True)) == [unticked]


def test_link_by_typed_id_and_errors_are_shown(app, admin_client, auth):
    ids = [str(add_query(app, "Can I get a loyalty card?"))]
    response = decide(admin_client, auth, ids=ids, action="link", faq_id="nope")
    assert "No FAQ with id &#39;nope&#39;." in response.get_data(as_text=True)
    response = decide(admin_client, auth, ids=ids, action="new_faq", question="Loyalty card?", answer="")
    assert "The answer must not be empty." in response.get_data(as_text=True)
    assert decide(admin_client, auth, ids=[], action="ignore").status_code == 200
    assert counts(app) == (0, 0)
    response = decide(admin_client, auth, ids=ids, action="link", faq_id=" 62 ")
    assert "Linked 1 question(s) to FAQ #62" in response.get_data(as_text=True)
    response = decide(admin_client, auth, ids=ids, action="ignore")
    assert "already reviewed" in response.get_data(as_text=True)


def test_new_faq_and_ignore_from_the_page(app, admin_client, auth):
    wrap = [str(add_query(app, q)) for q in PARAPHRASES["gift_wrap"]]
    spam = [str(add_query(app, "buy followers cheap"))]
    response = decide(
        admin_client,
        auth,
        ids=wrap,
        action="new_faq",
        question="Do you gift wrap?",
        answer="Yes, at checkout.",
        category="Orders",
    )
    created = re.search(r"Created FAQ #(\d+) from 7 question", response.get_data(as_text=True))
    assert created
    with session_scope(app) as session:
        faq = session.get(Faq, created.group(1))
        assert faq.answer == "Yes, at checkout." and len(faq.phrasings) == 7
    response = decide(admin_client, auth, ids=spam, action="ignore")
    assert "Ignored 1 question(s)" in response.get_data(as_text=True)
    assert "Nothing to review in this period." in admin_client.get(PAGE).get_data(as_text=True)


def test_forms_need_the_csrf_token(app, admin_client):
    ids = str(add_query(app, "Do you sell kites?"))
    response = admin_client.post(DECIDE, data={"ids": ids, "action": "ignore"})
    assert response.status_code == 400
    assert counts(app) == (0, 0)


def test_a_large_cluster_posts_from_the_page(app, admin_client, auth):
    with session_scope(app) as session:
        session.add_all(
            Query(question="Are you open on Christmas?", decision="handoff", confidence=0.1, latency_ms=1.0)
            for _ in range(3000)
        )
    (ids,) = form_ids(admin_client.get(PAGE).get_data(as_text=True))
    assert len(urlencode({"ids": ids})) > 16 * 1024  # more than the app-wide body limit
    response = decide(admin_client, auth, ids=[ids], action="ignore")
    assert "Ignored 3000 question(s)" in response.get_data(as_text=True)


def test_proposed_faqs_wait_on_the_review_page(app, admin_client, auth):
    with session_scope(app) as session:
        for question in ("Do you buy back old phones?", "Do you <b>rent</b> cameras?"):
            session.add(ProposedFaq(question=question, answer="Not yet.", phrasing=question.lower()))
    html = admin_client.get(PAGE).get_data(as_text=True)
    assert "Do you buy back old phones?" in html and "Do you &lt;b&gt;rent&lt;/b&gt; cameras?" in html
    first, second = (int(n) for n in re.findall(r"/admin/review/proposals/(\d+)/approve", html))
    token = auth.page_csrf(PAGE)
    approved = admin_client.post(
        f"/admin/review/proposals/{first}/approve",
        data={"csrf_token": token, "back": PAGE},
        follow_redirects=True,
    )
    assert re.search(rf"Proposed FAQ {first} became FAQ #\d+", approved.get_data(as_text=True))
    rejected = admin_client.post(
        f"/admin/review/proposals/{second}/reject", data={"csrf_token": token}, follow_redirects=True
    )
    assert f"Proposed FAQ {second} rejected." in rejected.get_data(as_text=True)
    with session_scope(app) as session:
        statuses = dict(session.execute(select(ProposedFaq.id, ProposedFaq.status)).all())
        assert statuses == {first: "approved", second: "rejected"}
        assert session.scalar(select(Faq).where(Faq.question == "Do you buy back old phones?")) is not None


def test_back_never_leaves_the_review_pages(app, admin_client, auth):
    token = auth.page_csrf(PAGE)
    response = admin_client.post(DECIDE, data={"csrf_token": token, "back": "//evil.example/x", "ids": "1"})
    assert response.status_code == 302 and response.headers["Location"] == PAGE


def test_staff_get_403_on_the_review_pages(app, client, auth):
    auth.login("staff@example.com", role="staff")
    ids = str(add_query(app, "Do you sell kites?"))
    token = auth.page_csrf("/inbox/")  # a valid token: the role, not CSRF, is what refuses
    assert client.get(PAGE).status_code == 403
    assert client.post(DECIDE, data={"csrf_token": token, "ids": ids, "action": "ignore"}).status_code == 403
    assert client.post("/admin/review/proposals/1/approve", data={"csrf_token": token}).status_code == 403
    assert counts(app) == (0, 0)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
