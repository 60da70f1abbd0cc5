"""When the service fails (down, slow, erroring, rate-limiting) or a question is too long, the
widget says so politely, offers a retry where one can help, and never freezes."""

from __future__ import annotations

import pytest

pytest.importorskip("playwright.sync_api", reason="pip install playwright")

from playwright.sync_api import expect  # noqa: E402

from web.live import MAX_QUESTION_LENGTH  # noqa: E402

from .support import TRACK_ORDER, Widget, embed_tag, shop_page  # noqa: E402

ASK = "**/api/v1/ask"
CANNOT_REACH = "can't reach the help service"


@pytest.fixture
def widget(server, tab) -> Widget:
    tab.page.goto(server.url + "/demo")
    return Widget(tab.page).open()


def retry_until_answered(widget: Widget) -> None:
    failure = widget.log.locator(".message.failure")
    failure.get_by_role("button", name="Try again").click()
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    expect(failure).to_have_count(0)


def test_server_error_offers_a_retry_that_works(tab, widget):
    tab.errors.allow(r"status of 500")
    tab.page.route(
        ASK, lambda route: route.fulfill(status=500, json={"error": {"code": "x", "message": "x"}})
    )
    widget.ask(TRACK_ORDER)
    expect(widget.log.locator(".message.failure")).to_contain_text(CANNOT_REACH)
    expect(widget.question).to_be_editable()
    tab.screenshot("server-error")
    tab.page.unroute(ASK)
    retry_until_answered(widget)


def test_an_instance_without_faqs_says_so_and_offers_no_retry(tab, widget):
    tab.errors.allow(r"status of 503")
    message = "This help service has no answers set up yet. Please contact us another way for now."
    body = {"error": {"code": "not_configured", "message": message}}
    tab.page.route(ASK, lambda route: route.fulfill(status=503, json=body))
    widget.ask(TRACK_ORDER)
    failure = widget.log.locator(".message.failure")
    expect(failure).to_contain_text("no answers set up yet")
    expect(failure.get_by_role("button", name="Try again")).to_have_count(0)
    tab.screenshot("not-configured")
    tab.page.unroute(ASK)


def test_server_down_offers_a_retry(tab, widget):
    tab.errors.allow(r"ERR_CONNECTION_REFUSED|ERR_FAILED")
    tab.page.route(ASK, lambda route: route.abort("connectionrefused"))
    widget.ask(TRACK_ORDER)
    expect(widget.log.locator(".message.failure")).to_contain_text(CANNOT_REACH)
    tab.page.unroute(ASK)
    retry_until_answered(widget)


def test_slow_server_times_out_politely(server, shop, tab):
    page = tab.page
    page.goto(shop.publish("/slow", shop_page(embed_tag(server.url, timeout="800"))))
    page.route(ASK, lambda route: None)  # never answers
    widget = Widget(page).open()
    widget.ask(TRACK_ORDER)
    expect(widget.log.locator(".message.failure")).to_contain_text("taking too long")
    page.unroute(ASK)
    retry_until_answered(widget)


def test_rate_limited_visitor_is_asked_to_wait(serve, tab):
    # The default store's fixed window starts at the first question, so it lasts the whole test.
    limited = serve("limited", RATELIMIT_PUBLIC="2 per hour")
    tab.errors.allow(r"status of 429")
    tab.page.goto(limited.url + "/demo")
    widget = Widget(tab.page).open()
    for answered in (1, 2):
        widget.ask(TRACK_ORDER)
        # each answer in turn: a question typed while the last one is still on its way is not sent
        expect(widget.answer_to(TRACK_ORDER)).to_have_count(answered)
    widget.ask(TRACK_ORDER)
    failure = widget.log.locator(".message.failure")
    expect(failure).to_contain_text("faster than we can answer")
    tab.screenshot("rate-limited")
    failure.get_by_role("button", name="Try again").click()  # still limited: told again, not stuck
    expect(failure).to_contain_text("faster than we can answer")
    expect(widget.question).to_be_editable()


def test_too_long_question_is_refused_in_the_widget(tab, widget):
    """The limit is the server's (read from its OpenAPI document), not the 500 default."""
    asked = []
    tab.page.on(
        "request", lambda request: asked.append(request.url) if "/api/v1/ask" in request.url else None
    )
    widget.ask("x" * (MAX_QUESTION_LENGTH + 1))
    expect(widget.panel.get_by_role("alert")).to_contain_text(f"keep it to {MAX_QUESTION_LENGTH} or fewer")
    expect(widget.messages).to_have_count(0)
    expect(widget.question).to_have_value("x" * (MAX_QUESTION_LENGTH + 1))  # nothing typed is lost
    tab.screenshot("too-long")
    widget.ask(TRACK_ORDER)
    expect(widget.answer_to(TRACK_ORDER)).to_be_visible()
    assert widget.shadow_eval("root.querySelector('.composer .form-error').textContent") == ""
    assert len(asked) == 1


def test_data_attribute_sets_the_limit_on_another_site(server, shop, tab):
    page = tab.page
    page.goto(shop.publish("/limit-50", shop_page(embed_tag(server.url, max_length="50"))))
    widget = Widget(page).open()
    widget.ask("y" * 51)
    expect(widget.panel.get_by_role("alert")).to_contain_text("keep it to 50 or fewer")
    expect(widget.messages).to_have_count(0)


def test_without_a_known_limit_the_servers_refusal_is_shown(server, shop, tab):
    """Cross-origin, the widget cannot read the OpenAPI document, so it assumes 500; the server's
    lower limit then comes back as a 400, shown as it is and without a pointless retry."""
    tab.errors.allow(r"status of 400")
    page = tab.page
    page.goto(shop.publish("/no-limit", shop_page(embed_tag(server.url))))
    widget = Widget(page).open()
    widget.ask("z" * (MAX_QUESTION_LENGTH + 50))
    failure = widget.log.locator(".message.failure")
    expect(failure).to_contain_text(f"at most {MAX_QUESTION_LENGTH} characters")
    expect(failure.get_by_role("button", name="Try again")).to_have_count(0)
