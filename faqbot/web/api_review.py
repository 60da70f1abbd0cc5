"""Review queue API: clusters of questions the bot did not answer well, and what to do with them."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from . import review, review_actions
from .db import get_db
from .payload import json_body, string_field
from .security import require_api_role

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
