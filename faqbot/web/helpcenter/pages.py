"""The help center's pages: home, categories, one page per FAQ, search, and the sitemap.

Every page is server-rendered and readable without JavaScript.  Pages that list FAQs are cached
by validators (:mod:`seo`); search is never cached, since each search is logged as a question.
The contact form and the visitor's own ticket are in :mod:`contact_pages`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from faqbot.web.core.branding import Brand, brand_of
from faqbot.web.core.db import get_db
from faqbot.web.core.tables import Faq, Feedback, Query
from faqbot.web.helpcenter import catalog, markup, searching, seo, theme
from faqbot.web.helpcenter.forms import FeedbackForm, ReasonForm
from faqbot.web.models.store import live_model
from faqbot.web.visitor.widget import widget_url

bp = Blueprint(
    "helpcenter",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/help/static",
)
PAGE_VOTE = "helpcenter"  # the decision of a vote's queries row: a page read, not a bot decision
VOTES_KEY = "helpcenter_votes"  # faq id -> the visitor's vote's query id, in their session
MAX_REMEMBERED_VOTES = 20


def faq_url(faq: Faq, *, external: bool = False) -> str:
    slug = catalog.category_slug(catalog.category_name(faq))
    return url_for("helpcenter.faq_page", category=slug, item=catalog.faq_slug(faq), _external=external)


def category_url(name: str, *, external: bool = False) -> str:
    return url_for("helpcenter.category", category=catalog.category_slug(name), _external=external)


def _external(faq: Faq) -> str:
    return faq_url(faq, external=True)


@bp.context_processor
def _helpers() -> dict:
    return {
        "faq_url": faq_url,
        "category_url": category_url,
        "summary": markup.summary,
        "widget_src": widget_url(),  # the chat widget, which "Chat with us" opens when it loaded
        "api_base": request.host_url.rstrip("/"),
        "site_name": _site(),
        "look": _brand(),
        "brand_css": _brand_css_url(),
    }


def _brand_css_url() -> str | None:
    brand = _brand()
    if not brand.color:
        return None
    return url_for("helpcenter.brand_css", v=theme.version(theme.css(brand)))


def _render(template: str, **context) -> str:
    return render_template(f"helpcenter/{template}", **context)


def _listed(faqs: list[Faq]) -> list[tuple[str, int, str]]:
    return [(f.id, f.revision, f.question) for f in faqs]


@bp.get("/help/")
@bp.get("/help")  # registered first, so the canonical URL
def home() -> Response:
    db = get_db()
    faqs = catalog.public_faqs(db)
    counts = catalog.asked_counts(db)
    popular, newest = catalog.popular(faqs, counts), catalog.newest(faqs)
    directory = catalog.categories(db, faqs)
    modified = max(filter(None, [catalog.last_modified(faqs), catalog.last_asked(db)]), default=None)
    tag = seo.tag_of("home", seo.build_stamp(), _listed(popular), _listed(newest), directory, _look())
    jsonld = seo.faq_page(popular, _external)
    return seo.conditional(
        tag,
        modified,
        lambda: _render("home.html", popular=popular, newest=newest, categories=directory, jsonld=jsonld),
    )


@bp.get("/help/<category>")
def category(category: str) -> Response:
    db = get_db()
    faqs = catalog.public_faqs(db)
    directory = catalog.categories(db, faqs)
    found = next((c for c in directory if c.slug == category), None)
    if found is None:
        renamed = catalog.renamed_category(db, faqs, category)
        if renamed is None:
            abort(404)
        return redirect(category_url(renamed.name), code=301)  # the topic was renamed
    members = catalog.members(faqs, found)
    ranked = catalog.by_popularity(members, catalog.asked_counts(db))
    tag = seo.tag_of("category", seo.build_stamp(), _listed(ranked), directory, _look())
    jsonld = seo.faq_page(ranked, _external)
    return seo.conditional(
        tag,
        catalog.last_modified(members),
        lambda: _render("category.html", category=found, faqs=ranked, categories=directory, jsonld=jsonld),
    )


def _faq_or_redirect(category: str, item: str) -> Faq | Response:
    faq = catalog.find_by_item(get_db(), item)
    if faq is None:
        abort(404)
    if category != catalog.category_slug(catalog.category_name(faq)) or item != catalog.faq_slug(faq):
        return redirect(faq_url(faq), code=301)  # renamed question or category: the current URL
    return faq


@bp.get("/help/<category>/<item>")
def faq_page(category: str, item: str) -> Response:
    faq = _faq_or_redirect(category, item)
    if isinstance(faq, Response):
        return faq
    vote = _my_vote(faq)
    live = live_model().get()
    version = live[0] if live else None
    tag = seo.tag_of(
        "faq", seo.build_stamp(), faq.id, faq.revision, faq.question, faq.category, version, vote, _look()
    )

    def render() -> str:
        db = get_db()
        return _render(
            "faq.html",
            faq=faq,
            answer=markup.render_answer(faq.answer),
            related=searching.related(db, faq),
            category_name=catalog.category_name(faq),
            vote=vote,
            feedback_form=FeedbackForm(),
            reason_form=ReasonForm(),
            jsonld=seo.qa_page(faq, faq_url(faq, external=True)),
        )

    return seo.conditional(tag, faq.updated_at, render, shared=False)


@bp.post("/help/<category>/<item>/feedback")
def feedback(category: str, item: str) -> Response:
    """ "Was this helpful?" on an FAQ page, kept as the widget's votes are (a feedback row on a
    ``queries`` row, here one whose decision says it was a page read)."""
    faq = _faq_or_redirect(category, item)
    if isinstance(faq, Response):
        return faq
    form = FeedbackForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_db()
    row = Query(
        question=faq.question,  # the FAQ's, not anything the visitor typed
        decision=PAGE_VOTE,
        faq_id=faq.id,
        confidence=1.0,
        latency_ms=0.0,
        answer_question=faq.question,
    )
    db.add(row)
    db.flush()
    db.add(Feedback(query_id=row.id, helpful=form.helpful.data == "yes"))
    db.commit()
    votes = dict(session.get(VOTES_KEY) or {})
    votes.pop(faq.id, None)
    votes[faq.id] = row.id
    session[VOTES_KEY] = dict(list(votes.items())[-MAX_REMEMBERED_VOTES:])
    return redirect(faq_url(faq) + "#helpful", code=303)


@bp.post("/help/<category>/<item>/reason")
def reason(category: str, item: str) -> Response:
    faq = _faq_or_redirect(category, item)
    if isinstance(faq, Response):
        return faq
    form = ReasonForm()
    query_id = (session.get(VOTES_KEY) or {}).get(faq.id)
    if not form.validate_on_submit() or query_id is None:
        abort(400)
    db = get_db()
    row = db.query(Feedback).filter(Feedback.query_id == query_id).one_or_none()
    if row is not None and not row.helpful:
        row.reason = form.reason.data
        db.commit()
    return redirect(faq_url(faq) + "#helpful", code=303)


def _my_vote(faq: Faq) -> dict | None:
    """This visitor's vote on this FAQ (from their session), for the thank-you and the reasons."""
    query_id = (session.get(VOTES_KEY) or {}).get(faq.id)
    if query_id is None:
        return None
    row = get_db().query(Feedback).filter(Feedback.query_id == query_id).one_or_none()
    return None if row is None else {"helpful": row.helpful, "reason": row.reason}


@bp.get("/help/search")
def search() -> Response:
    text = " ".join(request.args.get("q", "").split())
    limit = current_app.config["MAX_QUESTION_LENGTH"]
    db = get_db()
    outcome, problem = None, None
    if len(text) > limit:
        problem = f"Please keep your search to {limit} characters or fewer."
    elif text:
        outcome = searching.search(db, text)
    faqs = catalog.public_faqs(db)
    page = _render(
        "search.html",
        query=text,
        outcome=outcome,
        problem=problem,
        stems=markup.query_stems(text),
        highlight=markup.highlight,
        popular=catalog.popular(faqs, catalog.asked_counts(db), limit=5),
        categories=catalog.categories(db, faqs),
    )
    response = Response(page, mimetype="text/html")
    response.cache_control.no_store = True
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    db = get_db()
    faqs = catalog.public_faqs(db)
    entries = [(url_for("helpcenter.home", _external=True), catalog.last_modified(faqs))]
    for found in catalog.categories(db, faqs):
        members = catalog.members(faqs, found)
        entries.append((category_url(found.name, external=True), catalog.last_modified(members)))
    entries += [(faq_url(f, external=True), f.updated_at) for f in faqs]
    tag = seo.tag_of("sitemap", entries)
    response = seo.conditional(tag, catalog.last_modified(faqs), lambda: seo.sitemap(entries), max_age=3600)
    response.mimetype = "application/xml"
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    lines = [
        "User-agent: *",
        "Allow: /help",
        "Disallow: /help/search",
        "Disallow: /help/contact",
        "Disallow: /help/tickets/",
        "Disallow: /api/",
        "Disallow: /inbox",
        "Disallow: /admin",
        "Disallow: /login",
        f"Sitemap: {url_for('helpcenter.sitemap', _external=True)}",
    ]
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _site() -> str:
    return current_app.config.get("SITE_NAME") or ""


def _brand() -> Brand:
    return brand_of(current_app.config)


def _look() -> tuple[str, str, str]:
    """What of the site's look a page shows, for its ETag (a new logo or colour is a new page)."""
    brand = _brand()
    return (brand.site_name, brand.logo_url, brand.color)


@bp.get("/help/brand.css")
def brand_css() -> Response:
    """The brand colour as CSS custom properties: the CSP allows no inline style, so the pages link
    this small sheet (versioned by its content) after help.css."""
    css = theme.css(_brand())
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600 if request.args.get("v") == theme.version(css) else 300
    response.set_etag(theme.version(css))
    return response.make_conditional(request)


# The contact form's routes live on this blueprint too.
from faqbot.web.helpcenter import contact_pages as _contact_pages  # noqa: E402,F401


def reading() -> bool:
    """Whether a request only reads pages: those are not rate-limited; writes and searches are
    (``RATELIMIT_PUBLIC``, as the public API)."""
    return request.method in ("GET", "HEAD") and request.endpoint != "helpcenter.search"
