"""Tidy, pandas-ready tables of labelled clauses, for notebooks and reports.

``load_processed()`` is the one call a notebook needs: it reads ``data/processed/clauses.parquet``
(written by ``govthemes label``) and returns two DataFrames (``pipeline.label_folder`` makes the
same two from raw pages, in memory):

* clauses: one row per clause, its metadata (the canonical ``issuer`` with its ``issuer_type`` and
  ``country``, document, ISO ``date`` and its ``year``, lang, source, heading), one boolean column per theme (``privacy``, ``safety``, …) and one score column per
  theme (``score_privacy``, …);
* documents: one row per document (``doc_id``), its metadata, its number of clauses and its
  theme profile: for each theme, the share of its clauses that carry it.

``long_table(clauses)`` turns the clause table into the long (tidy) form: one row per
(clause, theme) with ``score`` and ``label`` (``govthemes export-long``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipeline.text.attribution import parse_date
from pipeline.themes.taxonomy import load_taxonomy

METADATA = ["issuer", "issuer_type", "country", "document", "date", "year", "lang", "source"]
_ISO = re.compile(r"^((?:19|20)\d{2})(?:-\d\d){0,2}$")


def year_of(date) -> int | None:
    """The year of an ISO date (``2024-05-08``, ``2024-05``, ``2024``), as clause rows carry it
    (``pipeline.text.attribution``); a date in words (``May 7, 2024``, from older files) is read
    by the same date reader. None when there is no year."""
    if not isinstance(date, str):
        return None
    m = _ISO.match(date)
    if m:
        return int(m.group(1))
    value = parse_date(date)
    return value.year if value else None


def clause_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Labelled clause rows (``labels`` and ``scores`` columns) to the tidy clause table."""
    themes = load_taxonomy().ids
    out = rows.drop(columns=[c for c in ("labels", "scores") if c in rows]).copy()
    labels = rows["labels"].map(lambda x: set(x) if x is not None else set())
    for theme in themes:
        out[theme] = labels.map(lambda s, t=theme: t in s)
    if "scores" in rows:
        for theme in themes:
            out[f"score_{theme}"] = rows["scores"].map(lambda s, t=theme: float(s[t]) if s is not None and s.get(t) is not None else float("nan"))
    out["year"] = rows["date"].map(year_of).astype("Int64") if "date" in rows else pd.NA
    return out


def document_table(clauses: pd.DataFrame) -> pd.DataFrame:
    """One row per document: metadata (the most common value among its clauses), clause count
    and, per theme, the share of its clauses that carry it."""
    themes = load_taxonomy().ids
    grouped = clauses.groupby("doc_id", sort=True)

    def most_common(series: pd.Series):
        values = series.dropna()
        return values.mode().iloc[0] if len(values) else None

    meta = grouped[[c for c in METADATA if c in clauses]].agg(most_common)
    profile = grouped[themes].mean()
    docs = meta.join(profile)
    docs.insert(0, "clauses", grouped.size())
    return docs.reset_index()


def long_table(clauses: pd.DataFrame, text: bool = True) -> pd.DataFrame:
    """One row per (clause, theme): the clause's metadata, ``theme``, ``score`` and ``label`` (0/1),
    clauses in their order and themes in taxonomy order."""
    themes = load_taxonomy().ids
    keys = [c for c in ("clause_id", "doc_id", *METADATA, "heading") if c in clauses]
    if text and "text" in clauses:
        keys.append("text")
    base = clauses[keys].reset_index(drop=True)
    n = len(base)
    out = base.loc[base.index.repeat(len(themes))].reset_index(drop=True)
    out["theme"] = themes * n
    scores = [clauses[f"score_{t}"].to_numpy(dtype=float) if f"score_{t}" in clauses else [float("nan")] * n
              for t in themes]
    out["score"] = pd.DataFrame(dict(zip(themes, scores, strict=True))).to_numpy().ravel()
    out["label"] = clauses[themes].to_numpy(dtype=int).ravel()
    return out


def load_processed(path: str | Path = "data/processed") -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(clauses, documents)`` from a labelled clause file, or the folder holding clauses.parquet."""
    path = Path(path)
    if path.is_dir():
        path = path / "clauses.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no labelled clauses there; run `make label` (or `govthemes label`) first")
    rows = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_json(path, lines=True)
    if "labels" not in rows:
        raise ValueError(f"{path}: clauses without themes; it was written by `segment`, not `label`")
    clauses = clause_table(rows)
    return clauses, document_table(clauses)

