"""``FAQBOT_SITE_NAME`` names the help center in its header, titles and sharing tags."""

from __future__ import annotations

import pytest

from web.support import make_config

from .support import STOCK_FAQ, parse


@pytest.fixture
def app_config(instance, database_url):
    return make_config(instance, database_url, SITE_NAME="Brightline <Shop>")


@pytest.mark.sqlite_only
def test_the_site_name_is_shown_escaped(client):
    html = client.get(STOCK_FAQ).get_data(as_text=True)
    assert '<a class="hc-brand" href="/help">Brightline &lt;Shop&gt; Help center</a>' in html
    page = parse(html)
    assert page.meta["og:site_name"] == "Brightline <Shop> Help center"
    assert (
        "<title>How do I know if a product is in stock? · Brightline &lt;Shop&gt; Help center</title>" in html
    )
