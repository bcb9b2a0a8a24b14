"""One self-contained, interactive HTML page of labelled statements (``govthemes report``).

The page holds everything it needs (plotly.js and the data are inlined; nothing is fetched):
theme counts by language, theme shares by issuer, year and language, the documents × themes
heatmap and theme co-occurrence (figures below the first two are drawn as they scroll into
view, so the page is usable at once), the model's figures from its card, and the clauses. Clicking
a bar or a cell lists the clauses behind it, with their scores and the terms that drove each
theme given (the model's :meth:`explain_many`); a search box filters the clauses by text, theme
and issuer. Texts are kept as written, Chinese as Chinese.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.explore.tables import load_processed
from pipeline.themes.taxonomy import load_taxonomy

TOP_DOCUMENTS = 60  # rows of the documents × themes heatmap
TOP_GROUPS = 25  # rows of the by-issuer heatmap
FONT = "system-ui, 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def clause_terms(model, texts: list[str], labels: list[list[str]], top: int = 3, batch: int = 500) -> list[dict]:
    """For each clause, the terms that drove each theme it was given: ``{theme: "a, b, c"}``."""
    out = []
    for start in range(0, len(texts), batch):
        explained = model.explain_many(texts[start:start + batch], top)
        for entries, given in zip(explained, labels[start:start + batch], strict=True):
            out.append({e["theme"]: ", ".join(t for t, _ in e["terms"]) for e in entries
                        if e["theme"] in given and e["terms"]})
    return out


def _short(text: str, n: int = 48) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _heatmap(table: pd.DataFrame, names: list[str], title: str, kind: str, keys: list, fmt: str) -> dict:
    """A plotly heatmap (as a figure dict) whose points carry what a click filters on."""
    z = table.to_numpy(dtype=float)
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # plotly merges rows of the same name
        seen[name] = seen.get(name, 0) + 1
        names[i] = name if seen[name] == 1 else f"{name} #{seen[name]}"
    text = [[format(int(v) if fmt == "d" else v, fmt) if v else "" for v in row] for row in z]
    return {"data": [{"type": "heatmap", "z": z.round(4).tolist(), "x": list(table.columns), "y": names,
                      "text": text, "texttemplate": "%{text}", "colorscale": "Blues", "reversescale": True, "showscale": False,
                      "hovertemplate": "%{y}<br>%{x}: %{z}<extra>click: the clauses</extra>"}],
            "layout": {"title": {"text": title}, "height": 180 + 22 * len(names),
                       "margin": {"l": 20, "r": 20, "t": 50, "b": 110},
                       "yaxis": {"autorange": "reversed", "automargin": True}, "xaxis": {"tickangle": -40}},
            "kind": kind, "keys": keys}


def _figures(clauses: pd.DataFrame, documents: pd.DataFrame, themes: list[str]) -> dict:
    figures = {}
    langs = sorted(clauses["lang"].dropna().unique())
    counts = clauses.groupby("lang")[themes].sum()
    figures["counts"] = {"data": [{"type": "bar", "name": lang, "x": themes, "y": counts.loc[lang].tolist(),
                                   "customdata": [lang] * len(themes),
                                   "hovertemplate": "%{x} (" + lang + "): %{y} clauses<extra>click: the clauses</extra>"}
                                  for lang in langs],
                         "layout": {"title": {"text": f"Clauses per theme, by language ({len(clauses)} clauses)"},
                                    "barmode": "stack", "height": 380, "xaxis": {"tickangle": -40},
                                    "margin": {"l": 60, "r": 20, "t": 50, "b": 110}},
                         "kind": "lang"}
    for by, top in (("issuer", TOP_GROUPS), ("year", None), ("lang", None)):
        data = clauses.dropna(subset=[by])
        if data.empty:
            continue
        sizes = data[by].value_counts()
        keep = sizes.head(top).index if top else sizes.index
        table = data[data[by].isin(keep)].groupby(by)[themes].mean()
        keys = [str(int(k)) if by == "year" else str(k) for k in table.index]
        names = [f"{_short(k)} ({sizes[i]})" for k, i in zip(keys, table.index, strict=True)]
        figures[f"by_{by}"] = _heatmap(table, names, f"Share of clauses per theme, by {by} (clauses in brackets)",
                                       by, keys, ".2f")
    docs = documents.sort_values("clauses", ascending=False).head(TOP_DOCUMENTS)
    names = [f"{_short(str(d).rsplit('/', 1)[-1], 40)} ({n})" for d, n in zip(docs["doc_id"], docs["clauses"], strict=True)]
    figures["documents"] = _heatmap(docs.set_index("doc_id")[themes], names,
                                    f"Theme profile of the {len(docs)} largest documents (share of their clauses)",
                                    "doc", [str(d) for d in docs["doc_id"]], ".2f")
    X = clauses[themes].to_numpy(dtype=int)
    co = pd.DataFrame(X.T @ X, index=themes, columns=themes)
    figures["cooccurrence"] = _heatmap(co, themes, "Themes given to the same clause (clauses; diagonal: all with the theme)",
                                       "theme", themes, "d")
    return figures


def _data(clauses: pd.DataFrame, themes: list[str], terms: list[dict] | None) -> dict:
    """The clauses, column by column, small: indexes into the document and issuer lists."""
    doc_ids = sorted(clauses["doc_id"].astype(str).unique())
    doc_index = {d: i for i, d in enumerate(doc_ids)}
    issuers = sorted(clauses["issuer"].dropna().astype(str).unique())
    issuer_index = {v: i for i, v in enumerate(issuers)}
    label_matrix = clauses[themes].to_numpy(dtype=bool)
    score_columns = [f"score_{t}" for t in themes]
    scores = clauses[score_columns].to_numpy(dtype=float) if set(score_columns) <= set(clauses) else None
    return {
        "themes": themes,
        "names": {t.id: t.name for t in load_taxonomy().themes},
        "docs": doc_ids,
        "issuers": issuers,
        "text": clauses["text"].astype(str).tolist(),
        "doc": [doc_index[str(d)] for d in clauses["doc_id"]],
        "issuer": [issuer_index.get(str(v), -1) if pd.notna(v) else -1 for v in clauses["issuer"]],
        "lang": clauses["lang"].fillna("").astype(str).tolist(),
        "year": [int(y) if pd.notna(y) else None for y in clauses["year"]],
        "labels": [np.flatnonzero(row).tolist() for row in label_matrix],
        "scores": None if scores is None else [[round(float(v), 2) for v in row] for row in np.nan_to_num(scores)],
        "terms": terms,
    }


def _card_html(card: dict | None) -> str:
    if not card:
        return "<p>No model card: the model's figures are not shown.</p>"
    parts = [f"<p>{html.escape(str(card.get('name', '')))}, trained on "
             f"{card.get('training', {}).get('clauses', '?')} clauses on {html.escape(str(card.get('created', '?')))}.</p>"]
    evaluation = (card.get("evaluation") or {}).get("summary")
    if evaluation:
        rows = {(s, lang): figs for s, by_lang in evaluation.items() for lang, figs in by_lang.items()}
        frame = pd.DataFrame(rows).T
        frame.index.names = ["system", "language"]
        parts.append(f"<p>Grouped cross-validation ({html.escape(card['evaluation'].get('command', ''))}):</p>"
                     + frame.to_html(border=0, classes="t", float_format=lambda x: f"{x:.3f}", na_rep=""))
    return "".join(parts)


def _script_json(value) -> str:
    """JSON safe inside a <script> element: no ``</`` (which would end it) and no ``<!--``."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("<!--", "<\\u0021--"))


_PLACEHOLDER = re.compile(r"/\*(?:PLOTLY|DATA|FIGURES|FONT)\*/|<!--(?:SUMMARY|CARD)-->")


def plotly_js() -> str:
    """plotly.js as the page inlines it: the cartesian partial bundle shipped with the package
    (``assets/``, see its README), every trace type the report draws and a third of the full size."""
    return resources.files("pipeline.explore").joinpath("assets/plotly-cartesian.min.js").read_text(encoding="utf-8")


def write_report(clauses_path: str | Path, out: str | Path, card: dict | None = None, model=None) -> Path:
    """Write the page to ``out``; with ``model``, the terms behind each theme given are included."""
    clauses, documents = load_processed(clauses_path)
    themes = load_taxonomy().ids
    terms = None
    if model is not None:
        terms = clause_terms(model, clauses["text"].astype(str).tolist(),
                             [[t for t in themes if row[t]] for _, row in clauses[themes].iterrows()])
    years = clauses["year"].dropna()
    summary = (f"{len(documents)} documents, {len(clauses)} clauses, {clauses['issuer'].nunique()} issuers"
               + (f", {int(years.min())}–{int(years.max())}" if len(years) else "")
               + f" — {html.escape(str(clauses_path))}, report of {date.today().isoformat()}")
    parts = {"/*PLOTLY*/": plotly_js(), "/*DATA*/": _script_json(_data(clauses, themes, terms)),
             "/*FIGURES*/": _script_json(_figures(clauses, documents, themes)), "<!--SUMMARY-->": summary,
             "<!--CARD-->": _card_html(card), "/*FONT*/": FONT}
    # one pass over the template: a clause that holds a placeholder's text is never filled in
    page = _PLACEHOLDER.sub(lambda m: parts[m.group(0)], TEMPLATE)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out


TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>govthemes report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:/*FONT*/;margin:0;color:#222;background:#fafafa}
header{padding:12px 24px;background:#1f3b57;color:#fff}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;font-size:13px;opacity:.85}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;padding:16px}
.plots>div{background:#fff;margin-bottom:14px;border:1px solid #e3e3e3}
aside{position:sticky;top:8px;align-self:start;max-height:calc(100vh - 16px);display:flex;flex-direction:column;
background:#fff;border:1px solid #e3e3e3;padding:10px}
aside .controls{display:flex;flex-wrap:wrap;gap:6px}aside input{flex:1 1 100%;padding:6px;font-size:14px}
aside select{flex:1 1 40%;min-width:0;max-width:100%;padding:4px}#filter{font-size:13px;color:#555;margin:8px 0}
#clauses{overflow-y:auto;flex:1}.clause{border-top:1px solid #eee;padding:8px 2px;font-size:14px}
.clause .meta{font-size:12px;color:#666}.theme{display:inline-block;margin:3px 4px 0 0;padding:1px 6px;
border-radius:3px;background:#e8eef5;font-size:12px}.theme.on{background:#1f77b4;color:#fff}
.theme .terms{opacity:.85}table.t{border-collapse:collapse;font-size:13px}table.t td,table.t th{padding:2px 8px}
.card{background:#fff;border:1px solid #e3e3e3;padding:8px 16px;margin-bottom:14px}
</style></head><body>
<header><h1>AI-governance statements by theme</h1><p><!--SUMMARY--></p></header>
<main><section class="plots"><div id="counts"></div><div id="by_issuer"></div><div id="documents"></div>
<div id="by_year"></div><div id="by_lang"></div><div id="cooccurrence"></div>
<div class="card"><h2>The model</h2><!--CARD--></div></section>
<aside><div class="controls"><input id="search" type="search" placeholder="Search the clauses (any language)">
<select id="theme"><option value="">every theme</option></select>
<select id="issuer"><option value="">every issuer</option></select></div>
<div id="filter">Click a bar or a cell to see the clauses behind it.</div><div id="clauses"></div></aside></main>
<script>/*PLOTLY*/</script>
<script>
"use strict";
const D = /*DATA*/;
const F = /*FIGURES*/;
const SHOWN = 200;
let picked = null;  // what a click chose: {label, test(i)}
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const hasTheme = (i, k) => D.labels[i].includes(k);
D.themes.forEach((t, k) => $("theme").add(new Option(D.names[t] + " (" + t + ")", k)));
D.issuers.forEach((v, k) => $("issuer").add(new Option(v, k)));

function pick(kind, key, theme) {
  const k = D.themes.indexOf(theme);
  const tests = {
    lang: (i) => D.lang[i] === key,
    issuer: (i) => D.issuer[i] >= 0 && D.issuers[D.issuer[i]] === key,
    year: (i) => String(D.year[i]) === key,
    doc: (i) => D.docs[D.doc[i]] === key,
    theme: (i) => hasTheme(i, D.themes.indexOf(key)),
  };
  const label = kind === "theme" ? `themes ${key} and ${theme}` : `${kind} ${key}, theme ${theme}`;
  picked = {label: label, test: (i) => tests[kind](i) && hasTheme(i, k)};
  render();
}

function render() {
  const query = $("search").value.trim().toLowerCase();
  const theme = $("theme").value === "" ? -1 : Number($("theme").value);
  const issuer = $("issuer").value === "" ? -1 : Number($("issuer").value);
  const hits = [];
  for (let i = 0; i < D.text.length; i++) {
    if (picked && !picked.test(i)) continue;
    if (theme >= 0 && !hasTheme(i, theme)) continue;
    if (issuer >= 0 && D.issuer[i] !== issuer) continue;
    if (query && !D.text[i].toLowerCase().includes(query)) continue;
    hits.push(i);
  }
  const filters = [picked && picked.label, query && `text “${query}”`, theme >= 0 && `theme ${D.themes[theme]}`,
                   issuer >= 0 && `issuer ${D.issuers[issuer]}`].filter(Boolean);
  $("filter").innerHTML = `<b>${hits.length}</b> clauses` + (filters.length ? ": " + esc(filters.join("; ")) : "")
    + (hits.length > SHOWN ? ` (the first ${SHOWN} shown)` : "")
    + (picked ? ' <a href="#" id="clear">clear</a>' : "");
  if (picked) $("clear").onclick = (e) => { e.preventDefault(); picked = null; render(); };
  $("clauses").innerHTML = hits.slice(0, SHOWN).map(clauseHtml).join("");
}

function clauseHtml(i) {
  const themes = D.labels[i].map((k) => {
    const t = D.themes[k];
    const score = D.scores ? " " + D.scores[i][k].toFixed(2) : "";
    const terms = D.terms && D.terms[i][t] ? ` <span class="terms">← ${esc(D.terms[i][t])}</span>` : "";
    return `<span class="theme on">${esc(t)}${score}${terms}</span>`;
  });
  if (D.scores) {  // the nearest misses, so a reader sees what was almost given
    D.scores[i].map((s, k) => [s, k]).filter(([s, k]) => !D.labels[i].includes(k) && s >= 0.25)
      .sort((a, b) => b[0] - a[0]).slice(0, 2)
      .forEach(([s, k]) => themes.push(`<span class="theme">${esc(D.themes[k])} ${s.toFixed(2)}</span>`));
  }
  const issuer = D.issuer[i] >= 0 ? D.issuers[D.issuer[i]] + " · " : "";
  return `<div class="clause"><div class="text" lang="${esc(D.lang[i])}">${esc(D.text[i])}</div>`
    + `<div class="meta">${esc(issuer)}${esc(D.docs[D.doc[i]])}${D.year[i] ? " · " + D.year[i] : ""}</div>`
    + `<div>${themes.join("") || '<span class="theme">no theme</span>'}</div></div>`;
}

const config = {displaylogo: false, responsive: true};
function draw(id) {  // one figure, and what a click on it lists
  const div = $(id), fig = F[id];
  fig.layout.font = {family: getComputedStyle(document.body).fontFamily};
  Plotly.newPlot(div, fig.data, fig.layout, config);
  div.on("plotly_click", (event) => {  // a heatmap cell's row (pointNumber [row, column]) or a bar's trace
    const p = event.points[0];
    pick(fig.kind, Array.isArray(p.pointNumber) ? fig.keys[p.pointNumber[0]] : p.data.customdata[p.pointNumber], p.x);
  });
  div.dataset.drawn = "1";
}
// the first two figures now, the others as they scroll into view: the page is usable at once
const later = new IntersectionObserver((entries) => entries.forEach((e) => {
  if (e.isIntersecting) { later.unobserve(e.target); draw(e.target.id); }
}), {rootMargin: "400px"});
Object.keys(F).filter((id) => $(id)).forEach((id, i) => {
  $(id).style.minHeight = F[id].layout.height + "px";
  if (i < 2) draw(id); else later.observe($(id));
});
$("search").addEventListener("input", render);
for (const id of ["theme", "issuer"]) $(id).addEventListener("change", render);
render();
document.body.dataset.ready = "1";
</script></body></html>
"""
