"""The help center in a real browser against a real server: phones without sideways scrolling,
no serious accessibility problems (axe-core), readable without JavaScript, and "Chat with us"
opening the widget.  Screenshots are saved under each test's tmp dir."""

from __future__ import annotations

import pytest

from web.live import JsErrors

PAGES = {
    "home": "/help",
    "category": "/help/refunds",
    "faq": "/help/products/1-how-do-i-know-if-a-product-is-in-stock",
    "search": "/help/search?q=i+want+my+money+back",
    "nothing-found": "/help/search?q=zebra+quantum+spaghetti",
    "contact": "/help/contact",
}
SIZES = {"desktop": (1280, 800), "phone": (375, 740)}


@pytest.fixture(scope="module")
def server(serve):
    return serve("helpcenter-server", RATELIMIT_ENABLED=False)


def open_page(browser, size: tuple[int, int], **options):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = JsErrors()
    errors.watch(page)
    return context, page, errors


@pytest.mark.parametrize("size", SIZES)
def test_pages_fit_the_screen_and_pass_axe(browser, server, shots, size):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, page, errors = open_page(browser, SIZES[size])
    try:
        problems = {}
        for name, path in PAGES.items():
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= SIZES[size][0], f"{name} scrolls sideways at {size}: {width}px"
            page.screenshot(path=str(shots / f"{name}-{size}.png"), full_page=True)
            found = axe.run(page).response["violations"]
            serious = [v for v in found if v["impact"] in ("serious", "critical")]
            if serious:
                problems[name] = [
                    (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in serious
                ]
        assert not problems, problems
        assert not errors.unexpected(), errors.unexpected()
    finally:
        context.close()
    print(f"\nscreenshots: {shots}")


def test_readable_and_searchable_without_javascript(browser, server, shots):
    context, page, _ = open_page(browser, SIZES["phone"], java_script_enabled=False)
    try:
        page.goto(server.url + "/help")
        page.get_by_role("searchbox", name="Search the help center").fill("i want my money back")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/help/search?q=*")
        page.get_by_role("link", name="How long does a refund take?").click()
        assert page.get_by_role("heading", level=1).inner_text() == "How long does a refund take?"
        page.get_by_role("button", name="Yes").click()
        assert page.get_by_role("heading", name="Thanks for your feedback!").is_visible()
        page.get_by_role("link", name="Chat with us").click()  # without the widget: the form
        page.wait_for_url("**/help/contact")
        page.screenshot(path=str(shots / "contact-no-js.png"), full_page=True)
    finally:
        context.close()


def test_the_contact_form_from_a_phone(browser, server, shots):
    context, page, errors = open_page(browser, SIZES["phone"])
    try:
        page.goto(server.url + "/help/contact")
        page.get_by_label("Your name").fill("Grace")
        page.get_by_label("Your email").fill("grace@example.com")
        page.get_by_label("Topic (optional)").select_option("Refunds")
        page.get_by_label("Your message").fill("Where is my refund for order 77?")
        page.get_by_role("button", name="Send message").click()
        page.wait_for_url("**/help/contact/thanks")
        page.screenshot(path=str(shots / "contact-thanks-phone.png"), full_page=True)
        status, body = _staff_tickets(server)
        assert status == 200 and "Where is my refund for order 77?" in [
            t["question"] for t in body["tickets"]
        ]
        assert not errors.unexpected(), errors.unexpected()
    finally:
        context.close()


def _staff_tickets(server):
    from web.support import call

    return call(server.url, "/api/v1/staff/tickets", headers=server.staff_headers())


def test_chat_with_us_opens_the_widget(browser, server, shots):
    context, page, errors = open_page(browser, SIZES["desktop"])
    try:
        page.goto(server.url + PAGES["faq"])
        page.get_by_role("button", name="Help center", exact=True).wait_for()  # the widget loaded
        page.get_by_role("link", name="Chat with us").click()
        page.get_by_role("dialog", name="Help center").wait_for()
        assert page.url.endswith(PAGES["faq"])  # it opened in place of following the link
        page.screenshot(path=str(shots / "faq-chat-open.png"))
        assert not errors.unexpected(), errors.unexpected()
    finally:
        context.close()


@pytest.fixture(scope="module")
def curated(serve):
    """A help center whose admin pinned an FAQ, ordered the topics, made one internal and set the
    brand colour and logo."""
    from faqbot.web.core.db import session_scope
    from faqbot.web.kb import categories, service

    server = serve(
        "helpcenter-curated",
        RATELIMIT_ENABLED=False,
        SITE_NAME="Brightline",
        BRAND_COLOR="#0f766e",
        SITE_LOGO_URL="/static/widget/favicon.svg",
    )
    with session_scope(server.app) as session:
        service.update_faq(session, "13", {"pinned": True}, base_revision=None, user_id=None, source="test")
        categories.set_order(session, ["Returns", "Refunds"], user_id=None, source="test")
        categories.set_category(session, "Privacy", visibility="internal", user_id=None, source="test")
    return server


@pytest.mark.parametrize("size", SIZES)
def test_the_admins_choices_show_on_the_home_and_topic_pages(browser, curated, shots, size):
    from axe_playwright_python.sync_playwright import Axe

    context, page, errors = open_page(browser, SIZES[size])
    try:
        page.goto(curated.url + "/help")
        topics = page.locator(".hc-topics .hc-topic-name").all_inner_texts()
        assert topics[:2] == ["Returns", "Refunds"] and "Privacy" not in topics
        popular = page.get_by_role("list", name="Popular questions").get_by_role("link")
        pinned = popular.first.inner_text()
        assert page.locator(".hc-brand img").is_visible()
        page.screenshot(path=str(shots / f"home-curated-{size}.png"), full_page=True)
        assert not [
            v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")
        ]
        page.get_by_role("link", name=pinned).first.click()
        category = page.locator(".hc-crumbs li a").nth(1)
        category.click()
        assert page.locator(".hc-faqs li a").first.inner_text() == pinned  # first in its topic too
        assert page.evaluate("document.scrollingElement.scrollWidth") <= SIZES[size][0]
        page.screenshot(path=str(shots / f"topic-curated-{size}.png"), full_page=True)
        assert not [
            v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")
        ]
        errors.allow(r"status of 404")  # the internal topic's page, next
        assert page.goto(curated.url + "/help/privacy").status == 404
        assert not errors.unexpected(), errors.unexpected()
    finally:
        context.close()
