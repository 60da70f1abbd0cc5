"""The gated retrain: train a candidate, compare it with the live model, keep or hold it.

Steps (each reported through ``progress``):

1. Load the corpus from the database and pick the held-out questions: the ``EVAL_QUERIES``
   file plus the share of learned phrasings added since the live model was trained that
   :func:`faqbot.web.models.gate.is_held_out` selects.  Neither model has seen those phrasings.
2. Train the candidate without the held-out phrasings and evaluate it, then the live model
   (as it serves, with any admin threshold override) on the same questions.
3. Apply the gate (:func:`faqbot.web.models.gate.compare`): paired comparisons per metric,
   and the candidate's answers to the wordings taught since the live version (not held out).
4. The version kept is trained on everything, held-out phrasings included (when there were
   none it is the candidate itself); it is saved, registered with the report, and made live
   when the gate passed (or the admin forced it), else left "pending" for an admin.

Nothing touches the live row until the last transaction, so a failure anywhere earlier
leaves the serving model exactly as it was.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import AuditEvent, LearnedPhrasing, ModelVersion, iso, utcnow
from faqbot.web.models import gate, overrides
from faqbot.web.models.fitting import corpus_fingerprint, corpus_snapshot, fit_records
from faqbot.web.models.store import (
    apply_thresholds,
    live_version,
    load_engine_model,
    new_version_name,
    register,
    set_live,
    version_path,
)

log = logging.getLogger(__name__)
Progress = Callable[[str, float], None]


@dataclass
class RetrainResult:
    version: str
    live: bool
    report: dict[str, Any]

    @property
    def details(self) -> dict[str, Any]:
        """What the job row keeps: the version, whether it went live, the gate's summary."""
        return {"version": self.version, "went_live": self.live, **gate.summary(self.report)}


@dataclass
class _Plan:
    records: list[dict]
    train_records: list[dict]
    held_out: list[tuple[str, str]]
    taught: list[tuple[str, str]]
    queries: list
    sources: dict[str, Any]
    live_version: str | None = None
    live_thresholds: dict[str, Any] | None = None
    contents: dict[str, Any] | None = None  # what the version kept is trained on
    corpus: dict[str, Any] | None = None  # its fingerprint, for the scheduler


def retrain(
    app: Flask,
    *,
    source: str,
    job_id: int | None = None,
    user_id: int | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> RetrainResult:
    """Train, compare, and keep a new version (live or pending); see the module docstring."""
    step = progress or (lambda _stage, _fraction: None)
    step("loading the corpus and held-out questions", 0.05)
    plan = _plan(app)
    step("training the candidate", 0.15)
    candidate = fit_records(app, plan.train_records)
    step("evaluating the candidate", 0.4)
    carried = overrides.carry(plan.live_thresholds, candidate)  # the admin's choice, applied to it
    judged = apply_thresholds(candidate, carried)  # as it will decide once live
    candidate_result = gate.measure(judged, plan.queries) if plan.queries else None
    taught = (plan.taught, judged.ask_many([text for text, _ in plan.taught]) if plan.taught else [])
    step("evaluating the live model", 0.55)
    live_result, why_no_live = _measure_live(app, plan)
    step("comparing", 0.7)
    report = gate.compare(plan.queries, candidate_result, live_result, _tolerance(app), why_no_live, taught)
    report.update(compared_with=plan.live_version, held_out=plan.sources, trained_on=_training_note(plan))
    report["thresholds_carried"] = carried
    report["corpus"] = plan.corpus  # what the version kept was trained on, for the scheduler
    promote = report["gate"]["promote"] or force
    report["gate"]["forced"] = force and not report["gate"]["promote"]
    keep = candidate
    if plan.held_out:
        step("training the version to keep on every phrasing", 0.8)
        keep = fit_records(app, plan.records)
    step("saving the version", 0.9)
    version, live = _save(app, keep, source, report, promote, job_id, user_id, plan)
    step("done: live" if live else "done: waiting for an admin", 1.0)
    log.info("retrain (%s) made %s, %s: %s", source, version, "live" if live else "pending", report["gate"])
    return RetrainResult(version, live, report)


def _tolerance(app: Flask) -> float:
    return float(app.config.get("RETRAIN_TOLERANCE", 0.02))


def _plan(app: Flask) -> _Plan:
    read_at = utcnow()  # before the read: a change made from here on is not in this corpus
    with session_scope(app) as session:
        live = session.scalar(select(ModelVersion).where(ModelVersion.is_live.is_(True)))
        records, contents = corpus_snapshot(session, since=live.created_at if live else None)
        new_learned = []
        if live is not None:
            rows = session.execute(
                select(LearnedPhrasing.text, LearnedPhrasing.faq_id)
                .where(LearnedPhrasing.created_at > live.created_at)
                .order_by(LearnedPhrasing.id)
            )
            new_learned = [(text, faq_id) for text, faq_id in rows]
        live_name, thresholds = (live.version, live.thresholds) if live else (None, None)
    share = float(app.config.get("RETRAIN_HOLDOUT_SHARE", 0.0))
    known = {record["id"] for record in records}
    usable = [(t, f) for t, f in new_learned if f in known]
    held_out = [(t, f) for t, f in usable if gate.is_held_out(t, share)]
    taught = [(t, f) for t, f in usable if not gate.is_held_out(t, share)]
    queries, sources = gate.evaluation_questions(app.config.get("EVAL_QUERIES"), known, held_out)
    sources.update(new_learned_phrasings=len(new_learned), holdout_share=share, taught_wordings=len(taught))
    train = _without(records, held_out)
    corpus = {"fingerprint": corpus_fingerprint(records), "read_at": iso(read_at), "faqs": len(records)}
    return _Plan(records, train, held_out, taught, queries, sources, live_name, thresholds, contents, corpus)


def _without(records: list[dict], held_out: list[tuple[str, str]]) -> list[dict]:
    """``records`` minus the held-out learned phrasings (learned ones come last, so the last
    equal alternate of the FAQ is the learned one)."""
    remove: dict[str, list[str]] = {}
    for text, faq_id in held_out:
        remove.setdefault(faq_id, []).append(text)
    trimmed = []
    for record in records:
        alternates = list(record["alternates"])
        for text in remove.get(record["id"], []):
            if text in alternates:
                del alternates[len(alternates) - 1 - alternates[::-1].index(text)]
        trimmed.append({**record, "alternates": alternates})
    return trimmed


def _training_note(plan: _Plan) -> str:
    if not plan.held_out:
        return "the compared candidate is the version kept (no learned phrasings were held out)"
    return (
        f"the compared candidate was trained without the {len(plan.held_out)} held-out learned "
        "phrasings; the version kept was then trained on everything"
    )


def _measure_live(app: Flask, plan: _Plan) -> tuple[Any, str]:
    """The live model's results on the held-out questions, or None and why not."""
    if plan.live_version is None:
        return None, "no live model to compare with; the first model goes live"
    if not plan.queries:
        return None, ""
    try:
        model = load_engine_model(version_path(app.config["MODELS_DIR"], plan.live_version))
    except Exception as error:  # the live files are gone or broken: nothing to protect
        log.warning("cannot load the live model %s to compare with: %s", plan.live_version, error)
        return None, f"the live model {plan.live_version} could not be loaded ({error}); nothing to protect"
    return gate.measure(apply_thresholds(model, plan.live_thresholds), plan.queries), ""


def _save(app, model, source, report, promote, job_id, user_id, plan: _Plan) -> tuple[str, bool]:
    """Save and register the version; make it live only if the live one is still the one it
    was compared with (an admin may have rolled back meanwhile).

    The admin's threshold choice on the live version carries over as what they chose
    (:mod:`faqbot.web.models.overrides`): explicit thresholds as they are, a target precision
    re-applied to this version's own curve; a choice made on the thresholds page must not vanish
    at the next scheduled retrain."""
    import faqbot

    compared_with = plan.live_version

    version = new_version_name()
    path = version_path(app.config["MODELS_DIR"], version)
    faqbot.save_model(model, path)
    try:
        with session_scope(app) as session:
            if promote and compared_with is not None and live_version(session) != compared_with:
                promote = False
                report["gate"]["reason"] += "; held back because the live model changed during the retrain"
            row = register(session, version, dict(model.manifest or {}), source, plan.contents)
            row.state, row.report, row.job_id = ("available" if promote else "pending"), report, job_id
            row.thresholds = overrides.carry(plan.live_thresholds, model)  # on its own curve
            session.flush()
            if promote:
                set_live(session, version)
                after = {"live": version, "state": "available", "by": "retrain gate", "job": job_id}
                session.add(
                    AuditEvent(
                        kind="model.activate",
                        subject=version,
                        user_id=user_id,
                        before={"live": compared_with, "state": "new"},
                        after=after,
                    )
                )
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)  # not registered: do not leave an orphan behind
        raise
    return version, promote
