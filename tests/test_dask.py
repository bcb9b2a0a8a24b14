"""The dask engine: the same rows as the local engine, written as partitioned Parquet."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.measure.bench import generate_corpus

from .conftest import RAW

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed (pip install '.[dask]')")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        yield c


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("command", ["segment", "label"])
def test_the_dask_engine_writes_the_rows_of_the_local_engine(cluster, tmp_path, command):
    corpus = tmp_path / "corpus"
    generate_corpus([RAW], corpus, 0.6, seed=3)
    for page in RAW.glob("*.txt"):  # the sample pages too, with their repeated passages
        (corpus / page.name).write_bytes(page.read_bytes())
    local = tmp_path / "local.parquet"
    run(command, corpus, "-o", local, "--workers", 1, "--no-cache")
    parts = tmp_path / "parts"
    run(command, corpus, "-o", parts, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--no-cache")
    assert len(list(parts.glob("part-*.parquet"))) > 1
    expected, got = pd.read_parquet(local), pd.read_parquet(parts)
    assert len(got) > 1000
    assert got.equals(expected)
