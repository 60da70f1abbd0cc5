"""The staff inbox: server-rendered pages to find, answer and resolve handed-off questions.

Every page works without JavaScript; the scripts in ``static/`` add live updates, the searchable
FAQ picker, the composer's inline insertions and preview, bulk selection and keyboard shortcuts.
The routes are spread over :mod:`ticket_pages`, :mod:`list_pages`, :mod:`canned_pages` and
:mod:`settings_pages`; importing this module registers them all on one blueprint.
"""

from __future__ import annotations

from flask import g

from faqbot.web.core.db import get_db
from faqbot.web.core.security import has_role
from faqbot.web.inbox import canned_pages, list_pages, settings_pages, ticket_pages  # noqa: F401 (routes)
from faqbot.web.inbox.blueprints import pages as bp
from faqbot.web.inbox.people import display_name
from faqbot.web.inbox.views import attention, view_counts

__all__ = ["bp"]


@bp.app_context_processor
def _inbox_count() -> dict:
    """The unread count of the nav's Inbox link, on every staff and admin page."""
    user = g.get("user")
    if user is None or not has_role(user, "staff"):
        return {"inbox_attention": 0}
    _, unread = view_counts(get_db(), user)
    return {"inbox_attention": attention(unread), "signature_name": display_name(user)}
