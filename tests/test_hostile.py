"""Hostile input: every bad input isolated to itself, outputs that cannot hurt inputs, one-line errors.

Each test generates its own files (made-up text); the CLI runs in-process where it can and in a
subprocess where the test needs a real stdout or environment. What is asserted throughout: no
traceback, the documented exit status, every input either in the output or in the manifest's
skipped list with a reason, and input files unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.io.cache import ResultCache
from pipeline.io.output import read_rows
from pipeline.io.read import RawDocument, Skipped, read_file
from pipeline.text.clean import Cleaner
from pipeline.text.repair import repair_line

from .conftest import RAW, ROOT, MarkerPayload

GOOD = "The parties agree to protect personal data.\nThey shall promote transparency in every system.\n"
PYTHONPATH = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
# CI runs a fixed set of examples (a landing never depends on the luck of the draw); a local run
# draws new ones each time, and Hypothesis keeps every failure it finds as an example to replay.
FUZZ = settings(max_examples=25 if os.environ.get("CI") else 40, deadline=None, derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def invoke(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def cli(*args, **kwargs):
    """The command line in a subprocess (a real stdout; the environment of ``kwargs``)."""
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, **kwargs.pop("env", {})}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, **kwargs)


def digests(folder: Path) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def manifest(out: Path) -> dict:
    return json.loads(out.with_name(out.name + ".manifest.json").read_text("utf-8"))


def accounted(folder: Path, rows: list[dict], skipped: list[dict]) -> None:
    """Every input page is in the output (as a doc_id) or skipped with a reason; tables are
    checked row by row by the tests themselves."""
    assert all(s["reason"] for s in skipped)
    places = [s["path"] for s in skipped] + sorted({str(r["doc_id"]) for r in rows})
    for path in folder.rglob("*"):
        if path.is_file():
            shown = os.fsencode(path.relative_to(folder.parent)).decode("utf-8", "backslashreplace")
            assert any(shown in place for place in places) or path.suffix in (".jsonl", ".csv", ".parquet"), shown


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """A folder of good pages next to every kind of bad one."""
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(GOOD, "utf-8")
    (folder / "sub" / "also-good.md").write_text("France and China will cooperate on AI safety.\n", "utf-8")
    # one paragraph over spaCy's 1,000,000-character limit, and 40,000 short lines in one passage
    (folder / "paragraph.txt").write_text("We shall protect privacy and promote fairness in all systems " * 17_000
                                          + "to the end.\n", "utf-8")
    (folder / "lines.txt").write_text("every item is kept here, and\n" * 40_000 + "the end.\n",
                                      "utf-8")
    (folder / "malformed.html").write_bytes(
        b"<html><body><p>We <b>shall</b> protect data &#xZZZ; and promote trust.<p>An unclosed paragraph says the"
        b" parties agree to cooperate.\n<b>A bold line inside it goes on</b> to the end.</body></html>")
    (folder / "cells.csv").write_bytes(b'id,text\r\ncell,"The first line of the cell is here.\r\nThe second line'
                                       b' of the cell.\r\nThe third line."\r\n')
    (folder / "types.jsonl").write_text('{"id": "n", "text": 42}\n{"id": "l", "text": ["a"]}\n{"id": "o", "text":'
                                        ' {"a": 1}}\n{"id": "ok", "text": "A JSON row that reads fine."}\nnot json\n',
                                        "utf-8")
    pq.write_table(pa.table({"id": ["p1", "p2"], "text": ["A Parquet row about safety.", None]}),
                   folder / "rows.parquet")
    pq.write_table(pa.table({"text": [1, 2]}), folder / "numbers.parquet")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG\xff\xfe\x00" * 40)
    (folder / "surrogate.jsonl").write_text('{"id": "s\\ud800", "text": "A lone \\udc00 surrogate in it."}\n', "utf-8")
    odd = os.fsencode(folder) + b"/caf\xe9"
    os.mkdir(odd)
    with open(odd + b"/na\xefve.txt", "w", encoding="utf-8") as f:
        f.write("A statement under a file name that is not UTF-8.\n")
    os.symlink(folder / "loop", folder / "loop")
    return folder


@pytest.fixture(scope="module")
def hostile_run(hostile, tmp_path_factory):
    before = digests(hostile)
    out = tmp_path_factory.mktemp("out") / "clauses.jsonl"
    result = invoke("segment", hostile, "-o", out, "--workers", 1)
    return before, out, result


def test_bad_inputs_are_isolated_and_good_ones_kept(hostile, hostile_run):
    before, out, result = hostile_run
    assert result.exit_code == 0, result.output
    rows, m = read_rows(out), manifest(out)
    assert digests(hostile) == before  # inputs unchanged
    assert m["rows"] == len(rows) == m["clauses"] and m["output"] == str(out)
    texts = {r["text"] for r in rows}
    doc_ids = {r["doc_id"] for r in rows}
    assert {"The parties agree to protect personal data.", "A JSON row that reads fine.",
            "A Parquet row about safety."} <= texts
    assert any(d.endswith("paragraph.txt") for d in doc_ids) and any(d.endswith("lines.txt") for d in doc_ids)
    # malformed HTML: the <b> text and the entity stay in their sentences
    assert "We shall protect data &#xZZZ; and promote trust." in texts
    assert {"An unclosed paragraph says the parties agree to cooperate.",
            "A bold line inside it goes on to the end."} <= texts
    # a CSV cell with \r\n line breaks keeps all its lines
    assert {"The first line of the cell is here.", "The second line of the cell.", "The third line."} <= texts
    # a file name that is not UTF-8, and a lone surrogate, in valid Unicode
    assert any(d.endswith("caf\\xe9/na\\xefve.txt") for d in doc_ids)
    assert "A lone \ufffd surrogate in it." in texts
    reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in m["skipped"]}
    assert reasons["types.jsonl:1"] == "'text' is a number (42), not text"
    assert reasons["types.jsonl:2"] == "'text' is a list of 1 items, not text"
    assert reasons["types.jsonl:3"].startswith("'text' is an object")
    assert reasons["types.jsonl:5"].startswith("invalid JSON")
    assert reasons["rows.parquet:2"] == "'text' is missing or null"
    assert reasons["numbers.parquet"] == "text column 'text' holds int64, not text"
    assert reasons["empty.txt"] == "empty file" and "binary" in reasons["binary.txt"]
    accounted(hostile, rows, m["skipped"])


def test_long_passages_keep_their_offsets(hostile_run):
    _, out, _ = hostile_run
    rows = [r for r in read_rows(out) if r["doc_id"].endswith("paragraph.txt")]
    text = next(Path(r["doc_id"]) for r in rows).read_text("utf-8").rstrip("\n")
    assert rows and all(text[r["start"]:r["end"]] == r["text"] for r in rows)
    assert rows[-1]["end"] == len(text)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_every_writer_takes_odd_names_and_surrogates(tmp_path, suffix):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.fsencode(folder) + b"/\xff\xfe odd.txt", "w", encoding="utf-8") as f:
        f.write(GOOD)
    (folder / "s.jsonl").write_text('{"id": "\\udcff", "text": "Text \\ud800 here."}\n', "utf-8")
    out = tmp_path / f"out{suffix}"
    result = invoke("segment", folder, "-o", out, "--workers", 1, "--no-cache")
    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert {"\\xff\\xfe odd.txt", "\ufffd"} <= {str(r["doc_id"]).rsplit("/", 1)[-1] for r in rows}
    notes = {n["path"].rsplit("/", 1)[-1]: n["note"] for n in manifest(out)["notes"]}
    assert list(notes) == ["\\xff\\xfe odd.txt"] and "not UTF-8" in notes["\\xff\\xfe odd.txt"]
    assert "note: " in result.output and "odd.txt" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["in", out.name, out.name + ".manifest.json"])


def test_an_unreadable_folder_is_skipped_with_a_reason(tmp_path):
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "page.txt").write_text(GOOD, "utf-8")
    (folder / "good.txt").write_text(GOOD, "utf-8")
    (folder / "locked").chmod(0)
    out = tmp_path / "out.jsonl"
    try:
        if os.geteuid() == 0:  # root reads every folder: run without the capabilities that let it
            if not shutil.which("setpriv"):
                pytest.skip("running as root without setpriv: cannot make a folder unreadable")
            done = subprocess.run(["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--",
                                   sys.executable, "-m", "pipeline.cli", "segment", str(folder), "-o", str(out),
                                   "--workers", "1", "--no-cache"], cwd=ROOT, capture_output=True, timeout=120,
                                  env={**os.environ, "PYTHONPATH": PYTHONPATH})
            code, stderr = done.returncode, done.stderr.decode()
        else:
            result = invoke("segment", folder, "-o", out, "--workers", 1, "--no-cache")
            code, stderr = result.exit_code, result.output
    finally:
        (folder / "locked").chmod(0o755)
    assert code == 0 and "Traceback" not in stderr, stderr
    assert {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in manifest(out)["skipped"]} == {
        "locked": "cannot list folder: Permission denied"}
    assert len(read_rows(out)) == 2


def test_a_poisoned_or_old_cache_runs_no_code_and_is_rebuilt(tmp_path):
    import pickle

    from pipeline.io.read import iter_documents

    folder = tmp_path / "raw"
    shutil.copytree(RAW, folder)
    out = tmp_path / "clauses.jsonl"
    invoke("segment", folder, "-o", out, "--workers", 1, "--no-cache")
    expected = out.read_text("utf-8")
    cache_path = out.with_name(out.name + ".cache.sqlite")
    keys = ResultCache(tmp_path / "keys.sqlite")  # the keys a run looks up (same code, no model)
    wanted = [keys.key(doc.doc_id, doc.text) for doc in iter_documents([folder])]
    keys.close()
    payload = pickle.dumps(MarkerPayload(tmp_path / "marker"))

    db = sqlite3.connect(cache_path)  # a cache of the old format: pickles, under the right keys
    with db:
        db.execute("CREATE TABLE results (key BLOB PRIMARY KEY, value BLOB)")
        db.executemany("INSERT INTO results VALUES (?, ?)", [(k, payload) for k in wanted])
    db.close()
    result = invoke("segment", folder, "-o", out, "--workers", 1)
    assert not (tmp_path / "marker").exists() and out.read_text("utf-8") == expected
    assert [line for line in result.output.splitlines() if line.startswith("warning:")] == [
        f"warning: {cache_path}: an old or foreign cache (format 0, not 2), not read; rebuilt"]
    assert manifest(out)["documents_from_cache"] == 0

    db = sqlite3.connect(cache_path)  # a cache of the current format with crafted entries
    with db:
        db.executemany("UPDATE results SET value = ? WHERE key = ?", [(payload, k) for k in wanted])
    db.close()
    result = invoke("segment", folder, "-o", out, "--workers", 1)
    assert not (tmp_path / "marker").exists() and out.read_text("utf-8") == expected
    assert [line for line in result.output.splitlines() if line.startswith("warning:")] == [
        f"warning: {cache_path}: unreadable entries (not a cached result (UnicodeDecodeError)); "
        "their documents are processed again"]

    cache_path.write_bytes(b"not a database at all" * 100)  # a damaged or foreign file: set aside, rebuilt
    result = invoke("segment", folder, "-o", out, "--workers", 1)
    assert "not a readable cache" in result.output and out.read_text("utf-8") == expected
    invoke("segment", folder, "-o", out, "--workers", 1)
    assert manifest(out)["documents_from_cache"] == 5 and not (tmp_path / "marker").exists()


def test_outputs_that_would_hurt_inputs_are_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    table = folder / "rows.jsonl"
    table.write_text('{"text": "A statement in a table."}\n', "utf-8")
    before = digests(tmp_path)
    for args in (["segment", table, "-o", table], ["segment", folder, "-o", folder / "out.jsonl"],
                 ["segment", table, "-o", tmp_path], ["clean", folder, "-o", folder / "clean.csv"],
                 ["segment", table, "-o", "/dev/full"], ["classify", table, "-o", table]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("Error: output "), result.output
    assert digests(tmp_path) == before and sorted(tmp_path.iterdir()) == [folder]


def test_one_writer_per_output_and_stale_locks_are_taken_over(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, "utf-8")
    out = tmp_path / "out.jsonl"
    lock = tmp_path / "out.jsonl.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock.write_text(f"{holder.pid}\n")
        result = invoke("segment", folder, "-o", out, "--workers", 1)
        assert result.exit_code == 1 and f"being written by another run (pid {holder.pid}" in result.output
        assert not out.exists() and lock.read_text() == f"{holder.pid}\n"
    finally:
        holder.kill()
        holder.wait()
    torn = tmp_path / ".out.jsonl.4242.partial"  # what a killed run leaves
    torn.write_text('{"text": "torn')
    result = invoke("segment", folder, "-o", out, "--workers", 1)  # the holder is gone: its lock is stale
    assert result.exit_code == 0, result.output
    assert not lock.exists() and not torn.exists() and manifest(out)["rows"] == len(read_rows(out)) == 2


@contextmanager
def file_size_limit(size: int):
    """Files this process writes stop growing at ``size`` bytes, as on a full disk (EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


@pytest.mark.parametrize(("suffix", "cache", "message"), [
    (".jsonl", "--no-cache", "File too large"), (".csv", "--no-cache", "File too large"),
    (".parquet", "--no-cache", "File too large"), (".jsonl", "--cache", "SQLite cache: disk I/O error")])
def test_a_full_disk_is_one_line_and_keeps_the_earlier_output(tmp_path, suffix, cache, message):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):
        (folder / f"page{i}.txt").write_text(f"Page {i} says the parties agree to protect personal data.\n" * 5)
    out = tmp_path / f"out{suffix}"
    assert invoke("segment", folder, "-o", out, "--workers", 1).exit_code == 0
    earlier, earlier_manifest = out.read_bytes(), manifest(out)
    (folder / "page0.txt").write_text("A changed page that makes the output change.\n" * 200)
    with file_size_limit(4000):
        result = invoke("segment", folder, "-o", out, "--workers", 1, cache)
    assert result.exit_code == 1
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert error == [f"Error: cannot write the output: {message}"], result.output
    assert out.read_bytes() == earlier and manifest(out) == earlier_manifest  # output and manifest still agree
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name or p.name.endswith(".lock")]


def test_a_full_or_closed_stdout_is_one_line_and_exit_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(400):
        (folder / f"page{i}.txt").write_text(GOOD)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", "clean", str(folder)], cwd=ROOT, stdout=full,
                              stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": PYTHONPATH}, timeout=120)
    assert done.returncode == 1 and done.stderr.decode().splitlines() == [
        "Error: cannot write the output: No space left on device"]
    reader = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "clean", str(folder)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": PYTHONPATH}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    reader.stdout.readline()
    reader.stdout.close()  # as `| head -1` does
    stderr = reader.stderr.read().decode()
    assert reader.wait(timeout=120) == 1
    assert stderr.splitlines() == ["Error: the output was closed before everything was written (broken pipe)"]


def test_classify_skips_bad_rows_with_a_reason(tmp_path):
    source = tmp_path / "rows.jsonl"
    source.write_text('{"text": "We will protect personal data."}\nnot json\n[1, 2]\n{"text": 7}\n{"text": null}\n'
                      '{"id": 3}\n{"text": "Safety comes first."}\n', "utf-8")
    out = tmp_path / "tagged.jsonl"
    result = invoke("classify", source, "-o", out)
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in read_rows(out)] == ["We will protect personal data.", "Safety comes first."]
    assert [(s["path"].rsplit(":", 1)[-1], s["reason"]) for s in manifest(out)["skipped"]] == [
        ("2", "invalid JSON (Expecting value)"), ("3", "not a JSON object"), ("4", "'text' is a number (7), not text"),
        ("5", "'text' is missing or null"), ("6", "'text' is missing or null")]
    numbers = tmp_path / "numbers.parquet"
    pq.write_table(pa.table({"text": [1, None, 3]}), numbers)
    result = invoke("classify", numbers, "-o", tmp_path / "n.csv")
    assert result.exit_code == 2 and "'text' is a number (1), not text" in result.output
    assert "no row could be tagged" in result.output
    good = tmp_path / "good.parquet"
    pq.write_table(pa.table({"text": ["We will protect personal data.", None], "n": [1, 2]}), good)
    assert invoke("classify", good, "-o", tmp_path / "g.parquet").exit_code == 0
    assert pd.read_parquet(tmp_path / "g.parquet")["n"].tolist() == [1]


def test_explain_lists_every_line_that_is_not_content(hostile):
    html = hostile / "headings.html"
    try:
        html.write_text("<h2>Our principles</h2><p>We will protect personal data.</p><b>Chapter two</b>"
                        "<h3>Safety</h3><p>Safety comes first.</p>", "utf-8")
        out = html.parent.parent / "explain.jsonl"
        assert invoke("clean", "--explain", html, "-o", out).exit_code == 0
        removed = read_rows(out)
    finally:
        html.unlink()
    # every line that is not content is listed, with its kind (short titles: headings or furniture)
    assert {r["text"] for r in removed} == {"Our principles", "Chapter two", "Safety"}
    assert {r["kind"] for r in removed} <= {"heading", "boilerplate"}


def test_make_train_and_evaluate_stop_without_the_shared_corpora(tmp_path):
    empty = tmp_path / "shared"
    empty.mkdir()
    done = cli("train", "-o", tmp_path / "model", "--no-evaluate", env={"GOVTHEMES_SHARED": str(empty)}, timeout=120)
    assert done.returncode == 1 and not (tmp_path / "model").exists()
    (line,) = done.stderr.decode().splitlines()
    assert line.startswith("Error: the shared corpora are missing") and "--allow-partial" in line
    makefile = (ROOT / "Makefile").read_text()
    assert "govthemes train -o $(MODEL) $(PARTIAL)" in makefile and "evaluation.json $(PARTIAL)" in makefile


# -- fuzzing: the reader and the cleaner never raise, and account for everything --------------

SUFFIXES = [".txt", ".html", ".jsonl", ".csv", ".md"]


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
@example(data=b"\x1c\n\x1f", suffix=".txt")  # separators: white space to str.strip(), not to bytes.strip()
def test_reader_fuzz_random_bytes(tmp_path, data, suffix):
    path = tmp_path / f"page{suffix}"
    path.write_bytes(data)
    for item in read_file(path):
        if isinstance(item, Skipped):
            assert item.reason and "\n" not in item.reason
        else:
            assert isinstance(item, RawDocument) and item.text.strip()
            item.text.encode("utf-8")  # valid Unicode: every writer can take it
            item.doc_id.encode("utf-8")
    assert path.read_bytes() == data


LINE = st.one_of(st.text(max_size=80), st.sampled_from(["", "Home | News | Contact", "1. Scope", "Article 3",
                                                         "Source: Xinhua", "We agree to cooperate.", "<b>x</b>"]))


@FUZZ
@given(lines=st.lists(LINE, max_size=40), suffix=st.sampled_from(SUFFIXES))
def test_reader_fuzz_random_unicode_and_line_structures(tmp_path, lines, suffix):
    path = tmp_path / f"page{suffix}"
    data = "\r\n".join(lines).encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    items = list(read_file(path))
    assert items and all(isinstance(i, (RawDocument, Skipped)) for i in items)
    assert all(i.reason for i in items if isinstance(i, Skipped)) and path.read_bytes() == data


def _accounted_lines(text: str) -> None:
    cleaned = Cleaner().clean(text)
    removed = {r.line for r in cleaned.removals}
    kept = {line for p in cleaned.passages for line in p.text.split("\n")}
    joined = "\n".join(p.text for p in cleaned.passages)  # hard-wrapped lines are joined into one
    assert all(r.reason for r in cleaned.removals)
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        line = repair_line(raw)[0].strip()
        assert not line or number in removed or line in kept or line in joined, (number, line)


@FUZZ
@given(lines=st.lists(LINE, max_size=60))
def test_cleaner_fuzz_every_line_is_kept_or_explained(lines):
    _accounted_lines("\n".join(lines))


@settings(FUZZ, max_examples=10)
@given(piece=st.text(min_size=1, max_size=30), times=st.integers(1000, 8000), lines=st.lists(LINE, max_size=5))
def test_cleaner_fuzz_giant_lines(piece, times, lines):
    _accounted_lines("\n".join([*lines, piece * times, *lines]))


# -- time proportional to size --------------------------------------------------------------------

def _cpu_seconds_to_clean(n: int) -> float:
    lines = ["Our shared principles", "The parties agree to protect personal data.", "Article 3",
             "They will promote trust in AI systems;", "Home | News | Contact", ""]
    text = "\n".join(lines[i % 6] for i in range(n))
    start = time.process_time()
    Cleaner().clean(text)
    return time.process_time() - start


def test_cleaning_time_grows_linearly_with_the_line_count():
    """50k and 100k lines: twice the lines, about twice the time (the quadratic heading scan took 4x)."""
    small, large = _cpu_seconds_to_clean(50_000), _cpu_seconds_to_clean(100_000)
    assert large / small < 3.0, (small, large)
