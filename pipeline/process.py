"""The segment job: documents in, one row per clause out, with a manifest of what happened.

:class:`SegmentJob` runs the named steps top to bottom over a stream of documents, a chunk at a
time, so memory stays flat however large the input: read → clean → segment (→ tag, given a
model) → deduplicate → rows. A chunk is cleaned, segmented and tagged in one go (in worker
processes when there are several); its passages are then deduplicated against all seen before.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np

from pipeline.io.read import RawDocument, Skipped, name_note
from pipeline.text.attribution import ATTRIBUTION_FIELDS
from pipeline.text.clean import Cleaner, Passage
from pipeline.text.segment import Segmenter

CLAUSE_FIELDS = (
    "doc_id", "passage_id", "clause_id", "text", "start", "end", "heading", "lang",
    *ATTRIBUTION_FIELDS, "truncated", "seen_in",
)
_KEY_DROP = re.compile(r"[\W_]+")
#: Passages longer than this are segmented in pieces (cut at a line break where there is one):
#: spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters), and smaller pieces keep
#: its memory flat.
PIECE_CHARS = 100_000


def pieces(text: str, limit: int = PIECE_CHARS) -> list[int]:
    """Start offsets of the pieces ``text`` is cut into, each at most ``limit`` characters:
    at the last line break of a piece's second half, else at its last space, else at ``limit``."""
    starts = [0]
    while len(text) - starts[-1] > limit:
        start = starts[-1]
        floor = start + limit // 2
        cut = text.rfind("\n", floor, start + limit)
        if cut <= floor:
            cut = max(text.rfind(" ", floor, start + limit), text.rfind("\u3002", floor, start + limit) + 1)
        starts.append(cut if cut > floor else start + limit)
    return starts


def passage_key(text: str) -> int:
    """What two copies of a passage share: a 64-bit digest of the text without spaces,
    punctuation or case (among n distinct passages, two share a digest with odds of n² / 3.7e19)."""
    return int.from_bytes(hashlib.blake2b(_KEY_DROP.sub("", text).casefold().encode(), digest_size=8).digest())


class KeySet:
    """A set of 64-bit keys at 8 bytes a key: a sorted NumPy array, with the latest keys in a
    small Python set merged into it every ``batch`` keys. The memory of deduplication grows by
    8 bytes per distinct passage (15 MB for a gigabyte of pages), not by a Python object each."""

    def __init__(self, batch: int = 1 << 16):
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        self.batch = batch

    def isin(self, keys: list[int]) -> list[bool]:
        """For each key, whether it is in the set (one NumPy search for all of them)."""
        wanted = np.fromiter(keys, dtype=np.uint64, count=len(keys))
        at = np.minimum(np.searchsorted(self._sorted, wanted), max(len(self._sorted) - 1, 0))
        found = (self._sorted[at] == wanted) if len(self._sorted) else np.zeros(len(keys), dtype=bool)
        return [bool(f) or k in self._recent for k, f in zip(keys, found, strict=True)]

    def update(self, keys) -> None:
        self._recent.update(keys)
        if len(self._recent) >= self.batch:
            self._sorted = np.union1d(self._sorted, np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent)))
            self._recent.clear()

    def __contains__(self, key: int) -> bool:
        return self.isin([key])[0]

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)


@dataclass
class Manifest:
    """What a run read, skipped, kept and produced; written beside its output."""

    files_read: int = 0
    last_file: str | None = None
    documents: int = 0
    skipped: list = field(default_factory=list)
    encodings: Counter = field(default_factory=Counter)
    passages: int = 0
    duplicates: int = 0
    clauses: int = 0
    cached: int = 0
    removed: Counter = field(default_factory=Counter)  # what cleaning took out, by "kind: reason"
    notes: list = field(default_factory=list)  # files read, with something to know about them (odd names)

    def skip(self, item: Skipped) -> None:
        self.skipped.append({"path": item.path, "reason": item.reason})

    def count_file(self, path: str) -> None:
        """Count a file that gave documents, and note what its reader should know about its name."""
        self.files_read += 1
        self.last_file = path
        note = name_note(path)
        if note:
            self.notes.append({"path": path, "note": note})

    def as_dict(self) -> dict:
        return {
            "files_read": self.files_read,
            "documents": self.documents,
            "skipped": self.skipped,
            "notes": self.notes,
            "encodings": dict(self.encodings),
            "passages": self.passages,
            "duplicate_passages": self.duplicates,
            "clauses": self.clauses,
            "documents_from_cache": self.cached,
            "removed_by_reason": dict(self.removed.most_common()),  # documents cleaned in this run
        }


@dataclass(slots=True)
class _Kept:
    doc_id: str
    index: int
    passage: Passage
    seen_in: list
    clauses: list


class SegmentJob:
    """Cleans, deduplicates and segments documents; yields one dict per clause.

    A passage seen again (same text up to spacing, punctuation and case), on the same page or
    another, is kept once: its rows list every ``doc_id:line`` where it was seen in
    ``seen_in``. Rows come out in input order once their chunk of ``chunk_size`` documents is
    done, so a later sighting in the same chunk is recorded; sightings in later chunks are
    counted in the manifest.
    """

    def __init__(self, cleaner: Cleaner | None = None, segmenter: Segmenter | None = None,
                 deduplicate: bool = True, chunk_size: int = 100, workers: int = 1, model=None, cache=None,
                 client=None):
        self.cleaner = cleaner or Cleaner()
        self.segmenter = segmenter or Segmenter()
        self.deduplicate = deduplicate
        self.chunk_size = chunk_size
        self.workers = max(1, workers)
        self.model = model  # when given, clauses are tagged where they are made (in the workers)
        self.cache = cache  # a pipeline.cache.ResultCache: unchanged documents are not redone
        self.client = client  # a dask.distributed Client: chunks are processed on its cluster

    def run(self, items: Iterable[RawDocument | Skipped], manifest: Manifest | None = None) -> Iterator[dict]:
        """Rows of every clause of ``items``; ``manifest`` (if given) records the run.

        With ``workers > 1``, chunks of documents are cleaned and segmented in worker processes
        and deduplicated here, in input order: the rows are the same for any number of workers,
        and the same whether documents come from the cache or are processed anew.
        """
        manifest = manifest if manifest is not None else Manifest()
        done = KeySet()  # passages of earlier chunks: later sightings are counted, not listed
        for chunk in self._processed_chunks(items, manifest):
            pending: list[_Kept] = []
            kept_here: dict[int, _Kept] = {}
            keys = [[passage_key(p.text) if self.deduplicate and p.text.strip() else None for p, _ in passages]
                    for _, passages in chunk]
            known = [k for ks in keys for k in ks if k is not None]
            earlier = {k for k, found in zip(known, done.isin(known), strict=True) if found}
            for (doc_id, passages), doc_keys in zip(chunk, keys, strict=True):
                for index, ((passage, clauses), key) in enumerate(zip(passages, doc_keys, strict=True)):
                    sighting = f"{doc_id}:{passage.first_line}"
                    if key is not None and (key in kept_here or key in earlier):
                        manifest.duplicates += 1
                        if key in kept_here:
                            kept_here[key].seen_in.append(sighting)
                            _fill_attribution(kept_here[key].passage, passage)
                        continue
                    kept = _Kept(doc_id, index, passage, [sighting], clauses)
                    if key is not None:
                        kept_here[key] = kept
                    pending.append(kept)
            yield from self._rows(pending, manifest)
            done.update(kept_here)

    def _processed_chunks(self, items: Iterable[RawDocument | Skipped], manifest: Manifest) -> Iterator[list]:
        """Chunks of ``(doc_id, [(passage, clauses), ...])``, in input order.

        Documents found in the cache are not sent to be processed; the others are, and their
        results are stored once their chunk is done.
        """
        waiting: deque = deque()  # (documents, keys, cached results) of each chunk, in order

        def to_process() -> Iterator[list[RawDocument]]:
            for chunk in self._chunks(items, manifest):
                keys = [self.cache.key(d.doc_id, d.text) for d in chunk] if self.cache is not None else []
                cached = self.cache.get_many(keys) if self.cache is not None else {}
                manifest.cached += len(cached)
                waiting.append((chunk, keys, cached))
                yield [d for d, k in zip(chunk, keys or [None] * len(chunk), strict=True) if k not in cached]

        if self.client is not None:
            yield from self._merge(self._on_cluster(to_process()), waiting, manifest)
            return
        if self.workers == 1:
            results = (process_documents(self.cleaner, self.segmenter, docs, self.model) for docs in to_process())
            yield from self._merge(results, waiting, manifest)
            return
        import multiprocessing as mp

        context = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        with context.Pool(self.workers, initializer=_init_worker, initargs=(self.cleaner, self.model)) as pool:
            submit = lambda docs: pool.apply_async(_work, (docs,)).get  # noqa: E731
            yield from self._merge(in_order(submit, to_process(), 2 * self.workers), waiting, manifest)

    def _on_cluster(self, batches: Iterator[list[RawDocument]]) -> Iterator[list]:
        """Results of ``process_documents`` for each batch, computed on the dask cluster, in order.

        The cleaner and model go to every worker once; at most two batches per worker thread
        are in flight, so the driver's memory stays bounded.
        """
        cleaner, model = self.client.scatter([self.cleaner, self.model], broadcast=True)
        window = 2 * max(1, sum(self.client.nthreads().values()))
        submit = lambda docs: self.client.submit(_work_on_cluster, cleaner, model, docs, pure=False).result  # noqa: E731
        return in_order(submit, batches, window)

    def _merge(self, results: Iterator[list], waiting: deque, manifest: Manifest) -> Iterator[list]:
        for fresh in results:
            chunk, keys, cached = waiting.popleft()
            fresh = iter(fresh)
            merged, store = [], []
            for doc, key in zip(chunk, keys or [None] * len(chunk), strict=True):
                if key in cached:
                    merged.append((doc.doc_id, cached[key]))
                else:
                    doc_id, pairs, removed = next(fresh)
                    manifest.removed.update(removed)
                    merged.append((doc_id, pairs))
                    if key is not None:
                        store.append((key, pairs))
            if self.cache is not None and store:
                self.cache.put_many(store)
            yield merged

    def _chunks(self, items: Iterable[RawDocument | Skipped], manifest: Manifest) -> Iterator[list[RawDocument]]:
        chunk: list[RawDocument] = []
        for item in items:
            if isinstance(item, Skipped):
                manifest.skip(item)
                continue
            manifest.documents += 1
            if item.path != manifest.last_file:  # a file's documents come together
                manifest.count_file(item.path)
            manifest.encodings[item.encoding] += 1
            chunk.append(item)
            if len(chunk) >= self.chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    @staticmethod
    def _rows(pending: list[_Kept], manifest: Manifest) -> Iterator[dict]:
        for kept in pending:
            manifest.passages += 1
            p = kept.passage
            passage_id = f"{kept.doc_id}#p{kept.index}"
            heading = p.heading
            n = 0
            for clause in kept.clauses:
                if clause.heading:
                    heading = clause.text
                    continue
                manifest.clauses += 1
                yield {
                    "doc_id": kept.doc_id, "passage_id": passage_id, "clause_id": f"{passage_id}.c{n}",
                    "text": clause.text, "start": clause.start, "end": clause.end,
                    "heading": heading, "lang": p.lang,
                    **{k: p.attribution.get(k) for k in ATTRIBUTION_FIELDS},
                    "truncated": clause.truncated, "seen_in": list(kept.seen_in),
                    **({"labels": clause.labels, "scores": clause.scores} if clause.scores is not None else {}),
                }
                n += 1


def process_documents(cleaner: Cleaner, segmenter: Segmenter, docs: list[RawDocument], model=None) -> list:
    """Clean, segment (and, with a ``model``, tag) documents:
    ``[(doc_id, [(passage, clauses), ...], {"kind: reason": lines or spans removed}), ...]``.

    The passages of all the documents go to the segmenter together, so it can batch them, and
    their clauses to the model together; a passage text (or clause text) repeated within the
    documents is segmented (or scored) once, and every repeat gets its own copy of the result.
    """
    documents = [cleaner.clean(doc.text) for doc in docs]
    cleaned = [(doc.doc_id, d.passages) for doc, d in zip(docs, documents, strict=True)]
    passages = [p for _, ps in cleaned for p in ps]
    # sites repeat passages (menus of principles, quoted declarations): each text is segmented once
    first: dict[tuple[str, str], int] = {}
    for p in passages:
        first.setdefault((p.text, p.lang), len(first))
    segmented = _segment_in_pieces(segmenter, list(first))
    handed_out: set[int] = set()
    out = []
    for (doc_id, ps), document in zip(cleaned, documents, strict=True):
        pairs = []
        for passage in ps:
            i = first[(passage.text, passage.lang)]
            clauses = segmented[i] if i not in handed_out else [replace(c) for c in segmented[i]]
            handed_out.add(i)
            if passage.truncated and clauses:  # a copy: the same text elsewhere may be whole
                clauses = [*clauses[:-1], replace(clauses[-1], truncated=True)]
            pairs.append((passage, clauses))
        out.append((doc_id, pairs, Counter(f"{r.kind}: {r.reason}" for r in document.removals)))
    if model is not None:
        from pipeline.themes.classify import tag_rows

        clauses = [c for _, pairs, _ in out for _, cs in pairs for c in cs if not c.heading]
        texts = {c.text: None for c in clauses}  # each distinct clause text is scored once
        tagged = dict(zip(texts, tag_rows(model, [{"text": t} for t in texts]), strict=True))
        for clause in clauses:
            clause.labels, clause.scores = tagged[clause.text]["labels"], tagged[clause.text]["scores"]
    return out


def _segment_in_pieces(segmenter: Segmenter, passages: list[tuple[str, str]]) -> list[list]:
    """The clauses of each ``(text, lang)``; long texts go to the segmenter in :func:`pieces`,
    and their clauses come back with offsets into the whole text."""
    texts, langs, owner, shift = [], [], [], []
    for i, (text, lang) in enumerate(passages):
        starts = pieces(text)
        for start, end in zip(starts, [*starts[1:], len(text)]):  # noqa: B905 (same length)
            texts.append(text[start:end])
            langs.append(lang)
            owner.append(i)
            shift.append(start)
    out: list[list] = [[] for _ in passages]
    for i, start, clauses in zip(owner, shift, segmenter.segment(texts, langs), strict=True):
        for clause in clauses:
            clause.start += start
            clause.end += start
        out[i].extend(clauses)
    return out


def in_order(submit, batches: Iterable, window: int) -> Iterator:
    """The results of ``submit(batch)()`` for each batch, in order, with at most ``window``
    batches submitted and not yet collected: the input is read only as fast as the work is
    done, so memory stays flat however large the input (``Pool.imap`` would read it all ahead)."""
    in_flight: deque = deque()
    for batch in batches:
        in_flight.append(submit(batch))
        if len(in_flight) >= window:
            yield in_flight.popleft()()
    while in_flight:
        yield in_flight.popleft()()


_worker: dict = {}


def _init_worker(cleaner: Cleaner, model) -> None:
    _worker["cleaner"] = cleaner
    _worker["segmenter"] = Segmenter()
    _worker["model"] = model


def _work(docs: list[RawDocument]) -> list:
    return process_documents(_worker["cleaner"], _worker["segmenter"], docs, _worker["model"])


def _work_on_cluster(cleaner: Cleaner, model, docs: list[RawDocument]) -> list:
    if "segmenter" not in _worker:  # one per worker process, built on its first batch
        _worker["segmenter"] = Segmenter()
    return process_documents(cleaner, _worker["segmenter"], docs, model)


def _fill_attribution(kept: Passage, other: Passage) -> None:
    """A repeat may name what the first sighting did not: keep the first value of each field."""
    for key, value in other.attribution.items():
        if value and not kept.attribution.get(key):
            kept.attribution[key] = value
