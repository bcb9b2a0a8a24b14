"""The annotation round trip: export the clauses the model is least sure of, import them back.

``select_uncertain`` ranks clauses by how near their scores lie to the thresholds (the margin of
the theme closest to its threshold) and takes them greedily, skipping any clause too similar
(character n-gram cosine) to one already taken, so a batch is not many copies of one sentence.
``export_batch`` writes the batch as CSV, one 0/1 column per theme pre-filled with the model's
suggestion and a ``notes`` column, and the same rows as JSON Lines. ``import_batch`` checks a
filled batch (unknown theme columns, values other than 0/1, edited text, repeated ids) and
merges it into an annotation file, one record per clause text: importing the same batch again
changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.annotate.records import AnnotationError, read_records, validate
from pipeline.themes.taxonomy import load_taxonomy

BASE_COLUMNS = ["clause_id", "doc_id", "lang", "heading", "text", "text_sha1", "suggested", "notes"]


def text_hash(text: str) -> str:
    return hashlib.sha1(" ".join(str(text).split()).encode("utf-8")).hexdigest()[:12]


def normal(text: str) -> str:
    return " ".join(str(text).split())


def select_uncertain(rows: list[dict], thresholds: np.ndarray, n: int, max_similarity: float = 0.7,
                     exclude: set[str] | None = None) -> list[dict]:
    """Up to ``n`` rows (with ``scores``), least certain first, none too like another."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    themes = load_taxonomy().ids
    exclude = exclude or set()
    candidates = [r for r in rows if normal(r["text"]) not in exclude]
    if not candidates:
        return []
    scores = np.array([[r["scores"][t] for t in themes] for r in candidates])
    margin = np.abs(scores - np.asarray(thresholds)).min(axis=1)
    order = np.argsort(margin, kind="stable")
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform([r["text"] for r in candidates])
    chosen: list[int] = []
    seen_texts: set[str] = set()
    for i in order:
        key = normal(candidates[i]["text"])
        if key in seen_texts:
            continue
        if chosen and (vectors[chosen] @ vectors[i].T).max() > max_similarity:
            continue
        chosen.append(int(i))
        seen_texts.add(key)
        if len(chosen) >= n:
            break
    return [dict(candidates[i], margin=float(margin[i])) for i in chosen]


def export_batch(rows: list[dict], out: str | Path) -> tuple[Path, Path]:
    """Write the batch as CSV (for a spreadsheet) and JSON Lines; return both paths."""
    themes = load_taxonomy().ids
    records = []
    for r in rows:
        suggested = list(r.get("labels") or [])
        record = {"clause_id": r.get("clause_id"), "doc_id": r.get("doc_id"), "lang": r.get("lang"),
                  "heading": r.get("heading"), "text": r["text"], "text_sha1": text_hash(r["text"]),
                  "suggested": ", ".join(suggested), "notes": ""}
        record.update({t: int(t in suggested) for t in themes})
        records.append(record)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv_path = out.with_suffix(".csv")
    jsonl_path = out.with_suffix(".jsonl")
    pd.DataFrame(records, columns=BASE_COLUMNS + themes).to_csv(csv_path, index=False)
    with open(jsonl_path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return csv_path, jsonl_path


def read_batch(path: str | Path) -> list[dict]:
    """The annotated rows of a filled batch, checked; :class:`AnnotationError` names file and row."""
    path = Path(path)
    themes = load_taxonomy().ids
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows, first = frame.to_dict("records"), 2
        columns = list(frame.columns)
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        first = 1
        columns = sorted({k for r in rows for k in r})
    unknown = [c for c in columns if c not in BASE_COLUMNS and c not in themes and c != "margin"]
    if unknown:
        raise AnnotationError(f"{path}: unknown theme column(s) {unknown}; the themes are {themes}")
    missing = [t for t in themes if t not in columns]
    if missing:
        raise AnnotationError(f"{path}: theme column(s) missing: {missing}")
    out, ids = [], {}
    for number, row in enumerate(rows, first):
        where = f"{path}:{number}"
        text = str(row.get("text") or "")
        if not text.strip():
            raise AnnotationError(f"{where}: empty text")
        if row.get("text_sha1") and text_hash(text) != row["text_sha1"]:
            raise AnnotationError(f"{where}: the text was edited after export; annotate the clause as exported")
        key = row.get("clause_id") or text_hash(text)
        if key in ids:
            raise AnnotationError(f"{where}: clause {key} is already on line {ids[key]}")
        ids[key] = number
        labels = []
        for theme in themes:
            value = str(row.get(theme, "")).strip()
            if value in ("1", "1.0", "x", "X", "True", "true"):
                labels.append(theme)
            elif value not in ("0", "0.0", "", "False", "false"):
                raise AnnotationError(f"{where}: column {theme}: '{value}' is not 0 or 1")
        out.append({"text": text, "labels": labels, "lang": row.get("lang") or None, "doc_id": row.get("doc_id") or None,
                    "heading": row.get("heading") or None, "notes": row.get("notes") or None,
                    "clause_id": row.get("clause_id") or None})
    return out


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def import_batch(path: str | Path, into: str | Path, others: list[Path] | None = None) -> ImportResult:
    """Merge a filled batch into the annotation file ``into`` (JSON Lines, one record per text).

    A clause already in ``into`` with the same labels is left alone; with other labels it is
    updated (the newer annotation wins). A clause annotated differently in one of ``others``
    (the other annotation files) is an error, since training would have to pick one.
    """
    into = Path(into)
    batch = read_batch(path)
    existing: dict[str, dict] = {}
    if into.exists():  # kept whole, every field as it was written
        raw = read_records(into)
        validate(raw, str(into))
        for record in raw:
            existing[normal(record["text"])] = {k: v for k, v in record.items() if k != "_line"}
    elsewhere: dict[str, tuple[list, str]] = {}
    for other in others or []:
        if other.resolve() != into.resolve() and other.exists():
            for record in validate(read_records(other), str(other)):
                elsewhere[normal(record["text"])] = (record["labels"], record["_where"])
    order = load_taxonomy().ids
    result = ImportResult()
    for row in batch:
        key = normal(row["text"])
        row["labels"] = sorted(row["labels"], key=order.index)
        if key in elsewhere and elsewhere[key][0] != row["labels"]:
            raise AnnotationError(f"{path}: '{row['text'][:60]}' is annotated differently in {elsewhere[key][1]} "
                                  f"({elsewhere[key][0]} vs {row['labels']})")
        record = {k: v for k, v in row.items() if v is not None}
        if key not in existing:
            existing[key] = record
            result.added += 1
        elif existing[key]["labels"] != row["labels"]:
            existing[key] = {**existing[key], **record}
            result.updated += 1
        else:
            result.unchanged += 1
    into.parent.mkdir(parents=True, exist_ok=True)
    tmp = into.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for record in existing.values():
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(into)
    return result
