"""The database schema as typed SQLAlchemy 2 ORM classes.

Alembic migrations in ``migrations/versions`` create these tables; a test checks that the
migrated schema and these classes agree, so neither can change alone.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import false

TICKET_STATUSES = ("open", "answered", "closed")
RESOLUTIONS = ("link", "new_faq", "dismiss")
ROLES = ("staff", "admin")


def utcnow() -> datetime:
    """Timezone-aware UTC now; stored naive-free so SQLite and PostgreSQL agree."""
    return datetime.now(timezone.utc)


# Named constraints let later migrations alter them (SQLite batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def as_utc(moment: datetime) -> datetime:
    """Aware UTC; SQLite hands back naive datetimes, which are UTC by construction."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC."""
    return None if moment is None else as_utc(moment).isoformat()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class Faq(Base):
    """One FAQ of the knowledge base; ``position`` keeps the order of the imported corpus."""

    __tablename__ = "faqs"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # "public" (listed in the help center and the public API) or "internal" (the bot answers with
    # it, nothing lists it); pinned FAQs come first on the help center's home and topic pages.
    visibility: Mapped[str] = mapped_column(String(20), default="public", server_default="public")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    phrasings: Mapped[list[FaqPhrasing]] = relationship(
        back_populates="faq", order_by="FaqPhrasing.position", cascade="all, delete-orphan"
    )


class FaqPhrasing(Base):
    """An alternate phrasing that came with the corpus (the FAQ's own question is not repeated)."""

    __tablename__ = "faq_phrasings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    faq_id: Mapped[str] = mapped_column(ForeignKey("faqs.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    faq: Mapped[Faq] = relationship(back_populates="phrasings")


class LearnedPhrasing(Base):
    """A visitor's wording that staff linked to an FAQ; used by the next retrain."""

    __tablename__ = "learned_phrasings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    faq_id: Mapped[str] = mapped_column(ForeignKey("faqs.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposedFaq(Base):
    """A staff reply turned into an FAQ draft; an admin approves (it becomes an FAQ) or rejects."""

    __tablename__ = "proposed_faqs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(200))
    phrasing: Mapped[str | None] = mapped_column(Text)  # the visitor's wording
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending/approved/rejected
    faq_id: Mapped[str | None] = mapped_column(ForeignKey("faqs.id", ondelete="SET NULL"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class Query(Base):
    """One asked question and what the bot decided: the basis of analytics and learning."""

    __tablename__ = "queries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(20), index=True)
    faq_id: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    session_id: Mapped[str | None] = mapped_column(String(100), index=True)
    model_version: Mapped[str | None] = mapped_column(String(80))
    answer_question: Mapped[str | None] = mapped_column(Text)  # what the bot showed, for history
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    # A vague message answered "could you tell me a bit more?" instead of opening a ticket.
    clarify: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Ticket(Base):
    """A handed-off question waiting for (or answered by) a person."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    question: Mapped[str] = mapped_column(Text)
    session_id: Mapped[str | None] = mapped_column(String(100), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # "low_confidence" or "requested"
    conversation: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolution_faq_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    answered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # When the visitor last wrote: a ticket is unread for a person whose ticket_reads row is
    # older than that (or missing).
    last_visitor_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id", cascade="all, delete-orphan"
    )
    tag_rows: Mapped[list[TicketTag]] = relationship(order_by="TicketTag.tag", cascade="all, delete-orphan")
    # Who works on it (the inbox's Mine / Unassigned views); no row: unassigned.
    assignment: Mapped[TicketAssignment | None] = relationship(cascade="all, delete-orphan")


class TicketMessage(Base):
    """A later message on a ticket: a staff reply, or a visitor's follow-up question."""

    __tablename__ = "ticket_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(20))  # "staff" or "visitor"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed_at: Mapped[datetime | None]
    # The agent's display name when the reply was sent: what the visitor saw it signed with.
    author_name: Mapped[str | None] = mapped_column(String(100))
    ticket: Mapped[Ticket] = relationship(back_populates="messages")


class User(Base):
    """A staff member or admin; the password is stored only as a werkzeug hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Each login session carries the epoch it began in; raising it (logout, password change,
    # deactivation) ends every session of the user on every worker at once.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The name replies are signed with and the people pages show; without one, replies are
    # signed with the part of the email before "@" (visitors never see a staff address) and
    # the staff pages show the email.
    display_name: Mapped[str | None] = mapped_column(String(120))
    # "Email me about new tickets" (profile and the inbox's notification settings; the inbox's
    # mail to staff reads it).
    notify_new_tickets: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The last ticket the inbox's auto-assignment gave this person (round robin: oldest first).
    last_assigned_at: Mapped[datetime | None]
    # A password someone else chose (the printed first-admin one, an admin's reset): every page
    # sends the user to the password form until they choose their own.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_login_at: Mapped[datetime | None]


class LoginThrottle(Base):
    """Failed logins per email address (known or not), for the per-account back-off."""

    __tablename__ = "login_throttle"
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token for the staff/admin API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()


class ModelVersion(Base):
    """A trained model directory under the models dir; exactly one row is live."""

    __tablename__ = "model_versions"
    version: Mapped[str] = mapped_column(String(80), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(40))  # "bootstrap", "retrain", "cli", "adopted", "upgrade"
    is_live: Mapped[bool] = mapped_column(Boolean, default=False)
    activated_at: Mapped[datetime | None]
    # "available" (may be activated), "pending" (a candidate the gate held back for an admin),
    # "discarded" (an admin refused it; kept for the record).
    state: Mapped[str] = mapped_column(String(20), default="available", server_default="available")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # candidate-versus-live evaluation
    thresholds: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # admin override of the model's
    job_id: Mapped[int | None] = mapped_column(Integer)
    # What it was trained on, recorded when it was registered: {"faqs", "phrasings", "learned",
    # "edited_faqs", "thresholds"}; the models page summarises it against the previous version.
    contents: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Job(Base):
    """A background job (retraining); kept in the database so any worker can report on it."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued/running/succeeded/failed
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    model_version: Mapped[str | None] = mapped_column(String(80))
    owner: Mapped[str | None] = mapped_column(String(200))  # "host:pid" running it
    error: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(200))  # what it is doing now, for the progress bar
    progress: Mapped[float | None] = mapped_column(Float)  # 0..1
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e.g. the gate's decision
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class Feedback(Base):
    """A visitor's thumbs up/down on an answer; one per query (a later vote replaces it)."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[int] = mapped_column(ForeignKey("queries.id", ondelete="CASCADE"), unique=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqRevision(Base):
    """One recorded change of an FAQ: who, when, and its full state before and after.

    ``faq_id`` is not a foreign key, so the history of a deleted FAQ survives and can restore it.
    A state is ``{"question", "answer", "category", "phrasings": [...], "archived"}``.
    """

    __tablename__ = "faq_revisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    faq_id: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # created/edited/archived/unarchived/deleted/restored
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str | None] = mapped_column(String(40))  # "admin", "api", "import", "review", ...
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AuditEvent(Base):
    """A recorded admin action outside the FAQs: thresholds changed, a model promoted, ..."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # e.g. "thresholds", "model.activate"
    subject: Mapped[str | None] = mapped_column(String(100))  # e.g. the model version
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ReviewDecision(Base):
    """What an admin did with a question in the review queue; decided questions leave the queue.

    ``question_key`` is the normalised text, so an ignored question asked again stays ignored.
    """

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[int | None] = mapped_column(ForeignKey("queries.id", ondelete="SET NULL"), unique=True)
    question_key: Mapped[str] = mapped_column(String(255), index=True)
    action: Mapped[str] = mapped_column(String(20))  # "ignored", "linked", "new_faq"
    faq_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScheduledRun(Base):
    """The last run of a periodic task, shared by every process so only one of them runs it.

    A process claims a due task with one conditional UPDATE on ``claimed_until``.
    """

    __tablename__ = "scheduled_runs"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    claimed_until: Mapped[datetime | None]
    owner: Mapped[str | None] = mapped_column(String(200))
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ImportPreview(Base):
    """A knowledge-base import, classified and waiting for an admin to apply it.

    Kept in the database (not the instance directory) so that behind a load balancer the apply
    may reach any instance; deleting the row is what makes a preview applicable only once.
    """

    __tablename__ = "import_previews"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    preview: Mapped[dict[str, Any]] = mapped_column(JSON)


class TicketRead(Base):
    """When a person last read a ticket; newer visitor activity makes it unread for them."""

    __tablename__ = "ticket_reads"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketAssignment(Base):
    """The person a ticket is assigned to, since when and by whom (None: auto-assigned)."""

    __tablename__ = "ticket_assignments"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class TicketTag(Base):
    """A tag on a ticket (lower case, at most 40 characters); the set of tags is what is in use."""

    __tablename__ = "ticket_tags"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class CannedReply(Base):
    """A saved reply that staff insert in the composer; admins manage them."""

    __tablename__ = "canned_replies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FaqCategory(Base):
    """What an admin decided about a category: its place in the help center's directory and
    whether it is public.  Categories live on the FAQs (``Faq.category``); a category without a
    row here is public and ordered by its first FAQ."""

    __tablename__ = "faq_categories"
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int | None] = mapped_column(Integer)  # admin-chosen; None: after the ordered ones
    visibility: Mapped[str] = mapped_column(String(20), default="public", server_default="public")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CategoryAlias(Base):
    """The help-center slug of a category's earlier name, so its old page redirects after a rename."""

    __tablename__ = "category_aliases"
    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # the category's current name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Lease(Base):
    """A named lease held by at most one owner at a time, across processes and instances.

    Taken with one conditional UPDATE (free, or expired) inside the taker's transaction, renewed
    while the work runs and released when it ends; a holder that dies stops renewing, so the
    lease expires instead of blocking forever (see :mod:`faqbot.web.core.leases`).
    """

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    acquired_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]


class RateLimit(Base):
    """One rate-limit counter of the ``database://`` store: hits in the window that ends at
    ``expires_at`` (seconds since the epoch, as the `limits` library counts time)."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
