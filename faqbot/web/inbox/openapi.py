"""OpenAPI paths of the staff API: the ticket inbox and its workspace (merged by
:mod:`faqbot.web.app.openapi`)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import (
    LIST_FILTERS,
    NOT_BLANK,
    ROW_ID,
    STAFF,
    TAG,
    TICKET_ID,
    _json,
    _op,
    _optional_query_param,
    _path_param,
    _query_param,
    _ref,
)

ADMIN_WRITE = {"tag": "staff", "secured": True}
REPLY_ID = [_path_param("reply_id", "integer")]
NOT_MODIFIED = {"304": {"description": "Not modified since the ETag sent in If-None-Match"}}
VIEW_FILTERS = [
    _query_param(
        "view",
        "mine, unassigned, all (not closed) or closed; without it every ticket, as the first version",
        {"enum": ["mine", "unassigned", "all", "closed"]},
    ),
    _optional_query_param("tag", "only tickets with this tag", TAG),
    _query_param("unread", "only tickets unread for the caller", {"type": "boolean"}),
]


def _conditional(operation: dict[str, Any]) -> dict[str, Any]:
    """An operation that answers 304 to a matching If-None-Match."""
    operation["responses"].update(NOT_MODIFIED)
    operation["parameters"] = [
        *operation.get("parameters", []),
        {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}},
    ]
    return operation


def _person() -> dict[str, Any]:
    return {
        "type": ["object", "null"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string", "description": "display name (replies are signed with it)"},
            "email": {"type": "string"},
            "role": {"enum": ["staff", "admin"]},
        },
    }


SCHEMAS: dict[str, Any] = {
    "Person": _person(),
    "Assign": {
        "type": "object",
        "description": '{"assignee_id": n}, {"assignee_id": null} to unassign, or {"assignee": "me"}',
        "properties": {"assignee_id": {"type": ["integer", "null"]}, "assignee": {"const": "me"}},
    },
    "Tags": {
        "type": "object",
        "required": ["tags"],
        "properties": {
            "tags": {
                "type": "array",
                "maxItems": 20,
                "items": TAG,
                "description": "stored in lower case, spaces as '-'",
            }
        },
    },
    "Bulk": {
        "type": "object",
        "required": ["action", "ticket_ids"],
        "properties": {
            "action": {"enum": ["dismiss", "assign", "add_tags", "remove_tags", "mark_read", "mark_unread"]},
            "ticket_ids": {"type": "array", "items": ROW_ID, "minItems": 1, "maxItems": 500},
            "assignee_id": {"type": ["integer", "null"], "description": "for assign; null unassigns"},
            "tags": {
                "type": ["array", "string", "null"],
                "items": TAG,
                "description": "for add_tags/remove_tags: a list, or one comma-separated string",
            },
        },
    },
    "BulkResult": {
        "type": "object",
        "properties": {
            "updated": {"type": "array", "items": {"type": "integer"}},
            "skipped": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "reason": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    },
    "InboxSummary": {
        "type": "object",
        "properties": {
            "counts": {"type": "object", "description": "tickets per view (mine, unassigned, all, closed)"},
            "unread": {"type": "object", "description": "unread tickets per view, for the caller"},
            "attention": {
                "type": "integer",
                "description": "unread tickets that are the caller's or nobody's",
            },
            "alerts": {
                "type": "array",
                "description": "the newest of those (id, question, at: the visitor's last message)",
                "items": {"type": "object"},
            },
        },
    },
    "CannedReply": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string", "maxLength": 200},
            "body": {"type": "string", "maxLength": 10000, "description": "Markdown"},
            "created_at": {"type": "string"},
            "updated_at": {"type": "string"},
        },
    },
    "CannedReplyInput": {
        "type": "object",
        "properties": {
            "title": {**NOT_BLANK, "maxLength": 200},
            "body": {**NOT_BLANK, "maxLength": 10000},
        },
        "description": "both to create; either to edit",
    },
    "FaqChoice": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "question": {"type": "string"},
            "category": {"type": ["string", "null"]},
            "phrasings": {"type": "array", "items": {"type": "string"}},
            "answer": {"type": "string", "description": "only for one FAQ"},
        },
    },
    "Preview": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
    "Notifications": {
        "type": "object",
        "required": ["email_new_tickets"],
        "properties": {
            "email_new_tickets": {"type": "boolean", "description": "a mail for every new ticket"}
        },
    },
}


def _ticket_op(summary: str, body: str | None = None, *errors: int, status: str = "200") -> dict[str, Any]:
    return _op(
        summary,
        _json(_ref("Ticket")),
        400,
        401,
        403,
        404,
        *errors,
        body=_ref(body) if body else None,
        params=TICKET_ID,
        status=status,
        **STAFF,
    )


PATHS: dict[str, Any] = {
    "/api/v1/staff/tickets": {
        "get": _conditional(
            _op(
                "List tickets (a view, or all of them oldest first) with counts per status and per view, "
                "unread marks, assignees and tags",
                _json(_ref("TicketList")),
                400,
                401,
                403,
                params=LIST_FILTERS + VIEW_FILTERS,
                **STAFF,
            )
        )
    },
    "/api/v1/staff/tickets/{ticket_id}": {
        "get": _conditional(
            _op(
                "One ticket: messages, the whole conversation (thread), assignee, tags, unread; "
                "since=<message id> keeps only newer messages",
                _json(_ref("Ticket")),
                400,
                401,
                403,
                404,
                params=TICKET_ID + [_query_param("since", "a message id", {"type": "integer"})],
                **STAFF,
            )
        )
    },
    "/api/v1/staff/tickets/{ticket_id}/reply": {
        "post": _op(
            "Reply to the visitor (signed with your display name; also emailed, as HTML and text, "
            "if they left an address)",
            _json(_ref("Ticket"), "Created"),
            400,
            401,
            403,
            404,
            409,
            415,
            body=_ref("Reply"),
            status="201",
            params=TICKET_ID,
            **STAFF,
        )
    },
    "/api/v1/staff/tickets/{ticket_id}/resolve": {
        "post": _op(
            "Resolve: link to an FAQ, propose a new FAQ, or dismiss",
            _json(_ref("Ticket")),
            400,
            401,
            403,
            404,
            409,
            415,
            body=_ref("Resolve"),
            params=TICKET_ID,
            **STAFF,
        )
    },
    "/api/v1/staff/tickets/{ticket_id}/assign": {
        "post": _ticket_op("Assign to a teammate, to yourself, or to nobody", "Assign", 409, 415)
    },
    "/api/v1/staff/tickets/{ticket_id}/tags": {"put": _ticket_op("Set the ticket's tags", "Tags", 415)},
    "/api/v1/staff/tickets/{ticket_id}/read": {
        "post": _op(
            "Mark read for you", _json({"type": "object"}), 400, 401, 403, 404, params=TICKET_ID, **STAFF
        ),
        "delete": _op(
            "Mark unread for you", _json({"type": "object"}), 400, 401, 403, 404, params=TICKET_ID, **STAFF
        ),
    },
    "/api/v1/staff/tickets/bulk": {
        "post": _op(
            "One action on many tickets; each is done or skipped with a reason",
            _json(_ref("BulkResult")),
            400,
            401,
            403,
            415,
            body=_ref("Bulk"),
            **STAFF,
        )
    },
    "/api/v1/staff/inbox": {
        "get": _conditional(
            _op(
                "Counts per view, your unread counts and the newest unread tickets (for notifications)",
                _json(_ref("InboxSummary")),
                401,
                403,
                **STAFF,
            )
        )
    },
    "/api/v1/staff/teammates": {
        "get": _op(
            "Active staff and admins: whom a ticket can be assigned to",
            _json(
                {"type": "object", "properties": {"teammates": {"type": "array", "items": _ref("Person")}}}
            ),
            401,
            403,
            **STAFF,
        )
    },
    "/api/v1/staff/tags": {
        "get": _op("Tags in use, most used first", _json({"type": "object"}), 401, 403, **STAFF)
    },
    "/api/v1/staff/canned-replies": {
        "get": _op(
            "Canned replies, by title",
            _json(
                {
                    "type": "object",
                    "properties": {"canned_replies": {"type": "array", "items": _ref("CannedReply")}},
                }
            ),
            401,
            403,
            **STAFF,
        ),
        "post": _op(
            "Create a canned reply (admins)",
            _json(_ref("CannedReply"), "Created"),
            400,
            401,
            403,
            409,
            415,
            body={"allOf": [_ref("CannedReplyInput"), {"required": ["title", "body"]}]},
            status="201",
            **ADMIN_WRITE,
        ),
    },
    "/api/v1/staff/canned-replies/{reply_id}": {
        "get": _op("One canned reply", _json(_ref("CannedReply")), 401, 403, 404, params=REPLY_ID, **STAFF),
        "patch": _op(
            "Edit a canned reply (admins)",
            _json(_ref("CannedReply")),
            400,
            401,
            403,
            404,
            409,
            415,
            body={"allOf": [_ref("CannedReplyInput"), {"required": ["title", "body"]}]},
            params=REPLY_ID,
            **ADMIN_WRITE,
        ),
        "delete": _op(
            "Delete a canned reply (admins)",
            {"description": "Deleted"},
            401,
            403,
            404,
            status="204",
            params=REPLY_ID,
            **ADMIN_WRITE,
        ),
    },
    "/api/v1/staff/faqs": {
        "get": _op(
            "Current FAQs with their phrasings, for choosing one to link or insert",
            _json({"type": "object", "properties": {"faqs": {"type": "array", "items": _ref("FaqChoice")}}}),
            401,
            403,
            **STAFF,
        )
    },
    "/api/v1/staff/faqs/{faq_id}": {
        "get": _op(
            "One FAQ with its answer (to insert in a reply)",
            _json(_ref("FaqChoice")),
            401,
            403,
            404,
            params=[_path_param("faq_id")],
            **STAFF,
        )
    },
    "/api/v1/staff/preview": {
        "post": _op(
            "A reply's Markdown as the visitor will see it (HTML; raw HTML escaped)",
            _json({"type": "object", "properties": {"html": {"type": "string"}}}),
            400,
            401,
            403,
            415,
            body=_ref("Preview"),
            **STAFF,
        )
    },
    "/api/v1/staff/notifications": {
        "get": _op("Your notification settings", _json(_ref("Notifications")), 401, 403, **STAFF),
        "put": _op(
            "Change your notification settings",
            _json(_ref("Notifications")),
            400,
            401,
            403,
            415,
            body=_ref("Notifications"),
            **STAFF,
        ),
    },
}
