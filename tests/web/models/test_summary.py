"""Each model version's summary: what it holds against the version it was compared with (or the
one before it), as recorded when it was registered."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from faqbot.web.models.summary import summaries

T0 = datetime(2026, 12, 1, tzinfo=timezone.utc)
THRESHOLDS = {"answer": 0.28, "suggest": 0.17}


def version(name, hours, contents, thresholds=None, compared_with=None, live=False):
    from faqbot.web.core.tables import ModelVersion

    return ModelVersion(
        version=name,
        created_at=T0 + timedelta(hours=hours),
        contents=contents,
        thresholds=thresholds,
        report={"compared_with": compared_with} if compared_with else None,
        is_live=live,
        state="available",
    )


def contents(faqs, phrasings, learned, edited=0, thresholds=THRESHOLDS):
    return {
        "faqs": faqs,
        "phrasings": phrasings,
        "learned": learned,
        "edited_faqs": edited,
        "thresholds": thresholds,
    }


def test_summaries_count_what_changed_against_the_previous_version(tmp_path):
    rows = [
        version("a", 0, contents(64, 200, 0)),
        version("b", 1, contents(66, 200, 14, edited=3), compared_with="a"),
        version(
            "c", 2, contents(66, 205, 14, thresholds={"answer": 0.31, "suggest": 0.17}), compared_with="b"
        ),
        version("d", 3, contents(65, 205, 14), thresholds={"answer": 0.5, "suggest": 0.2}, compared_with="b"),
        version("e", 4, contents(65, 205, 14)),  # no report: compared with the one before it
    ]
    found = summaries(rows, tmp_path)
    assert found["a"]["summary"] == "64 FAQs, 200 phrasings, 0 learned phrasings, thresholds 0.28/0.17"
    assert found["b"]["summary"] == "+2 FAQs, 3 FAQs edited, +14 learned phrasings, thresholds 0.28/0.17"
    assert found["c"]["summary"] == "+5 phrasings, thresholds 0.31/0.17 (were 0.28/0.17)"
    assert (found["d"]["previous"], found["d"]["summary"]) == (
        "b",
        "\u22121 FAQ, +5 phrasings, thresholds 0.50/0.20 (were 0.28/0.17)",
    )
    assert (found["e"]["previous"], found["e"]["summary"]) == (
        "d",
        "same FAQs and phrasings, thresholds 0.28/0.17 (were 0.50/0.20)",
    )


def test_versions_without_a_record_fall_back_to_their_manifest(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "manifest.json").write_text(
        '{"faq_count": 60, "thresholds": {"answer": 0.3, "suggest": 0.1}}'
    )
    rows = [version("old", 0, None), version("new", 1, contents(62, 180, 5), compared_with="old")]
    found = summaries(rows, tmp_path)
    assert found["old"]["summary"] == "60 FAQs, thresholds 0.30/0.10"
    assert found["new"]["summary"] == "+2 FAQs, thresholds 0.28/0.17 (were 0.30/0.10)"
    assert summaries([version("gone", 0, None)], tmp_path)["gone"]["summary"] == "nothing recorded"
