"""The notebooks run top to bottom on the sample data, so a broken notebook fails the suite."""

from __future__ import annotations

import warnings

import nbformat
import pytest
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_shows_its_results(path):
    notebook = nbformat.read(path, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        f"{path.name} is committed with outputs; clear them"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    if path.name.startswith("01"):
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 6
    else:
        text = "".join(o.get("text", "") for o in outputs)
        assert "20 added" in text and "0 added, 0 updated, 20 unchanged" in text and "micro-F1" in text


def test_there_are_the_two_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-explore-themes.ipynb", "02-annotate-and-retrain.ipynb"]
