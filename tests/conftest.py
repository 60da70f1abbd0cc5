"""Shared fixtures: the bundled sample corpus and models trained on it once per session."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from faqbot.engine.artifact import save_model
from faqbot.engine.corpus import Corpus, corpus_from_records, load_corpus
from faqbot.engine.labelled import load_labelled
from faqbot.engine.model import FaqModel
from faqbot.engine.training import fit_model

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
#: Where browser tests keep their screenshots for people to look at (not in tmp_path, which
#: is removed when a test passes).
SCREENSHOTS = Path(os.environ.get("FAQBOT_SCREENSHOTS", ROOT / "build" / "screenshots"))


@pytest.fixture
def shots(request) -> Path:
    """This test's screenshot folder under ``SCREENSHOTS``, emptied first (``build/`` is ignored by git)."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.nodeid.removeprefix("tests/"))[:150]
    path = SCREENSHOTS / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(scope="session")
def sample_corpus() -> Corpus:
    return load_corpus(DATA / "faq.csv")


@pytest.fixture(scope="session")
def eval_queries():
    return load_labelled(DATA / "eval" / "queries.csv")


@pytest.fixture(scope="session")
def calibration_queries():
    return load_labelled(DATA / "eval" / "calibration.csv")


@pytest.fixture(scope="session")
def sample_model(sample_corpus, calibration_queries) -> FaqModel:
    """The sample FAQ calibrated on its labelled calibration file (as `python train.py` does)."""
    return fit_model(sample_corpus, labelled=calibration_queries)


@pytest.fixture(scope="session")
def sample_model_dir(sample_model, tmp_path_factory) -> Path:
    return save_model(sample_model, tmp_path_factory.mktemp("models") / "sample")


@pytest.fixture(scope="session")
def tiny_corpus() -> Corpus:
    """Four FAQs with several phrasings each: small enough to retrain in a test."""
    records = [
        (
            "returns",
            "How do I return an item?",
            "Use the returns portal within 30 days.",
            ["send something back", "return policy", "can I return my order"],
        ),
        (
            "delivery",
            "How long does delivery take?",
            "Delivery takes 2-4 working days.",
            ["when will my parcel arrive", "shipping time", "how fast is shipping"],
        ),
        (
            "password",
            "I forgot my password",
            "Use 'Forgot password' on the login page.",
            ["reset my password", "cannot log in", "lost password"],
        ),
        (
            "payment",
            "Which payment methods do you accept?",
            "Cards, PayPal and bank transfer.",
            ["can I pay with paypal", "payment options", "do you take credit cards"],
        ),
    ]
    return corpus_from_records(
        {"id": i, "question": q, "answer": a, "alternates": alts} for i, q, a, alts in records
    )
