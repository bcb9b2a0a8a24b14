"""Incremental and resumable runs: unchanged documents come from the cache, a killed run resumes."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time

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


def test_a_killed_run_resumes_without_missing_or_repeated_rows(tmp_path):
    corpus = tmp_path / "corpus"
    generate_corpus([RAW], corpus, 1.5, seed=7)
    out = tmp_path / "out" / "clauses.parquet"
    out.parent.mkdir()
    cache = out.with_name(out.name + ".cache.sqlite")
    cmd = [sys.executable, "-m", "pipeline.cli", "segment", str(corpus), "-o", str(out), "--workers", "1"]
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done_before_kill = 0
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        if cache.exists():
            try:
                with sqlite3.connect(cache, timeout=1) as db:
                    done_before_kill = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:
                done_before_kill = 0
            if done_before_kill >= 200:
                break
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed; make the corpus larger"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not out.exists()  # only a hidden partial file: nothing that looks finished

    run("segment", corpus, "-o", out, "--workers", 1)
    resumed = pd.read_parquet(out)
    assert manifest(out)["documents_from_cache"] >= done_before_kill >= 200

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
    pulled = []

    def stream():
        for i in range(60):
            pulled.append(i)
            yield replace(pages[i % len(pages)], doc_id=f"page-{i}")

    rows = SegmentJob(workers=2, chunk_size=1).run(stream())
    first = next(rows)
    time.sleep(0.5)  # time enough for a reader running ahead to take everything
    assert first["doc_id"] == "page-0"
    assert len(pulled) <= 8
    assert len(list(rows)) > 0 and len(pulled) == 60
