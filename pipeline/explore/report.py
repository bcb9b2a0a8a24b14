"""A static HTML report of labelled statements (``govthemes report``), for readers who do not run
notebooks: the corpus summary, per-theme figures, the model's evaluation figures and the plots
of notebook 01, as PNG files beside the page.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pandas as pd

from pipeline.explore import plots
from pipeline.explore.tables import load_processed
from pipeline.themes.taxonomy import load_taxonomy


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(border=0, classes="t", float_format=lambda x: f"{x:.3f}", na_rep="")


def write_report(clauses_path: str | Path, out: str | Path, card: dict | None = None) -> Path:
    """Write ``out`` (HTML) and its figures in ``<out stem>_files/``; return the HTML path."""
    import matplotlib.pyplot as plt

    clauses, documents = load_processed(clauses_path)
    taxonomy = load_taxonomy()
    out = Path(out)
    figures_dir = out.parent / f"{out.stem}_files"
    figures_dir.mkdir(parents=True, exist_ok=True)

    def figure(fig, name: str, caption: str) -> str:
        fig.savefig(figures_dir / f"{name}.png", dpi=110)
        keys = getattr(fig, "keys", None) or {}
        plt.close(fig)
        legend = ("<p class='keys'>" + "; ".join(f"{html.escape(k)} = {html.escape(v)}" for k, v in keys.items())
                  + "</p>") if keys else ""
        return (f"<figure><img src='{figures_dir.name}/{name}.png' alt='{html.escape(caption)}'>"
                f"<figcaption>{html.escape(caption)}</figcaption>{legend}</figure>")

    themes = taxonomy.ids
    per_theme = pd.DataFrame({
        "theme": [t.name for t in taxonomy.themes],
        "clauses": [int(clauses[t].sum()) for t in themes],
        "share of clauses": [float(clauses[t].mean()) for t in themes],
        "documents": [int((documents[t] > 0).sum()) for t in themes],
    }, index=themes)
    summary = clauses.groupby("lang").agg(documents=("doc_id", "nunique"), clauses=("text", "size"))
    years = clauses["year"].dropna()
    parts = [
        "<h1>AI-governance statements by theme</h1>",
        f"<p>{len(documents)} documents, {len(clauses)} clauses from <code>{html.escape(str(clauses_path))}</code>; "
        f"{clauses['issuer'].nunique()} issuers" + (f", {int(years.min())}–{int(years.max())}" if len(years) else "")
        + f". Report of {date.today().isoformat()}.</p>",
        "<h2>Corpus</h2>", _table(summary),
        "<h2>Themes</h2>", _table(per_theme),
        figure(plots.theme_counts(clauses), "theme_counts", "Clauses per theme, by language"),
        figure(plots.share_by(clauses, "issuer"), "by_issuer", "Share of clauses per theme, by issuer"),
        figure(plots.share_by(clauses, "year"), "by_year", "Share of clauses per theme, by year"),
        figure(plots.share_by(clauses, "lang"), "by_language", "Share of clauses per theme, by language"),
        figure(plots.document_heatmap(documents), "documents", "Theme profile of each document"),
        figure(plots.cooccurrence(clauses), "cooccurrence", "Themes given to the same clause"),
    ]
    if card:
        parts += ["<h2>The model</h2>",
                  f"<p>{html.escape(card.get('name', ''))}, trained on {card.get('training', {}).get('clauses', '?')} "
                  f"clauses on {html.escape(card.get('created', '?'))}.</p>"]
        evaluation = card.get("evaluation", {}).get("summary")
        if evaluation:
            rows = {(system, lang): figs for system, by_lang in evaluation.items() for lang, figs in by_lang.items()}
            frame = pd.DataFrame(rows).T
            frame.index.names = ["system", "language"]
            parts += [f"<p>Grouped cross-validation ({html.escape(card['evaluation'].get('command', ''))}):</p>",
                      _table(frame)]
        parts += ["<p>Thresholds per theme:</p>", _table(pd.Series(card.get("thresholds", {}), name="threshold").to_frame())]
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>govthemes report</title><style>"
            "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
            "table.t{border-collapse:collapse;margin:1em 0}table.t td,table.t th{padding:2px 10px;text-align:right}"
            "table.t tr:nth-child(even){background:#f4f6f8}figure{margin:2em 0}img{max-width:100%}"
            ".keys{font-size:90%;color:#555}</style></head><body>" + "\n".join(parts) + "</body></html>")
    out.write_text(page, encoding="utf-8")
    return out
