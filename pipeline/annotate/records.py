"""Annotated clauses (ANNOTATION.md §4) loaded with ``datasets`` and validated.

``load_annotations(paths)`` reads JSON Lines, CSV and Parquet files of annotated clauses, and
the WAIE passage format (``waie-150.json``: each principle's definition passage, labelled
through the crosswalk), into one :class:`datasets.Dataset` with the columns ``text``,
``labels``, ``lang``, ``doc_id``, ``heading`` and ``source`` (the file). Every problem is an
:class:`AnnotationError` that names the file and the line (or row).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from pipeline.text.lang import language_of
from pipeline.themes.taxonomy import load_taxonomy

COLUMNS = ("text", "labels", "lang", "doc_id", "heading", "source")


class AnnotationError(ValueError):
    """A problem in annotated data, naming where it is."""


def _as_labels(value, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):  # CSV: "privacy; safety", "privacy,safety" or a JSON list
        value = value.strip()
        if value.startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise AnnotationError(f"{where}: labels are not a JSON list: {value!r}") from None
        else:
            value = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnnotationError(f"{where}: labels must be a list of theme ids, not {value!r}")
    return value


def _waie_records(path: Path) -> list[dict]:
    crosswalk = load_taxonomy().waie_crosswalk
    data = json.loads(path.read_text(encoding="utf-8"))
    records: dict[str, dict] = {}  # one passage may define several principles: union of labels
    for n, doc in enumerate(data):
        for principle, passage in (doc.get("principles_definition") or {}).items():
            if not passage:
                continue
            if principle not in crosswalk:
                raise AnnotationError(f"{path}: document {n + 1}: principle '{principle}' is not in the crosswalk")
            record = records.setdefault(passage, {
                "text": passage, "labels": [], "lang": "en", "heading": principle, "_line": n + 1,
                "doc_id": doc.get("document_name") or f"{path.name}#{n + 1}"})
            record["labels"] = sorted(set(record["labels"]) | set(crosswalk[principle]))
    return list(records.values())


def _table_records(path: Path) -> list[dict]:
    import datasets
    from datasets import load_dataset

    datasets.disable_progress_bars()
    kind = {".jsonl": "json", ".json": "json", ".csv": "csv", ".parquet": "parquet"}.get(path.suffix.lower())
    if kind is None:
        raise AnnotationError(f"{path}: unknown annotation format (use .jsonl, .csv or .parquet)")
    if kind == "json":  # datasets reports a bad line without its number: check first
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    json.loads(line)
                except json.JSONDecodeError as err:
                    raise AnnotationError(f"{path}:{number}: invalid JSON ({err.msg})") from None
    options = {"keep_default_na": False} if kind == "csv" else {}
    dataset = load_dataset(kind, data_files=str(path), split="train", **options)
    first_line = 2 if kind == "csv" else 1
    return [dict(row, _line=i + first_line) for i, row in enumerate(dataset)]


def read_records(path: str | Path) -> list[dict]:
    """Raw records of one annotation file, each with its ``_line`` number."""
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        return _waie_records(path)
    return _table_records(path)


def validate(records: list[dict], source: str) -> list[dict]:
    """Normalised records; raises :class:`AnnotationError` on unknown themes or empty text."""
    themes = set(load_taxonomy().ids)
    out = []
    for record in records:
        where = f"{source}:{record.get('_line', '?')}"
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise AnnotationError(f"{where}: empty or missing text")
        if "labels" not in record:
            raise AnnotationError(f"{where}: no 'labels' field")
        labels = _as_labels(record["labels"], where)
        unknown = sorted(set(labels) - themes)
        if unknown:
            raise AnnotationError(f"{where}: unknown theme id(s) {unknown}; the themes are {sorted(themes)}")
        out.append({
            "text": text.strip(),
            "labels": sorted(set(labels), key=load_taxonomy().ids.index),
            "lang": record.get("lang") or language_of(text),
            "doc_id": str(record.get("doc_id") or f"{source}#{record.get('_line')}"),
            "heading": record.get("heading") or None,
            "source": source,
            "_where": where,
        })
    return out


def check_conflicts(records: list[dict]) -> None:
    """The same text with different labels is an error naming both places."""
    first: dict[str, dict] = {}
    for record in records:
        key = " ".join(record["text"].split())
        seen = first.setdefault(key, record)
        if seen is not record and seen["labels"] != record["labels"]:
            raise AnnotationError(
                f"{record['_where']}: the same text as {seen['_where']} with other labels "
                f"({record['labels']} vs {seen['labels']})"
            )


def load_annotations(paths: Iterable[str | Path], deduplicate: bool = True):
    """All annotated clauses of ``paths`` as a ``datasets.Dataset`` (see the module docstring).

    The same text in several files is kept once (with the labels checked to agree).
    """
    from datasets import Dataset

    records = []
    for path in paths:
        records.extend(validate(read_records(path), str(path)))
    check_conflicts(records)
    if deduplicate:
        seen, unique = set(), []
        for record in records:
            key = " ".join(record["text"].split())
            if key not in seen:
                seen.add(key)
                unique.append(record)
        records = unique
    if not records:
        raise AnnotationError("no annotated clauses in " + ", ".join(str(p) for p in paths))
    return Dataset.from_list([{k: r[k] for k in COLUMNS} for r in records])


def label_matrix(labels: Iterable[list[str]]) -> np.ndarray:
    """0/1 matrix with one column per theme, in taxonomy order."""
    ids = load_taxonomy().ids
    index = {t: i for i, t in enumerate(ids)}
    labels = list(labels)
    Y = np.zeros((len(labels), len(ids)), dtype=int)
    for row, names in enumerate(labels):
        for name in names:
            Y[row, index[name]] = 1
    return Y
