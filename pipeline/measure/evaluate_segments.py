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

from pipeline import config
from pipeline.io.read import json_objects, read_file
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



# -- leave-site-out cross-validation of the cleaner's line model -------------------------------------


@dataclass
class GoldPage:
    """One gold page of a statement corpus, with the site (url host) and batch it belongs to."""

    corpus: str
    gold_path: Path
    raw_path: Path
    site: str
    batch: str
    lang: str


def gold_pages(corpora: list[Path]) -> list[GoldPage]:
    """Every gold page of ``corpora`` (folders laid out like ``shared/corpora/statements``).

    The site is the url's host without ``www.``; the batch is the index's ``batch``, or for
    pages without one the corpus name and the file's prefix (``laip``, ``zh``, ``news``).
    """
    from urllib.parse import urlparse

    pages = []
    for corpus_dir in corpora:
        corpus_dir = Path(corpus_dir)
        index = {}
        for path in sorted((corpus_dir / "raw").glob("index*.jsonl")):
            for _, row in json_objects(path):
                index[row["file"]] = row
        for gold_path in sorted((corpus_dir / "gold").glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            row = index.get(gold["file"], {})
            url = row.get("url") or gold.get("url") or ""
            site = (urlparse(url).hostname or gold["file"]).removeprefix("www.")
            prefix = gold["file"].split("-", 1)[0]
            batch = row.get("batch") or f"{corpus_dir.name}:{prefix if prefix in ('laip', 'zh') else 'news'}"
            pages.append(GoldPage(corpus_dir.name, gold_path, corpus_dir / "raw" / gold["file"], site, batch,
                                  gold.get("lang") or row.get("lang") or "?"))
    return pages


def labelled_lines(pages: list[GoldPage]) -> list:
    """Each page's lines as the line model sees them, labelled from its gold file."""
    from pipeline.text.clean import Cleaner
    from pipeline.text.lines import gold_line_labels

    reader = Cleaner(line_model=None)
    out = []
    for page in pages:
        raw = page.raw_path.read_text(encoding="utf-8", errors="replace")
        lines = reader.page_lines(raw)
        lines.labels = gold_line_labels(raw, json.loads(page.gold_path.read_text(encoding="utf-8")))
        out.append(lines)
    return out


def train_line_model(pages: list[GoldPage], labelled: list | None = None, **options):
    """Fit the cleaner's line model on ``pages`` (see :func:`pipeline.text.lines.fit_line_model`)."""
    from pipeline.text.lines import fit_line_model

    labelled = labelled if labelled is not None else labelled_lines(pages)
    card = {"corpora": sorted({p.corpus for p in pages})}
    return fit_line_model(labelled, [p.site for p in pages], card=card, **options)


def cross_validate(pages: list[GoldPage], folds: int = 5, seed: int = 0, attributor=None,
                   **options) -> list[tuple[GoldPage, PageResult]]:
    """Leave-site-out: pages are split into ``folds`` groups of whole sites; each page is cleaned
    by a line model fitted on the other groups only (and ``attributor``, default the package's),
    then segmented and compared with its gold."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    from pipeline.text.clean import Cleaner

    labelled = labelled_lines(pages)
    sites = sorted({p.site for p in pages})
    order = np.random.default_rng(seed).permutation(len(sites))  # sites shuffled into folds
    group = {s: int(order[i]) for i, s in enumerate(sites)}
    groups = [group[p.site] for p in pages]
    results: list[tuple[GoldPage, PageResult]] = []
    for train, test in GroupKFold(n_splits=folds).split(pages, groups=groups):
        if {pages[i].site for i in train} & {pages[i].site for i in test}:
            raise AssertionError("a site on both sides of a fold")  # GroupKFold's promise, checked
        model = train_line_model([pages[i] for i in train], [labelled[i] for i in train], **options)
        job = SegmentJob(cleaner=Cleaner(line_model=model, attributor=attributor))
        results.extend((pages[i], evaluate_page(pages[i].gold_path, pages[i].raw_path.parent, job)) for i in test)
    return results


def in_sample(pages: list[GoldPage], cleaner=None) -> list[tuple[GoldPage, PageResult]]:
    """Every page through one cleaner (the default one: in-sample for the shipped line model)."""
    job = SegmentJob(cleaner=cleaner)
    return [(p, evaluate_page(p.gold_path, p.raw_path.parent, job)) for p in pages]


def grouped_summary(results: list[tuple[GoldPage, PageResult]]) -> dict:
    """Figures for all pages, per corpus, per batch and per language."""
    out = {"all": summarise([r for _, r in results])["all"]}
    for key in ("corpus", "batch", "lang"):
        for value in sorted({getattr(p, key) for p, _ in results}):
            out[f"{key}={value}"] = summarise([r for p, r in results if getattr(p, key) == value])["all"]
    return out


def error_kinds(result: PageResult) -> list[tuple[str, str]]:
    """The errors of one page, each as ``(kind, text)``.

    Kinds: ``boilerplate leaked`` / ``attribution leaked`` (a gold line found in the clauses);
    ``clause lost`` (a gold clause none of whose text is in any predicted clause);
    ``split`` (a gold clause cut into several predicted ones); ``merged`` (a predicted clause
    holding several gold ones); ``boundary`` (other mismatches that overlap a gold clause);
    ``extra`` (a predicted clause that overlaps no gold clause: a heading or furniture kept).
    """
    missed = list((Counter(result.gold) - Counter(result.predicted)).elements())
    extra = list((Counter(result.predicted) - Counter(result.gold)).elements())
    errors = [("boilerplate leaked", t) for t in result.leaked] + [("attribution leaked", t) for t in result.attribution_leaked]
    furniture = [t.replace(" ", "") for t in result.leaked + result.attribution_leaked]
    predicted_blob = "\n".join(result.predicted)
    for text in missed:
        pieces = [e for e in extra if e and e in text]
        if len(pieces) >= 2:
            errors.append(("split", text))
        elif any(text in e for e in extra):
            continue  # counted once, as the merged clause
        elif text not in predicted_blob and not any(_overlap(text, e) for e in extra):
            errors.append(("clause lost", text))
        else:
            errors.append(("boundary", text))
    for text in extra:
        inside = [g for g in missed if g in text]
        if len(inside) >= 2 or (inside and len(inside[0]) < len(text)):
            errors.append(("merged", text))
        elif not any(_overlap(text, g) for g in result.gold) and not any(f and f in text.replace(" ", "") for f in furniture):
            errors.append(("extra", text))
    return errors


def _overlap(a: str, b: str, size: int = 12) -> bool:
    """Whether ``a`` and ``b`` share a run of ``size`` characters (or the shorter one whole)."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) <= size:
        return short in long_
    return any(short[i:i + size] in long_ for i in range(0, len(short) - size + 1, max(1, size // 2)))


def line_model_card(model) -> str:
    """The model card of a fitted line model: what it was trained on, what it sees, how it scores."""
    from pipeline.text.lines import CONTEXT_FEATURES, LINE_FEATURES, NEIGHBOUR_FEATURES

    card = model.card
    out = [
        "# Line model of the cleaner (`line_model.json`)",
        "",
        "What each line of a page is: content, heading, attribution or boilerplate. A multinomial",
        "logistic regression (scikit-learn), stored as JSON: coefficients, token vocabulary, feature",
        "scaling, and digests (never the text) of lines that recur across training sites. Data, not code:",
        "loading it runs nothing.",
        "Rebuilt by `make train-cleaner` (`govthemes train-cleaner`).",
        "",
        "## Training data",
        "",
        f"- corpora: {', '.join(card.get('corpora', []))} (the shared gold pages, read in place)",
        *(f"- licence of {name}: {config.licence_of(name)}" for name in card.get("corpora", [])),
        f"- pages: {card['pages']} from {card['sites']} sites; lines: {card['lines']} "
        f"({', '.join(f'{k} {v}' for k, v in card['lines_per_class'].items())})",
        "- labels: from the gold files (a line equal to a boilerplate item, attribution line or heading takes",
        "  that label; a line holding or inside a clause is content; lines the gold does not settle are left out)",
        f"- regularisation C = {card['C']}; token vocabulary: {card['vocabulary']} first words of lines shared by",
        f"  at least {card['min_sites']} sites; removal threshold: p(boilerplate) >= {model.threshold}",
        "",
        "## Features",
        "",
        f"- of the line: {', '.join(LINE_FEATURES)}",
        f"- of its place on the page: {', '.join(CONTEXT_FEATURES)}",
        f"- of the lines before and after it (`prev:`, `next:`): {', '.join(NEIGHBOUR_FEATURES)}",
        "- tokens: up to six first Latin words, the last word and the first Han bigrams (`w:`, `last:`, `h:`)",
        "",
    ]
    figures = card.get("leave_site_out")
    if figures:
        out += [
            f"## Figures: leave-site-out, {card.get('folds')} folds (`govthemes evaluate-segments --cv`)",
            "",
            "Each page cleaned by a model fitted on pages of other sites only, then segmented; exact clause match.",
            "",
            "| group | pages | clause P | R | F1 | content recovered | boilerplate leaked |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, f in figures.items():
            out.append(f"| {name} | {f['pages']} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} | "
                       f"{f['content_recovered']:.3f} | {f['boilerplate_leaked']:.3f} |")
        out.append("")
    return "\n".join(out)
