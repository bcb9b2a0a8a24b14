"""The segment job: documents in, one row per clause out, with a manifest of what happened.

:class:`SegmentJob` runs the named steps top to bottom (read → clean → deduplicate → segment)
over a stream of documents, a chunk at a time, so memory stays flat however large the input.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .clean import ATTRIBUTION_FIELDS, Cleaner, Passage
from .read import RawDocument, Skipped
from .segment import Segmenter

CLAUSE_FIELDS = (
    "doc_id", "passage_id", "clause_id", "text", "start", "end", "heading", "lang",
    *ATTRIBUTION_FIELDS, "truncated", "seen_in",
)
_KEY_DROP = re.compile(r"[\W_]+")


def passage_key(text: str) -> bytes:
    """What two copies of a passage share: a digest of the text without spaces, punctuation or case."""
    return hashlib.blake2b(_KEY_DROP.sub("", text).casefold().encode(), digest_size=16).digest()


@dataclass
class Manifest:
    """What a run read, skipped, kept and produced; written beside its output."""

    files_read: set = field(default_factory=set)
    documents: int = 0
    skipped: list = field(default_factory=list)
    encodings: Counter = field(default_factory=Counter)
    passages: int = 0
    duplicates: int = 0
    clauses: int = 0

    def skip(self, item: Skipped) -> None:
        self.skipped.append({"path": item.path, "reason": item.reason})

    def as_dict(self) -> dict:
        return {
            "files_read": len(self.files_read),
            "documents": self.documents,
            "skipped": self.skipped,
            "encodings": dict(self.encodings),
            "passages": self.passages,
            "duplicate_passages": self.duplicates,
            "clauses": self.clauses,
        }


@dataclass
class _Kept:
    doc_id: str
    index: int
    passage: Passage
    seen_in: list
    key: bytes | None


class SegmentJob:
    """Cleans, deduplicates and segments documents; yields one dict per clause.

    A passage seen again (same text up to spacing, punctuation and case), on the same page or
    another, is kept once: its rows list every ``doc_id:line`` where it was seen in
    ``seen_in``. Rows come out in input order once their chunk of ``chunk_size`` documents is
    done, so a later sighting in the same chunk is recorded; sightings in later chunks are
    counted in the manifest.
    """

    def __init__(self, cleaner: Cleaner | None = None, segmenter: Segmenter | None = None,
                 deduplicate: bool = True, chunk_size: int = 200):
        self.cleaner = cleaner or Cleaner()
        self.segmenter = segmenter or Segmenter()
        self.deduplicate = deduplicate
        self.chunk_size = chunk_size

    def run(self, items: Iterable[RawDocument | Skipped], manifest: Manifest | None = None) -> Iterator[dict]:
        manifest = manifest if manifest is not None else Manifest()
        seen: dict[bytes, _Kept | None] = {}
        chunk: list[_Kept] = []
        for item in items:
            if isinstance(item, Skipped):
                manifest.skip(item)
                continue
            manifest.documents += 1
            manifest.files_read.add(item.path)
            manifest.encodings[item.encoding] += 1
            for index, passage in enumerate(self.cleaner.clean(item.text).passages):
                sighting = f"{item.doc_id}:{passage.first_line}"
                key = passage_key(passage.text) if self.deduplicate and passage.text.strip() else None
                if key and key in seen:
                    manifest.duplicates += 1
                    kept = seen[key]
                    if kept is not None:
                        kept.seen_in.append(sighting)
                        _fill_attribution(kept.passage, passage)
                    continue
                kept = _Kept(item.doc_id, index, passage, [sighting], key)
                if key:
                    seen[key] = kept
                chunk.append(kept)
            if len(chunk) >= self.chunk_size:
                yield from self._emit(chunk, seen, manifest)
                chunk = []
        yield from self._emit(chunk, seen, manifest)

    def _emit(self, chunk: list[_Kept], seen: dict, manifest: Manifest) -> Iterator[dict]:
        texts = [k.passage.text for k in chunk]
        langs = [k.passage.lang for k in chunk]
        for kept, clauses in zip(chunk, self.segmenter.segment(texts, langs), strict=True):
            manifest.passages += 1
            p = kept.passage
            passage_id = f"{kept.doc_id}#p{kept.index}"
            if p.truncated and clauses:
                clauses[-1].truncated = True
            heading = p.heading
            n = 0
            for clause in clauses:
                if clause.heading:
                    heading = clause.text
                    continue
                manifest.clauses += 1
                n += 1
                yield {
                    "doc_id": kept.doc_id, "passage_id": passage_id, "clause_id": f"{passage_id}.c{n - 1}",
                    "text": clause.text, "start": clause.start, "end": clause.end,
                    "heading": heading, "lang": p.lang,
                    **{k: p.attribution.get(k) for k in ATTRIBUTION_FIELDS},
                    "truncated": clause.truncated, "seen_in": list(kept.seen_in),
                }
        for kept in chunk:  # sightings after this chunk are counted, not listed
            if kept.key is not None:
                seen[kept.key] = None


def _fill_attribution(kept: Passage, other: Passage) -> None:
    """A repeat may name what the first sighting did not: keep the first value of each field."""
    for key, value in other.attribution.items():
        if value and not kept.attribution.get(key):
            kept.attribution[key] = value
