"""Every staff and admin page in a real browser: it fits a 375 px phone without scrolling
sideways, axe-core finds no serious or critical accessibility problem, the header names the
area, "Log out" stays on screen, and screenshots at both sizes are kept for people to look at."""

from __future__ import annotations

import re

import pytest

from .conftest import NARROW, WIDE, Workspace

# (name, role, path built from the workspace, the area the header names)
PAGES = [
    ("inbox", "staff", lambda w: "/inbox/", "Inbox"),
    ("ticket", "staff", lambda w: f"/inbox/tickets/{w.tickets[-1]}", "Inbox"),
    ("inbox-admin", "admin", lambda w: "/inbox/", "Inbox"),
    ("faqs", "admin", lambda w: "/admin/faqs/", "FAQs"),
    ("faq-edit", "admin", lambda w: f"/admin/faqs/{w.edited_faq}", "FAQs"),
    ("faq-history", "admin", lambda w: f"/admin/faqs/{w.edited_faq}/history", "FAQs"),
    ("import", "admin", lambda w: "/admin/faqs/import", "FAQs"),
    ("faq-categories", "admin", lambda w: "/admin/faqs/categories", "FAQs"),
    ("review", "admin", lambda w: "/admin/review/", "Review"),
    ("models", "admin", lambda w: "/admin/", "Models"),
    ("model-report", "admin", lambda w: f"/admin/models/{w.candidate}", "Models"),
    ("thresholds", "admin", lambda w: "/admin/thresholds", "Thresholds"),
    ("analytics", "admin", lambda w: "/admin/analytics", "Analytics"),
    ("inbox-mine", "staff", lambda w: "/inbox/?view=mine", "Inbox"),
    ("ticket-conversation", "staff", lambda w: f"/inbox/tickets/{w.conversation}", "Inbox"),
    ("canned-replies", "admin", lambda w: "/inbox/canned/", "Inbox"),
    ("canned-reply-edit", "admin", lambda w: f"/inbox/canned/{w.canned}", "Inbox"),
    ("notifications", "staff", lambda w: "/inbox/notifications", "Inbox"),
    ("models-try", "admin", lambda w: "/admin/?q=can+I+return+an+opened+blender#try", "Models"),
    ("people", "admin", lambda w: "/admin/users/", "People"),
    ("person", "admin", lambda w: f"/admin/users/{w.users['staff']}", "People"),
    ("invite", "admin", lambda w: "/admin/users/new", "People"),
    ("profile", "staff", lambda w: "/account/", "Account"),
    ("password", "staff", lambda w: "/account/password", "Account"),
]
BAD_IMPACTS = ("serious", "critical")


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
        if v["impact"] in BAD_IMPACTS
    ]


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def look_at(page, name: str, shots) -> None:
    """Screenshots at both sizes, axe-core at both, no sideways scroll and "Log out" on screen at 375 px."""
    page.set_viewport_size(WIDE)
    wide = shots / f"{name}-1280x800.png"
    page.screenshot(path=str(wide), full_page=True)
    problems = axe_problems(page)
    assert not problems, f"{name} at 1280 px: {problems}"

    page.set_viewport_size(NARROW)
    narrow = shots / f"{name}-375x740.png"
    page.screenshot(path=str(narrow), full_page=True)
    print(f"screenshots of {name}: {wide} {narrow}")
    assert page_width(page) <= NARROW["width"], f"{name} scrolls sideways at 375 px"
    logout = page.get_by_role("button", name="Log out")
    assert logout.is_visible()
    box = logout.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"], f"{name}: Log out is off screen"
    problems = axe_problems(page)
    assert not problems, f"{name} at 375 px: {problems}"


@pytest.mark.parametrize(("name", "role", "path", "area"), PAGES, ids=[p[0] for p in PAGES])
def test_page_fits_a_phone_and_passes_axe(request, workspace: Workspace, shots, name, role, path, area):
    tab = request.getfixturevalue(f"as_{role}")
    page = tab.page
    response = page.goto(workspace.url + path(workspace))
    assert response.status == 200, f"{name}: HTTP {response.status}"
    assert page.locator(".brand-area").inner_text() == area
    assert "faqbot inbox" not in page.locator("header").inner_text()
    look_at(page, name, shots)


def test_the_import_preview_fits_too(as_admin, workspace: Workspace, tmp_path, shots):
    corpus = tmp_path / "faqs.csv"
    corpus.write_text(
        "id,question,answer,category\n"
        "1,How do I know if a product is in stock?,A label next to the price.,Products\n"
        "900,Do you sell spare parts?,Yes: search the shop for your model number.,Products\n"
        "901,How do I know if a product is in stock?,Look at the label.,Products\n"  # a second owner
    )
    page = as_admin.page
    page.goto(workspace.url + "/admin/faqs/import")
    page.get_by_label("Corpus file").set_input_files(str(corpus))
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Apply the import").wait_for()
    assert "1 new" in page.locator(".kb-counts").inner_text()
    assert "belongs to FAQs" in page.get_by_role("status").inner_text()  # the corpus warning
    look_at(page, "import-preview", shots)


def test_the_nav_folds_into_a_menu_on_a_phone(as_admin, workspace: Workspace, shots):
    page = as_admin.page
    page.set_viewport_size(NARROW)
    page.goto(workspace.url + "/inbox/")
    menu = page.locator("details.nav-menu")
    analytics = menu.get_by_role("link", name="Analytics")
    assert not analytics.is_visible()
    assert not page.locator(".nav-wide").is_visible()
    menu.locator("summary").click()
    assert analytics.is_visible()
    shot = shots / "menu-open-375x740.png"
    page.screenshot(path=str(shot))
    print(f"screenshot of the open menu: {shot}")
    analytics.click()
    page.wait_for_url(workspace.url + "/admin/analytics")
    assert page.locator(".brand-area").inner_text() == "Analytics"


def test_staff_see_only_the_inbox_in_the_nav(as_staff, workspace: Workspace):
    page = as_staff.page
    page.goto(workspace.url + "/inbox/")
    links = page.locator(".nav-wide a").all_inner_texts()
    assert [link.split()[0] for link in links] == ["Inbox"]
    # with the unread count of what is the agent's or nobody's
    assert re.fullmatch(r"Inbox \d+ unread", " ".join(links[0].split()))


def test_the_ticket_page_preselects_no_faq_and_names_every_control(as_staff, workspace: Workspace):
    page = as_staff.page
    page.goto(workspace.url + f"/inbox/tickets/{workspace.tickets[0]}")
    picker = page.get_by_role("combobox", name="FAQ", exact=True)  # the searchable picker
    assert picker.input_value() == ""  # empty, not the bot's (0%) best guess
    assert page.locator("#link-faq").input_value() == ""  # nor the select it fills in
    page.get_by_role("button", name="Link (teach this wording)").click()
    assert picker.evaluate("input => input.validity.valueMissing")  # the browser asks for a choice
    assert page.url.endswith(f"/inbox/tickets/{workspace.tickets[0]}")
    reply = page.get_by_label("Your reply to the visitor")
    assert reply.evaluate("element => element.tagName") == "TEXTAREA"
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
            .filter(el => !el.labels.length && !el.getAttribute('aria-label')).map(el => el.name)"""
    )
    assert unnamed == []


def test_deleting_an_faq_asks_first(as_admin, workspace: Workspace, shots):
    client = workspace.server.app.test_client()
    created = client.post(
        "/api/v1/admin/faqs",
        headers=workspace.admin_headers,
        json={"question": "Do you deliver to the moon?", "answer": "Not yet."},
    ).get_json()
    page = as_admin.page
    page.goto(workspace.url + f"/admin/faqs/{created['id']}")
    page.get_by_text("Delete…", exact=True).click()
    question = page.get_by_text(f"Delete FAQ #{created['id']}? Visitors stop getting this answer at once.")
    assert question.is_visible()
    shot = shots / "delete-asks-1280x800.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot of the question: {shot}")
    path = f"/api/v1/admin/faqs/{created['id']}"
    assert client.get(path, headers=workspace.admin_headers).status_code == 200  # asking deleted nothing
    page.get_by_role("button", name=f"Yes, delete FAQ #{created['id']}").click()
    page.wait_for_url(workspace.url + f"/admin/faqs/{created['id']}/history")  # where it can be restored
    assert client.get(path, headers=workspace.admin_headers).status_code == 404


def test_promoting_a_model_asks_first(as_admin, workspace: Workspace):
    client = workspace.server.app.test_client()
    live_before = client.get("/api/v1/admin/models", headers=workspace.admin_headers).get_json()["live"]
    page = as_admin.page
    page.goto(workspace.url + f"/admin/models/{workspace.candidate}")
    page.locator("main").get_by_text("Promote…", exact=True).click()
    confirm = page.get_by_role("button", name=f"Yes, promote {workspace.candidate}")
    assert confirm.is_visible()
    live_after = client.get("/api/v1/admin/models", headers=workspace.admin_headers).get_json()["live"]
    assert live_after == live_before != workspace.candidate


def test_the_ticket_reads_as_one_conversation(as_staff, workspace: Workspace):
    page = as_staff.page
    page.goto(workspace.url + f"/inbox/tickets/{workspace.conversation}")
    turns = page.locator("ol.thread > li")
    roles = [c.split()[-1] for c in turns.evaluate_all("items => items.map(i => i.className)")]
    assert roles == ["turn-visitor", "turn-bot", "turn-visitor", "turn-bot", "turn-staff", "turn-visitor"]
    why = page.locator("details.why")
    assert not why.evaluate("details => details.open")  # the bot's explanation is folded away
    staff = page.locator("li.turn-staff")
    assert staff.locator("strong", has_text="neighbours").is_visible() and "**" not in staff.inner_text()
    assert staff.locator(".turn-who").inner_text() == "agent"  # signed with the display name
    assert page.locator("dl.facts").inner_text().count("agent") == 1


def test_a_point_on_the_threshold_curve_previews_it_and_a_target_can_be_saved(as_admin, workspace, shots):
    page = as_admin.page
    page.goto(workspace.url + "/admin/thresholds")
    point = page.locator("a.chart-point").nth(12)  # answer from 0.60
    label = point.get_attribute("aria-label")
    assert label.startswith("Answer from 0.60:")
    point.click()
    page.wait_for_url("**answer=0.60**")
    assert (
        "Answer threshold 0.60 on the live version's curve" in page.locator("#what-if ~ p").first.inner_text()
    )
    look_at(page, "thresholds-point", shots)
    target = page.get_by_label("Answer when at least this share of answers is right (%)")
    target.fill("95")
    page.get_by_role("button", name="Save the target").click()
    assert "Target precision 95.0% saved" in page.get_by_role("status").inner_text()
    assert "your target precision of 95.0%" in page.locator("table.insights-thresholds").inner_text()
    look_at(page, "thresholds-target", shots)
    page.get_by_role("button", name="Reset to the model's own").click()  # leave the shared server as it was


def test_wrong_answers_are_their_own_section_of_the_review_queue(as_admin, workspace, shots):
    page = as_admin.page
    page.goto(workspace.url + "/admin/review/#wrong-answers")
    section = page.locator("article.cluster.wrong").first
    assert "Answered with #38" in section.inner_text()
    assert "asked for a person" in section.inner_text() and "thumbs-down" in section.inner_text()
    assert section.get_by_role("button", name="The answer was right").is_visible()
    section.scroll_into_view_if_needed()
    look_at(page, "review-wrong-answers", shots)
