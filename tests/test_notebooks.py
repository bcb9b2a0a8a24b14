"""The notebooks run top to bottom on the sample data, so a broken notebook fails the suite."""

from __future__ import annotations

import warnings

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def shows_figures(text: str, images: int) -> None:
    assert images >= 6


def shows_the_annotation_loop(text: str, images: int) -> None:
    assert "20 added" in text and "0 added, 0 updated, 20 unchanged" in text and "micro-F1" in text


def shows_every_api_call(text: str, images: int) -> None:
    assert "spans removed" in text and "['Developers shall protect personal data." in text  # read_page, clean_text
    assert "'privacy'" in text and "'safety'" in text  # tag, on an English and a Chinese clause
    assert "same clauses and themes: True" in text  # label_folder, then load_processed


#: What each notebook must show; a notebook without an entry fails (its results would go unchecked).
CHECKS = {"01-explore-themes.ipynb": shows_figures, "02-annotate-and-retrain.ipynb": shows_the_annotation_loop,
          "03-python-api.ipynb": shows_every_api_call}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_results(path):
    assert path.name in CHECKS, f"{path.name}: say in CHECKS what it must show"
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        f"{path.name} is committed with outputs; clear them"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in outputs if o.get("output_type") == "error"]
    assert not errors
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)
    CHECKS[path.name](text, sum("image/png" in o.get("data", {}) for o in outputs))
