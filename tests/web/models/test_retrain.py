"""Safe retraining: a worse candidate waits for an admin, a good one goes live, versions can be
promoted, discarded and rolled back, and every step is visible and recorded."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import delete, select, update

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import AuditEvent, FaqPhrasing, Job, LearnedPhrasing, ModelVersion
from faqbot.web.models import training
from faqbot.web.models.gate import is_held_out
from faqbot.web.models.retraining import retrain
from faqbot.web.models.store import register, version_path

from ..support import MODEL_VERSION, ROOT, wait_for_job

PROBES = [
    "How can I track my order?",
    "can i return a sofa after two weeks",
    "do you deliver on sundays",
    "what payment methods do you take",
    "is the dyson v11 in stok",
    "my discount code does not work",
]


def answers(client) -> list[tuple]:
    out = []
    for question in PROBES:
        body = client.post("/api/v1/ask", json={"question": question}).get_json()
        out.append((body["status"], [s["faq_id"] for s in body["suggestions"]][:3]))
    return out


def remove_all_phrasings(app) -> None:
    """A deliberately worse corpus: an import that lost every alternate phrasing."""
    with session_scope(app) as session:
        session.execute(delete(FaqPhrasing))


def run_api_retrain(client, admin, **body) -> dict:
    started = client.post("/api/v1/admin/retrain", headers=admin, json=body or None)
    assert started.status_code == 202, started.get_json()
    assert started.headers["Location"].endswith(f"/jobs/{started.get_json()['job']['id']}")
    job = wait_for_job(client, admin, started.get_json()["job"]["id"], timeout=240)  # busy machines
    assert job["status"] == "succeeded", job["error"]
    return job


def test_worse_candidate_waits_then_promotion_and_rollback_switch_the_answers(app, client, auth):
    admin = auth.headers("admin", email="boss@example.com")
    before = answers(client)
    remove_all_phrasings(app)

    job = run_api_retrain(client, admin)
    assert (job["stage"], job["progress"]) == ("done: waiting for an admin", 1.0)
    details = job["details"]
    assert details["went_live"] is False and details["promote"] is False
    assert details["trigger"] == "api" and "worse than the live model" in details["reason"]
    assert details["candidate"]["top1_accuracy"] < details["live"]["top1_accuracy"]
    candidate = job["model_version"]

    listing = client.get("/api/v1/admin/models", headers=admin).get_json()
    assert listing["live"] == MODEL_VERSION
    [row] = [v for v in listing["versions"] if v["version"] == candidate]
    assert row["state"] == "pending" and not row["is_live"] and row["job_id"] == job["id"]
    assert row["evaluation"]["promote"] is False
    assert answers(client) == before  # the live model still answers

    detail = client.get(f"/api/v1/admin/models/{candidate}", headers=admin).get_json()
    report = detail["report"]
    assert report["compared_with"] == MODEL_VERSION and report["held_out"]["labelled"] > 300
    assert report["change_counts"]["worse"] > report["change_counts"]["better"]
    worst = report["changes"][0]
    assert worst["verdict"] == "worse" and set(worst) >= {"question", "expected", "live", "candidate"}
    assert [c["ok"] for c in report["gate"]["checks"]].count(False) >= 1

    promoted = client.post(f"/api/v1/admin/models/{candidate}/activate", headers=admin)
    assert promoted.status_code == 200 and promoted.get_json()["state"] == "available"
    assert client.get("/healthz").get_json()["model"]["version"] == candidate
    assert answers(client) != before

    back = client.post(f"/api/v1/admin/models/{MODEL_VERSION}/activate", headers=admin)
    assert back.status_code == 200 and back.get_json()["is_live"]
    assert answers(client) == before
    with session_scope(app) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.kind, e.subject) for e in events] == [
            ("model.activate", candidate),
            ("model.activate", MODEL_VERSION),
        ]
        assert events[0].before == {"live": MODEL_VERSION, "state": "pending"}
        assert events[1].user_id == events[0].user_id is not None


def test_a_good_retrain_goes_live_with_held_out_phrasings_and_progress(app, client, auth, monkeypatch):
    stages = []
    real_writer = training._progress_writer

    def spy(app_, job_id):
        write = real_writer(app_, job_id)
        return lambda stage, progress: (stages.append((stage, progress)), write(stage, progress))

    monkeypatch.setattr(training, "_progress_writer", spy)
    variants = [f"my cat scratched the new sofa, is damage number {n} covered" for n in range(40)]
    held = [t for t in variants if is_held_out(t, 0.2)][:2]
    kept = [t for t in variants if not is_held_out(t, 0.2)][:4]
    with session_scope(app) as session:
        session.add_all(LearnedPhrasing(faq_id="51", text=text) for text in held + kept)
    admin = auth.headers("admin")

    job = run_api_retrain(client, admin)
    assert job["details"]["went_live"] is True, job["details"]
    assert [s for s, _ in stages] == [
        "loading the corpus and held-out questions",
        "training the candidate",
        "evaluating the candidate",
        "evaluating the live model",
        "comparing",
        "training the version to keep on every phrasing",
        "saving the version",
        "done: live",
    ]
    assert [p for _, p in stages] == sorted(p for _, p in stages) and stages[-1][1] == 1.0
    report = client.get(f"/api/v1/admin/models/{job['model_version']}", headers=admin).get_json()["report"]
    assert report["held_out"]["held_out_phrasings"] == 2 and report["held_out"]["new_learned_phrasings"] == 6
    assert report["candidate"]["questions"] == report["held_out"]["labelled"] + 2
    assert "trained on everything" in report["trained_on"]
    # Only taught phrasings: the noise of a few changed questions does not hold it back, and
    # the candidate answers the four it was trained on.
    assert report["taught"] | {"wordings": []} == {
        "count": 4,
        "answered": 4,
        "suggested": 0,
        "failed": 0,
        "wordings": [],
    }
    assert "all 4 taught wordings answered" in report["gate"]["reason"]
    assert {c["verdict"] for c in report["gate"]["checks"]} <= {"answered", "no clear difference", "better"}
    assert client.get("/api/v1/admin/models", headers=admin).get_json()["live"] == job["model_version"]
    for text in held:  # the version kept was trained on the held-out phrasings too
        body = client.post("/api/v1/ask", json={"question": text}).get_json()
        assert body["status"] == "answered" and body["answer"]["faq_id"] == "51", body


def remove_half_of_the_phrasings(app) -> None:
    """A truly worse corpus: every other phrasing of each FAQ is gone."""
    with session_scope(app) as session:
        rows = session.scalars(select(FaqPhrasing).order_by(FaqPhrasing.faq_id, FaqPhrasing.id)).all()
        by_faq: dict[str, list] = {}
        for row in rows:
            by_faq.setdefault(row.faq_id, []).append(row)
        for phrasings in by_faq.values():
            for row in phrasings[1::2]:
                session.delete(row)


@pytest.mark.sqlite_only
def test_half_the_phrasings_removed_is_held_back_with_confidence(app):
    remove_half_of_the_phrasings(app)
    result = retrain(app, source="test")
    assert not result.live and not result.report["gate"]["promote"]
    checks = {c["metric"]: c for c in result.report["gate"]["checks"]}
    accuracy = checks["top1_accuracy"]
    assert accuracy["verdict"] == "worse" and accuracy["high"] < 0 and accuracy["delta"] < -0.02
    assert accuracy["n"] == result.report["candidate"]["in_scope"] and accuracy["p_value"] < 0.05
    assert (
        "top-1 accuracy" in result.report["gate"]["reason"] and "interval" in result.report["gate"]["reason"]
    )


@pytest.mark.sqlite_only
def test_a_tiny_evaluation_set_is_not_enough_evidence_to_block(app, tmp_path):
    tiny = tmp_path / "tiny.csv"
    tiny.write_text(
        "question,faq_id\nhow can i track my order,\nwhat is the meaning of life,\n", encoding="utf-8"
    )
    app.config["EVAL_QUERIES"] = str(tiny)
    remove_all_phrasings(app)  # worse, but two questions cannot show it
    result = retrain(app, source="test")
    assert result.live, result.report["gate"]
    assert {c["verdict"] for c in result.report["gate"]["checks"]} == {"not enough evidence"}
    assert "not enough evidence" in result.report["gate"]["reason"]


@pytest.mark.sqlite_only
def test_a_taught_wording_the_candidate_does_not_answer_fails_the_gate(app, client, auth):
    # Staff taught the same wording as two different FAQs: the candidate can answer only one.
    texts = [f"is damage by my cat number {n} covered" for n in range(40)]
    text = next(t for t in texts if not is_held_out(t, 0.2))
    with session_scope(app) as session:
        session.add_all([LearnedPhrasing(faq_id="51", text=text), LearnedPhrasing(faq_id="12", text=text)])
    result = retrain(app, source="test")
    assert not result.live
    taught = result.report["taught"]
    assert taught["count"] == 2 and taught["failed"] >= 1, taught
    failed = [w for w in taught["wordings"] if w["verdict"] == "failed"]
    assert failed and all(w["question"] == text for w in failed)
    assert f"{taught['failed']} of 2 taught wordings not answered" in result.report["gate"]["reason"]
    auth.login("boss@example.com", "admin")
    page = client.get(f"/admin/models/{result.version}").get_data(as_text=True)
    assert "Taught wordings" in page and text in page and "the gate fails" in page


def copy_version(app, name: str, state: str = "pending") -> None:
    root = version_path(app.config["MODELS_DIR"], MODEL_VERSION).parent
    shutil.copytree(root / MODEL_VERSION, root / name)
    with session_scope(app) as session:
        register(session, name, {}, "test").state = state


def test_discarded_candidates_stay_out(app, client, auth):
    copy_version(app, "20990101T000000Z-cand")
    admin = auth.headers("admin")
    path = "/api/v1/admin/models/20990101T000000Z-cand"
    gone = client.post(f"{path}/discard", headers=admin)
    assert gone.status_code == 200 and gone.get_json()["state"] == "discarded"
    for action in ("activate", "discard"):
        refused = client.post(f"{path}/{action}", headers=admin)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "invalid_state"
    assert client.post(f"/api/v1/admin/models/{MODEL_VERSION}/discard", headers=admin).status_code == 409
    assert client.get("/api/v1/admin/models", headers=admin).get_json()["live"] == MODEL_VERSION
    with session_scope(app) as session:
        [event] = session.scalars(select(AuditEvent)).all()
        assert (event.kind, event.subject, event.after) == (
            "model.discard",
            "20990101T000000Z-cand",
            {"state": "discarded"},
        )


def test_unknown_versions_and_bad_retrain_bodies(client, auth):
    admin = auth.headers("admin")
    for version in ("nope", "..", "20990101T000000Z-none"):
        assert client.get(f"/api/v1/admin/models/{version}", headers=admin).status_code == 404
        for action in ("activate", "discard"):
            response = client.post(f"/api/v1/admin/models/{version}/{action}", headers=admin)
            assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    bad = client.post("/api/v1/admin/retrain", headers=admin, json={"force": "yes"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_force"
    text = client.post("/api/v1/admin/retrain", headers=admin, data="force", content_type="text/plain")
    assert text.status_code == 415
    assert client.get("/api/v1/admin/jobs/99", headers=admin).status_code == 404


def test_non_admins_cannot_use_the_models_api_or_pages(app, client, auth):
    copy_version(app, "20990101T000000Z-cand")
    staff = auth.headers("staff")
    base = "/api/v1/admin/models/20990101T000000Z-cand"
    calls = [
        ("get", base),
        ("post", f"{base}/activate"),
        ("post", f"{base}/discard"),
        ("get", "/api/v1/admin/models"),
    ]
    calls += [("post", "/api/v1/admin/retrain"), ("get", "/api/v1/admin/jobs/1")]
    for method, path in calls:
        assert getattr(client, method)(path).status_code == 401, path
        assert getattr(client, method)(path, headers=staff).status_code == 403, path
    auth.login("plain@example.com", "staff")
    assert client.get("/admin/models/20990101T000000Z-cand").status_code == 403
    with session_scope(app) as session:
        assert session.get(ModelVersion, "20990101T000000Z-cand").state == "pending"


def fake_metrics(rate: float) -> dict:
    rates = ("top1_accuracy", "answered_precision", "coverage", "out_of_scope_recall")
    rates += ("in_scope_answered_correctly", "mrr_at_5")
    return {"questions": 1, "in_scope": 1, "out_of_scope": 0, **dict.fromkeys(rates, rate)}


def test_pages_show_state_report_and_decide_with_csrf(app, client, auth):
    copy_version(app, "20990101T000000Z-cand")
    report = {  # as stored by a retrain, with a question that must be escaped
        "compared_with": MODEL_VERSION,
        "tolerance": 0.01,
        "gated_metrics": ["top1_accuracy"],
        "candidate": fake_metrics(0.5),
        "live": fake_metrics(1.0),
        "gate": {
            "promote": False,
            "reason": "worse",
            "checks": [
                {
                    "metric": "top1_accuracy",
                    "live": 1.0,
                    "candidate": 0.5,
                    "delta": -0.5,
                    "low": -0.6,
                    "high": -0.4,
                    "interval": "90%",
                    "n": 40,
                    "p_value": 0.0001,
                    "verdict": "worse",
                    "ok": False,
                },
                {"metric": "out_of_scope_recall", "n": 3, "verdict": "not enough evidence", "ok": True},
            ],
        },
        "method": {"confidence": 0.95, "resamples": 2000, "seed": 1, "min_questions": 20},
        "held_out": {
            "labelled": 1,
            "eval_file": "q.csv",
            "held_out_phrasings": 0,
            "new_learned_phrasings": 0,
        },
        "trained_on": "the compared candidate is the version kept",
        "change_counts": {"better": 0, "worse": 1, "different": 0},
        "changes": [
            {
                "question": "<script>alert(1)</script>",
                "expected": "1",
                "live": {"status": "answered", "faq_id": "1", "confidence": 0.9},
                "candidate": {"status": "handoff", "faq_id": None, "confidence": 0.1},
                "verdict": "worse",
            }
        ],
    }
    with session_scope(app) as session:
        session.get(ModelVersion, "20990101T000000Z-cand").report = report
    auth.login("boss@example.com", "admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "pending" in page and "Promote" in page and "Discard" in page and "50.0%" in page
    detail = client.get("/admin/models/20990101T000000Z-cand").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail and "<script>alert" not in detail
    assert "held back" in detail and "100.0%" in detail and "-50.0 points" in detail
    assert "-60.0 to -40.0" in detail and "worse (p=0.000)" in detail and "not enough evidence" in detail
    assert "more than 1 points" in detail
    assert client.get("/admin/models/nope").status_code == 404
    path = "/admin/models/20990101T000000Z-cand/discard"
    assert client.post(path, data={}).status_code == 400  # no CSRF token
    client.post(path, data={"csrf_token": auth.page_csrf("/admin/")})
    with session_scope(app) as session:
        assert session.get(ModelVersion, "20990101T000000Z-cand").state == "discarded"
    assert "Promote" not in client.get("/admin/").get_data(as_text=True)


def test_running_job_shows_its_stage_and_the_page_refreshes(app, client, auth):
    with session_scope(app) as session:
        session.add(Job(kind="retrain", status="running", stage="evaluating the candidate", progress=0.4))
    auth.login("boss@example.com", "admin")
    page = client.get("/admin/")
    html = page.get_data(as_text=True)
    assert page.headers["Refresh"] == "2"
    assert "evaluating the candidate" in html and '<progress max="1" value="0.4">' in html
    assert "Retrain now" not in html
    with session_scope(app) as session:
        session.execute(update(Job).values(status="succeeded"))
    assert "Refresh" not in client.get("/admin/").headers


def test_without_questions_or_live_model_the_candidate_goes_live_and_says_why(app):
    app.config["EVAL_QUERIES"] = None
    first = retrain(app, source="test")
    assert first.live and "no held-out questions" in first.report["gate"]["reason"]
    assert first.report["candidate"] is None and first.report["changes"] == []
    app.config["EVAL_QUERIES"] = str(ROOT / "data" / "eval" / "queries.csv")
    with session_scope(app) as session:
        session.execute(update(ModelVersion).values(is_live=False))
    second = retrain(app, source="test")
    assert second.live and second.report["gate"]["reason"].startswith("no live model")
    assert second.report["candidate"]["questions"] > 300 and second.report["live"] is None


def test_cli_retrain_holds_back_then_force_and_discard(app, runner):
    remove_all_phrasings(app)
    code, out, err = runner.invoke("models", "retrain")
    assert code == 3, err
    assert "worse than the live model" in out and "is pending" in out and "top-1 accuracy" in out
    pending = out.split(" is pending")[0].split()[-1]
    code, out, _ = runner.invoke("models", "list")
    assert f"{pending}  pending" in out and f"* {MODEL_VERSION}  live" in out
    assert runner.invoke("models", "show", pending)[1].startswith(f"{pending}  pending")
    assert runner.invoke("models", "discard", pending)[0] == 0
    code, _, err = runner.invoke("models", "activate", pending)
    assert code == 1 and "discarded" in err

    code, out, err = runner.invoke("models", "retrain", "--force")
    assert code == 0, err
    assert "overridden with --force" in out and "is live" in out
    with session_scope(app) as session:
        jobs = session.scalars(select(Job).order_by(Job.id)).all()
        assert [(j.details["trigger"], j.details["force"], j.requested_by) for j in jobs] == [
            ("cli", False, None),
            ("cli", True, None),
        ]
        assert session.get(ModelVersion, jobs[1].model_version).is_live
