"""Agreement between annotators, theme by theme (``govthemes agreement``).

Each theme is a yes/no decision per clause. With two annotators the figure is Cohen's kappa
over the clauses both annotated; with more, Krippendorff's alpha (nominal), which takes every
clause annotated by two or more of them. Both are 1 for perfect agreement and 0 for the
agreement chance alone would give; both are undefined (NaN) when every decision is the same.
"All themes" pools every (clause, theme) decision into one figure. Themes under the threshold
(0.67 by default: Krippendorff's lowest value for tentative conclusions) are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline.annotate.formats import normal
from pipeline.text.lang import language_of
from pipeline.themes.taxonomy import load_taxonomy

ALL = "all themes"


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two annotators' decisions on the same items (any labels)."""
    a, b = np.asarray(a), np.asarray(b)
    values = np.unique(np.concatenate([a, b]))
    observed = float(np.mean(a == b))
    expected = float(sum(np.mean(a == v) * np.mean(b == v) for v in values))
    return float("nan") if expected == 1 else (observed - expected) / (1 - expected)


def krippendorff_alpha(data) -> float:
    """Krippendorff's alpha (nominal) of an annotators × items array, NaN where not annotated."""
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    counts = np.stack([(data == v).sum(axis=0) for v in values], axis=1)  # items × values
    pairable = counts.sum(axis=1)
    counts, pairable = counts[pairable >= 2], pairable[pairable >= 2]
    if len(values) < 2 or not len(counts):
        return float("nan")
    # coincidences: o_ck = sum over items of n_c (n_k - [c = k]) / (m - 1)
    weighted = counts / (pairable - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    observed = coincidence.sum() - np.trace(coincidence)
    expected = (n ** 2 - (totals ** 2).sum()) / (n - 1)
    return float("nan") if expected == 0 else float(1 - observed / expected)


@dataclass
class Agreement:
    """Figures per theme (and pooled) overall and per language, and the disagreements."""

    annotators: list[str]
    statistic: str
    clauses: int
    figures: dict = field(default_factory=dict)  # {lang or "all": {theme or ALL: (value, clauses)}}
    disagreements: list[dict] = field(default_factory=list)
    threshold: float = 0.67

    def low(self) -> list[str]:
        """Themes whose overall figure is under the threshold (or undefined)."""
        return [t for t, (value, _) in self.figures["all"].items()
                if t != ALL and not (value >= self.threshold)]

    def as_dict(self) -> dict:
        return {"annotators": self.annotators, "statistic": self.statistic, "clauses": self.clauses,
                "threshold": self.threshold, "low": self.low(),
                "figures": {lang: {t: {"value": None if np.isnan(v) else round(v, 4), "clauses": n}
                                   for t, (v, n) in by_theme.items()} for lang, by_theme in self.figures.items()},
                "disagreements": self.disagreements}


def measure(annotations: list[dict], threshold: float = 0.67) -> Agreement:
    """Agreement of the annotations (each with ``text``, ``labels``, ``annotator``) on the
    clauses at least two annotators annotated; an annotator's later annotation of a clause
    replaces their earlier one."""
    themes = load_taxonomy().ids
    by_clause: dict[str, dict[str, set]] = {}
    langs: dict[str, str] = {}
    for a in annotations:
        key = normal(a["text"])
        by_clause.setdefault(key, {})[a["annotator"]] = set(a["labels"])
        langs[key] = a.get("lang") or langs.get(key) or language_of(a["text"])
    shared = {k: v for k, v in by_clause.items() if len(v) >= 2}
    names = sorted({n for v in shared.values() for n in v})
    result = Agreement(names, "Cohen's kappa" if len(names) == 2 else "Krippendorff's alpha", len(shared),
                       threshold=threshold)
    keys = list(shared)
    # annotators × clauses × themes: 1/0, NaN where the annotator did not annotate the clause
    cube = np.full((len(names), len(keys), len(themes)), np.nan)
    for j, key in enumerate(keys):
        for name, labels in shared[key].items():
            cube[names.index(name), j] = [t in labels for t in themes]
    for lang in ["all", *sorted({langs[k] for k in keys})]:
        cols = [j for j, k in enumerate(keys) if lang == "all" or langs[k] == lang]
        sub = cube[:, cols]
        figures = {theme: (_figure(sub[:, :, i]), len(cols)) for i, theme in enumerate(themes)}
        figures[ALL] = (_figure(sub.reshape(len(names), -1)), len(cols))
        result.figures[lang] = figures
    for j, key in enumerate(keys):
        for i, theme in enumerate(themes):
            votes = {name: cube[a, j, i] for a, name in enumerate(names) if not np.isnan(cube[a, j, i])}
            if len(set(votes.values())) > 1:
                result.disagreements.append({"text": key, "lang": langs[key], "theme": theme,
                                             "yes": [n for n, v in votes.items() if v == 1],
                                             "no": [n for n, v in votes.items() if v == 0]})
    return result


def _figure(matrix: np.ndarray) -> float:
    """Kappa for two annotators (items both annotated), alpha for more."""
    if matrix.shape[0] == 2:
        both = ~np.isnan(matrix).any(axis=0)
        return cohen_kappa(matrix[0, both], matrix[1, both]) if both.any() else float("nan")
    return krippendorff_alpha(matrix)


def format_agreement(result: Agreement, show: int = 20) -> str:
    """A plain-text report: the figure per theme (overall and per language), flags, disagreements."""
    langs = list(result.figures)
    lines = [f"{result.statistic} between {len(result.annotators)} annotators ({', '.join(result.annotators)}) "
             f"on {result.clauses} clauses annotated by two or more",
             f"{'theme':<16}" + "".join(f"{lang:>14}" for lang in langs)]
    for theme in result.figures["all"]:
        cells = []
        for lang in langs:
            value, n = result.figures[lang][theme]
            cells.append(f"{'  n/a' if np.isnan(value) else f'{value:6.3f}'} ({n:>4})".rjust(14))
        flag = "  < threshold" if theme in result.low() else ""
        lines.append(f"{theme:<16}" + "".join(cells) + flag)
    lines.append(f"(clauses in brackets; n/a: every decision the same; threshold {result.threshold:g})")
    low = result.low()
    lines.append(f"themes under {result.threshold:g}: {', '.join(low) if low else 'none'}")
    lines.append(f"{len(result.disagreements)} disagreements" + (f"; the first {show}:" if result.disagreements else ""))
    for d in result.disagreements[:show]:
        text = d["text"] if len(d["text"]) <= 90 else d["text"][:89] + "…"
        lines.append(f"  {d['theme']:<15} yes: {', '.join(d['yes'])}; no: {', '.join(d['no'])} | {text}")
    return "\n".join(lines)
