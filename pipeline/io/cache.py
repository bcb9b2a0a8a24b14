"""A cache of processed documents, so that labelling a folder again redoes only what changed.

Each document's result (its passages, clauses and, with a model, their themes) is stored under
a key made of the document's id and text, the pipeline's code and the model: change any of
them and the document is processed again. The cache is one SQLite file, written a chunk at a
time in a transaction, so a run that is killed keeps every chunk it finished and the next run
starts from there.
"""

from __future__ import annotations

import hashlib
import pickle
import sqlite3
import threading
from importlib import resources
from pathlib import Path

PIPELINE_MODULES = ("text/clean.py", "text/patterns.py", "text/repair.py", "text/segment.py", "process.py",
                    "text/attribution.py", "text/issuers.json",
                    "themes/themes.json")


def pipeline_fingerprint() -> str:
    """A digest of the code that turns a document into clauses (cleaning rules included)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in PIPELINE_MODULES:
        digest.update(resources.files("pipeline").joinpath(*name.split("/")).read_bytes())
    return digest.hexdigest()


class ResultCache:
    """Document results keyed by content, code and model, in a SQLite file at ``path``."""

    def __init__(self, path: str | Path, model_fingerprint: str = ""):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()  # one connection per thread (a job reads in its feeder thread)
        with self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS results (key BLOB PRIMARY KEY, value BLOB)")
        self._salt = f"{pipeline_fingerprint()}|{model_fingerprint}".encode()

    @property
    def _db(self) -> sqlite3.Connection:
        if not hasattr(self._local, "db"):
            self._local.db = sqlite3.connect(self.path, timeout=60)
        return self._local.db

    def key(self, doc_id: str, text: str) -> bytes:
        digest = hashlib.blake2b(self._salt, digest_size=20)
        digest.update(doc_id.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass"))
        return digest.digest()

    def get_many(self, keys: list[bytes]) -> dict[bytes, object]:
        found = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            rows = self._db.execute(f"SELECT key, value FROM results WHERE key IN ({','.join('?' * len(part))})", part)
            found.update((k, pickle.loads(v)) for k, v in rows)
        return found

    def put_many(self, items: list[tuple[bytes, object]]) -> None:
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?)",
                                 [(k, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for k, v in items])

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def close(self) -> None:
        if hasattr(self._local, "db"):
            self._local.db.close()
            del self._local.db
