"""Review queue API: clusters of questions the bot did not answer well, what to do with them, and
the FAQs staff proposed from the inbox."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from faqbot.web.core.db import get_db
from faqbot.web.core.payload import json_body, string_field
from faqbot.web.core.security import require_api_role
from faqbot.web.core.tables import ProposedFaq
from faqbot.web.review import actions as review_actions
from faqbot.web.review import proposals
from faqbot.web.review import queue as review
from faqbot.web.review import wrong_answers as wrong

bp = Blueprint("review_api", __name__, url_prefix="/api/v1/admin")
bp.url_value_preprocessor(review_actions.allow_long_id_lists)


@bp.get("/review/clusters")
@require_api_role("admin")
def clusters():
    params = review.parse_request(request.args)
    queue = review.review_queue(get_db(), model=review.current_model(), **params)
    return jsonify(review.queue_json(queue))


@bp.post("/review/link")
@require_api_role("admin")
def link():
    body = json_body()
    ids = review_actions.parse_query_ids(body.get("query_ids"))
    outcome = review_actions.link(get_db(), ids, body.get("faq_id"), g.user.id)
    return jsonify(outcome.as_json())


@bp.post("/review/new-faq")
@require_api_role("admin")
def new_faq():
    body = json_body()
    ids = review_actions.parse_query_ids(body.get("query_ids"))
    outcome = review_actions.new_faq(
        get_db(),
        ids,
        question=string_field(body, "question"),
        answer=string_field(body, "answer"),
        category=string_field(body, "category", required=False),
        user_id=g.user.id,
    )
    response = jsonify(outcome.as_json())
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/admin/faqs/{outcome.faq_id}"
    return response


@bp.post("/review/ignore")
@require_api_role("admin")
def ignore():
    ids = review_actions.parse_query_ids(json_body().get("query_ids"))
    return jsonify(review_actions.ignore(get_db(), ids, g.user.id).as_json())


@bp.get("/review/wrong-answers")
@require_api_role("admin")
def wrong_answers():
    """Answers visitors rejected, grouped by the FAQ that was given, most rejected first."""
    params = review.parse_request(request.args)
    found = wrong.wrong_answers(get_db(), model=review.current_model(), **params)
    return jsonify(wrong.wrong_answers_json(found))


@bp.post("/review/wrong-answers/correct")
@require_api_role("admin")
def correct_wrong_answers():
    """ "The right FAQ was #m": the wordings become learned phrasings of #m."""
    body = json_body()
    ids = review_actions.parse_query_ids(body.get("query_ids"))
    return jsonify(review_actions.correct(get_db(), ids, body.get("faq_id"), g.user.id).as_json())


@bp.post("/review/wrong-answers/confirm")
@require_api_role("admin")
def confirm_wrong_answers():
    """ "The answer was right": the rejected answers leave the queue."""
    ids = review_actions.parse_query_ids(json_body().get("query_ids"))
    return jsonify(review_actions.confirm(get_db(), ids, g.user.id).as_json())


@bp.get("/proposed-faqs")
@require_api_role("admin")
def list_proposed():
    rows = get_db().scalars(select(ProposedFaq).order_by(ProposedFaq.id))
    return jsonify({"proposed_faqs": [proposals.as_json(row) for row in rows]})


@bp.post("/proposed-faqs/<id:proposal_id>/approve")
@require_api_role("admin")
def approve(proposal_id: int):
    return jsonify(proposals.as_json(proposals.approve(get_db(), proposal_id, user_id=g.user.id)))


@bp.post("/proposed-faqs/<id:proposal_id>/reject")
@require_api_role("admin")
def reject(proposal_id: int):
    return jsonify(proposals.as_json(proposals.reject(get_db(), proposal_id)))
