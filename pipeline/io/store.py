"""Model files that are data, not code: ``model.json`` (the card and the model's plain values)
and ``model.npz`` (its arrays).

``models/<name>/model.json`` holds the card (themes, thresholds, taxonomy version, training
sources and licences, data hash, library versions, evaluation figures) and the classifier's
state from :meth:`ThemeClassifier.get_state <pipeline.themes.model.ThemeClassifier.get_state>`:
its parameters, its taxonomy with the cue terms it was trained with, and, for each array, the
name it has in ``model.npz``. The arrays are numbers and fixed-width strings, read with
``numpy.load(allow_pickle=False)``; the SHA-256 of ``model.npz`` is in the card. Reading either
file is parsing, never running code: a file in the old pickle format (``model.joblib``) is
refused, with how to retrain, and never opened.

:func:`read_card` reads the card alone; :func:`load_model` checks the checksum and the taxonomy
and rebuilds the classifier. ``MODEL_CARD.md`` beside them is the card for people (Hugging Face
model-card format, rendered from the card by :func:`render_card`).
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import warnings
from datetime import date
from importlib.metadata import version
from pathlib import Path

import numpy as np

from pipeline import config
from pipeline.themes.taxonomy import load_taxonomy

FORMAT = "govthemes-model/4"  # 3: a joblib pickle (refused: loading it could run code); 4: JSON + npz
CARD_FILE, ARRAYS_FILE = "model.json", "model.npz"
LIBRARIES = ("scikit-learn", "numpy", "scipy", "opencc")
RETRAIN = "retrain it with `make train` (or `govthemes train -o FOLDER`)"


class ModelError(Exception):
    """A model file that cannot be used, and why."""


class TaxonomyWarning(UserWarning):
    """A model made with another version of the taxonomy (it keeps its own cue terms)."""


def library_versions() -> dict:
    """Versions of the libraries that made the model (recorded for the reader, not checked)."""
    versions = {name: version(name) for name in LIBRARIES}
    versions["python"] = platform.python_version()
    versions["govthemes"] = version("govthemes")
    return versions


def _split_arrays(value, path: str, arrays: dict):
    """``value`` with every NumPy array replaced by ``{"npz": name}`` (the array goes to ``arrays``)."""
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError(f"{path}: an array of Python objects cannot be stored as data")
        arrays[path] = value
        return {"npz": path}
    if isinstance(value, dict):
        return {k: _split_arrays(v, f"{path}/{k}" if path else k, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_split_arrays(v, f"{path}/{i}", arrays) for i, v in enumerate(value)]
    return value


def _join_arrays(value, arrays):
    if isinstance(value, dict):
        if set(value) == {"npz"}:
            return arrays[value["npz"]]
        return {k: _join_arrays(v, arrays) for k, v in value.items()}
    if isinstance(value, list):
        return [_join_arrays(v, arrays) for v in value]
    return value


MODEL_DESCRIPTION = (
    "Theme classifier of govthemes: TF-IDF (words, characters) and cue-term features of folded text (lower "
    "case, Chinese in Simplified characters), one logistic regression per theme, probabilities calibrated and "
    "thresholds tuned on out-of-fold scores of grouped cross-validation.")


def training_summary(files, texts: list[str], labels: list[list[str]], sources: list[str], text_keys=()) -> dict:
    """The card's account of the training data: clause count, a digest of texts and labels, each
    source file with its clauses and licence, and ``text_keys`` (the clauses' keys, for
    ``govthemes evaluate --previous``)."""
    digest = hashlib.sha256("\n".join(f"{t}\t{','.join(ls)}" for t, ls in zip(texts, labels, strict=True))
                            .encode()).hexdigest()
    return {"clauses": len(texts), "sha256": digest, "text_keys": sorted(text_keys),
            "sources": [{"path": str(f), "clauses": sources.count(str(f)), "licence": config.licence_of(f)}
                        for f in files]}


def save_model(model, directory: str | Path, card: dict) -> Path:
    """Write ``model`` and its ``card`` to ``directory`` (``model.json``, ``model.npz``,
    ``MODEL_CARD.md``); returns the path of ``model.json``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict = {}
    state = _split_arrays(model.get_state(), "", arrays)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    payload = buffer.getvalue()
    card = {
        "format": FORMAT,
        "created": date.today().isoformat(),
        "libraries": library_versions(),
        "taxonomy_version": model.taxonomy_.version,
        "themes": list(model.classes_),
        "thresholds": {t: round(float(x), 4) for t, x in zip(model.classes_, model.thresholds_, strict=True)},
        "params": state["params"],
        **card,
        "arrays_sha256": hashlib.sha256(payload).hexdigest(),
    }
    (directory / ARRAYS_FILE).write_bytes(payload)
    path = directory / CARD_FILE
    path.write_text(json.dumps({**card, "model": state}, ensure_ascii=False), encoding="utf-8")
    (directory / "MODEL_CARD.md").write_text(render_card(card), encoding="utf-8")
    return path


def _card_path(path: Path) -> Path:
    """The ``model.json`` a path names; an old pickle file is refused here, unopened."""
    if path.is_dir():
        if not (path / CARD_FILE).exists() and (path / "model.joblib").exists():
            path = path / "model.joblib"
        else:
            path = path / CARD_FILE
    if path.suffix in (".joblib", ".pkl", ".pickle"):
        raise ModelError(f"{path}: a model file of an old format (a pickle, which govthemes no longer opens: "
                         f"loading one can run any code it carries); {RETRAIN}")
    return path


def read_card(path: str | Path) -> dict:
    """The card of a model folder (or its ``model.json``), without loading the classifier."""
    card = _read_json(_card_path(Path(path)))
    card.pop("model", None)
    return card


def _read_json(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(f"{path}: no model file there (train one with `govthemes train`)") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ModelError(f"{path}: not a readable model file ({type(err).__name__}); it may be corrupted") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ModelError(f"{path}: not a readable model file (invalid JSON: {err.msg}); it may be corrupted") from None
    found = data.get("format") if isinstance(data, dict) else None
    if not isinstance(found, str) or not found.startswith("govthemes-model/"):
        raise ModelError(f"{path}: not a govthemes model file (expected format {FORMAT})")
    if found != FORMAT:
        raise ModelError(f"{path}: a model of format {found}, from another version of govthemes (this one reads "
                         f"{FORMAT}); {RETRAIN}")
    return data


def load_model(path: str | Path):
    """The classifier stored in a model folder (or at its ``model.json``), after checking it.

    Refused with :class:`ModelError`: a missing, corrupted or old-format file, arrays whose
    checksum does not match the card, a model whose themes are not the package taxonomy's.
    A model of another taxonomy *version* with the same themes loads (it counts the cue terms
    it was trained with) and a :class:`TaxonomyWarning` says so.
    """
    from pipeline.themes.model import ThemeClassifier

    where = _card_path(Path(path))
    data = _read_json(where)
    arrays_path = where.with_name(ARRAYS_FILE)
    try:
        payload = arrays_path.read_bytes()
    except OSError:
        raise ModelError(f"{arrays_path}: missing or unreadable (a model is {CARD_FILE} and {ARRAYS_FILE}); "
                         f"{RETRAIN}") from None
    if hashlib.sha256(payload).hexdigest() != data.get("arrays_sha256"):
        raise ModelError(f"{arrays_path}: checksum mismatch with {where.name}: the files are corrupted or do not "
                         f"belong together; {RETRAIN}")
    package = load_taxonomy()
    if data["themes"] != package.ids:
        raise ModelError(f"{where}: made for the themes of taxonomy {data['taxonomy_version']} {data['themes']}, "
                         f"but this taxonomy ({package.version}) has {package.ids}; {RETRAIN}")
    if data["taxonomy_version"] != package.version:
        warnings.warn(f"{where}: made with taxonomy version {data['taxonomy_version']}, the package's is "
                      f"{package.version}: the model keeps the cue terms it was trained with; retrain it to use "
                      "the new ones", TaxonomyWarning, stacklevel=2)
    try:
        with np.load(io.BytesIO(payload), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        model = ThemeClassifier.from_state(_join_arrays(data["model"], arrays))
    except (KeyError, ValueError, TypeError) as err:
        raise ModelError(f"{where}: the model's data do not fit together ({type(err).__name__}: {err}); "
                         f"{RETRAIN}") from None
    data.pop("model")
    model.card_ = data
    return model


def _dataset_name(path: str) -> str:
    """A training file's data set: the shared corpus it is in, else its file name without suffix."""
    parts = Path(path).parts
    return parts[parts.index("corpora") + 1] if "corpora" in parts[:-1] else Path(path).stem


def _results(card: dict) -> list[tuple[str, str, str, dict]]:
    """``(dataset, description, language, figures)`` for every evaluation in the card:
    the new-source tests first, then the grouped cross-validation."""
    evaluation = card.get("evaluation") or {}
    tests = [(corpus, f"{corpus}, new-source test (trained on everything else)", e)
             for corpus, e in evaluation.get("new_source", {}).items()]
    if "cross_validation" in evaluation:
        tests.append(("all", "all training data, grouped 5-fold cross-validation", evaluation["cross_validation"]))
    return [(name, text, lang, figures) for name, text, e in tests
            for lang, figures in e["summary"]["model"].items() if lang in ("en", "zh")]


def render_card(card: dict) -> str:
    """The model card for people, in the Hugging Face format: YAML front matter (languages,
    licence, data sets, metrics per language with the new-source figures) and Markdown, all
    from ``card``."""
    q = json.dumps  # a JSON string is a YAML scalar
    sources = card.get("training", {}).get("sources", [])
    licence = "cc-by-nc-4.0" if any("CC BY-NC 4.0" in s.get("licence", "") for s in sources) else "other"
    lines = ["---", "language:", "- en", "- zh", f"license: {licence}", "library_name: scikit-learn",
             "pipeline_tag: text-classification", "tags:", "- multi-label-classification", "- tf-idf",
             "- ai-governance", "datasets:"]
    lines += [f"- {q(name)}" for name in dict.fromkeys(_dataset_name(s["path"]) for s in sources)]
    lines += ["metrics:", "- f1"]
    results = _results(card)
    if results:
        lines += ["model-index:", f"- name: {q('govthemes-' + card.get('name', 'model'))}", "  results:"]
        for name, text, lang, figures in results:
            lines += ["  - task:", "      type: text-classification", "      name: Multi-label theme classification",
                      "    dataset:", f"      type: {q(name)}", f"      name: {q(f'{text}, {lang}')}",
                      f"      split: {lang}", "    metrics:"]
            lines += [f"    - type: f1\n      name: {q(label)}\n      value: {figures[key]}"
                      for key, label in (("micro_f1", "micro-F1"), ("macro_f1", "macro-F1"))]
    lines += ["---", "", f"# Model card: {card.get('name', 'govthemes model')}", "", card.get("description", ""), "",
              f"- created: {card['created']}; format {card['format']}; taxonomy {card['taxonomy_version']}",
              "- libraries: " + ", ".join(f"{k} {v}" for k, v in card["libraries"].items()),
              f"- training data: {card.get('training', {}).get('clauses', '?')} clauses, "
              f"sha256 {card.get('training', {}).get('sha256', '?')[:16]}…", "",
              f"Licence: {licence} (the WAIE part of the training data is CC BY-NC 4.0).", "",
              "## Training sources", ""]
    for source in sources:
        lines.append(f"- `{source['path']}`: {source['clauses']} clauses; licence: {source.get('licence', 'see source')}")
    evaluation = card.get("evaluation")
    if evaluation:
        lines += ["", "## Evaluation", "", f"Command: `{evaluation.get('command', '')}`. Cells: micro-F1 / macro-F1 "
                  "(calibration error of the scores, where the system gives scores).", ""]
        parts = [(f"New-source test: everything else -> {c}", e) for c, e in evaluation.get("new_source", {}).items()]
        if "cross_validation" in evaluation:
            parts.append(("Grouped 5-fold cross-validation over all training data", evaluation["cross_validation"]))
        for title, e in parts:
            summary, targets = e["summary"], e["targets"]
            subsets = list(summary["model"])
            lines += [f"### {title}", "", "| system | " + " | ".join(f"{k} ({summary['model'][k]['clauses']})"
                                                                     for k in subsets) + " |",
                      "|---|" + "---|" * len(subsets)]
            for system, figures in summary.items():
                cells = [f"{f['micro_f1']:.3f} / {f['macro_f1']:.3f}"
                         + (f" ({f['calibration_error']:.3f})" if "calibration_error" in f else "")
                         for f in (figures[k] for k in subsets)]
                lines.append(f"| {system} | " + " | ".join(cells) + " |")
            margin = (f", micro-F1 >= cue-term matcher + {targets['over_cue_terms']}"
                      if "over_cue_terms" in targets else "")
            lines += ["", f"Targets: micro-F1 >= {targets['micro_f1']}, macro-F1 >= {targets['macro_f1']}{margin}, "
                      "in each language.", "",
                      "| language | micro-F1 | macro-F1 | cue-term matcher micro-F1 | met |", "|---|---|---|---|---|"]
            lines += [f"| {lang} | {r['micro_f1']} | {r['macro_f1']} | {r['cue_terms_micro_f1']} | "
                      f"{'yes' if r['met'] else 'no'} |" for lang, r in targets["languages"].items()]
            lines.append("")
    lines += ["", "## Themes and thresholds", "", "| theme | threshold |", "|---|---|"]
    lines += [f"| {t} | {x} |" for t, x in card["thresholds"].items()]
    lines += ["", "## Parameters", "", "```", json.dumps(card["params"], indent=2), "```", ""]
    return "\n".join(lines)
