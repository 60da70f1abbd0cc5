"""``/widget.js`` and ``/demo`` over plain HTTP: cache headers, cache busting and the embed tag."""

from __future__ import annotations

import re

import pytest

from faqbot.web.visitor.widget import MODULE_PATHS, SCRIPT_PATH, widget_script


@pytest.fixture
def client(server):
    return server.app.test_client()


def test_versioned_script_is_cached_for_a_year(client):
    version = widget_script().version
    response = client.get(f"/widget.js?v={version}")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.data == widget_script().body
    for part in (*MODULE_PATHS, SCRIPT_PATH):  # the bundle is the files on disk, as they are
        assert part.read_bytes() in response.data
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert response.cache_control.immutable and response.cache_control.public


@pytest.mark.parametrize("query", ["", "?v=stale0000000"])
def test_unversioned_or_stale_script_is_cached_briefly_and_revalidated(client, query):
    response = client.get(f"/widget.js{query}")
    assert response.status_code == 200
    assert response.cache_control.max_age == 300 and not response.cache_control.immutable
    again = client.get(f"/widget.js{query}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_version_is_the_content_hash(tmp_path, monkeypatch):
    first = widget_script().version
    copy = tmp_path / "widget.js"
    copy.write_bytes(SCRIPT_PATH.read_bytes() + b"\n// changed\n")
    monkeypatch.setattr("faqbot.web.visitor.widget.SCRIPT_PATH", copy)
    assert widget_script().version != first


def test_demo_page_embeds_the_versioned_widget_with_one_tag(client, server):
    page = client.get("/demo").get_data(as_text=True)
    tags = re.findall(r"<script [^>]*data-faqbot-api[^>]*></script>", page)
    assert len(tags) == 1
    version = widget_script().version
    assert f'src="/widget.js?v={version}"' in tags[0]
    assert 'data-faqbot-api="http://localhost"' in tags[0] and " async" in tags[0]
    assert "Brightline" in page


def test_demo_page_keeps_the_strict_content_security_policy(client):
    """The widget must work under it (the browser tests on /demo fail on any CSP violation)."""
    policy = client.get("/demo").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy


def test_widget_source_never_builds_html_from_strings():
    source = widget_script().body.decode()  # widget.js and its bundled parts
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert risky not in source
    assert len(re.findall(r"^\s*window\.FaqBot = ", source, flags=re.MULTILINE)) == 1  # one global
