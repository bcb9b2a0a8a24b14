"""Benchmark of ``govthemes segment`` on generated, distinct text (``make bench``).

``generate_corpus`` writes pages made from the sample pages (and the shared statement pages
when given): every page takes the line structure of a real page, boilerplate included, and
rewrites its content words, so no passage repeats and deduplication cannot skip work.
``run_segment`` times one ``govthemes segment`` run in a child process and reads its peak
memory (maximum resident set size) from the operating system.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path

from .read import iter_documents

_WORD = re.compile(r"[A-Za-z]{4,}|[\u4e00-\u9fff]")


def _vocabulary(texts: list[str]) -> tuple[list[str], list[str]]:
    latin, han = set(), set()
    for text in texts:
        for w in _WORD.findall(text):
            (han if len(w) == 1 and not w.isascii() else latin).add(w.lower() if w.isascii() else w)
    return sorted(latin), sorted(han)


def generate_corpus(sources: list[Path], out_dir: Path, megabytes: float, seed: int = 0) -> tuple[int, int]:
    """Write about ``megabytes`` MB of distinct pages under ``out_dir``; return (files, bytes)."""
    rng = random.Random(seed)
    texts = [d.text for d in iter_documents(sources) if hasattr(d, "text")]
    if not texts:
        raise SystemExit("no source pages to generate a corpus from")
    latin, han = _vocabulary(texts)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = int(megabytes * 1_000_000)
    written = files = 0

    def swap(m: re.Match) -> str:
        w = m.group(0)
        if rng.random() > 0.3:
            return w
        if len(w) == 1 and not w.isascii():
            return rng.choice(han)
        new = rng.choice(latin)
        return new.capitalize() if w[0].isupper() else new

    while written < target:
        page = rng.choice(texts)
        body = "\n".join(_WORD.sub(swap, line) for line in page.split("\n"))
        data = body.encode("utf-8")
        path = out_dir / f"{files // 1000:04d}" / f"page-{files:07d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        written += len(data)
        files += 1
    return files, written


_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def corpus_bytes(corpus: Path) -> int:
    return sum(p.stat().st_size for p in corpus.rglob("*.txt"))


def run_segment(corpus: Path, out: Path, workers: int) -> dict:
    """Run ``govthemes segment`` on ``corpus`` in a child process; return speed and peak memory.

    Peak memory is the largest resident set of the run's processes (the main one or a worker).
    """
    cmd = [sys.executable, "-m", "pipeline.cli", "segment", str(corpus), "-o", str(out), "--workers", str(workers),
           "--no-cache"]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    manifest = json.loads(Path(str(out) + ".manifest.json").read_text())
    size = corpus_bytes(corpus)
    return {
        "what": f"govthemes segment --workers {workers}",
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "clauses": manifest["clauses"],
        "clauses_per_s": round(manifest["clauses"] / seconds),
        "peak_memory_mb": round(int(done.stdout.split()[-1]) / 1024),
    }


def run_spacy_baseline(corpus: Path) -> dict:
    """spaCy alone on the same files, one process: a blank pipeline with the sentencizer.

    English pages go through ``spacy.blank("en")``, Chinese ones through ``spacy.blank("zh")``
    (its default character segmentation); no reading of encodings, no cleaning, no output.
    """
    import spacy

    from .clean import language_of

    nlps = {}
    for lang in ("en", "zh"):
        nlps[lang] = spacy.blank(lang)
        nlps[lang].add_pipe("sentencizer")
    files = sorted(corpus.rglob("*.txt"))
    start = time.perf_counter()
    sentences = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        sentences += sum(1 for _ in nlps[language_of(text)](text).sents)
    seconds = time.perf_counter() - start
    size = corpus_bytes(corpus)
    return {
        "what": "spaCy blank + sentencizer (baseline)",
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "clauses": sentences,
        "clauses_per_s": round(sentences / seconds),
        "peak_memory_mb": None,
    }
