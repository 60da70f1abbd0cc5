"""The model on disk: a versioned directory with a joblib file and a manifest.

Unpickling runs code, so a model file is only unpickled after its checksum
matches the manifest, and only when the libraries that wrote it are the ones
loading it.  Directories are written beside their destination and renamed into
place, so a crash mid-write never leaves a half-written model where a server
would load it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib

from faqbot.engine import encoder as sentence_encoder
from faqbot.engine.model import FaqModel

FORMAT = "faqbot-model"
#: 2: token embeddings and the semantic_similarity signal; 3: the sentence encoder's
#: files beside the model, its signals among the features; 4: the background signals and
#: the two-factor confidence model
FORMAT_VERSION = 4
MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
#: Libraries whose pickles must come from the same major.minor release.
PICKLE_LIBRARIES = ("scikit-learn", "numpy", "scipy")
RECORDED_LIBRARIES = (
    "faqbot",
    *PICKLE_LIBRARIES,
    "rapidfuzz",
    "joblib",
    "tokenizers",
    "wordllama",
    "onnxruntime",
)


class ModelError(Exception):
    """A model directory that cannot be used, with the reason in plain words."""


def library_versions() -> dict[str, str]:
    versions = {name: _version(name) for name in RECORDED_LIBRARIES}
    versions["python"] = platform.python_version()
    return versions


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def new_version(now: dt.datetime | None = None) -> str:
    """A sortable, unique-enough version name: UTC time plus a random suffix."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + os.urandom(3).hex()


def save_model(model: FaqModel, out_dir: str | os.PathLike[str], version: str | None = None) -> Path:
    """Write ``model`` to ``out_dir`` atomically and return the path.

    An existing ``out_dir`` is replaced only after the new one is complete.
    """
    out = Path(out_dir).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        encoder = _encoder_of(model)
        if encoder is not None:  # its files beside the pickle, covered by the manifest's checksums
            encoder.save(tmp)
        with sentence_encoder.files_beside():
            joblib.dump(model, tmp / MODEL_FILE)
        manifest = _manifest(model, tmp, version or new_version())
        (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    model.manifest = manifest
    return out


def _swap_into_place(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    os.rename(out, old / "model")
    os.rename(tmp, out)
    shutil.rmtree(old, ignore_errors=True)


def _encoder_of(model: FaqModel) -> sentence_encoder.SentenceEncoder | None:
    return getattr(model.matcher, "encoder_", None)


def _manifest(model: FaqModel, directory: Path, version: str) -> dict[str, Any]:
    files = {
        path.name: {"sha256": sha256_file(path), "bytes": path.stat().st_size}
        for path in sorted(directory.iterdir())
        if path.is_file()
    }
    encoder = _encoder_of(model)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "version": version,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "corpus": model.corpus_info,
        "faq_count": len(model.faqs),
        "phrasing_count": len(model.matcher.phrasings_),
        "libraries": library_versions(),
        "encoder": sentence_encoder.ENCODER_ID if encoder is not None else None,
        "thresholds": model.thresholds,
        "metrics": model.metrics,
        "curve": model.curve,
        "files": files,
    }


def read_manifest(model_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse and sanity-check ``manifest.json`` without loading the model."""
    path = Path(model_dir) / MANIFEST_FILE
    if not path.is_file():
        raise ModelError(f"{model_dir}: not a faqbot model directory (no {MANIFEST_FILE})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelError(f"{path}: not a faqbot model manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path}: model format version {manifest.get('format_version')!r} is not supported "
            f"(this faqbot reads version {FORMAT_VERSION}); retrain with `faqbot train`"
        )
    return manifest


def verify(model_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Check format, library versions and every file's checksum; return the manifest."""
    manifest = read_manifest(model_dir)
    _check_libraries(model_dir, manifest.get("libraries", {}))
    files = manifest.get("files")
    if not isinstance(files, dict) or MODEL_FILE not in files:
        raise ModelError(f"{model_dir}: manifest lists no {MODEL_FILE}")
    for name, info in files.items():
        path = Path(model_dir) / name
        if Path(name).name != name or not path.is_file():
            raise ModelError(f"{model_dir}: file {name!r} listed in the manifest is missing")
        if sha256_file(path) != info.get("sha256"):
            raise ModelError(
                f"{path}: checksum does not match the manifest; the file was modified or "
                "corrupted, refusing to load it"
            )
    return manifest


def _check_libraries(model_dir: str | os.PathLike[str], recorded: dict[str, str]) -> None:
    current = library_versions()
    for name in PICKLE_LIBRARIES:
        was, now = recorded.get(name, "unknown"), current[name]
        if _major_minor(was) != _major_minor(now):
            raise ModelError(
                f"{model_dir}: model was written with {name} {was} but {now} is installed; "
                "retrain it with `faqbot train` (pickles are not portable across releases)"
            )


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])


def load(model_dir: str | os.PathLike[str], root: str | os.PathLike[str] | None = None) -> FaqModel:
    """Verify and load a model directory.

    With ``root``, the directory must lie inside it (the service passes its
    models directory so a crafted version name cannot point elsewhere).
    """
    path = Path(model_dir).resolve()
    if root is not None and not path.is_relative_to(Path(root).resolve()):
        raise ModelError(f"{model_dir}: outside the models directory {root}")
    manifest = verify(path)
    try:
        with sentence_encoder.loading_from(path):
            model = joblib.load(path / MODEL_FILE)
    except sentence_encoder.EncoderUnavailable as exc:
        raise ModelError(f"{path}: {exc}") from exc
    except Exception as exc:  # a verified file that still fails is a bug or a version skew
        raise ModelError(f"{path / MODEL_FILE}: cannot be loaded ({exc})") from exc
    if not isinstance(model, FaqModel):
        raise ModelError(f"{path / MODEL_FILE}: does not contain a faqbot model")
    model.manifest = manifest
    return model
