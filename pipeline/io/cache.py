"""A cache of processed documents, so that labelling a folder again redoes only what changed.

Each document's result (its passages, clauses and, with a model, their themes) is stored under
a key made of the document's id and text, the pipeline's code and the model: change any of
them and the document is processed again. The cache is one SQLite file, written a chunk at a
time in a transaction, so a run that is killed keeps every chunk it finished and the next run
starts from there.

The results are stored as JSON text and read back with ``json.loads`` into plain passages
and clauses: opening a cache file, even one made by someone else, never runs code. A file
that is not a cache of this format (an older, pickled cache; a damaged or foreign file) is
set aside with a one-line warning and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from importlib import resources
from pathlib import Path

from pipeline.text.clean import Passage
from pipeline.text.segment import Clause

PIPELINE_MODULES = ("text/clean.py", "text/patterns.py", "text/repair.py", "text/segment.py", "process.py",
                    "text/attribution.py", "text/issuers.json",
                    "themes/themes.json")
TABLE = "results"  # key BLOB, value TEXT (JSON)
FORMAT = 2  # the file's PRAGMA user_version: 2 = JSON results (older caches held pickles)


def pipeline_fingerprint() -> str:
    """A digest of the code that turns a document into clauses (cleaning rules included)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in PIPELINE_MODULES:
        digest.update(resources.files("pipeline").joinpath(*name.split("/")).read_bytes())
    return digest.hexdigest()


def encode(pairs: list) -> str:
    """One document's ``[(passage, clauses), ...]`` as JSON text."""
    return json.dumps([[asdict(p), [asdict(c) for c in cs]] for p, cs in pairs], ensure_ascii=False)


def decode(value: str) -> list:
    """The ``[(passage, clauses), ...]`` of :func:`encode`; ``ValueError`` for anything else."""
    try:
        pairs = [(Passage(**p), [Clause(**c) for c in cs]) for p, cs in json.loads(value)]
    except (TypeError, ValueError, RecursionError) as err:
        raise ValueError(f"not a cached result ({type(err).__name__})") from None
    if not all(isinstance(p.text, str) and all(isinstance(c.text, str) and isinstance(c.start, int)
                                               and isinstance(c.end, int) for c in cs) for p, cs in pairs):
        raise ValueError("not a cached result (wrong types)")
    return pairs


def _stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


class ResultCache:
    """Document results keyed by content, code and model, in a SQLite file at ``path``.

    ``warn`` receives a one-line message when the file is set aside or an entry is unreadable.
    """

    def __init__(self, path: str | Path, model_fingerprint: str = "", warn: Callable[[str], None] = _stderr):
        self.path = Path(path)
        self.warn = warn
        self._warned = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()  # one connection per thread (a job reads in its feeder thread)
        try:
            self._create()
        except sqlite3.OperationalError:  # a full disk, a locked or unwritable file: not the file's fault
            self.close()
            raise
        except sqlite3.DatabaseError as err:  # not an SQLite file at all, or a damaged one
            self.close()
            self.warn(f"{self.path}: not a readable cache ({err}); set aside and rebuilt")
            for path in (self.path, self.path.with_name(self.path.name + "-wal"),
                         self.path.with_name(self.path.name + "-shm")):
                path.unlink(missing_ok=True)
            self._create()
        self._salt = f"{pipeline_fingerprint()}|{model_fingerprint}".encode()

    def _create(self) -> None:
        with self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            tables = [name for (name,) in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if tables and version != FORMAT:  # an older format (pickled results) or another program's database
                self.warn(f"{self.path}: an old or foreign cache (format {version}, not {FORMAT}), not read; rebuilt")
                for name in tables:
                    self._db.execute(f'DROP TABLE "{name}"')
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (key BLOB PRIMARY KEY, value TEXT)")
            self._db.execute(f"PRAGMA user_version = {FORMAT}")

    @property
    def _db(self) -> sqlite3.Connection:
        if not hasattr(self._local, "db"):
            self._local.db = sqlite3.connect(self.path, timeout=60)
        return self._local.db

    def key(self, doc_id: str, text: str) -> bytes:
        digest = hashlib.blake2b(self._salt, digest_size=20)
        digest.update(doc_id.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass"))
        return digest.digest()

    def get_many(self, keys: list[bytes]) -> dict[bytes, list]:
        """The stored results of those ``keys`` that have one; an unreadable entry counts as absent."""
        found = {}
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            rows = self._db.execute(f"SELECT key, value FROM {TABLE} WHERE key IN ({','.join('?' * len(part))})", part)
            for key, value in rows:
                try:
                    found[key] = decode(value)
                except ValueError as err:
                    if not self._warned:
                        self.warn(f"{self.path}: unreadable entries ({err}); their documents are processed again")
                        self._warned = True
        return found

    def put_many(self, items: list[tuple[bytes, list]]) -> None:
        with self._db:
            self._db.executemany(f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?)", [(k, encode(v)) for k, v in items])

    def __len__(self) -> int:
        return self._db.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]

    def close(self) -> None:
        if hasattr(self._local, "db"):
            self._local.db.close()
            del self._local.db
