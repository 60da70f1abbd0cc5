"""Several instances: two gunicorn services sharing one PostgreSQL database and one models
directory serve the same live version, and a promotion or rollback made on either one is
followed by the other without a restart."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import select

import faqbot
from faqbot.engine.corpus import corpus_from_records, load_corpus
from faqbot.engine.labelled import load_labelled
from faqbot.web import create_app
from faqbot.web.core.config import SAMPLE_QUERIES
from faqbot.web.core.db import get_engine, session_scope
from faqbot.web.core.tables import AuditEvent
from faqbot.web.models.store import register

from .support import (
    MODEL_VERSION,
    POSTGRES_ENV,
    SAMPLE,
    add_admin_token,
    call,
    make_config,
    postgres_schema,
    run_gunicorn,
)

SECOND = "20990101T000000Z-taught"
QUESTION = "my cat ate the sofa cushion, is that covered"
TARGET_FAQ = "51"
FOLLOW_WITHIN = 5.0  # seconds; each process checks the live version once a second


@pytest.fixture
def shared_database() -> Iterator[str]:
    """A fresh PostgreSQL schema (two processes cannot share a SQLite file across machines)."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"two instances need a shared PostgreSQL database; set {POSTGRES_ENV} to run this test")
    with postgres_schema(base) as url:
        yield url


def taught_model(path: Path) -> None:
    """The sample model plus one phrasing for FAQ 51, so the two versions answer differently."""
    records = [
        {
            "id": faq.id,
            "question": faq.question,
            "answer": faq.answer,
            "category": faq.category,
            "alternates": list(faq.phrasings[1:]) + ([QUESTION] if faq.id == TARGET_FAQ else []),
        }
        for faq in load_corpus(SAMPLE).faqs
    ]
    corpus = corpus_from_records(records, source="taught")
    faqbot.save_model(faqbot.fit_model(corpus, labelled=load_labelled(SAMPLE_QUERIES)), path)


def prepare(instance: Path, models: Path, database_url: str) -> str:
    """Migrate, adopt the sample model, register a second version and make an admin token."""
    app = create_app(make_config(instance, database_url, MODELS_DIR=str(models)))
    taught_model(models / SECOND)
    with session_scope(app) as session:
        register(session, SECOND, {}, "test")
        token = add_admin_token(session)
    get_engine(app).dispose()
    return token


def start_instance(stack: ExitStack, instance: Path, models: Path, database_url: str, log: Path) -> str:
    settings = {
        "FAQBOT_INSTANCE_PATH": str(instance),
        "FAQBOT_MODELS_DIR": str(models),
        "FAQBOT_DATABASE_URL": database_url,
        "FAQBOT_SECRET_KEY": "instances-test-secret-0123456789",
        "FAQBOT_SCHEDULER_ENABLED": "false",
    }
    return stack.enter_context(run_gunicorn(settings, log))


def serving(base: str) -> str:
    return call(base, "/healthz")[1]["model"]["version"]


def wait_for_version(base: str, version: str) -> float:
    """Seconds until ``base`` serves ``version``; fails after FOLLOW_WITHIN."""
    started = time.monotonic()
    while time.monotonic() - started < FOLLOW_WITHIN:
        if serving(base) == version:
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{base} still serves {serving(base)} after {FOLLOW_WITHIN}s, not {version}")


def answers_taught_question(base: str) -> bool:
    status, body = call(base, "/api/v1/ask", {"question": QUESTION})
    assert status == 200, body
    return body["status"] == "answered" and body["answer"]["faq_id"] == TARGET_FAQ


def test_two_instances_follow_a_promotion_and_a_rollback(tmp_path, trained_model_dir, shared_database):
    models = tmp_path / "shared-models"
    models.mkdir()
    shutil.copytree(trained_model_dir, models / MODEL_VERSION)
    token = prepare(tmp_path / "setup", models, shared_database)
    admin = {"Authorization": f"Bearer {token}"}
    with ExitStack() as stack:
        a = start_instance(stack, tmp_path / "a", models, shared_database, tmp_path / "a.log")
        b = start_instance(stack, tmp_path / "b", models, shared_database, tmp_path / "b.log")
        assert serving(a) == serving(b) == MODEL_VERSION
        assert not answers_taught_question(a) and not answers_taught_question(b)

        status, body = call(a, f"/api/v1/admin/models/{SECOND}/activate", {}, admin)
        assert status == 200 and body["is_live"], body
        wait_for_version(b, SECOND)
        wait_for_version(a, SECOND)  # A itself also re-reads the live row at most once a second
        assert answers_taught_question(b) and answers_taught_question(a)

        status, body = call(b, f"/api/v1/admin/models/{MODEL_VERSION}/activate", {}, admin)
        assert status == 200 and body["is_live"], body
        wait_for_version(a, MODEL_VERSION)
        wait_for_version(b, MODEL_VERSION)
        assert not answers_taught_question(a) and not answers_taught_question(b)
        status, listing = call(a, "/api/v1/admin/models", headers=admin)
        assert listing["live"] == MODEL_VERSION

    app = create_app(make_config(tmp_path / "setup", shared_database, MODELS_DIR=str(models)))
    try:
        with session_scope(app) as session:
            events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
            assert [(e.kind, e.subject) for e in events] == [
                ("model.activate", SECOND),
                ("model.activate", MODEL_VERSION),
            ]
    finally:
        get_engine(app).dispose()
