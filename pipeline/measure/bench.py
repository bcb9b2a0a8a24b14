"""Benchmarks of ``segment``, ``classify``, ``label`` and ``train`` (``make bench``).

``generate_corpus`` writes pages made from the sample pages (and the shared statement pages
when given): every page takes the line structure of a real page, boilerplate included, and
rewrites its content words, so no passage repeats and deduplication cannot skip work.
``generate_annotations`` does the same to annotated clauses, keeping their labels, for timing
``train`` at a size the corpora do not have.

Every run is a child process: its wall time (imports and model loading included, as a user
waits for them) and its peak memory (the largest resident set of the run's processes) come
from the operating system. Each step runs three ways in the same session:

* the current code;
* the previous release (a ``git worktree`` of its tag, with the model it shipped);
* a plain baseline: spaCy's blank pipeline with the sentencizer (segment), followed by a
  word + character TF-IDF ``LinearSVC`` (label); its training is not timed.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.io.read import iter_documents

_WORD = re.compile(r"[A-Za-z]{4,}|[\u4e00-\u9fff]")


class Rewriter:
    """Rewrites text by swapping about 30 % of its words (Latin, four letters or more) and Han
    characters for others of the same kind drawn from ``vocabulary_texts``: the structure and
    the look of the text stay, the text itself is new."""

    def __init__(self, vocabulary_texts: list[str], seed: int = 0):
        latin, han = set(), set()
        for text in vocabulary_texts:
            for w in _WORD.findall(text):
                (han if len(w) == 1 and not w.isascii() else latin).add(w.lower() if w.isascii() else w)
        self.latin, self.han = sorted(latin), sorted(han)
        self.rng = random.Random(seed)

    def _swap(self, m: re.Match) -> str:
        w = m.group(0)
        if self.rng.random() > 0.3:
            return w
        if len(w) == 1 and not w.isascii():
            return self.rng.choice(self.han)
        new = self.rng.choice(self.latin)
        return new.capitalize() if w[0].isupper() else new

    def __call__(self, text: str) -> str:
        return "\n".join(_WORD.sub(self._swap, line) for line in text.split("\n"))


def generate_corpus(sources: list[Path], out_dir: Path, megabytes: float, seed: int = 0) -> tuple[int, int]:
    """Write about ``megabytes`` MB of distinct pages under ``out_dir``; return (files, bytes)."""
    texts = [d.text for d in iter_documents(sources) if hasattr(d, "text")]
    if not texts:
        raise SystemExit("no source pages to generate a corpus from")
    rewrite, rng = Rewriter(texts, seed), random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = int(megabytes * 1_000_000)
    written = files = 0
    while written < target:
        data = rewrite(rng.choice(texts)).encode("utf-8")
        path = out_dir / f"{files // 1000:04d}" / f"page-{files:07d}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        written += len(data)
        files += 1
    return files, written


def generate_annotations(sources: list[Path], out: Path, clauses: int, seed: int = 0) -> int:
    """Write ``clauses`` distinct annotated clauses (JSON Lines) rewritten from ``sources``
    (annotation files or folders), each keeping its labels and its document id (rewrites of a
    document stay in its cross-validation group); returns the count."""
    from pipeline.annotate.records import load_annotations

    data = load_annotations(sources)
    rows = list(zip(data["text"], data["labels"], data["doc_id"], strict=True))
    rewrite, rng = Rewriter([r[0] for r in rows], seed), random.Random(seed)
    seen: set[str] = set()
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        while len(seen) < clauses:
            text, labels, doc_id = rng.choice(rows)
            text = rewrite(text) if len(seen) >= len(rows) else text  # the originals first
            if text in seen:
                continue
            seen.add(text)
            f.write(json.dumps({"text": text, "labels": list(labels), "doc_id": doc_id}, ensure_ascii=False) + "\n")
    return len(seen)


# -- running and measuring -------------------------------------------------------------------

_MEASURE = (
    "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(r.returncode)"
)


@dataclass
class Run:
    """One timed run: what ran, on what, how long, how much memory."""

    step: str
    code: str  # current | previous release tag | baseline
    workers: int
    megabytes: float
    clauses: int
    seconds: float
    peak_memory_mb: int

    @property
    def clauses_per_s(self) -> float:
        return self.clauses / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.megabytes / self.seconds


#: ``sitecustomize`` of a previous release's runs: a spaCy factory that the installed (current)
#: package declares as an entry point, but the release's code lacks, is replaced by a stub instead
#: of failing the run (the release never asks for it).
_RELEASE_SITE = """import importlib.metadata as md

_load = md.EntryPoint.load


def _load_or_skip(self):
    try:
        return _load(self)
    except (AttributeError, ImportError):
        if self.group.startswith("spacy_") and self.value.startswith("pipeline."):
            return lambda *args, **kwargs: None
        raise


md.EntryPoint.load = _load_or_skip
"""


def timed(cmd: list[str], code_root: Path | None = None) -> tuple[float, int, str]:
    """Run ``cmd`` in a child process: (wall seconds, peak resident MB, its stdout). With
    ``code_root`` (a release's checkout), the child runs that release's code."""
    env = dict(os.environ)
    if code_root is not None:  # the release's package first: run from its folder, on its path
        site = code_root.parent / f"{code_root.name}-site"
        site.mkdir(exist_ok=True)
        (site / "sitecustomize.py").write_text(_RELEASE_SITE, encoding="utf-8")
        env["PYTHONPATH"] = os.pathsep.join([str(code_root.resolve()), str(site.resolve())])
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True, env=env,
                          cwd=code_root.resolve() if code_root is not None else None)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return seconds, round(int(done.stderr.split()[-1]) / 1024), done.stdout


def govthemes(*args) -> list[str]:
    """The command line of ``govthemes *args``, paths made absolute (the run may start elsewhere)."""
    return [sys.executable, "-m", "pipeline.cli", *(str(a.resolve()) if isinstance(a, Path) else str(a) for a in args)]


def previous_release(tag: str, workdir: Path) -> Path | None:
    """A checkout of release ``tag`` (a ``git worktree`` under ``workdir``), or None without git or tag."""
    root = Path(__file__).resolve().parents[2]
    path = workdir / f"release-{tag}"
    if (path / "pipeline").is_dir():
        return path if _imports_from(path) else None
    done = subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", "--force", str(path.resolve()), tag],
                          capture_output=True, text=True)
    return path if done.returncode == 0 and _imports_from(path) else None


def _imports_from(code_root: Path) -> bool:
    """Whether a run started as :func:`timed` starts it imports the package of ``code_root``."""
    _, _, out = timed([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], code_root)
    return Path(out.strip()).resolve().is_relative_to(code_root.resolve())


def _rows_in(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def run_pipeline(step: str, corpus: Path, out: Path, workers: int, megabytes: float, code: str = "current",
                 code_root: Path | None = None) -> Run:
    """``govthemes segment`` or ``label`` on ``corpus`` of ``megabytes`` MB (no result cache)."""
    seconds, memory, _ = timed(govthemes(step, corpus, "-o", out, "--workers", workers, "--no-cache"), code_root)
    return Run(step, code, workers, megabytes, _rows_in(out), seconds, memory)


def run_classify(clauses: Path, out: Path, megabytes: float, code: str = "current",
                 code_root: Path | None = None) -> Run:
    """``govthemes classify`` on a table of clauses (one process)."""
    seconds, memory, _ = timed(govthemes("classify", clauses, "-o", out), code_root)
    return Run("classify", code, 1, megabytes, _rows_in(out), seconds, memory)


def run_train(data: Path, out: Path, code: str = "current", code_root: Path | None = None) -> Run:
    """``govthemes train`` (thresholds included, cross-validated figures not) on ``data``."""
    seconds, memory, _ = timed(govthemes("train", data, "-o", out, "--no-evaluate"), code_root)
    clauses = sum(1 for line in open(data, encoding="utf-8") if line.strip())
    workers = (os.cpu_count() or 1) if code_root is None else 1  # the current train uses every core (v0.1.0: one)
    return Run("train", code, workers, data.stat().st_size / 1e6, clauses, seconds, memory)


def run_baseline(step: str, corpus: Path, megabytes: float, training: list[Path]) -> Run:
    """The plain baseline of ``step`` (segment or label) on ``corpus``, in a child process."""
    call = f"from pipeline.measure.bench import _baseline; _baseline({step!r}, {str(corpus)!r}, {[str(p) for p in training]!r})"
    seconds, memory, stdout = timed([sys.executable, "-c", call])
    result = json.loads(stdout.strip().splitlines()[-1])
    return Run(step, "baseline", 1, megabytes, result["clauses"], result["seconds"], memory)


def _baseline(step: str, corpus: str, training: list[str]) -> None:
    """spaCy blank + sentencizer per page (``en`` or ``zh``); for ``label``, then a word + char
    TF-IDF ``LinearSVC`` per theme, fitted first on ``training`` (not timed). Prints JSON."""
    import numpy as np
    import spacy

    from pipeline.text.lang import language_of

    nlps = {}
    for lang in ("en", "zh"):
        nlps[lang] = spacy.blank(lang)
        nlps[lang].add_pipe("sentencizer")
    classifier = None
    if step == "label":
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import FeatureUnion, make_pipeline
        from sklearn.svm import LinearSVC

        from pipeline.annotate.records import label_matrix, load_annotations

        data = load_annotations(training)
        classifier = make_pipeline(
            FeatureUnion([("words", TfidfVectorizer()), ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3)))]),
            OneVsRestClassifier(LinearSVC()),
        ).fit(data["text"], label_matrix(data["labels"]))
    files = sorted(Path(corpus).rglob("*.txt"))
    start = time.perf_counter()
    clauses, batch = 0, []
    for path in files:
        text = path.read_text(encoding="utf-8")
        sentences = [s.text for s in nlps[language_of(text)](text).sents]
        clauses += len(sentences)
        if classifier is not None:
            batch.extend(sentences)
            if len(batch) >= 2000:
                np.asarray(classifier.predict(batch))
                batch = []
    if classifier is not None and batch:
        classifier.predict(batch)
    print(json.dumps({"clauses": clauses, "seconds": time.perf_counter() - start}))


def machine() -> str:
    """This machine in one line: processor, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        info = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", info).group(1).strip()
        memory = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024**2
        cpu += f", {memory:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def table(runs: list[Run]) -> list[str]:
    """The runs as a Markdown table; each current run's speed as a ratio to the previous
    release and to the baseline of the same step on the same corpus."""
    lines = ["| corpus | step | code | workers | clauses | seconds | clauses/s | MB/s | peak memory "
             "| × previous | × baseline |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        ratios = []
        for other in ("previous", "baseline"):
            match = [o for o in runs if o.step == r.step and o.megabytes == r.megabytes and o.code != "current"
                     and (o.code == "baseline") == (other == "baseline")
                     and (o.workers == r.workers or other == "baseline" or r.step == "train")]
            ratios.append(f"{r.clauses_per_s / match[0].clauses_per_s:.2f}" if r.code == "current" and match else "")
        corpus = f"{r.megabytes:.0f} MB" if r.step != "train" else "annotations"
        lines.append(f"| {corpus} | {r.step} | {r.code} | {r.workers} | {r.clauses:,} | {r.seconds:.1f} "
                     f"| {r.clauses_per_s:,.0f} | {r.mb_per_s:.2f} | {r.peak_memory_mb} MB | {' | '.join(ratios)} |")
    return lines


def as_dicts(runs: list[Run]) -> list[dict]:
    return [{**asdict(r), "clauses_per_s": round(r.clauses_per_s), "mb_per_s": round(r.mb_per_s, 3)} for r in runs]


def run_bench(sources: list[Path], workdir: Path, sizes: list[float], workers: list[int], steps: list[str],
              previous_tag: str, compare: bool, training: list[Path], train_clauses: int = 10_000,
              log=print) -> list[Run]:
    """Generate a corpus of each size from ``sources`` and time ``steps`` on it: the current code
    with each number of ``workers``, and with ``compare`` the previous release ``previous_tag``
    (a git worktree) and the plain baselines, in the same session. ``log`` gets a line per run."""
    import shutil

    workdir.mkdir(parents=True, exist_ok=True)
    previous = previous_release(previous_tag, workdir) if compare else None
    if compare and previous is None:
        log(f"(no git checkout of {previous_tag}: the previous release is left out)")
    codes = [("current", None)] + ([(previous_tag, previous)] if previous else [])
    runs: list[Run] = []

    def record(run):
        runs.append(run)
        log(table([run])[-1])

    for mb in sizes:
        corpus = workdir / f"corpus-{mb:g}mb"
        if corpus.exists():
            shutil.rmtree(corpus)
        files, size = generate_corpus(sources, corpus, mb)
        log(f"corpus: {files} pages, {size / 1e6:.1f} MB")
        if compare:
            for step in ("segment", "label"):
                if step in steps:
                    record(run_baseline(step, corpus, size / 1e6, training))
        clauses = None
        for step in ("segment", "label"):
            if step not in steps:
                continue
            for w in workers:
                for code, root in codes:
                    out = workdir / f"{step}-{code}-{w}.parquet"
                    record(run_pipeline(step, corpus, out, w, size / 1e6, code, root))
                    if step == "segment" and code == "current":
                        clauses = out
        if "classify" in steps:
            if clauses is None:
                clauses = workdir / "segment-current.parquet"
                run_pipeline("segment", corpus, clauses, os.cpu_count() or 1, size / 1e6)
            for code, root in codes:
                record(run_classify(clauses, workdir / f"classify-{code}.parquet", size / 1e6, code, root))
        shutil.rmtree(corpus)
    if "train" in steps:
        data = workdir / f"annotations-{train_clauses}.jsonl"
        generate_annotations(training, data, train_clauses)
        for code, root in codes:
            record(run_train(data, workdir / f"model-{code}", code, root))
    return runs
