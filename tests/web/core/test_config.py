"""The settings registry, the layering of configuration sources, and the secret-key rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faqbot.web import create_app
from faqbot.web.core.config import (
    SETTINGS,
    ConfigError,
    ensure_secret_key,
    from_environment,
    settings_markdown,
)

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_setting_has_help_and_a_unique_name():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    for setting in SETTINGS:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", setting.name)
        assert len(setting.help) > 15, setting.name


def test_settings_markdown_lists_every_variable():
    table = settings_markdown()
    for setting in SETTINGS:
        assert f"`FAQBOT_{setting.name}`" in table


def test_readme_settings_table_matches_the_registry():
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    if "FAQBOT_MAX_QUESTION_LENGTH" not in text:
        pytest.skip("README.md has no settings table yet (paste settings_markdown() into it)")
    assert settings_markdown().strip() in text


def test_environment_values_are_parsed_by_type():
    values = from_environment(
        {
            "FAQBOT_MAX_QUESTION_LENGTH": "42",
            "FAQBOT_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "FAQBOT_RATELIMIT_ENABLED": "false",
            "UNRELATED": "x",
        }
    )
    assert values == {
        "MAX_QUESTION_LENGTH": 42,
        "ALLOWED_ORIGINS": ["https://a.example", "https://b.example"],
        "RATELIMIT_ENABLED": False,
    }


def test_a_bad_environment_value_names_the_variable():
    with pytest.raises(ConfigError, match="FAQBOT_MAX_QUESTION_LENGTH"):
        from_environment({"FAQBOT_MAX_QUESTION_LENGTH": "lots"})


@pytest.mark.parametrize("key", [None, "", "dev", "short"])
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, key):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        ensure_secret_key({"ENV": "production", "SECRET_KEY": key}, tmp_path)


def test_production_accepts_a_real_secret_key(tmp_path):
    config = {"ENV": "production", "SECRET_KEY": "9f3c" * 16}
    ensure_secret_key(config, tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first, second = {"ENV": "development"}, {"ENV": "development"}
    ensure_secret_key(first, tmp_path)
    ensure_secret_key(second, tmp_path)
    assert len(first["SECRET_KEY"]) >= 32
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_app_refuses_to_start_in_production_without_a_key(tmp_path, monkeypatch):
    monkeypatch.delenv("FAQBOT_SECRET_KEY", raising=False)
    monkeypatch.setenv("FAQBOT_ENV", "production")
    with pytest.raises(ConfigError):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_layers_defaults_then_instance_file_then_environment_then_test_config(
    instance, database_url, monkeypatch
):
    instance.mkdir(exist_ok=True)
    (instance / "config.py").write_text("MAX_QUESTION_LENGTH = 100\nMAIL_FROM = 'file@x.example'\n")
    monkeypatch.setenv("FAQBOT_MAX_QUESTION_LENGTH", "200")
    monkeypatch.setenv("FAQBOT_SMTP_PORT", "2525")
    # No scheduler thread: it would tick after this test's database is gone.
    config = {"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url, "SMTP_PORT": 25}
    app = create_app({**config, "SCHEDULER_ENABLED": False})
    try:
        assert app.config["MAIL_FROM"] == "file@x.example"  # instance file over default
        assert app.config["MAX_QUESTION_LENGTH"] == 200  # environment over instance file
        assert app.config["SMTP_PORT"] == 25  # test_config over environment
        assert app.config["MODELS_DIR"] == str((instance / "models").resolve())
    finally:
        app.extensions["faqbot.engine"].dispose()


FLASK_OWN_KEYS = {
    "PERMANENT_SESSION_LIFETIME",  # from SESSION_LIFETIME_HOURS
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "WTF_CSRF_TIME_LIMIT",
}


def test_every_setting_the_code_reads_is_in_the_registry():
    """A setting read in code but missing from the registry would be undocumented."""
    package = Path(__file__).resolve().parents[3] / "faqbot" / "web"
    pattern = re.compile(r"""config(?:\.get\(|\[|\.setdefault\()\s*["']([A-Z][A-Z0-9_]+)["']""")
    read = {
        name for path in package.rglob("*.py") for name in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert read, "the pattern found nothing; the test would be vacuous"
    undocumented = read - {s.name for s in SETTINGS} - FLASK_OWN_KEYS
    assert undocumented == set()
