"""``faqbot kb export`` and ``faqbot kb import``: preview by default, apply only when asked."""

from __future__ import annotations

import json

from faqbot.web.core.db import session_scope
from faqbot.web.core.tables import Faq


def test_export_to_stdout_and_file(runner, tmp_path):
    code, out, _ = runner.invoke("kb", "export", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 66
    assert json.loads(out.splitlines()[0])["id"] == "1"
    target = tmp_path / "kb.csv"
    code, _, _ = runner.invoke("kb", "export", "--out", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith(
        "id,question,answer,category,alternates"
    )


def test_import_previews_and_applies_only_with_apply(runner, app, tmp_path):
    target = tmp_path / "kb.json"
    runner.invoke("kb", "export", "--format", "json", "--out", str(target))
    records = json.loads(target.read_text(encoding="utf-8"))
    records[0]["answer"] = "From the command line."
    records = [r for r in records if r["id"] != "6"]
    target.write_text(json.dumps(records), encoding="utf-8")
    code, out, _ = runner.invoke("kb", "import", str(target))
    assert code == 0
    assert "0 new, 1 changed, 64 unchanged, 0 conflicting, 1 missing" in out
    assert "changed     #1 (answer)" in out and "Nothing changed" in out
    with session_scope(app) as session:
        assert session.get(Faq, "1").revision == 1
    code, out, _ = runner.invoke("kb", "import", str(target), "--apply", "--archive-missing")
    assert code == 0 and "Applied: 0 created, 1 updated, 1 archived" in out
    with session_scope(app) as session:
        assert session.get(Faq, "1").answer == "From the command line."
        assert session.get(Faq, "6").archived is True


def test_a_bad_file_is_an_error_with_its_line(runner, app, tmp_path):
    target = tmp_path / "bad.csv"
    target.write_text("id,question,answer\n1,Q?,A\n2,Q2?\n3,,C\n", encoding="utf-8")
    code, _, err = runner.invoke("kb", "import", str(target), "--apply")
    assert code == 1 and f"{target}:4: empty question" in err and "nothing was imported" in err
    with session_scope(app) as session:
        assert session.get(Faq, "1").revision == 1


def test_import_shows_and_applies_category_settings(runner, app, tmp_path):
    from faqbot.web.core.tables import FaqCategory

    target = tmp_path / "kb.json"
    runner.invoke("kb", "export", "--format", "json", "--out", str(target))
    records = json.loads(target.read_text(encoding="utf-8"))
    for record in records:
        if record["category"] == "Warranty":
            record["category_visibility"] = "internal"
    target.write_text(json.dumps(records), encoding="utf-8")
    code, out, _ = runner.invoke("kb", "import", str(target), "--apply")
    assert code == 0 and "category    Warranty: visibility public -> internal" in out
    assert "1 categories changed" in out
    with session_scope(app) as session:
        assert session.get(FaqCategory, "Warranty").visibility == "internal"
