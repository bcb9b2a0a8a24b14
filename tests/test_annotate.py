"""The analyst's loop: tidy tables, and the annotation round trip (export, fill, import, retrain)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.annotate.batches import import_batch, read_batch
from pipeline.annotate.records import AnnotationError, label_matrix, load_annotations
from pipeline.cli import main
from pipeline.explore.tables import load_processed, year_of
from pipeline.io.store import save_model
from pipeline.themes.model import ThemeClassifier, compact
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import RAW, ROOT

THEMES = load_taxonomy().ids
SEEDS = ROOT / "data" / "processed" / "annotations" / "seeds.jsonl"


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A model trained on half of the sample annotations, and the sample pages labelled with it."""
    root = tmp_path_factory.mktemp("loop")
    ds = load_annotations([SEEDS])
    half = [i for i, d in enumerate(ds["doc_id"]) if not d.startswith("004")]
    model = ThemeClassifier(threshold_folds=0).fit([ds["text"][i] for i in half], label_matrix([ds["labels"][i] for i in half]))
    save_model(compact(model), root / "model", {"name": "half"})
    invoke("label", RAW, "-o", root / "clauses.parquet", "--model", root / "model", "--workers", 1)
    return root


def test_tidy_tables_have_a_column_per_theme_and_a_profile_per_document(workdir):
    clauses, documents = load_processed(workdir / "clauses.parquet")
    assert len(clauses) >= 90 and set(THEMES) <= set(clauses.columns)
    assert {f"score_{t}" for t in THEMES} <= set(clauses.columns)
    assert clauses[THEMES].dtypes.eq(bool).all()
    assert len(documents) == 5 and documents["clauses"].sum() == len(clauses)
    assert ((documents[THEMES] >= 0) & (documents[THEMES] <= 1)).all().all()
    zh = documents[documents["lang"] == "zh"].iloc[0]
    assert zh["year"] == 2024 and zh["source"] == "新華網"
    assert year_of("2024-05-07") == 2024 and year_of("2019") == 2019 and year_of(None) is None
    assert year_of("May 7, 2024") == 2024 and year_of("2024年5月6日") == 2024 and year_of("7月4日") is None


def test_the_round_trip_adds_annotations_loses_nothing_and_changes_the_model(workdir):
    batch = workdir / "batch.csv"
    annotations = workdir / "annotations"
    annotations.mkdir()
    invoke("annotate", "export", RAW, "-n", 25, "-o", batch, "--model", workdir / "model",
           "--annotations", annotations, "--workers", 1)
    exported = pd.read_csv(batch, dtype=str, keep_default_na=False)
    assert len(exported) == 25 and (workdir / "batch.jsonl").exists()
    assert len(set(exported["text"])) == 25
    # a person fills it in: the sample annotations are the answers
    truth = {" ".join(r["text"].split()): r["labels"] for r in map(json.loads, SEEDS.read_text("utf-8").splitlines())}
    for i, text in enumerate(exported["text"]):
        for theme in THEMES:
            exported.loc[i, theme] = "1" if theme in truth[" ".join(text.split())] else "0"
    exported.loc[0, "notes"] = "checked twice"
    exported.to_csv(batch, index=False)

    into = annotations / "imported.jsonl"
    first = invoke("annotate", "import", batch, "--into", into)
    assert "25 added, 0 updated, 0 unchanged" in first.output
    again = invoke("annotate", "import", batch, "--into", into)
    assert "0 added, 0 updated, 25 unchanged" in again.output
    stored = [json.loads(line) for line in into.read_text("utf-8").splitlines()]
    assert len(stored) == 25
    assert stored[0]["notes"] == "checked twice"
    assert all(set(s["labels"]) == set(truth[" ".join(s["text"].split())]) for s in stored)

    # nothing already exported is offered again
    invoke("annotate", "export", RAW, "-n", 200, "-o", workdir / "batch2.csv", "--model", workdir / "model",
           "--annotations", annotations, "--workers", 1)
    second = pd.read_csv(workdir / "batch2.csv", dtype=str, keep_default_na=False)
    assert not set(second["text"]) & set(exported["text"])

    # retraining with the new annotations changes the model
    invoke("train", SEEDS, into, "-o", workdir / "retrained", "--no-evaluate")
    from pipeline.io.store import load_model

    before, after = load_model(workdir / "model"), load_model(workdir / "retrained")
    probe = list(exported["text"][:10])
    assert not np.allclose(before.predict_scores(probe), after.predict_scores(probe))
    assert after.card_["training"]["clauses"] == len({" ".join(t.split()) for t in load_annotations([SEEDS, into])["text"]})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(robots="0"), r"unknown theme column\(s\) \['robots'\]"),
        (lambda f: f.assign(text=f["text"] + " (edited)"), "the text was edited after export"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), "is already on line 2"),
        (lambda f: f.assign(privacy="yes"), "column privacy: 'yes' is not 0 or 1"),
    ],
)
def test_a_bad_batch_is_refused_with_its_file_and_row(workdir, tmp_path, change, message):
    source = workdir / "batch.csv"
    if not source.exists():
        invoke("annotate", "export", RAW, "-n", 5, "-o", source, "--model", workdir / "model",
               "--annotations", tmp_path, "--workers", 1)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False).head(3)
    bad = tmp_path / "bad.csv"
    change(frame).to_csv(bad, index=False)
    with pytest.raises(AnnotationError, match=message):
        read_batch(bad)
    with pytest.raises(AnnotationError):
        import_batch(bad, tmp_path / "into.jsonl")
    assert not (tmp_path / "into.jsonl").exists()


def test_the_report_has_the_summary_the_themes_the_model_and_the_plots(workdir):
    out = workdir / "report" / "report.html"
    invoke("report", workdir / "clauses.parquet", "-o", out, "--model", workdir / "model")
    page = out.read_text(encoding="utf-8")
    for heading in ("<h2>Corpus</h2>", "<h2>Themes</h2>", "<h2>The model</h2>"):
        assert heading in page
    images = sorted((workdir / "report" / "report_files").glob("*.png"))
    assert len(images) == 6 and all(p.stat().st_size > 10_000 for p in images)
    assert all(f"report_files/{p.name}" in page for p in images)


def test_evaluate_shows_the_change_from_the_previous_model_per_theme(tmp_path):
    records = [json.loads(line) for line in SEEDS.read_text("utf-8").splitlines()]
    old = tmp_path / "old.jsonl"
    new = tmp_path / "new.jsonl"
    old.write_text("".join(json.dumps(r) + "\n" for r in records if not r["doc_id"].startswith("004")), "utf-8")
    new.write_text("".join(json.dumps(r) + "\n" for r in records if r["doc_id"].startswith("004")), "utf-8")
    invoke("train", old, "-o", tmp_path / "model", "--no-evaluate")
    invoke("train", old, new, "-o", tmp_path / "model", "--no-evaluate")
    assert (tmp_path / "model" / "previous.joblib").exists()
    result = invoke("evaluate", old, new, "--folds", 3, "--previous", tmp_path / "model" / "previous.joblib",
                    "--json", tmp_path / "report.json")
    assert "change from previous to model" in result.output
    for theme in THEMES:
        assert re.search(rf"^{theme}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+[+-]\d\.\d{{3}}$", result.output, re.M)
    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["systems"]) == {"model", "cue_terms", "tfidf_svc", "previous"}
