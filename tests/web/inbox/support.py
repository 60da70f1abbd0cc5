"""Helpers for the inbox tests: people with bearer tokens, and tickets opened as visitors do."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import User


@dataclass
class Agent:
    id: int
    email: str
    headers: dict[str, str]


def agent(app, auth, email: str, role: str = "staff") -> Agent:
    """A new user of ``role`` with a bearer token."""
    headers = auth.headers(role, email=email)
    with session_scope(app) as session:
        user_id = session.scalar(select(User.id).where(User.email == email))
    return Agent(user_id, email, headers)


def open_ticket(client, question: str, **extra) -> dict:
    """A visitor hands ``question`` to a person; returns ``{"id", "token"}``."""
    body = client.post("/api/v1/ask", json={"question": question, "handoff": True, **extra}).get_json()
    return body["ticket"]
