"""Annotated clauses (ANNOTATION.md §4) loaded with ``datasets`` and validated.

``load_annotations(paths)`` reads JSON Lines, CSV and Parquet files of annotated clauses, and
the WAIE passage format (``waie-150.json``: each principle's definition passage, labelled
through the crosswalk), into one :class:`datasets.Dataset` with the columns ``text``,
``labels``, ``lang``, ``doc_id``, ``heading`` and ``source`` (the file). Every problem is an
:class:`AnnotationError` that names the file and the line (or row).

A clause annotated more than once (several annotators, or several files) gets one label set by
:func:`resolve_labels`: an adjudicated record (``"adjudicated": true``) first; else, when the
records name distinct annotators, the majority: a theme is kept when more than half of the
clause's annotators gave it (a tie leaves it out; ``govthemes agreement`` lists such clauses
for adjudication); records that disagree without naming distinct annotators are an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from pipeline import config
from pipeline.io.read import json_objects
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
    if kind == "json":  # read here: datasets would number rows without blank lines, and fill a
        return jsonl_records(path)  # record's missing field with None where we want to say it is missing
    options = {"keep_default_na": False} if kind == "csv" else {}
    dataset = load_dataset(kind, data_files=str(path), split="train", **options)
    first_line = 2 if kind == "csv" else 1  # a CSV's header is line 1; Parquet rows count from 1
    return [dict(row, _line=i + first_line) for i, row in enumerate(dataset)]


def jsonl_records(path: Path) -> list[dict]:
    """The objects of a JSON Lines annotation file, each with its ``_line`` number; an
    :class:`AnnotationError` names the first line that is not a JSON object."""
    return [dict(row, _line=number) for number, row in json_objects(path, AnnotationError)]


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
            "annotator": str(record["annotator"]) if record.get("annotator") not in (None, "") else None,
            "adjudicated": record.get("adjudicated") in (True, 1, "true", "True", "1"),
            "_where": where,
        })
    return out


def resolve_labels(records: list[dict]) -> list[dict]:
    """One record per clause text (the first seen), with the label set of the documented rule.

    Per text: the adjudicated record's labels (adjudicated records that disagree are an error);
    else, if all records agree, theirs; else, if every record names an annotator and no
    annotator appears twice, the themes more than half of them gave; else an error naming
    both places.
    """
    order = load_taxonomy().ids
    groups: dict[str, list[dict]] = {}
    for record in records:
        groups.setdefault(" ".join(record["text"].split()), []).append(record)
    out = []
    for group in groups.values():
        first = group[0]
        judged = [r for r in group if r.get("adjudicated")]
        if judged:
            clash = next((r for r in judged if r["labels"] != judged[0]["labels"]), None)
            if clash:
                raise AnnotationError(f"{clash['_where']}: adjudicated differently in {judged[0]['_where']} "
                                      f"({clash['labels']} vs {judged[0]['labels']})")
            out.append(dict(first, labels=judged[0]["labels"]))
            continue
        other = next((r for r in group if r["labels"] != first["labels"]), None)
        if other is None:
            out.append(first)
            continue
        names = [r.get("annotator") for r in group]
        if None in names or len(set(names)) < len(names):
            raise AnnotationError(
                f"{other['_where']}: the same text as {first['_where']} with other labels "
                f"({other['labels']} vs {first['labels']}); name the annotators or adjudicate")
        votes = {t: sum(t in r["labels"] for r in group) for t in order}
        out.append(dict(first, labels=[t for t in order if 2 * votes[t] > len(group)]))
    return out


ANNOTATION_SUFFIXES = (".jsonl", ".csv", ".parquet")


def annotation_files(paths: Iterable[str | Path]) -> list[Path]:
    """The annotation files under ``paths`` (a folder gives its .jsonl/.csv/.parquet files, sorted).
    A path that does not exist, or no file at all, is an :class:`AnnotationError`."""
    out = []
    for path in (Path(p) for p in paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in ANNOTATION_SUFFIXES))
        elif path.exists():
            out.append(path)
        else:
            raise AnnotationError(f"{path}: no such file or folder")
    if not out:
        raise AnnotationError("no annotated data found")
    return out


def default_training_files(allow_partial: bool = False) -> tuple[list[Path], list[Path]]:
    """The default training files (:func:`pipeline.config.default_training`) that exist, and
    those left out. A missing shared corpus is an :class:`AnnotationError` (a model trained
    without it would silently replace a good one) unless ``allow_partial``."""
    paths = config.default_training()
    missing = [p for p in paths if not p.exists()]
    shared = [str(p) for p in missing if config.shared_dir() in p.parents]
    if shared and not allow_partial:
        raise AnnotationError(
            f"the shared corpora are missing ({', '.join(shared)}); set {config.SHARED_ENV} to the shared folder, "
            "or pass --allow-partial (make ... ALLOW_PARTIAL=1) to use only what is present")
    return annotation_files(p for p in paths if p.exists()), missing


def load_annotations(paths: Iterable[str | Path]):
    """All annotated clauses of ``paths`` as a ``datasets.Dataset`` (see the module docstring):
    one row per clause text, labelled by :func:`resolve_labels`."""
    from datasets import Dataset

    records = []
    for path in paths:
        records.extend(validate(read_records(path), str(path)))
    records = resolve_labels(records)
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
