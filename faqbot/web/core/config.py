"""The one registry of settings, and how an app's configuration is assembled from it.

Every knob the service has is declared here once, with its default and help text, so the README
table (:func:`settings_markdown`) and the code cannot drift apart.  Values are layered: in-code
defaults, then ``instance/config.py``, then ``FAQBOT_*`` environment variables, then the
``test_config`` mapping given to the app factory.
"""

from __future__ import annotations

import importlib.resources
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faqbot.web.core import branding

ENV_PREFIX = "FAQBOT_"
# The sample FAQ ships as package data (faqbot.sample, the checkout's data/ folder; see setup.py).
_SAMPLE_CORPUS = Path(str(importlib.resources.files("faqbot.sample").joinpath("faq.csv")))
# Calibration questions written apart from data/eval/queries.csv, which stays for evaluation.
SAMPLE_QUERIES = _SAMPLE_CORPUS.parent / "eval" / "calibration.csv"
SAMPLE_EVAL_QUERIES = _SAMPLE_CORPUS.parent / "eval" / "queries.csv"
_WEAK_SECRETS = {"", "dev", "secret", "changeme", "change-me", "development"}
_MIN_SECRET_LENGTH = 16


class ConfigError(RuntimeError):
    """A configuration that the service must refuse to start with."""


def _as_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (true/false), got {text!r}")


def _as_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


@dataclass(frozen=True)
class Setting:
    """One setting: its config key, default, help text and how to parse it from a string."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "INSTANCE_PATH",
        "instance",
        "Directory holding this instance's database, models, secret key, mail and optional "
        "`config.py` (relative to the working directory).",
    ),
    Setting(
        "ENV",
        "development",
        "`development` or `production`; production refuses to start without a real `SECRET_KEY`.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Signs sessions and CSRF tokens. Required in production; in "
        "development a random key is generated and kept in the instance directory.",
    ),
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL of the database; default: SQLite file "
        "`faqbot.db` in the instance directory (WAL mode). Use PostgreSQL "
        "(`postgresql+psycopg://...`) for several instances.",
    ),
    Setting(
        "MODELS_DIR",
        None,
        "Directory of versioned model directories; default: "
        "`models/` in the instance directory. Models are only ever loaded from here.",
    ),
    Setting(
        "SEED_CORPUS",
        str(_SAMPLE_CORPUS),
        "Corpus file imported into an empty database on first start (CSV, JSON or JSONL).",
    ),
    Setting(
        "CALIBRATION_QUERIES",
        None,
        "Labelled questions (`question,faq_id` CSV) that calibrate confidence when training; "
        "rows naming FAQs that no longer exist are skipped. Default: the bundled sample "
        "queries when `SEED_CORPUS` is the bundled sample, else none.",
    ),
    Setting(
        "EVAL_QUERIES",
        None,
        "Labelled questions (`question,faq_id` CSV) on which a retrain compares the candidate "
        "with the live model, together with the held-out learned phrasings. Default: the "
        "bundled evaluation queries when `SEED_CORPUS` is the bundled sample, else none.",
    ),
    Setting(
        "RETRAIN_TOLERANCE",
        0.02,
        "The practical margin of the retrain gate (absolute, 0.02 = two points). A candidate waits "
        "for an admin only when its top-1 accuracy, answered precision, out-of-scope recall or "
        "coverage on the held-out questions is worse than the live model's with 95% confidence "
        "(paired test) and by more than this, or when it does not answer a wording taught since "
        "the live version; a metric with fewer than 20 relevant questions does not block.",
        float,
    ),
    Setting(
        "RETRAIN_HOLDOUT_SHARE",
        0.2,
        "Share of the learned phrasings held out of a retrain's training to compare "
        "candidate and live model on.",
        float,
    ),
    Setting(
        "RETRAIN_AUTO_MIN_NEW",
        1,
        "Changes to what the model learns from (a learned phrasing, a new or edited FAQ) since the "
        "newest model version before the scheduler retrains; 0 turns scheduled retraining off.",
        int,
    ),
    Setting(
        "RETRAIN_DEBOUNCE_SECONDS",
        120.0,
        "The scheduler retrains once nothing changed for this long after a change (a link, a new "
        "phrasing, a new FAQ), so a burst of teaching becomes one retrain.",
        float,
    ),
    Setting(
        "RETRAIN_MAX_WAIT_SECONDS",
        900.0,
        "Longest a change waits for a retrain while teaching goes on without a quiet moment.",
        float,
    ),
    Setting(
        "RETENTION_DAYS",
        365,
        "Query logs and closed tickets older than this many days are deleted (daily, and by "
        "`faqbot retention purge`); 0 keeps them forever.",
        int,
    ),
    Setting(
        "SCHEDULER_ENABLED",
        True,
        "Run periodic tasks (retention, scheduled retraining) in the service's processes; "
        "the database makes sure only one process runs each task.",
        _as_bool,
    ),
    Setting(
        "SCHEDULER_TICK",
        15.0,
        "Seconds between checks for due periodic tasks.",
        float,
    ),
    Setting(
        "MAX_QUESTION_LENGTH",
        500,
        "Longest question accepted by `POST /api/v1/ask`, in characters.",
        int,
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        16 * 1024,
        "Largest request body accepted, in bytes; larger requests get 413.",
        int,
    ),
    Setting(
        "MAX_IMPORT_LENGTH",
        20 * 1024 * 1024,
        "Largest corpus file an admin may upload for import, in bytes.",
        int,
    ),
    Setting(
        "ALLOWED_ORIGINS",
        [],
        "Comma-separated origins allowed to call the public API from "
        "a browser (CORS), e.g. `https://shop.example`; `*` allows any.",
        _as_list,
    ),
    Setting("RATELIMIT_ENABLED", True, "Rate-limit the public API.", _as_bool),
    Setting(
        "RATELIMIT_PUBLIC",
        "30 per minute;1000 per day",
        "Limit per client address for each public endpoint (flask-limiter syntax).",
    ),
    Setting(
        "RATELIMIT_LOGIN",
        "10 per minute",
        "Limit per client address on the login page, against password guessing.",
    ),
    Setting(
        "RATELIMIT_STORAGE_URI",
        "database://",
        "Where rate-limit counters live: `database://` (the service's database, shared by every "
        "worker), `redis://host:6379` (needs `faqbot[redis]`) or `memory://` (one process only).",
    ),
    Setting(
        "RATELIMIT_STRATEGY",
        "fixed-window",
        "How limits count (flask-limiter): `fixed-window`; `moving-window` and "
        "`sliding-window-counter` need a `redis://` store and are refused with `database://`.",
    ),
    Setting(
        "SESSION_LIFETIME_HOURS",
        12.0,
        "Hours a staff login lasts, counted from the login (not refreshed by activity); "
        "logging out, a password change or deactivation ends every session of that user sooner.",
        float,
    ),
    Setting(
        "MODEL_CHECK_INTERVAL",
        1.0,
        "Seconds between checks, per process, of which model version is live and whether any FAQ "
        "changed (an edited answer or an archived FAQ reaches every worker within it).",
        float,
    ),
    Setting(
        "SESSION_HISTORY_LIMIT",
        20,
        "How many earlier exchanges (question and bot reply) of a session a ticket keeps as "
        "its conversation.",
        int,
    ),
    Setting(
        "TARGET_PRECISION",
        0.9,
        "Precision the engine calibrates its answer threshold for when training.",
        float,
    ),
    Setting(
        "PROXY_COUNT",
        0,
        "Number of reverse proxies in front of the service whose `X-Forwarded-*` headers to "
        "trust (so rate limits see the visitor's address, not the proxy's).",
        int,
    ),
    Setting(
        "SITE_NAME",
        "",
        'The company or product name the public help center (`/help`) shows before "Help center" '
        'in its header, titles and sharing tags; empty shows "Help center" alone.',
    ),
    Setting(
        "SITE_LOGO_URL",
        "",
        "The company's logo in the help center's header and the chat widget's: an `https://` URL "
        "or a path on this site (`/static/...`); anything else is refused at start.",
        branding.parse_logo_url,
    ),
    Setting(
        "BRAND_COLOR",
        "",
        "The company's colour (`#rgb` or `#rrggbb`) for the help center's header and buttons and "
        "the chat widget (where a site's `data-color` still wins); text on it turns dark when "
        "white would be hard to read. Anything else is refused at start.",
        branding.parse_color,
    ),
    Setting(
        "MAIL_BACKEND",
        "console",
        "`console` (log mails), `file` (write .eml files to `MAIL_FILE_DIR`) or `smtp`.",
    ),
    Setting("MAIL_FROM", "faqbot@localhost", "Sender address of mails to visitors."),
    Setting(
        "MAIL_FILE_DIR",
        None,
        "Directory for the `file` backend; default: `mail/` in the instance directory.",
    ),
    Setting("SMTP_HOST", "localhost", "SMTP server host."),
    Setting("SMTP_PORT", 25, "Port of the SMTP server.", int),
    Setting("SMTP_USERNAME", None, "SMTP user name (no login when empty)."),
    Setting("SMTP_PASSWORD", None, "SMTP password, used with `SMTP_USERNAME`."),
    Setting("SMTP_SECURITY", "none", "`none`, `starttls` or `ssl`."),
    Setting("SMTP_TIMEOUT", 10.0, "Seconds before an SMTP connection attempt fails.", float),
    Setting("LOG_LEVEL", "INFO", "Level of the `faqbot` loggers."),
    Setting(
        "INBOX_AUTO_ASSIGN",
        False,
        "Give each new ticket to the next active staff member in turn (round robin; admins only "
        "when there is no staff account); off: tickets arrive unassigned and people take them.",
        _as_bool,
    ),
    Setting(
        "INBOX_POLL_SECONDS",
        3.0,
        "Seconds between the inbox pages' checks for new tickets and messages (a conditional "
        "request answered 304 when nothing changed); hidden tabs check five times less often.",
        float,
    ),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


def defaults() -> dict[str, Any]:
    """The in-code default of every setting (lists copied, so callers may mutate)."""
    return {s.name: list(s.default) if isinstance(s.default, list) else s.default for s in SETTINGS}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Parse the ``FAQBOT_*`` variables that name a setting; a bad value names the variable."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.env_var in environ:
            try:
                values[setting.name] = setting.parse(environ[setting.env_var])
            except ValueError as error:
                raise ConfigError(f"{setting.env_var}: {error}") from None
    return values


def instance_path(environ: Mapping[str, str] | None = None) -> Path:
    """``FAQBOT_INSTANCE_PATH`` or ``./instance``, made absolute."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("FAQBOT_INSTANCE_PATH") or "instance").resolve()


def fill_paths(config: dict[str, Any], instance: Path) -> None:
    """Resolve settings whose default lives inside the instance directory."""
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{instance / 'faqbot.db'}"
    if not config.get("CALIBRATION_QUERIES") and config.get("SEED_CORPUS") == str(_SAMPLE_CORPUS):
        config["CALIBRATION_QUERIES"] = str(SAMPLE_QUERIES) if SAMPLE_QUERIES.is_file() else None
    if not config.get("EVAL_QUERIES") and config.get("SEED_CORPUS") == str(_SAMPLE_CORPUS):
        config["EVAL_QUERIES"] = str(SAMPLE_EVAL_QUERIES) if SAMPLE_EVAL_QUERIES.is_file() else None
    config["MODELS_DIR"] = str(Path(config.get("MODELS_DIR") or instance / "models").resolve())
    config["MAIL_FILE_DIR"] = str(Path(config.get("MAIL_FILE_DIR") or instance / "mail"))


def ensure_secret_key(config: dict[str, Any], instance: Path) -> None:
    """Refuse a weak key in production; in development, create and keep a random one.

    Keeping the generated key in the instance directory means logins survive a restart and all
    workers of one instance agree on it.
    """
    key = config.get("SECRET_KEY")
    if config.get("ENV") == "production":
        if not key or str(key).lower() in _WEAK_SECRETS or len(str(key)) < _MIN_SECRET_LENGTH:
            raise ConfigError(
                "FAQBOT_SECRET_KEY must be set to a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters in production "
                '(e.g. python -c "import secrets; print(secrets.token_hex(32))")'
            )
        return
    if key:
        return
    path = instance / "secret_key"
    if not path.exists():
        # Written aside then hard-linked into place: two workers starting at once agree on
        # one key, and nobody reads a half-written file.
        draft = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    config["SECRET_KEY"] = path.read_text().strip()


def settings_markdown() -> str:
    """The README's settings table, generated from the registry."""
    lines = ["| Variable | Default | Meaning |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = setting.default
        if isinstance(default, list):
            default = ",".join(default)
        shown = "(none)" if default in (None, "") else f"`{default}`"
        if setting.name == "SEED_CORPUS":
            shown = "`data/faq.csv` (the bundled sample)"
        lines.append(f"| `{setting.env_var}` | {shown} | {setting.help} |")
    return "\n".join(lines) + "\n"
