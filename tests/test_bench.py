"""The benchmark's inputs and its table (timings themselves are not tested)."""

from __future__ import annotations

import json

from pipeline.io.read import iter_documents
from pipeline.measure.bench import Run, generate_annotations, generate_corpus, table
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import RAW, ROOT

SEEDS = ROOT / "data" / "processed" / "annotations" / "seeds.jsonl"


def test_generated_pages_are_distinct_and_keep_the_shape_of_real_pages(tmp_path):
    files, size = generate_corpus([RAW], tmp_path / "corpus", 0.3)
    pages = [d.text for d in iter_documents([tmp_path / "corpus"])]
    sources = [d.text for d in iter_documents([RAW])]
    assert files == len(pages) >= 10 and size >= 300_000
    assert len(set(pages)) == len(pages)  # nothing for deduplication to skip
    shapes = {tuple(len(line) > 0 for line in s.split("\n")) for s in sources}
    assert all(tuple(len(line) > 0 for line in p.split("\n")) in shapes for p in pages)
    assert all(p not in sources for p in pages[len(sources):])


def test_generated_annotations_are_distinct_and_keep_their_labels(tmp_path):
    out = tmp_path / "annotations.jsonl"
    assert generate_annotations([SEEDS], out, 400) == 400
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    originals = {json.loads(line)["text"]: json.loads(line) for line in SEEDS.read_text("utf-8").splitlines()}
    assert len(rows) == 400 and len({r["text"] for r in rows}) == 400
    assert all(set(r["labels"]) <= set(load_taxonomy().ids) for r in rows)
    assert sum(r["text"] in originals for r in rows) == len(originals)  # every original, then rewrites
    assert {r["doc_id"] for r in rows} <= {o["doc_id"] for o in originals.values()}


def test_the_table_gives_each_current_run_its_ratios_to_the_previous_release_and_the_baseline():
    runs = [Run("label", "baseline", 1, 10.0, 1000, 2.0, 300), Run("label", "v0.1.0", 2, 10.0, 1000, 4.0, 300),
            Run("label", "current", 2, 10.0, 1000, 1.0, 310)]
    current = table(runs)[-1].split(" | ")
    assert current[-2:] == ["4.00", "2.00 |"]
    assert "1,000" in current
