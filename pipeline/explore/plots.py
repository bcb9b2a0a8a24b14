"""Plots of labelled statements, shared by notebook 01 and ``govthemes report``.

Every function takes the tidy tables of :mod:`pipeline.explore.tables` and returns a matplotlib
``Figure`` with a title and labelled axes, so it reads without the code that made it.

Chinese names are drawn in a CJK font when the machine has one (:func:`cjk_font`: Noto Sans CJK,
Debian's ``fonts-noto-cjk``, or another common one; matplotlib falls back to it glyph by glyph).
Without one, a name with Chinese characters is shown as ``zh name 1`` … and the figure's ``keys``
map those stand-ins back to the names.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.text import Text

from pipeline.themes.taxonomy import load_taxonomy

THEMES = load_taxonomy().ids
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei", "Heiti SC", "Arial Unicode MS")
_CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|sourcehan|yahei|pingfang|simhei|notosanssc", re.I)


@functools.cache
def cjk_font() -> str | None:
    """The name of a font with Chinese glyphs that matplotlib can use, or None.

    Fonts installed after matplotlib built its font list are found on the system and added."""
    def known():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((n for n in CJK_FAMILIES if n in names), None) or next(
            (n for n in sorted(names) if "CJK" in n and "Serif" not in n), None)

    if known() is None:
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
    return known()


def _finish(fig: plt.Figure) -> plt.Figure:
    """Give every text of ``fig`` the CJK font as a fallback (where there is one), then lay it out."""
    font = cjk_font()
    if font is not None:
        for text in fig.findobj(Text):
            text.set_fontfamily([plt.rcParams["font.family"][0], font])
    fig.tight_layout()
    return fig


def theme_counts(clauses: pd.DataFrame) -> plt.Figure:
    """Clauses per theme, by language."""
    counts = clauses.groupby("lang")[THEMES].sum().T.loc[THEMES]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    counts.plot.barh(ax=ax, stacked=True, color=["#4C72B0", "#DD8452", "#55A868"][: counts.shape[1]])
    ax.invert_yaxis()
    ax.set_xlabel("clauses")
    ax.set_ylabel("")
    ax.set_title(f"Clauses per theme ({len(clauses)} clauses; a clause may carry several themes)")
    ax.legend(title="language")
    return _finish(fig)


def share_by(clauses: pd.DataFrame, by: str, top: int = 12) -> plt.Figure:
    """Heatmap: for each value of ``by`` (issuer, year, lang), the share of its clauses per theme."""
    data = clauses.dropna(subset=[by])
    keep = data[by].value_counts().head(top).index
    table = data[data[by].isin(keep)].groupby(by)[THEMES].mean()
    sizes = data[by].value_counts()
    names, keys = _ascii_labels([str(i) for i in table.index])
    table.index = [f"{name} ({sizes[i]})" for name, i in zip(names, table.index, strict=True)]
    fig = _heatmap(table, f"Share of clauses per theme, by {by} (number of clauses in brackets)", "share")
    fig.keys = keys  # labels that stand for names the plot font cannot draw (Chinese)
    return fig


def document_heatmap(documents: pd.DataFrame, top: int = 30) -> plt.Figure:
    """Documents × themes: each document's theme profile (share of its clauses)."""
    docs = documents.sort_values("clauses", ascending=False).head(top)
    table = docs.set_index(docs["doc_id"].map(lambda d: _short(str(d).rsplit("/", 1)[-1], 40)))[THEMES]
    return _heatmap(table, f"Theme profile of the {len(table)} largest documents (share of clauses)", "share")


def cooccurrence(clauses: pd.DataFrame) -> plt.Figure:
    """How often two themes are given to the same clause (counts; diagonal: the theme alone)."""
    X = clauses[THEMES].to_numpy(dtype=int)
    table = pd.DataFrame(X.T @ X, index=THEMES, columns=THEMES)
    return _heatmap(table, "Themes given to the same clause (clause counts)", "clauses", fmt="d")


def compare_documents(documents: pd.DataFrame, a: str, b: str) -> plt.Figure:
    """Side-by-side theme profiles of two documents."""
    rows = documents.set_index("doc_id").loc[[a, b], THEMES].T
    rows.columns = [_short(str(c).rsplit("/", 1)[-1], 40) for c in rows.columns]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    rows.plot.bar(ax=ax, color=["#4C72B0", "#C44E52"])
    ax.set_ylabel("share of the document's clauses")
    ax.set_title("Emphasis of two documents, theme by theme")
    ax.set_xticklabels(THEMES, rotation=45, ha="right")
    return _finish(fig)


def _heatmap(table: pd.DataFrame, title: str, label: str, fmt: str = ".2f") -> plt.Figure:
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(table) + 2.2))
    image = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="Blues")
    ax.set_xticks(range(table.shape[1]), table.columns, rotation=45, ha="right")
    ax.set_yticks(range(table.shape[0]), table.index)
    values = table.to_numpy(dtype=float)
    top = np.nanmax(values) if values.size else 1
    for (i, j), v in np.ndenumerate(values):
        if v:
            ax.text(j, i, format(int(v) if fmt == "d" else v, fmt), ha="center", va="center", fontsize=7,
                    color="white" if v > 0.6 * top else "black")
    fig.colorbar(image, ax=ax, label=label)
    ax.set_title(title)
    return _finish(fig)


def _ascii_labels(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """Names the plot font can draw: without a CJK font, a name with Chinese characters becomes
    ``zh name 1`` …; the returned dict maps those stand-ins back to the names."""
    out, keys = [], {}
    for name in names:
        if cjk_font() is None and any("\u3400" <= ch <= "\u9fff" for ch in name):
            stand_in = f"zh name {len(keys) + 1}"
            keys[stand_in] = name
            out.append(stand_in)
        else:
            out.append(_short(name, 45))
    return out, keys


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
