"""Shared fixtures: the repository's sample pages and, where present, the shared corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pipeline import config

# CI runs the property tests on a fixed sequence of examples (a red CI then means a real
# regression, not an unlucky draw); local runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SHARED = config.shared_dir()
STATEMENTS = config.corpus("statements")
WAIE = config.corpus("waie")


def seed(name_start: str) -> Path:
    """The sample page in data/raw whose file name starts with ``name_start``."""
    (path,) = RAW.glob(f"{name_start}*.txt")
    return path


@pytest.fixture(scope="session")
def statements_corpus() -> Path:
    if not (STATEMENTS / "gold").is_dir():
        pytest.skip(f"the shared statements corpus is not at {STATEMENTS} (clone the project beside shared/)")
    return STATEMENTS


@pytest.fixture(scope="session")
def seed_rows():
    """Clause rows of the five sample pages, as `govthemes segment` makes them."""
    from pipeline.io.read import iter_documents
    from pipeline.process import Manifest, SegmentJob

    manifest = Manifest()
    rows = list(SegmentJob().run(iter_documents([RAW]), manifest))
    return rows, manifest


def invoke(*args):
    """``govthemes *args`` in this process; the run must succeed (exit status 0)."""
    from click.testing import CliRunner

    from pipeline.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


class MarkerPayload:
    """What a hostile pickle (model file or cache entry) could carry: unpickling it creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))
