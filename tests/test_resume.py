"""Incremental and resumable runs: unchanged documents come from the cache, a killed run resumes."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys

import pandas as pd
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.io.cache import ResultCache
from pipeline.measure.bench import generate_corpus

from .conftest import RAW, ROOT


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def manifest(out):
    import json

    return json.loads(out.with_name(out.name + ".manifest.json").read_text())


def test_labelling_again_redoes_only_the_documents_that_changed(tmp_path):
    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    out = tmp_path / "clauses.parquet"
    run("label", folder, "-o", out, "--workers", 1)
    first = pd.read_parquet(out)
    assert manifest(out)["documents_from_cache"] == 0

    run("label", folder, "-o", out, "--workers", 2)
    assert manifest(out)["documents_from_cache"] == 5
    assert pd.read_parquet(out).equals(first)

    changed = next(folder.glob("002_*.txt"))
    changed.write_text(changed.read_text("utf-8") + "\nFrance and China also agree to protect personal data.\n", "utf-8")
    run("label", folder, "-o", out, "--workers", 1)
    assert manifest(out)["documents_from_cache"] == 4
    again = pd.read_parquet(out)
    assert "France and China also agree to protect personal data." in set(again["text"])
    assert again[~again["doc_id"].str.contains("002_")].reset_index(drop=True).equals(
        first[~first["doc_id"].str.contains("002_")].reset_index(drop=True))

    run("label", folder, "-o", tmp_path / "fresh.parquet", "--no-cache", "--workers", 1)
    assert pd.read_parquet(tmp_path / "fresh.parquet").equals(again)


def test_the_cache_key_changes_with_the_text_the_id_and_the_model(tmp_path):
    a = ResultCache(tmp_path / "c.sqlite", "model-a")
    b = ResultCache(tmp_path / "c.sqlite", "model-b")
    assert a.key("d", "text") == a.key("d", "text")
    assert len({a.key("d", "text"), a.key("d", "text!"), a.key("e", "text"), b.key("d", "text")}) == 4


#: A run that crashes (SIGKILL, as the OOM killer would) right after it stored its second chunk
#: of 100 documents in the cache: a fixed point of the run, whatever the speed of the machine.
CRASH_AFTER_TWO_CHUNKS = """
import os, signal, sys
from pipeline.cli import main
from pipeline.io.cache import ResultCache

store, stored = ResultCache.put_many, []
def put_many_then_crash(self, items):
    store(self, items)
    stored.append(len(items))
    if len(stored) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
ResultCache.put_many = put_many_then_crash
main(sys.argv[1:])
"""


def test_a_killed_run_resumes_without_missing_or_repeated_rows(tmp_path):
    corpus = tmp_path / "corpus"
    generate_corpus([RAW], corpus, 1.5, seed=7)
    out = tmp_path / "out" / "clauses.parquet"
    out.parent.mkdir()
    cache = out.with_name(out.name + ".cache.sqlite")
    cmd = [sys.executable, "-c", CRASH_AFTER_TWO_CHUNKS, "segment", str(corpus), "-o", str(out), "--workers", "1"]
    crashed = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert not out.exists()  # only a hidden partial file: nothing that looks finished
    stored = ResultCache(cache)
    done_before_kill = len(stored)
    stored.close()
    assert done_before_kill == 200

    run("segment", corpus, "-o", out, "--workers", 1)
    resumed = pd.read_parquet(out)
    assert manifest(out)["documents_from_cache"] == done_before_kill

    clean = tmp_path / "clean.parquet"
    run("segment", corpus, "-o", clean, "--no-cache", "--workers", 1)
    expected = pd.read_parquet(clean)
    assert len(resumed) == len(expected) and resumed.equals(expected)
    assert not resumed.duplicated(subset=["clause_id"]).any()


def test_a_run_reads_its_input_only_as_fast_as_its_workers_process_it():
    """Memory stays flat: with 2 workers and chunks of one page, the first rows come out
    after a handful of pages are read, not after the whole input (60 pages here)."""
    from dataclasses import replace

    from pipeline.io.read import iter_documents
    from pipeline.process import SegmentJob

    pages = list(iter_documents([RAW]))
    pulled, emitted, ahead = [], set(), []

    def stream():
        for i in range(60):
            pulled.append(i)
            ahead.append(len(pulled) - len(emitted))
            yield replace(pages[i % len(pages)], doc_id=f"page-{i}")

    rows = SegmentJob(workers=2, chunk_size=1, deduplicate=False).run(stream())  # every page gives rows
    first = next(rows)
    assert first["doc_id"] == "page-0"
    emitted.add(first["doc_id"])
    ahead_at_first_row = len(pulled)
    for row in rows:
        emitted.add(row["doc_id"])
    assert ahead_at_first_row <= 8
    # at every page read, at most a window of pages was read and not yet given out as rows
    assert len(pulled) == 60 and len(emitted) == 60 and max(ahead) <= 8
