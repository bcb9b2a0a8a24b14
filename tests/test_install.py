"""Installable anywhere: the wheel carries the default model and themes.json, and works from any
directory, with the shared corpora found through GOVTHEMES_SHARED (``tests/installed.py``)."""

from __future__ import annotations

import json
import zipfile

import pytest

from pipeline import config
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import RAW
from .installed import install


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    return install(tmp_path_factory.getbasetemp() / "installed")


def test_the_wheel_carries_every_model_folder_and_the_taxonomy(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    model_files = {p.relative_to(config.CHECKOUT_MODELS).as_posix() for p in config.CHECKOUT_MODELS.glob("*/*")
                   if p.is_file() and not p.name.startswith("previous.")}
    assert any(name.startswith("default/") for name in model_files)
    assert {f"pipeline/models/{name}" for name in model_files} <= names
    assert {"pipeline/themes/themes.json", "pipeline/explore/assets/plotly-cartesian.min.js"} <= names
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "govthemes_themes = pipeline.spacy_components:make_theme_tagger" in \
        zipfile.ZipFile(installed.wheel).read(entry_points).decode()


def test_govthemes_label_runs_from_another_directory_with_the_packaged_model(installed, seed_rows):
    out = installed.workdir / "labelled" / "clauses.jsonl"
    installed.run("govthemes", "label", RAW, "-o", out)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # the clauses of the checkout's own job, every one tagged (most with a theme)
    assert [(r["clause_id"], r["text"]) for r in rows] == [(r["clause_id"], r["text"]) for r in seed_rows[0]]
    assert all(set(r["scores"]) == set(load_taxonomy().ids) for r in rows)
    assert sum(bool(r["labels"]) for r in rows) > len(rows) / 2


def test_the_python_api_and_the_paths_of_an_installed_package(installed, tmp_path):
    found = installed.python_json("""
import json, sys
import pipeline
from pipeline import config, label_folder, tag
from pipeline.themes.classify import DEFAULT_MODEL
clauses, documents = label_folder(sys.argv[1])
print(json.dumps({"package": pipeline.__file__, "model": str(DEFAULT_MODEL), "corpus": str(config.corpus("waie")),
                  "tag": tag(["Personal data shall be protected."])[0]["labels"],
                  "documents": len(documents), "clauses": len(clauses)}))
""", RAW)
    assert found["package"].startswith(str(installed.venv))
    assert found["model"].startswith(str(installed.venv))  # the packaged model, not the checkout's
    assert found["tag"] == ["privacy"]
    assert found["documents"] == len(list(RAW.glob("*.txt"))) and found["clauses"] > 50
    # corpora come from GOVTHEMES_SHARED when set, else ../shared of the working directory
    assert found["corpus"] == "../shared/corpora/waie"
    assert installed.python_json("import json; from pipeline import config; print(json.dumps(str(config.corpus('waie'))))",
                                 env={config.SHARED_ENV: str(tmp_path)}) == str(tmp_path / "corpora" / "waie")
