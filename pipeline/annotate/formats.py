"""Batches in the formats annotation tools import, and their exports read back.

Every writer takes the chosen clause rows (``text``, ``labels``, ``scores``, ``margin`` and the
clause's ids) and writes the model's labels as suggestions with their scores, so annotators can
sort by confidence. Every reader returns the same *annotations*: one dict per (clause,
annotator) with ``text``, ``labels``, ``annotator``, ``annotated_at``, ``adjudicated`` and the
clause's ids, checked (unknown themes, edited text, empty text), errors naming file and place.

================  =======================================================================
format            files (``OUT`` is the output path without its suffix)
================  =======================================================================
``csv``           ``OUT.csv``: one 0/1 column per theme (pre-filled), ``notes``; ``OUT.jsonl``
``label-studio``  ``OUT.json``: tasks with ``predictions`` (a ``choices`` result of the
                  suggested themes, ``score``); ``OUT.label_config.xml``: the labelling
                  interface (a multiple ``Choices`` of the 14 themes). Read back: Label
                  Studio's JSON export (annotator = ``completed_by``; ``ground_truth`` =
                  adjudicated; cancelled annotations are skipped).
``argilla``       ``OUT.argilla/`` as Argilla 2.x's ``Dataset.to_disk`` lays it out
                  (``.argilla/settings.json``: a text field and a multi-label question
                  ``themes``; ``records.json``: records with a suggestion and one score per
                  suggested theme); load with ``rg.Dataset.from_disk``. Read back: the
                  records of ``dataset.records.to_json`` (annotator = the response's
                  ``user_id``), or such a folder.
``doccano``       ``OUT.jsonl``: text classification lines ``{"text", "label", ...}`` (the
                  label pre-filled with the suggestion; the rest is kept as metadata). Read
                  back: doccano's export, one file per user (annotator = the ``annotator``
                  field, else the file's name).
================  =======================================================================

With several annotators, the csv, label-studio and doccano batches are written once per
annotator (``OUT.<name>.csv`` …), and the Argilla dataset asks for that many submitted
responses per record (its ``distribution``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from pipeline.annotate.records import AnnotationError, jsonl_records, validate
from pipeline.annotate.records import read_records as read_raw_records
from pipeline.themes.taxonomy import load_taxonomy

FORMATS = ("csv", "label-studio", "argilla", "doccano")
BASE_COLUMNS = ["clause_id", "doc_id", "lang", "heading", "text", "text_sha1", "suggested", "scores", "margin",
                "notes", "annotator", "annotated_at"]
QUESTION = "themes"  # the name of the question / choices in every tool
_TRUE = ("1", "1.0", "x", "X", "True", "true")
_FALSE = ("0", "0.0", "", "False", "false")


def normal(text: str) -> str:
    """``text`` with runs of white space made one space: the key of a clause everywhere."""
    return " ".join(str(text).split())


def text_hash(text: str) -> str:
    return hashlib.sha1(normal(text).encode("utf-8")).hexdigest()[:12]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _scores_text(row: dict, top: int = 5) -> str:
    """The model's highest theme scores as readable text: ``privacy 0.81, safety 0.40``."""
    scores = row.get("scores") or {}
    best = sorted(scores.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{t} {s:.2f}" for t, s in best)


def _meta(row: dict) -> dict:
    """The fields every format carries with a clause, so that its import can check it."""
    return {"clause_id": row.get("clause_id"), "doc_id": row.get("doc_id"), "lang": row.get("lang"),
            "heading": row.get("heading"), "text_sha1": text_hash(row["text"]),
            "suggested": ", ".join(row.get("labels") or []), "scores": _scores_text(row),
            "margin": round(float(row["margin"]), 4) if row.get("margin") is not None else None}


def _paths(out: Path, suffix: str, annotators: list[str]) -> list[tuple[str | None, Path]]:
    if len(annotators) <= 1:
        return [(annotators[0] if annotators else None, out.with_suffix(suffix))]
    return [(name, out.with_suffix(f".{_slug(name)}{suffix}")) for name in annotators]


def _slug(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "annotator"


# -- writers ------------------------------------------------------------------------------

def write_csv(rows: list[dict], out: Path, annotators: list[str]) -> list[Path]:
    themes = load_taxonomy().ids
    written = []
    for name, path in _paths(out, ".csv", annotators):
        records = []
        for r in rows:
            suggested = set(r.get("labels") or [])
            record = {**_meta(r), "text": r["text"], "notes": "", "annotator": name or "", "annotated_at": ""}
            record.update({t: int(t in suggested) for t in themes})
            records.append(record)
        pd.DataFrame(records, columns=BASE_COLUMNS + themes).to_csv(path, index=False)
        with open(path.with_suffix(".jsonl"), "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += [path, path.with_suffix(".jsonl")]
    return written


def label_studio_config() -> str:
    """The Label Studio labelling interface: the clause, the model's scores, the 14 themes, notes."""
    from xml.sax.saxutils import quoteattr

    choices = "\n".join(f"    <Choice value={quoteattr(t.id)} alias={quoteattr(t.id)} hint={quoteattr(t.scope)}/>"
                        for t in load_taxonomy().themes)
    return ("<View>\n"
            "  <Text name=\"text\" value=\"$text\"/>\n"
            "  <Header value=\"Model's scores: $scores (suggested: $suggested)\" size=\"6\"/>\n"
            f"  <Choices name=\"{QUESTION}\" toName=\"text\" choice=\"multiple\" showInline=\"false\">\n"
            f"{choices}\n  </Choices>\n"
            "  <TextArea name=\"notes\" toName=\"text\" placeholder=\"notes\" maxSubmissions=\"1\" editable=\"true\"/>\n"
            "</View>\n")


def label_studio_task(row: dict, model_version: str) -> dict:
    """One Label Studio task: the clause in ``data``, the model's themes as a prediction."""
    labels = list(row.get("labels") or [])
    result = [{"id": f"{QUESTION}-0", "from_name": QUESTION, "to_name": "text", "type": "choices",
               "value": {"choices": labels}}] if labels else []
    return {"data": {"text": row["text"], **{k: v for k, v in _meta(row).items() if v is not None}},
            "predictions": [{"model_version": model_version, "score": _meta(row)["margin"], "result": result}]}


def write_label_studio(rows: list[dict], out: Path, annotators: list[str], model_version: str) -> list[Path]:
    written = []
    for _, path in _paths(out, ".json", annotators):
        path.write_text(json.dumps([label_studio_task(r, model_version) for r in rows], ensure_ascii=False, indent=1),
                        encoding="utf-8")
        written.append(path)
    config = out.with_suffix(".label_config.xml")
    config.write_text(label_studio_config(), encoding="utf-8")
    return written + [config]


def argilla_settings(annotators: int = 1) -> dict:
    """Argilla 2.x dataset settings (``Settings.serialize()``'s shape): the clause text, a
    multi-label question over the 14 themes, metadata to filter and sort by."""
    taxonomy = load_taxonomy()
    guidelines = ("Tick every theme the clause is about (ANNOTATION.md §3); the suggestion is the model's, "
                  "with one score per suggested theme.\n\n"
                  + "\n".join(f"- **{t.id}** ({t.name}): {t.scope}" for t in taxonomy.themes))

    def metadata(name, kind, **settings):
        return {"name": name, "title": name, "visible_for_annotators": True,
                "settings": {"type": kind, "visible_for_annotators": True, **settings}}

    return {
        "guidelines": guidelines,
        "fields": [{"name": "text", "title": "clause", "required": True, "description": None,
                    "settings": {"type": "text", "use_markdown": False}}],
        "questions": [{"name": QUESTION, "title": "Themes of this clause", "required": True,
                       "description": "Every theme the clause is about; none if none applies.",
                       "settings": {"type": "multi_label_selection", "visible_options": None,
                                    "options_order": "natural",
                                    "options": [{"value": t.id, "text": t.name, "description": t.scope}
                                                for t in taxonomy.themes]}}],
        "metadata": [metadata("lang", "terms", values=None), metadata("doc_id", "terms", values=None),
                     metadata("margin", "float", min=None, max=None)],
        "vectors": [],
        "allow_extra_metadata": True,
        "distribution": {"strategy": "overlap", "min_submitted": max(1, annotators)},
        "mapping": None,
    }


def argilla_record(row: dict) -> dict:
    """One record in the shape of Argilla's ``Record.to_dict()``."""
    labels = list(row.get("labels") or [])
    scores = row.get("scores") or {}
    meta = {k: v for k, v in _meta(row).items() if v is not None and k not in ("suggested",)}
    record_id = row.get("clause_id") or meta["text_sha1"]
    return {"id": str(record_id), "fields": {"text": row["text"]}, "metadata": meta,
            "suggestions": {QUESTION: {"value": labels, "score": [round(float(scores.get(t, 0)), 4) for t in labels],
                                       "agent": "govthemes"}} if labels else {},
            "responses": {}, "vectors": {}, "status": "pending"}


def write_argilla(rows: list[dict], out: Path, annotators: list[str], name: str) -> list[Path]:
    folder = out.with_suffix(".argilla")
    (folder / ".argilla").mkdir(parents=True, exist_ok=True)
    settings = argilla_settings(len(annotators))
    files = {folder / ".argilla" / "settings.json": settings,
             folder / ".argilla" / "dataset.json": {"name": name, "status": "ready", "guidelines": settings["guidelines"],
                                                    "allow_extra_metadata": True,
                                                    "distribution": settings["distribution"]},
             folder / "records.json": [argilla_record(r) for r in rows]}
    for path, data in files.items():
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return [folder]


def write_doccano(rows: list[dict], out: Path, annotators: list[str]) -> list[Path]:
    written = []
    for name, path in _paths(out, ".jsonl", annotators):
        with open(path, "w", encoding="utf-8") as f:
            for r in rows:
                line = {"text": r["text"], "label": list(r.get("labels") or []),
                        **{k: v for k, v in _meta(r).items() if v is not None}}
                if name:
                    line["annotator"] = name
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def write_batch(rows: list[dict], out: str | Path, fmt: str = "csv", annotators: list[str] | None = None,
                name: str = "govthemes") -> list[Path]:
    """Write ``rows`` as a batch in ``fmt`` (one of :data:`FORMATS`); return the paths written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    annotators = list(annotators or [])
    if fmt == "csv":
        return write_csv(rows, out, annotators)
    if fmt == "label-studio":
        return write_label_studio(rows, out, annotators, name)
    if fmt == "argilla":
        return write_argilla(rows, out, annotators, name)
    if fmt == "doccano":
        return write_doccano(rows, out, annotators)
    raise ValueError(f"unknown format {fmt!r}; the formats are {', '.join(FORMATS)}")


# -- readers ------------------------------------------------------------------------------

def detect_format(path: str | Path) -> str:
    """The format of an annotated file (or Argilla folder): csv, label-studio, argilla, doccano or records."""
    path = Path(path)
    if path.is_dir():
        if (path / "records.json").exists():
            return "argilla"
        raise AnnotationError(f"{path}: a folder without records.json (an Argilla export is expected)")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        data = _load_json(path)
        first = data[0] if isinstance(data, list) and data else {}
        if isinstance(first, dict) and ("annotations" in first or "data" in first):
            return "label-studio"
        if isinstance(first, dict) and "fields" in first:
            return "argilla"
        raise AnnotationError(f"{path}: neither a Label Studio export (tasks with 'annotations') nor Argilla records")
    if suffix == ".jsonl":
        first = next(iter(jsonl_records(path)), {})
        if "label" in first:
            return "doccano"
        if set(load_taxonomy().ids) & set(first):
            return "csv"
        return "records"
    raise AnnotationError(f"{path}: unknown annotation format '{suffix}' (.csv, .json, .jsonl or an Argilla folder)")


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise AnnotationError(f"{path}: invalid JSON ({err.msg}, line {err.lineno})") from None


def _checked(where: str, text, labels, sha1=None) -> tuple[str, list[str]]:
    """The text and theme ids of one annotation, in taxonomy order, or an AnnotationError."""
    order = load_taxonomy().ids
    if not isinstance(text, str) or not text.strip():
        raise AnnotationError(f"{where}: empty or missing text")
    if sha1 and text_hash(text) != sha1:
        raise AnnotationError(f"{where}: the text was edited after export; annotate the clause as exported")
    if not isinstance(labels, list) or not all(isinstance(v, str) for v in labels):
        raise AnnotationError(f"{where}: themes must be a list of theme ids, not {labels!r}")
    unknown = sorted(set(labels) - set(order))
    if unknown:
        raise AnnotationError(f"{where}: unknown theme id(s) {unknown}; the themes are {order}")
    return text.strip(), sorted(set(labels), key=order.index)


def _annotation(text, labels, annotator, when, adjudicated=False, notes=None, meta=None) -> dict:
    meta = meta or {}
    return {"text": text, "labels": labels, "annotator": str(annotator) if annotator not in (None, "") else None,
            "annotated_at": when or now(), "adjudicated": bool(adjudicated), "notes": notes or None,
            **{k: meta.get(k) or None for k in ("clause_id", "doc_id", "lang", "heading")}}


def read_csv_batch(path: Path) -> list[dict]:
    """A filled CSV batch (or its .jsonl twin): one 0/1 column per theme."""
    themes = load_taxonomy().ids
    if path.suffix.lower() == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        rows, columns = [dict(r, _line=i + 2) for i, r in enumerate(frame.to_dict("records"))], list(frame.columns)
    else:
        rows = jsonl_records(path)
        columns = sorted({k for r in rows for k in r} - {"_line"})
    unknown = [c for c in columns if c not in BASE_COLUMNS and c not in themes and c != "adjudicated"]
    if unknown:
        raise AnnotationError(f"{path}: unknown theme column(s) {unknown}; the themes are {themes}")
    missing = [t for t in themes if t not in columns]
    if missing:
        raise AnnotationError(f"{path}: theme column(s) missing: {missing}")
    out, ids = [], {}
    for row in rows:
        number = row["_line"]
        where = f"{path}:{number}"
        key = (row.get("clause_id") or text_hash(str(row.get("text") or "")), row.get("annotator") or "")
        if key in ids:
            raise AnnotationError(f"{where}: clause {key[0]} is already on line {ids[key]}")
        ids[key] = number
        labels = []
        for theme in themes:
            value = str(row.get(theme, "")).strip()
            if value in _TRUE:
                labels.append(theme)
            elif value not in _FALSE:
                raise AnnotationError(f"{where}: column {theme}: '{value}' is not 0 or 1")
        text, labels = _checked(where, row.get("text"), labels, row.get("text_sha1"))
        out.append(_annotation(text, labels, row.get("annotator"), row.get("annotated_at"),
                               str(row.get("adjudicated", "")).strip() in _TRUE, row.get("notes"), row))
    return out


def _ls_user(completed_by) -> str | None:
    if isinstance(completed_by, dict):  # some exports expand the user
        return completed_by.get("email") or (str(completed_by["id"]) if completed_by.get("id") is not None else None)
    return None if completed_by is None else str(completed_by)


def read_label_studio(path: Path) -> list[dict]:
    """Label Studio's JSON export: every annotation that was not cancelled, by its ``completed_by``."""
    out = []
    for n, task in enumerate(_load_json(path), 1):
        data = task.get("data") or {}
        for k, annotation in enumerate(task.get("annotations") or [], 1):
            if annotation.get("was_cancelled"):
                continue
            where = f"{path}: task {task.get('id', n)}, annotation {annotation.get('id', k)}"
            labels, notes = [], None
            for item in annotation.get("result") or []:
                value = item.get("value") or {}
                if item.get("from_name") == QUESTION and item.get("type") == "choices":
                    labels.extend(value.get("choices") or [])
                elif item.get("type") == "textarea" and value.get("text"):
                    notes = " ".join(value["text"])
            text, labels = _checked(where, data.get("text"), labels, data.get("text_sha1"))
            out.append(_annotation(text, labels, _ls_user(annotation.get("completed_by")),
                                   annotation.get("updated_at") or annotation.get("created_at"),
                                   annotation.get("ground_truth"), notes, data))
    return out


def read_argilla(path: Path) -> list[dict]:
    """Argilla records (``records.to_json``, or a ``to_disk`` folder): one annotation per response."""
    records = _load_json(path / "records.json" if path.is_dir() else path)
    out = []
    for n, record in enumerate(records, 1):
        where = f"{path}: record {record.get('id') or n}"
        meta = record.get("metadata") or {}
        text = (record.get("fields") or {}).get("text")
        for response in (record.get("responses") or {}).get(QUESTION, []):
            if response.get("status") in ("discarded", "draft"):
                continue
            value = response.get("value")
            text_, labels = _checked(where, text, list(value or []), meta.get("text_sha1"))
            out.append(_annotation(text_, labels, response.get("user_id"), response.get("updated_at"),
                                   False, None, meta))
    return out


def read_doccano(path: Path) -> list[dict]:
    """doccano's text classification export (JSON Lines ``{"text", "label"}``), one file per user."""
    out = []
    for row in jsonl_records(path):
        where = f"{path}:{row['_line']}"
        labels = row.get("label", row.get("cats"))
        text, labels = _checked(where, row.get("text"), list(labels or []), row.get("text_sha1"))
        comments = row.get("Comments") or row.get("comments") or []
        out.append(_annotation(text, labels, row.get("annotator") or row.get("user") or path.stem,
                               row.get("annotated_at"), False,
                               "; ".join(c if isinstance(c, str) else str(c.get("text", c)) for c in comments), row))
    return out


def read_project_records(path: Path) -> list[dict]:
    """The project's own annotation records (ANNOTATION.md §4), with ``annotator`` where given."""
    records = read_raw_records(path)
    out = []
    for record, checked in zip(records, validate(records, str(path)), strict=True):
        out.append(_annotation(checked["text"], checked["labels"], record.get("annotator"),
                               record.get("annotated_at"), record.get("adjudicated"), record.get("notes"), checked))
    return out


READERS = {"csv": read_csv_batch, "label-studio": read_label_studio, "argilla": read_argilla,
           "doccano": read_doccano, "records": read_project_records}


def read_annotations(path: str | Path, fmt: str | None = None) -> list[dict]:
    """The annotations in ``path`` (format detected unless given); see the module docstring."""
    path = Path(path)
    if not path.exists():
        raise AnnotationError(f"{path}: no such file")
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise AnnotationError(f"{path}: unknown format {fmt!r}; the formats are {', '.join(READERS)}")
    return READERS[fmt](path)
