"""The JSON schemas of the OpenAPI document (``components/schemas``)."""

from __future__ import annotations

from typing import Any

from faqbot.web.core.openapi import EMAIL, ROW_ID


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
    "AskRequest": {
        "type": "object",
        "required": ["question"],
        "properties": {
            "question": {
                "type": "string",
                "minLength": 1,
                "maxLength": 500,
                "pattern": r"\S",
                "description": "Up to MAX_QUESTION_LENGTH characters (default 500).",
            },
            "session_id": {
                "type": ["string", "null"],
                "pattern": r"\S",
                "maxLength": 100,
                "description": "A random id the widget keeps per conversation.",
            },
            "email": {
                **EMAIL,
                "type": ["string", "null"],
                "description": "Optional: where to send the staff reply if a ticket is opened.",
            },
            "handoff": {
                "type": "boolean",
                "default": False,
                "description": "True: the visitor asked for a person; always opens a "
                "ticket (the bot's suggestions are attached to it).",
            },
        },
    },
    "AskResponse": {
        "type": "object",
        "required": ["query_id", "status", "confidence", "answer", "suggestions", "ticket"],
        "properties": {
            "query_id": ROW_ID,
            "status": {
                "enum": ["answered", "suggested", "handoff", "smalltalk"],
                "description": "smalltalk: a greeting, thanks or other conversation; the reply is "
                "in 'reply' (also 'message'), no FAQ is answered and no ticket is opened.",
            },
            "reply": {"type": "string", "description": "Only with status smalltalk: the reply to show."},
            "clarify": {
                "type": "boolean",
                "description": "True when a vague message ('order', 'help') was answered with a request "
                "to say more ('message') and the closest FAQs, instead of a ticket; the next unclear "
                "message in the session hands off.",
            },
            "smalltalk_intent": {"type": "string", "description": "Only with status smalltalk."},
            "offer_person": {
                "type": "boolean",
                "description": 'Only with status smalltalk: after "that\'s not what I asked" following an '
                "answer, 'suggestions' holds that question's other FAQs and a person should be offered.",
            },
            "retry_question": {
                "type": ["string", "null"],
                "description": "With offer_person: the earlier question, to send to a person.",
            },
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "answer": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "faq_id": {"type": "string"},
                            "question": {"type": "string"},
                            "answer": {"type": "string"},
                            "category": {"type": ["string", "null"]},
                        },
                    },
                ]
            },
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "faq_id": {"type": "string"},
                        "question": {"type": "string"},
                        "confidence": {"type": "number"},
                    },
                },
            },
            "ticket": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "properties": {
                            "id": {"type": "integer"},
                            "token": {
                                "type": ["string", "null"],
                                "description": "Keep it to follow the "
                                "ticket; null when the question was added to a ticket the session "
                                "already holds (a person has taken the conversation over).",
                            },
                        },
                    },
                ]
            },
            "taken_over": {
                "type": "boolean",
                "description": "A person is handling this "
                "session; the bot did not answer and added the question to the "
                "ticket.",
            },
            "message": {"type": "string", "description": "Text the widget can show."},
        },
    },
    "Feedback": {
        "type": "object",
        "required": ["query_id", "helpful"],
        "properties": {
            "query_id": ROW_ID,
            "helpful": {"type": "boolean"},
            "reason": {"enum": ["not what I asked", "did not answer it", None]},
        },
    },
    "VisitorTicket": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"enum": ["open", "answered", "closed"]},
            "question": {"type": "string"},
            "reply": {"type": ["string", "null"]},
            "messages": {
                "type": "array",
                "description": "id, author (visitor or staff), author_name (staff: who signed it), text "
                "(Markdown for staff replies), created_at",
            },
            "last_message_id": {"type": "integer", "description": "pass it as since= next time"},
            "email_on_file": {"type": "boolean"},
        },
    },
    "Contact": {
        "type": "object",
        "required": ["email"],
        "properties": {"email": EMAIL},
    },
    "Ticket": {
        "type": "object",
        "description": "A ticket with its conversation, suggestions "
        "(scores), explanation (matched phrasing) and messages.",
    },
    "TicketList": {
        "type": "object",
        "properties": {
            "tickets": {"type": "array", "items": _ref("Ticket")},
            "counts": {"type": "object"},
        },
    },
    "Reply": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
    "Resolve": {
        "oneOf": [
            {
                "type": "object",
                "required": ["action", "faq_id"],
                "properties": {"action": {"const": "link"}, "faq_id": {"type": "string"}},
            },
            {
                "type": "object",
                "required": ["action", "question", "answer"],
                "properties": {
                    "action": {"const": "new_faq"},
                    "question": {"type": "string"},
                    "answer": {"type": "string"},
                },
            },
            {
                "type": "object",
                "required": ["action"],
                "properties": {"action": {"const": "dismiss"}},
            },
        ]
    },
    # Job, ModelVersion and ModelList: see openapi_models.py
    "ProposedFaq": {"type": "object"},
}
