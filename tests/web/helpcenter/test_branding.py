"""``FAQBOT_SITE_LOGO_URL`` and ``FAQBOT_BRAND_COLOR``: checked when the service starts, and applied
to the help center (a versioned brand style sheet with readable text, the logo, the CSP)."""

from __future__ import annotations

import re

import pytest

from faqbot.web import ConfigError, create_app
from faqbot.web.core.branding import brand_of, contrast
from faqbot.web.core.config import from_environment
from web.support import make_config

from .support import HOME


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("BRAND_COLOR", "blue", "not a colour"),
        ("BRAND_COLOR", "#12345", "not a colour"),
        ("BRAND_COLOR", "#ggg", "not a colour"),
        ("BRAND_COLOR", "rgb(1,2,3)", "not a colour"),
        ("SITE_LOGO_URL", "http://cdn.example/logo.png", "https://"),
        ("SITE_LOGO_URL", "//cdn.example/logo.png", "'//'"),
        ("SITE_LOGO_URL", "javascript:alert(1)", "https://"),
        ("SITE_LOGO_URL", "logo.png", "https://"),
        ("SITE_LOGO_URL", '/static/logo.png" onerror="x', "quotes"),
    ],
)
def test_invalid_values_are_refused_at_start_naming_the_setting(instance, tmp_path, name, value, problem):
    config = make_config(instance, f"sqlite:///{tmp_path / 'x.db'}", **{name: value})
    with pytest.raises(ConfigError, match=f"FAQBOT_{name}: .*{re.escape(problem)}"):
        create_app(config, with_model=False)
    with pytest.raises(ConfigError, match=f"FAQBOT_{name}"):  # from the environment too
        from_environment({f"FAQBOT_{name}": value})


def test_valid_values_are_normalised():
    values = from_environment(
        {"FAQBOT_BRAND_COLOR": " #ABC ", "FAQBOT_SITE_LOGO_URL": "https://cdn.example/a/logo.svg?v=2"}
    )
    assert values == {"BRAND_COLOR": "#aabbcc", "SITE_LOGO_URL": "https://cdn.example/a/logo.svg?v=2"}
    assert from_environment({"FAQBOT_BRAND_COLOR": "", "FAQBOT_SITE_LOGO_URL": ""}) == {
        "BRAND_COLOR": "",
        "SITE_LOGO_URL": "",
    }


@pytest.mark.parametrize(
    "color", ["#fde047", "#ffffff", "#22c55e", "#2563eb", "#7c2d12", "#000000", "#ff0000"]
)
def test_text_on_the_brand_colour_is_always_readable(color):
    brand = brand_of({"BRAND_COLOR": color})
    assert contrast(brand.color, brand.on_color) >= 4.5
    assert contrast(brand.link, "#ffffff") >= 4.5  # links and buttons on white


@pytest.fixture
def app_config(instance, database_url):
    return make_config(
        instance,
        database_url,
        SITE_NAME="Brightline",
        BRAND_COLOR="#7C2D12",
        SITE_LOGO_URL="https://cdn.example/brightline.svg",
    )


@pytest.mark.sqlite_only
def test_the_help_center_wears_the_brand(client):
    response = client.get(HOME)
    html = response.get_data(as_text=True)
    sheet = re.search(r'<link rel="stylesheet" href="(/help/brand\.css\?v=[0-9a-f]{12})">', html)
    assert sheet, "no brand style sheet"
    assert '<img class="hc-logo" src="https://cdn.example/brightline.svg" alt="" height="32">' in html
    assert "img-src 'self' https://cdn.example" in response.headers["Content-Security-Policy"]
    css = client.get(sheet.group(1))
    assert css.mimetype == "text/css" and css.cache_control.max_age == 365 * 24 * 3600
    text = css.get_data(as_text=True)
    assert "--brand: #7c2d12;" in text and "--on-brand: #ffffff;" in text and "--primary: #7c2d12;" in text
    assert "style=" not in html  # the CSP allows no inline style: the colour comes from the sheet


@pytest.mark.sqlite_only
def test_a_new_colour_is_a_new_page(instance, database_url):
    tags = []
    for color in ("#7c2d12", "#1e3a8a"):
        app = create_app(make_config(instance, database_url, BRAND_COLOR=color))
        try:
            tags.append(app.test_client().get(HOME).headers["ETag"])
        finally:
            app.extensions["faqbot.engine"].dispose()
    assert tags[0] != tags[1]


@pytest.mark.sqlite_only
def test_without_a_brand_colour_no_sheet_and_the_strict_policy(instance, database_url):
    app = create_app(make_config(instance, database_url))
    try:
        response = app.test_client().get(HOME)
    finally:
        app.extensions["faqbot.engine"].dispose()
    assert "brand.css" not in response.get_data(as_text=True)
    assert "img-src 'self';" not in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Security-Policy"].endswith("img-src 'self'")
