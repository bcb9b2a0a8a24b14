"""The annotation round trip: pick the clauses worth annotating, import what annotators made of them.

``select_uncertain`` ranks clauses by how near their scores lie to the thresholds (the margin of
the theme closest to its threshold) and takes them greedily, leaving out clauses already
annotated, clauses whose every score lies farther than ``max_margin`` from its threshold (the
model is sure of them), and clauses too like one already taken. Texts are compared in their
folded form (:func:`pipeline.text.fold.fold`: lower case, Chinese in Simplified characters), so
the Traditional and the Simplified printing of one sentence count as one. The returned
:class:`Selection` says how many clauses each rule left out, so an empty batch comes with its
reason. The batch itself is written by :mod:`pipeline.annotate.formats`.

``import_batch`` reads an annotated batch in any of those formats and merges it into an
annotation file (JSON Lines), one record per clause text and annotator, keeping who annotated
and when: a second import of the same batch changes nothing and leaves the file untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.annotate.formats import normal, read_annotations
from pipeline.annotate.records import AnnotationError, jsonl_records, validate
from pipeline.text.fold import fold
from pipeline.themes.taxonomy import load_taxonomy


def fold_key(text: str) -> str:
    """The key under which two printings of one clause are the same clause."""
    return normal(fold(str(text)))


@dataclass
class Selection:
    """The clauses chosen for a batch, and how many each rule left out."""

    rows: list[dict] = field(default_factory=list)
    clauses: int = 0
    annotated: int = 0
    certain: int = 0
    duplicates: int = 0
    max_margin: float = 1.0

    def reason(self) -> str:
        """Why the batch is smaller than asked (empty when nothing was left out)."""
        parts = []
        if self.clauses == 0:
            return "no clauses in the input (too few clauses to choose from)"
        if self.annotated:
            parts.append(f"{self.annotated} already annotated")
        if self.certain:
            parts.append(f"{self.certain} with every theme score farther than {self.max_margin:g} from its "
                         "threshold (the model is sure of them; raise --max-margin to include them)")
        if self.duplicates:
            parts.append(f"{self.duplicates} near-duplicates of chosen clauses (other printings included)")
        return "; ".join(parts)


def select_uncertain(rows: list[dict], thresholds: np.ndarray, n: int, max_similarity: float = 0.7,
                     exclude: set[str] | None = None, max_margin: float = 0.4) -> Selection:
    """Up to ``n`` rows (with ``scores``), least certain first, none too like another.

    ``exclude`` holds the :func:`fold_key` of clauses already annotated.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    themes = load_taxonomy().ids
    exclude = exclude or set()
    selection = Selection(clauses=len(rows), max_margin=max_margin)
    keys = [fold_key(r["text"]) for r in rows]
    fresh = [i for i, k in enumerate(keys) if k not in exclude]
    selection.annotated = len(rows) - len(fresh)
    if not fresh:
        return selection
    scores = np.array([[rows[i]["scores"][t] for t in themes] for i in fresh])
    margin = np.abs(scores - np.asarray(thresholds)).min(axis=1)
    near = margin <= max_margin
    selection.certain = int((~near).sum())
    candidates = [(fresh[j], float(margin[j])) for j in np.argsort(margin, kind="stable") if near[j]]
    if not candidates:
        return selection
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform([keys[i] for i, _ in candidates])
    chosen: list[int] = []
    seen: set[str] = set()
    for position, (i, m) in enumerate(candidates):
        if len(chosen) >= n:
            break
        if keys[i] in seen or (chosen and (vectors[chosen] @ vectors[position].T).max() > max_similarity):
            selection.duplicates += 1
            continue
        chosen.append(position)
        seen.add(keys[i])
        selection.rows.append(dict(rows[i], margin=m))
    return selection


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False


def _read_store(into: Path) -> dict[tuple[str, str], dict]:
    """The records of an annotation file, keyed by (clause text, annotator), as they were written."""
    records: dict[tuple[str, str], dict] = {}
    if not into.exists():
        return records
    raw = jsonl_records(into)
    validate(raw, str(into))
    for record in raw:
        record.pop("_line")
        records[(normal(record["text"]), record.get("annotator") or "")] = record
    return records


def import_batch(path: str | Path, into: str | Path, fmt: str | None = None,
                 annotator: str | None = None) -> ImportResult:
    """Merge the annotations of ``path`` into the annotation file ``into`` (JSON Lines).

    One record per (clause text, annotator): an annotation already there with the same labels
    is left alone, with other labels it replaces the record (the newer annotation wins).
    ``annotator`` names the annotator of annotations that carry none. ``into`` is rewritten
    only when something changed. Every record keeps ``annotator`` and ``annotated_at``.
    """
    path, into = Path(path), Path(into)
    if into.suffix != ".jsonl":
        raise AnnotationError(f"{into}: the annotation file must be JSON Lines (.jsonl)")
    if into.exists() and path.resolve() == into.resolve():
        raise AnnotationError(f"{path}: the batch and the annotation file are the same file")
    batch = read_annotations(path, fmt)
    existing = _read_store(into)
    result = ImportResult()
    for row in batch:
        row["annotator"] = row["annotator"] or annotator
        key = (normal(row["text"]), row["annotator"] or "")
        record = {k: v for k, v in row.items() if v is not None and not (k == "adjudicated" and not v)}
        old = existing.get(key)
        if old is None:
            existing[key] = record
            result.added += 1
        elif old["labels"] != row["labels"] or bool(old.get("adjudicated")) != row["adjudicated"]:
            existing[key] = {**old, **record}
            result.updated += 1
        else:
            result.unchanged += 1
    if result.added or result.updated:
        into.parent.mkdir(parents=True, exist_ok=True)
        tmp = into.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            for record in existing.values():
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        tmp.replace(into)
        result.written = True
    return result
