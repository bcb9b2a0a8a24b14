"""The analyst's loop: tidy tables, the annotation round trip (export, fill, import, retrain) in every
format, several annotators and their agreement, the long export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.annotate.batches import import_batch
from pipeline.annotate.formats import read_csv_batch
from pipeline.annotate.records import AnnotationError, label_matrix, load_annotations
from pipeline.cli import main
from pipeline.explore.tables import load_processed, year_of
from pipeline.io.store import save_model
from pipeline.themes.model import ThemeClassifier, compact
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import RAW, ROOT, invoke

THEMES = load_taxonomy().ids
SEEDS = ROOT / "data" / "processed" / "annotations" / "seeds.jsonl"


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
    # a document's profile: for each theme, the share of its clauses that carry it
    doc = documents.iloc[0]
    mine = clauses[clauses["doc_id"] == doc["doc_id"]]
    assert [doc[t] for t in THEMES] == pytest.approx([sum(mine[t]) / len(mine) for t in THEMES])
    assert doc["clauses"] == len(mine) and 0 < sum(doc[t] for t in THEMES)
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
    (annotations / "unrelated.csv").write_text("not,an,annotation\n1,2\n", "utf-8")  # never read by import
    first = invoke("annotate", "import", batch, "--into", into)
    assert "25 added, 0 updated, 0 unchanged" in first.output
    written = into.stat().st_mtime_ns, into.read_bytes()
    again = invoke("annotate", "import", batch, "--into", into)
    assert "0 added, 0 updated, 25 unchanged (file not rewritten)" in again.output
    assert (into.stat().st_mtime_ns, into.read_bytes()) == written
    (annotations / "unrelated.csv").unlink()
    stored = [json.loads(line) for line in into.read_text("utf-8").splitlines()]
    assert len(stored) == 25
    assert stored[0]["notes"] == "checked twice"
    assert all(s["annotated_at"].startswith("20") for s in stored)
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
        read_csv_batch(bad)
    with pytest.raises(AnnotationError):
        import_batch(bad, tmp_path / "into.jsonl")
    assert not (tmp_path / "into.jsonl").exists()


def test_evaluate_shows_the_change_from_the_previous_model_per_theme(tmp_path):
    records = [json.loads(line) for line in SEEDS.read_text("utf-8").splitlines()]
    old = tmp_path / "old.jsonl"
    new = tmp_path / "new.jsonl"
    old.write_text("".join(json.dumps(r) + "\n" for r in records if not r["doc_id"].startswith("004")), "utf-8")
    new.write_text("".join(json.dumps(r) + "\n" for r in records if r["doc_id"].startswith("004")), "utf-8")
    invoke("train", old, "-o", tmp_path / "model", "--no-evaluate")
    invoke("train", old, new, "-o", tmp_path / "model", "--no-evaluate")
    assert (tmp_path / "model" / "previous.json").exists()
    result = invoke("evaluate", old, new, "--folds", 3, "--previous", tmp_path / "model" / "previous.json",
                    "--json", tmp_path / "report.json")
    assert "change from previous to model" in result.output
    for theme in THEMES:
        assert re.search(rf"^{theme}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+[+-]\d\.\d{{3}}$", result.output, re.M)
    report = json.loads((tmp_path / "report.json").read_text())
    assert set(report["systems"]) == {"model", "cue_terms", "tfidf_svc", "previous"}


# -- the annotation tools' formats --------------------------------------------------------

def truth_of(text: str) -> list[str]:
    """The sample annotations stand in for the annotators."""
    truth = {" ".join(r["text"].split()): r["labels"] for r in map(json.loads, SEEDS.read_text("utf-8").splitlines())}
    return truth[" ".join(text.split())]


def label_studio_export(tasks: Path, out: Path) -> Path:
    """What Label Studio's JSON export holds after two users annotated every task: each task with
    its annotations (``completed_by``, ``result`` of ``choices``, times), one of them cancelled."""
    exported = []
    for n, task in enumerate(json.loads(tasks.read_text("utf-8")), 1):
        labels = truth_of(task["data"]["text"])
        annotations = []
        for user, choices in ((7, labels), (9, labels if n % 3 else labels[:-1] or ["privacy"])):
            annotations.append({
                "id": 100 * n + user, "completed_by": user, "was_cancelled": False, "ground_truth": False,
                "result": [{"value": {"choices": choices}, "id": f"r{n}", "from_name": "themes", "to_name": "text",
                            "type": "choices", "origin": "manual"}],
                "created_at": f"2026-01-0{1 + user % 5}T10:00:00.000000Z",
                "updated_at": f"2026-01-0{1 + user % 5}T10:05:00.000000Z", "lead_time": 12.5, "task": n})
        annotations.append({"id": 100 * n + 1, "completed_by": 11, "was_cancelled": True, "result": [],
                            "created_at": "2026-01-02T10:00:00Z", "task": n})
        exported.append({"id": n, "data": task["data"], "annotations": annotations, "predictions": task["predictions"],
                         "meta": {}, "created_at": "2026-01-01T09:00:00Z", "inner_id": n, "project": 3})
    out.write_text(json.dumps(exported, ensure_ascii=False), "utf-8")
    return out


def argilla_export(folder: Path, out: Path) -> Path:
    """Argilla's exported records (``dataset.records.to_json``), made by Argilla's own SDK from the
    records we wrote, with one response per record by one user."""
    rg = pytest.importorskip("argilla", reason="argilla (a dev dependency) is needed to make its export")
    records = []
    for data in json.loads((folder / "records.json").read_text("utf-8")):
        record = rg.Record.from_dict(data)
        record.responses.add(rg.Response("themes", truth_of(data["fields"]["text"]),
                                         user_id="00000000-0000-0000-0000-00000000000a"))
        records.append(record.to_dict())
    out.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    return out


def doccano_export(batch: Path, out: Path) -> Path:
    """doccano's export of a text classification project for one user (``alice.jsonl``)."""
    lines = []
    for n, line in enumerate(batch.read_text("utf-8").splitlines(), 1):
        row = json.loads(line)
        lines.append(json.dumps({"id": n, **row, "label": truth_of(row["text"]), "Comments": []}, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return out


@pytest.mark.parametrize("fmt", ["label-studio", "argilla", "doccano"])
def test_a_round_trip_through_each_tool_keeps_who_and_when_and_changes_the_model(workdir, tmp_path, fmt):
    invoke("annotate", "export", RAW, "-n", 20, "-o", tmp_path / "batch", "--format", fmt, "--model", workdir / "model",
           "--annotations", tmp_path / "none", "--workers", 1)
    if fmt == "label-studio":
        tasks = json.loads((tmp_path / "batch.json").read_text("utf-8"))
        assert len(tasks) == 20 and all(0 <= t["predictions"][0]["score"] <= 0.4 for t in tasks)
        config = (tmp_path / "batch.label_config.xml").read_text("utf-8")
        assert all(f'value="{t}"' in config for t in THEMES)
        export = label_studio_export(tmp_path / "batch.json", tmp_path / "project-3-at-2026.json")
    elif fmt == "argilla":
        records = json.loads((tmp_path / "batch.argilla" / "records.json").read_text("utf-8"))
        assert len(records) == 20
        suggestion = next(r["suggestions"]["themes"] for r in records if r["suggestions"])
        assert len(suggestion["score"]) == len(suggestion["value"])
        export = argilla_export(tmp_path / "batch.argilla", tmp_path / "records.json")
    else:
        assert len((tmp_path / "batch.jsonl").read_text("utf-8").splitlines()) == 20
        export = doccano_export(tmp_path / "batch.jsonl", tmp_path / "alice.jsonl")

    into = tmp_path / "annotations" / "imported.jsonl"
    result = invoke("annotate", "import", export, "--into", into)
    per_clause = 2 if fmt == "label-studio" else 1  # two users in the Label Studio project; cancelled skipped
    assert f"{20 * per_clause} added, 0 updated, 0 unchanged" in result.output
    assert "0 added, 0 updated" in invoke("annotate", "import", export, "--into", into).output
    stored = [json.loads(line) for line in into.read_text("utf-8").splitlines()]
    who = {"label-studio": {"7", "9"}, "argilla": {"00000000-0000-0000-0000-00000000000a"}, "doccano": {"alice"}}[fmt]
    assert {s["annotator"] for s in stored} == who
    assert all(re.match(r"\d{4}-\d\d-\d\dT", s["annotated_at"]) for s in stored)
    if fmt == "label-studio":
        assert {s["annotated_at"] for s in stored} == {"2026-01-03T10:05:00.000000Z", "2026-01-05T10:05:00.000000Z"}
        # one export holding both users is enough to measure their agreement
        assert "Cohen's kappa between 2 annotators (7, 9) on 20 clauses" in invoke("agreement", export).output
        tasks = json.loads(export.read_text("utf-8"))
        tasks[1]["annotations"][0]["result"][0]["value"]["choices"] = ["robots"]
        bad = tmp_path / "bad.json"
        bad.write_text(json.dumps(tasks), "utf-8")
        refused = CliRunner().invoke(main, ["annotate", "import", str(bad), "--into", str(tmp_path / "x.jsonl")])
        assert refused.exit_code != 0 and not (tmp_path / "x.jsonl").exists()
        assert f"{bad}: task 2, annotation 207: unknown theme id(s) ['robots']" in refused.output

    # training sees one label set per clause (the majority; a tie leaves the theme out)
    data = load_annotations([into])
    assert len(data) == 20
    for text, labels in zip(data["text"], data["labels"], strict=True):
        expected = truth_of(text)
        assert set(labels) <= set(expected) and len(labels) >= len(expected) - 1

    # retraining with them changes the model
    half = tmp_path / "half.jsonl"
    half.write_text("".join(line + "\n" for line in SEEDS.read_text("utf-8").splitlines()
                            if not json.loads(line)["doc_id"].startswith("004")), "utf-8")
    invoke("train", half, into, "-o", tmp_path / "retrained", "--no-evaluate")
    from pipeline.io.store import load_model

    before, after = load_model(workdir / "model"), load_model(tmp_path / "retrained")
    probe = list(data["text"][:10])
    assert not np.allclose(before.predict_scores(probe), after.predict_scores(probe))


def test_the_argilla_files_load_in_argillas_own_sdk(workdir, tmp_path):
    """Settings and records read by Argilla 2.x's SDK (its client needs a server: a stand-in answers
    the one call it makes when it starts, who is logged in)."""
    rg = pytest.importorskip("argilla", reason="argilla (a dev dependency) validates the files")
    import httpx

    def server(request):
        return httpx.Response(200, json={"id": "00000000-0000-0000-0000-000000000001", "username": "test",
                                         "role": "owner", "first_name": "t", "last_name": None, "api_key": "k",
                                         "inserted_at": "2026-01-01T00:00:00", "updated_at": "2026-01-01T00:00:00"})

    rg.Argilla(api_url="http://argilla.invalid", api_key="offline", mounts={"all://": httpx.MockTransport(server)})
    invoke("annotate", "export", RAW, "-n", 10, "-o", tmp_path / "batch", "--format", "argilla", "--annotators", 3,
           "--model", workdir / "model", "--annotations", tmp_path / "none", "--workers", 1)
    folder = tmp_path / "batch.argilla"
    settings = rg.Settings.from_json(folder / ".argilla" / "settings.json")
    assert settings.questions["themes"].labels == THEMES
    assert settings.distribution.min_submitted == 3
    from argilla._models import DatasetModel

    assert DatasetModel(**json.loads((folder / ".argilla" / "dataset.json").read_text("utf-8"))).name
    for data in json.loads((folder / "records.json").read_text("utf-8")):
        record = rg.Record.from_dict(data)
        assert record.fields["text"] == data["fields"]["text"]
        if data["suggestions"]:
            assert record.suggestions["themes"].value == data["suggestions"]["themes"]["value"]


def test_the_label_studio_files_pass_label_studios_own_checks(workdir, tmp_path):
    sdk = pytest.importorskip("label_studio_sdk.label_interface", reason="label-studio-sdk is not installed "
                              "(it pins numpy below the project's; run in its own venv to check)")
    invoke("annotate", "export", RAW, "-n", 10, "-o", tmp_path / "batch", "--format", "label-studio",
           "--model", workdir / "model", "--annotations", tmp_path / "none", "--workers", 1)
    interface = sdk.LabelInterface((tmp_path / "batch.label_config.xml").read_text("utf-8"))
    for task in json.loads((tmp_path / "batch.json").read_text("utf-8")):
        assert all(interface.validate_prediction(p) for p in task["predictions"])


def test_several_annotators_get_the_same_clauses(workdir, tmp_path):
    invoke("annotate", "export", RAW, "-n", 8, "-o", tmp_path / "batch.csv", "--annotators", "ann,bo",
           "--model", workdir / "model", "--annotations", tmp_path / "none", "--workers", 1)
    ann, bo = (pd.read_csv(tmp_path / f"batch.{n}.csv", dtype=str, keep_default_na=False) for n in ("ann", "bo"))
    assert list(ann["text"]) == list(bo["text"]) and len(ann) == 8
    assert set(ann["annotator"]) == {"ann"} and set(bo["annotator"]) == {"bo"}


def test_an_export_says_why_nothing_qualifies(workdir, tmp_path):
    def refused(*args):
        result = CliRunner().invoke(main, ["annotate", "export", str(RAW), "-o", str(tmp_path / "b.csv"), "--model",
                                           str(workdir / "model"), "--workers", "1", *map(str, args)])
        assert result.exit_code != 0 and not (tmp_path / "b.csv").exists()
        return result.output

    assert "102 already annotated" in refused("--annotations", SEEDS.parent)
    assert "farther than 0 from its threshold" in refused("--annotations", tmp_path / "none", "--max-margin", 0)


def test_two_printings_of_one_sentence_are_one_clause():
    from pipeline.annotate.batches import select_uncertain

    scores = dict.fromkeys(THEMES, 0.5)
    rows = [{"text": "各國應當加強人工智能安全治理。", "scores": scores},   # made-up, Traditional
            {"text": "各国应当加强人工智能安全治理。", "scores": scores},   # the same, Simplified
            {"text": "Every state should keep its promises on AI.", "scores": scores}]
    selection = select_uncertain(rows, np.full(len(THEMES), 0.45), 10)
    assert [r["text"] for r in selection.rows] == [rows[0]["text"], rows[2]["text"]]
    assert selection.duplicates == 1
    again = select_uncertain(rows, np.full(len(THEMES), 0.45), 10, exclude={"各国应当加强人工智能安全治理。"})
    assert again.annotated == 2 and len(again.rows) == 1


def test_one_label_set_per_clause_adjudicated_first_else_majority(tmp_path):
    def write(name, *records):
        path = tmp_path / name
        path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
        return path

    text = "Made-up clause: providers shall keep personal data safe."
    a = write("a.jsonl", {"text": text, "labels": ["privacy", "safety"], "annotator": "a"})
    b = write("b.jsonl", {"text": text, "labels": ["privacy"], "annotator": "b"})
    c = write("c.jsonl", {"text": text, "labels": ["privacy", "safety"], "annotator": "c"})
    assert load_annotations([a, b, c])["labels"] == [["privacy", "safety"]]   # 2 of 3
    assert load_annotations([a, b])["labels"] == [["privacy"]]               # a tie leaves safety out
    judged = write("j.jsonl", {"text": text, "labels": ["safety"], "annotator": "lead", "adjudicated": True})
    assert load_annotations([a, b, c, judged])["labels"] == [["safety"]]
    unnamed = write("u.jsonl", {"text": text, "labels": ["privacy"]})
    with pytest.raises(AnnotationError, match="with other labels.*name the annotators or adjudicate"):
        load_annotations([a, unnamed])


# -- agreement ----------------------------------------------------------------------------

def annotator_files(tmp_path, names, flip):
    """One annotated CSV per annotator over the sample clauses; annotator k flips the sample's
    answer where ``flip(k, clause, theme)``."""
    records = [json.loads(line) for line in SEEDS.read_text("utf-8").splitlines()]
    paths = []
    for k, name in enumerate(names):
        rows = []
        for i, r in enumerate(records):
            row = {"text": r["text"], "lang": r["lang"]}
            row.update({t: int((t in r["labels"]) != flip(k, i, j)) for j, t in enumerate(THEMES)})
            rows.append(row)
        path = tmp_path / f"{name}.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        paths.append(path)
    return paths, records


def test_agreement_of_two_annotators_is_cohens_kappa_per_theme_and_language(tmp_path):
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(3)
    noise = rng.random((2, 200, len(THEMES))) < 0.12
    paths, records = annotator_files(tmp_path, ["ann", "bo"], lambda k, i, j: bool(noise[k, i, j]))
    out = invoke("agreement", *paths, "--json", tmp_path / "agreement.json", "--threshold", 0.8).output
    report = json.loads((tmp_path / "agreement.json").read_text("utf-8"))
    assert report["statistic"] == "Cohen's kappa" and report["annotators"] == ["ann", "bo"]
    Y = label_matrix([r["labels"] for r in records])
    a, b = Y != noise[0, :len(records)], Y != noise[1, :len(records)]
    for lang in ("all", "en", "zh"):
        rows = [i for i, r in enumerate(records) if lang == "all" or r["lang"] == lang]
        for j, theme in enumerate(THEMES):
            expected = cohen_kappa_score(a[rows, j], b[rows, j]) if len(set(a[rows, j]) | set(b[rows, j])) > 1 else None
            got = report["figures"][lang][theme]["value"]
            assert (got is None and expected is None) or got == pytest.approx(expected, abs=1e-4), (lang, theme)
        pooled = cohen_kappa_score(a[rows].ravel(), b[rows].ravel())
        assert report["figures"][lang]["all themes"]["value"] == pytest.approx(pooled, abs=1e-4)
    flagged = [t for t in THEMES if (report["figures"]["all"][t]["value"] or 0) < 0.8]
    assert report["low"] == flagged and f"themes under 0.8: {', '.join(flagged)}" in out
    assert len(report["disagreements"]) == int((a != b).sum())


def test_agreement_of_three_annotators_is_krippendorffs_alpha(tmp_path):
    krippendorff = pytest.importorskip("krippendorff", reason="krippendorff (a dev dependency) is the reference")
    rng = np.random.default_rng(5)
    noise = rng.random((3, 200, len(THEMES))) < 0.1
    paths, records = annotator_files(tmp_path, ["ann", "bo", "cy"], lambda k, i, j: bool(noise[k, i, j]))
    # one file holding every annotator: the same figures as one file per annotator
    together = pd.concat([pd.read_csv(p).assign(annotator=p.stem) for p in paths])
    together.to_csv(tmp_path / "all.csv", index=False)
    invoke("agreement", tmp_path / "all.csv", "--json", tmp_path / "agreement.json")
    report = json.loads((tmp_path / "agreement.json").read_text("utf-8"))
    assert report["statistic"] == "Krippendorff's alpha" and report["annotators"] == ["ann", "bo", "cy"]
    Y = label_matrix([r["labels"] for r in records])
    data = np.stack([(Y != noise[k, :len(records)]).astype(float) for k in range(3)])
    data[0, :10] = np.nan  # the figures take missing annotations too
    for j, theme in enumerate(THEMES):
        expected = krippendorff.alpha(reliability_data=np.stack([(Y != noise[k, :len(records)])[:, j] for k in range(3)])
                                      .astype(float), level_of_measurement="nominal")
        assert report["figures"]["all"][theme]["value"] == pytest.approx(expected, abs=1e-4)
    from pipeline.annotate.agreement import krippendorff_alpha

    for j in range(len(THEMES)):
        assert krippendorff_alpha(data[:, :, j]) == pytest.approx(
            krippendorff.alpha(reliability_data=data[:, :, j], level_of_measurement="nominal"))


# -- the long export ----------------------------------------------------------------------

def test_the_long_export_has_one_row_per_clause_and_theme(workdir, tmp_path):
    invoke("export-long", workdir / "clauses.parquet", "-o", tmp_path / "long.csv")
    long = pd.read_csv(tmp_path / "long.csv")
    clauses, _ = load_processed(workdir / "clauses.parquet")
    assert len(long) == len(clauses) * len(THEMES)
    assert list(long["theme"][: len(THEMES)]) == THEMES
    wide = clauses.set_index("clause_id")
    for row in long.sample(50, random_state=0).itertuples():
        assert row.label == int(wide.loc[row.clause_id, row.theme])
        assert row.score == pytest.approx(wide.loc[row.clause_id, f"score_{row.theme}"], abs=1e-6)
