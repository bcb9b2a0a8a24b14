"""Evaluation of cleaning + segmentation against gold files (``govthemes evaluate-segments``).

For every ``gold/<id>.json`` of a corpus laid out like ``../shared/corpora/statements``, the
raw page ``raw/<id>.txt`` goes through the same job as ``govthemes segment`` and its clauses
are compared with the gold clauses. Both sides are normalised the same way first: encoding
debris repaired (the gold keeps it, since its clauses are exact substrings of the raw page)
and whitespace collapsed. Clauses the job flags as cut off by the end of the excerpt are left
out, as the gold leaves them out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.io.read import read_file
from pipeline.measure.attribution_eval import PageAttribution, default_matcher, score_page
from pipeline.process import SegmentJob
from pipeline.text.repair import repair_text

_UNITS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+")


def normalise(text: str) -> str:
    """Repair debris and collapse whitespace: what 'the same clause' means here."""
    return " ".join(repair_text(text).split())


def units(text: str) -> Counter:
    """Words of Latin text and single Han characters: the units content recovery counts."""
    return Counter(_UNITS.findall(text.casefold()))


@dataclass
class PageResult:
    file: str
    lang: str
    gold: list[str]
    predicted: list[str]
    matched: int
    gold_units: int
    recovered_units: int
    boilerplate: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    attribution: list[str] = field(default_factory=list)
    attribution_leaked: list[str] = field(default_factory=list)
    fields: PageAttribution | None = None  # issuer, document, date against the gold's (attribution_eval)


def evaluate_page(gold_path: Path, raw_dir: Path, job: SegmentJob) -> PageResult:
    """Run the job over one gold page and compare."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    raw_path = raw_dir / gold["file"]
    docs = list(read_file(raw_path))
    all_rows = list(job.run(docs))
    rows = [r for r in all_rows if not r["truncated"]]
    predicted = [normalise(r["text"]) for r in rows]
    gold_clauses = [normalise(c) for p in gold["passages"] for c in p["clauses"]]
    matched = sum((Counter(predicted) & Counter(gold_clauses)).values())
    gold_u = units(" ".join(gold_clauses))
    pred_u = units(" ".join(predicted))
    squeezed = "\n".join(predicted).replace(" ", "")
    gold_squeezed = "\n".join(gold_clauses).replace(" ", "")

    def leaks(items: list[str]) -> list[str]:
        """Lines found in the clauses more often than the gold clauses hold them."""
        out = []
        for item in items:
            key = item.replace(" ", "")
            if squeezed.count(key) > gold_squeezed.count(key):
                out.append(item)
        return out

    boilerplate = [normalise(b) for b in gold.get("boilerplate", []) if len(normalise(b).replace(" ", "")) >= 4]
    attribution = [normalise(a) for p in gold["passages"] for a in p["attribution_lines"]
                   if len(normalise(a).replace(" ", "")) >= 4]
    return PageResult(
        gold["file"], gold.get("lang", "?"), gold_clauses, predicted, matched,
        sum(gold_u.values()), sum((gold_u & pred_u).values()),
        boilerplate, leaks(boilerplate), attribution, leaks(attribution), score_page(gold, all_rows, default_matcher()),
    )


def summarise(results: list[PageResult]) -> dict:
    """Micro-averaged figures over pages, overall and per language."""

    def figures(rs: list[PageResult]) -> dict:
        gold = sum(len(r.gold) for r in rs)
        pred = sum(len(r.predicted) for r in rs)
        hit = sum(r.matched for r in rs)
        p = hit / pred if pred else 0.0
        rec = hit / gold if gold else 0.0
        bp = sum(len(r.boilerplate) for r in rs)
        at = sum(len(r.attribution) for r in rs)
        return {
            "pages": len(rs), "gold_clauses": gold, "predicted_clauses": pred, "exact_matches": hit,
            "precision": round(p, 4), "recall": round(rec, 4),
            "f1": round(2 * p * rec / (p + rec), 4) if p + rec else 0.0,
            "content_recovered": round(sum(r.recovered_units for r in rs) / max(1, sum(r.gold_units for r in rs)), 4),
            "boilerplate_lines": bp,
            "boilerplate_leaked": round(sum(len(r.leaked) for r in rs) / bp, 4) if bp else 0.0,
            "attribution_lines": at,
            "attribution_leaked": round(sum(len(r.attribution_leaked) for r in rs) / at, 4) if at else 0.0,
        }

    out = {"all": figures(results)}
    for lang in sorted({r.lang for r in results}):
        out[lang] = figures([r for r in results if r.lang == lang])
    return out


def evaluate_corpus(corpus_dir: Path, job: SegmentJob | None = None) -> tuple[dict, list[PageResult]]:
    """Evaluate every gold page under ``corpus_dir`` (a folder with ``gold/`` and ``raw/``)."""
    corpus_dir = Path(corpus_dir)
    gold_dir = corpus_dir / "gold" if (corpus_dir / "gold").is_dir() else corpus_dir
    raw_dir = gold_dir.parent / "raw"
    job = job or SegmentJob()
    results = [evaluate_page(g, raw_dir, job) for g in sorted(gold_dir.glob("*.json"))]
    return summarise(results), results
