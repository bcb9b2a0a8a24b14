"""Model files: one joblib file that carries the fitted classifier and its model card.

``models/<name>/model.joblib`` holds a plain dict: the card (metadata: themes, thresholds,
training sources and licences, data hash, library versions, evaluation figures) and the
pickled classifier as bytes with their SHA-256. :func:`load_model` reads the card first and
refuses, with a message that says why, a file whose checksum does not match (corrupted), whose
themes differ from the taxonomy, or that was made with other versions of the libraries that
pickle it. ``MODEL_CARD.md`` beside it is the same card for people.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from datetime import date
from importlib.metadata import version
from pathlib import Path

import joblib

from pipeline.themes.taxonomy import load_taxonomy

FORMAT = "govthemes-model/3"  # 2: stacked weights, NumPy feature vocabularies; 3: features of folded text
PICKLE_LIBRARIES = ("scikit-learn", "numpy", "scipy", "joblib")


class ModelError(Exception):
    """A model file that cannot be used, and why."""


def library_versions() -> dict:
    versions = {name: version(name) for name in PICKLE_LIBRARIES}
    versions["opencc"] = version("opencc")  # recorded, not checked: it only folds Chinese script
    versions["python"] = platform.python_version()
    versions["govthemes"] = version("govthemes")
    return versions


def _minor(v: str) -> str:
    return ".".join(v.split(".")[:2])


def save_model(model, directory: str | Path, card: dict) -> Path:
    """Write ``model`` and its ``card`` to ``directory/model.joblib`` (+ ``MODEL_CARD.md``)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    payload = buffer.getvalue()
    card = {
        "format": FORMAT,
        "created": date.today().isoformat(),
        "libraries": library_versions(),
        "taxonomy_version": load_taxonomy().version,
        "themes": list(model.themes_),
        "thresholds": {t: round(float(x), 4) for t, x in zip(model.themes_, model.thresholds_, strict=True)},
        "params": model.get_params(),
        **card,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    path = directory / "model.joblib"
    joblib.dump({"card": card, "payload": payload}, path)
    (directory / "MODEL_CARD.md").write_text(render_card(card), encoding="utf-8")
    return path


def read_card(path: str | Path) -> dict:
    """The card of a model file (or folder), without loading the classifier."""
    path = Path(path)
    if path.is_dir():
        path = path / "model.joblib"
    try:
        data = joblib.load(path)
    except FileNotFoundError:
        raise ModelError(f"{path}: no model file there (train one with `govthemes train`)") from None
    except Exception as err:  # a truncated or overwritten file fails in many ways
        raise ModelError(f"{path}: not a readable model file ({type(err).__name__}: {err}); it may be corrupted") from None
    found = data.get("card", {}).get("format") if isinstance(data, dict) else None
    if not isinstance(found, str) or not found.startswith("govthemes-model/"):
        raise ModelError(f"{path}: not a govthemes model file (expected format {FORMAT})")
    if found != FORMAT:
        raise ModelError(f"{path}: a model of format {found}, from another version of govthemes (this one reads "
                         f"{FORMAT}); retrain it with `make train`")
    return {**data["card"], "_payload": data["payload"], "_path": str(path)}


def load_model(path: str | Path, check_versions: bool = True):
    """The classifier stored at ``path`` (file or folder), after checking it can be trusted."""
    card = read_card(path)
    payload, where = card.pop("_payload"), card.pop("_path")
    if hashlib.sha256(payload).hexdigest() != card["payload_sha256"]:
        raise ModelError(f"{where}: checksum mismatch: the file is corrupted; retrain it with `make train`")
    themes = load_taxonomy().ids
    if card["themes"] != themes:
        raise ModelError(f"{where}: trained for themes {card['themes']}, but the taxonomy has {themes}; retrain it")
    if check_versions:
        current = library_versions()
        stale = [f"{lib} {card['libraries'].get(lib)} (installed: {current[lib]})" for lib in PICKLE_LIBRARIES
                 if _minor(card["libraries"].get(lib, "?")) != _minor(current[lib])]
        if stale:
            raise ModelError(f"{where}: made with other library versions: {', '.join(stale)}; "
                             "retrain it with `make train`, or install those versions")
    model = joblib.load(io.BytesIO(payload))
    model.card_ = card
    return model


def render_card(card: dict) -> str:
    """The model card as Markdown."""
    lines = [f"# Model card: {card.get('name', 'govthemes model')}", "",
             card.get("description", ""), "",
             f"- created: {card['created']}; format {card['format']}; taxonomy {card['taxonomy_version']}",
             "- libraries: " + ", ".join(f"{k} {v}" for k, v in card["libraries"].items()),
             f"- training data: {card.get('training', {}).get('clauses', '?')} clauses, "
             f"sha256 {card.get('training', {}).get('sha256', '?')[:16]}…", "", "## Training sources", ""]
    for source in card.get("training", {}).get("sources", []):
        lines.append(f"- `{source['path']}`: {source['clauses']} clauses; licence: {source.get('licence', 'see source')}")
    lines += ["", "## Themes and thresholds", "", "| theme | threshold |", "|---|---|"]
    lines += [f"| {t} | {x} |" for t, x in card["thresholds"].items()]
    evaluation = card.get("evaluation")
    if evaluation:
        lines += ["", "## Evaluation", "", f"Command: `{evaluation.get('command', '')}`", "",
                  "```", json.dumps(evaluation.get("summary", {}), indent=2), "```"]
        targets = evaluation.get("targets")
        if targets:
            lines += ["", f"Targets: micro-F1 >= {targets['micro_f1']}, macro-F1 >= {targets['macro_f1']}, micro-F1 "
                      f">= cue-term matcher + {targets['over_cue_terms']}, in each language.", "",
                      "| language | micro-F1 | macro-F1 | cue-term matcher micro-F1 | met |", "|---|---|---|---|---|"]
            lines += [f"| {lang} | {r['micro_f1']} | {r['macro_f1']} | {r['cue_terms_micro_f1']} | "
                      f"{'yes' if r['met'] else 'no'} |" for lang, r in targets["languages"].items()]
    lines += ["", "## Parameters", "", "```", json.dumps(card["params"], indent=2), "```", ""]
    return "\n".join(lines)
