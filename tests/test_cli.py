import io
import json

import pytest

from faqbot.cli import main

ROWS = [
    "id,question,answer,category,alternates",
    "1,How do I return an item?,Use the returns portal.,Returns,"
    "send it back|return policy|give back my order",
    "2,How long does delivery take?,Two to four days.,Delivery,"
    "shipping time|when will my parcel arrive|delivery speed",
    "3,I forgot my password,Use 'Forgot password'.,Account,reset password|cannot log in|lost my password",
]


@pytest.fixture
def corpus_file(tmp_path):
    path = tmp_path / "faq.csv"
    path.write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def trained(corpus_file, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", "--corpus", str(corpus_file), "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_train_writes_a_model_and_reports_it(corpus_file, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", "--corpus", str(corpus_file), "--out", str(out), "--target-precision", "0.8"]) == 0
    printed = capsys.readouterr().out
    assert "trained 3 FAQs" in printed and str(out) in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["thresholds"]["target_precision"] == 0.8


def test_bad_corpus_stops_with_file_line_and_problem_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,question,answer\n1,Where is it?,Here.\n2,,Missing question\n", encoding="utf-8")
    out = tmp_path / "model"
    assert main(["train", "--corpus", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "question" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


def test_bad_calibration_label_is_refused(corpus_file, tmp_path, capsys):
    labelled = tmp_path / "labels.csv"
    labelled.write_text("question,faq_id\nwhere is my parcel,99\n", encoding="utf-8")
    out = tmp_path / "model"
    code = main(["train", "--corpus", str(corpus_file), "--out", str(out), "--calibrate", str(labelled)])
    assert code == 1
    assert f"{labelled}:2:" in capsys.readouterr().err
    assert not out.exists()


def test_target_precision_must_be_a_probability(corpus_file, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "train",
                "--corpus",
                str(corpus_file),
                "--out",
                str(tmp_path / "m"),
                "--target-precision",
                "2",
            ]
        )
    assert exc.value.code == 2


def test_ask_single_question_human_and_json(trained, capsys):
    assert main(["ask", "--model", str(trained), "--json", "I lost my password"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["faq_id"] == "3"
    assert main(["ask", "--model", str(trained), "I lost my password"]) == 0
    out = capsys.readouterr().out
    assert "FAQ #3" in out or "#3" in out


def test_ask_batch_from_stdin_keeps_order_and_contract(trained, capsys, monkeypatch):
    questions = ["when will my parcel arrive", "", "return policy please", "zzzz"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(questions) + "\n"))
    assert main(["ask", "--model", str(trained), "--batch", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert set(lines[0]) == {"question", "status", "faq_id", "confidence", "suggestions"}
    assert lines[0]["faq_id"] == "2" and lines[2]["faq_id"] == "1"
    assert lines[1]["faq_id"] is None and lines[1]["status"] == "handoff"
    assert all(set(s) == {"faq_id", "confidence"} for line in lines for s in line["suggestions"])


def test_ask_batch_from_file(trained, tmp_path, capsys):
    batch = tmp_path / "q.txt"
    batch.write_text("reset password\nshipping time\n", encoding="utf-8")
    assert main(["ask", "--model", str(trained), "--batch", str(batch)]) == 0
    assert [json.loads(x)["faq_id"] for x in capsys.readouterr().out.splitlines()] == ["3", "2"]


def test_ask_needs_exactly_one_question_source(trained, capsys):
    assert main(["ask", "--model", str(trained)]) == 2
    assert "either a question or --batch" in capsys.readouterr().err


def test_ask_with_a_tampered_model_fails_cleanly(trained, capsys):
    (trained / "model.joblib").write_bytes(b"tampered")
    assert main(["ask", "--model", str(trained), "hello"]) == 1
    assert "checksum does not match" in capsys.readouterr().err


def test_eval_prints_report_json_and_plot(trained, tmp_path, capsys):
    queries = tmp_path / "queries.csv"
    queries.write_text("question,faq_id\nlost my password,3\nshipping time?,2\nwho won the match,\n")
    assert main(["eval", "--model", str(trained), "--queries", str(queries), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 3 and report["out_of_scope"] == 1
    assert report["top1_accuracy"] == 1.0
    assert 0.0 <= report["mrr_at_5"] <= 1.0
    pytest.importorskip("matplotlib")
    plot = tmp_path / "curve.png"
    assert main(["eval", "--model", str(trained), "--queries", str(queries), "--plot", str(plot)]) == 0
    assert "threshold  precision  coverage" in capsys.readouterr().out
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_missing_files_are_reported_not_raised(tmp_path, capsys):
    assert main(["ask", "--model", str(tmp_path / "none"), "hi"]) == 1
    assert "not a faqbot model directory" in capsys.readouterr().err


def test_train_warns_about_a_corpus_that_cannot_work(tmp_path, capsys):
    one = tmp_path / "one.csv"
    one.write_text(
        "id,question,answer\n1,How do I return an item?,Use the returns portal.\n", encoding="utf-8"
    )
    assert main(["train", "--corpus", str(one), "--out", str(tmp_path / "model")]) == 0
    err = capsys.readouterr().err
    assert "warning: only 1 FAQ" in err
