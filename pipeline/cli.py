"""The ``govthemes`` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .clean import ATTRIBUTION_FIELDS, Cleaner
from .output import RowWriter, batched, format_of
from .process import CLAUSE_FIELDS, Manifest, SegmentJob
from .read import DEFAULT_MAX_BYTES, RawDocument, Skipped, iter_documents

input_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
read_options = [
    click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True,
                 help="Skip files larger than this."),
    click.option("--text-field", default=None, help="Text column of .jsonl/.csv inputs (default: text)."),
    click.option("--id-field", default=None, help="Id column of .jsonl/.csv inputs (default: id or doc_id)."),
]


def with_read_options(f):
    for option in reversed(read_options):
        f = option(f)
    return f


def progress(items, total_hint: str = "documents"):
    """A progress bar on stderr when it is a terminal; the items unchanged otherwise."""
    from tqdm import tqdm

    return tqdm(items, unit=f" {total_hint}", disable=not sys.stderr.isatty(), leave=False)


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def finish(manifest: Manifest, out: Path, strict: bool) -> None:
    """Write the manifest beside ``out``, report skips, and exit non-zero when the run failed."""
    data = manifest.as_dict()
    manifest_path(out).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    for skip in manifest.skipped:
        click.echo(f"skipped {skip['path']}: {skip['reason']}", err=True)
    click.echo(
        f"{data['documents']} documents, {data['passages']} passages "
        f"({data['duplicate_passages']} duplicates merged), {data['clauses']} clauses -> {out}; "
        f"{len(manifest.skipped)} skipped (manifest: {manifest_path(out)})",
        err=True,
    )
    if manifest.documents == 0:
        click.echo("error: nothing could be read", err=True)
        sys.exit(2)
    if strict and manifest.skipped:
        sys.exit(1)


@click.group()
@click.version_option(package_name="govthemes")
def main() -> None:
    """Clean AI-governance statements, split them into clauses and tag them with themes."""


@main.command()
@input_paths
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="Output file: .jsonl, .csv or .parquet.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any input could not be read.")
@click.option("--no-dedupe", is_flag=True, help="Keep repeated passages (default: keep each once).")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="all cores",
              help="Processes that clean and segment; the output is the same for any number.")
@with_read_options
def segment(paths, out, strict, no_dedupe, workers, max_bytes, text_field, id_field):
    """Clean raw statements and split them into clauses, one row per clause."""
    _check_format(out)
    manifest = Manifest()
    docs = progress(iter_documents(paths, max_bytes, text_field, id_field))
    rows = SegmentJob(deduplicate=not no_dedupe, workers=workers).run(docs, manifest)
    with RowWriter(out, CLAUSE_FIELDS) as writer:
        for batch in batched(rows, 2000):
            writer.write(batch)
    finish(manifest, out, strict)


@main.command()
@input_paths
@click.option("-o", "--output", "out", default="-", help="Output file (.jsonl/.csv/.parquet); default: JSON Lines on stdout.")
@click.option("--explain", is_flag=True, help="Write every removed or repaired span and why, instead of the passages.")
@with_read_options
def clean(paths, out, explain, max_bytes, text_field, id_field):
    """Clean raw statements: passages with their attribution, or (--explain) what was removed."""
    cleaner = Cleaner()

    def rows():
        for item in iter_documents(paths, max_bytes, text_field, id_field):
            if isinstance(item, Skipped):
                click.echo(f"skipped {item.path}: {item.reason}", err=True)
                continue
            yield from _clean_rows(cleaner, item, explain)

    if out == "-":
        for row in rows():
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    _check_format(Path(out))
    with RowWriter(out) as writer:
        for batch in batched(rows(), 2000):
            writer.write(batch)


def _clean_rows(cleaner: Cleaner, doc: RawDocument, explain: bool):
    cleaned = cleaner.clean(doc.text)
    if explain:
        for r in cleaned.removals:
            yield {"doc_id": doc.doc_id, "line": r.line, "kind": r.kind, "reason": r.reason, "text": r.text}
        return
    for i, p in enumerate(cleaned.passages):
        yield {"doc_id": doc.doc_id, "passage_id": f"{doc.doc_id}#p{i}", "line": p.first_line,
               "heading": p.heading, "lang": p.lang, **{k: p.attribution.get(k) for k in ATTRIBUTION_FIELDS},
               "truncated": p.truncated, "text": p.text}


@main.command("evaluate-segments")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the figures as JSON here.")
@click.option("--errors", is_flag=True, help="List, per page, the clauses missed and the ones made up.")
def evaluate_segments(gold_dir, as_json, errors):
    """Score cleaning + segmentation against gold pages (a folder with gold/ and raw/)."""
    from collections import Counter

    from .evaluate_segments import evaluate_corpus

    summary, results = evaluate_corpus(gold_dir)
    if errors:
        for r in results:
            missed = Counter(r.gold) - Counter(r.predicted)
            extra = Counter(r.predicted) - Counter(r.gold)
            if missed or extra or r.leaked:
                click.echo(f"== {r.file}")
                for text in missed:
                    click.echo(f"  - {text}")
                for text in extra:
                    click.echo(f"  + {text}")
                for text in r.leaked:
                    click.echo(f"  boilerplate leaked: {text}")
    header = f"{'':4} {'pages':>5} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'content':>8} {'boilerpl.':>9} {'attrib.':>8}"
    click.echo(header)
    for name, f in summary.items():
        click.echo(
            f"{name:4} {f['pages']:5d} {f['gold_clauses']:5d} {f['predicted_clauses']:5d} {f['precision']:6.3f} "
            f"{f['recall']:6.3f} {f['f1']:6.3f} {f['content_recovered']:8.3f} {f['boilerplate_leaked']:9.3f} "
            f"{f['attribution_leaked']:8.3f}"
        )
    click.echo("P/R/F1: exact clause match (whitespace-normalised); content: share of gold clause text "
               "recovered; boilerpl./attrib.: share of gold boilerplate/attribution lines found in clauses.")
    if as_json:
        as_json.write_text(json.dumps(summary, indent=2), encoding="utf-8")


@main.command()
@click.option("--sizes", default="10,50", show_default=True, help="Corpus sizes to run, in MB.")
@click.option("--workers", default="1,2", show_default=True, help="Worker counts to run segment with.")
@click.option("--sources", multiple=True, type=click.Path(path_type=Path),
              help="Pages to generate the corpus from (default: data/raw and ../shared/corpora/statements/raw).")
@click.option("--workdir", type=click.Path(path_type=Path), default=Path("bench/out"), show_default=True)
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the results as JSON here.")
def bench(sizes, workers, sources, workdir, as_json):
    """Time `segment` on generated distinct text next to spaCy alone: MB/s, clauses/s, peak memory."""
    import platform
    import shutil

    from .bench import generate_corpus, run_segment, run_spacy_baseline

    sources = list(sources) or [p for p in (Path("data/raw"), Path("../shared/corpora/statements/raw")) if p.exists()]
    results = []
    click.echo("| corpus | run | MB/s | clauses/s | peak memory | ratio to spaCy alone |")
    click.echo("|---|---|---|---|---|---|")
    for mb in (float(x) for x in sizes.split(",")):
        corpus = workdir / f"corpus-{mb:g}mb"
        if corpus.exists():
            shutil.rmtree(corpus)
        files, _ = generate_corpus(sources, corpus, mb)
        baseline = run_spacy_baseline(corpus)
        runs = [baseline] + [run_segment(corpus, workdir / f"clauses-{mb:g}mb.parquet", int(w)) for w in workers.split(",")]
        for r in runs:
            r.update(corpus_mb=r["megabytes"], files=files, ratio=round(r["mb_per_s"] / baseline["mb_per_s"], 2))
            memory = f"{r['peak_memory_mb']} MB" if r["peak_memory_mb"] else "-"
            click.echo(f"| {r['megabytes']} MB, {files} pages | {r['what']} | {r['mb_per_s']:.2f} | "
                       f"{r['clauses_per_s']:,} | {memory} | {r['ratio']:.2f} |")
        results.extend(runs)
        shutil.rmtree(corpus)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    click.echo(f"\nmachine: {machine}")
    if as_json:
        as_json.write_text(json.dumps({"machine": machine, "runs": results}, indent=2), encoding="utf-8")


def _check_format(out: Path) -> None:
    try:
        format_of(out)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="-o/--output") from None


if __name__ == "__main__":
    main()
