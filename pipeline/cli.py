"""The ``govthemes`` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pipeline import config
from pipeline.io.output import RowWriter, batched, format_of
from pipeline.io.read import DEFAULT_MAX_BYTES, RawDocument, Skipped, iter_documents
from pipeline.text.attribution import ATTRIBUTION_FIELDS
from pipeline.text.clean import Cleaner

input_paths = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
read_options = [
    click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True,
                 help="Skip files larger than this."),
    click.option("--text-field", default=None, help="Text column of .jsonl/.csv inputs (default: text)."),
    click.option("--id-field", default=None, help="Id column of .jsonl/.csv inputs (default: id or doc_id)."),
]


cache_option = click.option(
    "--cache/--no-cache", default=True, show_default=True,
    help="Keep each document's result in OUT.cache.sqlite: a second run redoes only documents whose text, "
         "the pipeline's code or the model changed, and a killed run resumes where it stopped.")


def connect(engine: str, scheduler: str | None, workers: int):
    """A dask client for ``--engine dask`` (a local cluster when no scheduler is given), else None."""
    if engine != "dask":
        return None
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise click.ClickException("--engine dask needs dask.distributed: pip install 'govthemes[dask]'") from None
    if scheduler:
        return Client(scheduler)
    return Client(LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None))


engine_options = [
    click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
                 help="Where chunks are processed: local processes, or a dask.distributed cluster."),
    click.option("--scheduler", default=None,
                 help="Address of the dask scheduler (tcp://host:8786); default: a local cluster of --workers processes."),
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


def finish(manifest, out: Path, strict: bool) -> None:
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


def with_job_options(f):
    """The options that segment and label share: output, strictness, workers, cache, engine, reading."""
    options = [
        click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
                     help="Output file: .jsonl, .csv or .parquet; no extension: a folder of Parquet parts."),
        click.option("--strict", is_flag=True, help="Exit non-zero when any input could not be read."),
        click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="all cores",
                     help="Processes that clean and segment; the output is the same for any number."),
        cache_option, *engine_options, *read_options,
    ]
    for option in reversed(options):
        f = option(f)
    return f


@main.command()
@input_paths
@click.option("--no-dedupe", is_flag=True, help="Keep repeated passages (default: keep each once).")
@with_job_options
def segment(paths, no_dedupe, out, strict, workers, cache, engine, scheduler, max_bytes, text_field, id_field):
    """Clean raw statements and split them into clauses, one row per clause."""
    from pipeline.process import SegmentJob

    _check_format(out)
    write_clauses(paths, out, strict, SegmentJob(deduplicate=not no_dedupe, workers=workers),
                  (max_bytes, text_field, id_field), cache, connect(engine, scheduler, workers))


def write_clauses(paths, out: Path, strict: bool, job, read_args: tuple, cache: bool, client=None) -> None:
    """Run ``job`` over ``paths`` (on ``client``'s cluster if given) and stream its rows to ``out``.

    The rows go to a temporary file renamed to ``out`` at the end, so a killed run never
    leaves a partial ``out``; with ``cache``, documents already processed by the same code and
    model (in an earlier or killed run) are read from ``<out>.cache.sqlite`` instead.
    """
    from pipeline.io.cache import ResultCache
    from pipeline.process import CLAUSE_FIELDS, Manifest

    job.client = client
    if cache:
        model_print = job.model.card_.get("payload_sha256", "") if job.model is not None else ""
        job.cache = ResultCache(out.with_name(out.name + ".cache.sqlite"), model_print)
    manifest = Manifest()
    rows = job.run(progress(iter_documents(paths, *read_args)), manifest)
    columns = [*CLAUSE_FIELDS, "labels", "scores"] if job.model is not None else CLAUSE_FIELDS
    partial = out.with_name(f".{out.stem}-partial{out.suffix}")
    with RowWriter(partial, columns) as writer:
        for batch in batched(rows, 2000):
            writer.write(batch)
    if out.is_dir():  # a partitioned output of an earlier run
        import shutil

        shutil.rmtree(out)
    partial.replace(out)
    if job.cache is not None:
        job.cache.close()
    if client is not None:
        client.close()
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
@click.option("--leave-corpus-out", is_flag=True,
              help="Attribution: leave out the gazetteer entries that only this corpus's gold names.")
def evaluate_segments(gold_dir, as_json, errors, leave_corpus_out):
    """Score cleaning + segmentation against gold pages (a folder with gold/ and raw/)."""
    from collections import Counter

    from pipeline.measure import attribution_eval
    from pipeline.measure.evaluate_segments import evaluate_corpus
    from pipeline.process import SegmentJob
    from pipeline.text.attribution import Attributor

    held_out = gold_dir.resolve().parent.name if gold_dir.name == "gold" else gold_dir.resolve().name
    attributor = Attributor(leave_out=held_out if leave_corpus_out else None)
    summary, results = evaluate_corpus(gold_dir, SegmentJob(cleaner=Cleaner(attributor=attributor)))
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
        for line in attribution_eval.misses([r.fields for r in results]):
            click.echo(line)
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
    fields = attribution_eval.summarise([r.fields for r in results])
    for line in attribution_eval.format_table(fields, "(leave-corpus-out)" if leave_corpus_out else ""):
        click.echo(line)
    if as_json:
        as_json.write_text(json.dumps({**summary, "attribution": fields}, indent=2), encoding="utf-8")


@main.command()
@click.option("--sizes", default="10,50", show_default=True, help="Corpus sizes to run, in MB.")
@click.option("--workers", default="1,2", show_default=True, help="Worker counts to run segment and label with.")
@click.option("--steps", default="segment,classify,label,train", show_default=True)
@click.option("--previous", "previous_tag", default="v0.1.0", show_default=True,
              help="Release to compare with, run from a git worktree of its tag.")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Also run the previous release and the plain baselines.")
@click.option("--train-clauses", default=10_000, show_default=True, help="Annotated clauses to time `train` on.")
@click.option("--sources", multiple=True, type=click.Path(path_type=Path),
              help="Pages to generate the corpus from (default: data/raw and ../shared/corpora/statements/raw).")
@click.option("--workdir", type=click.Path(path_type=Path), default=Path("bench/out"), show_default=True)
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the results as JSON here.")
def bench(sizes, workers, steps, previous_tag, compare, train_clauses, sources, workdir, as_json):
    """Time segment, classify, label and train on generated distinct text, next to the previous
    release and plain baselines run in the same session: clauses/s, MB/s, peak memory."""
    import shutil

    from pipeline.measure import bench as B

    steps = steps.split(",")
    workdir.mkdir(parents=True, exist_ok=True)
    sources = list(sources) or [p for p in (Path("data/raw"), config.corpus("statements") / "raw") if p.exists()]
    previous = B.previous_release(previous_tag, workdir) if compare else None
    if compare and previous is None:
        click.echo(f"(no git checkout of {previous_tag}: the previous release is left out)", err=True)
    training = annotation_files(default_training())
    codes = [("current", None)] + ([(previous_tag, previous)] if previous else [])
    runs: list[B.Run] = []

    def record(run):
        runs.append(run)
        click.echo(B.table([run])[-1], err=True)

    for mb in (float(x) for x in sizes.split(",")):
        corpus = workdir / f"corpus-{mb:g}mb"
        if corpus.exists():
            shutil.rmtree(corpus)
        files, size = B.generate_corpus(sources, corpus, mb)
        click.echo(f"corpus: {files} pages, {size / 1e6:.1f} MB", err=True)
        if compare:
            for step in ("segment", "label"):
                if step in steps:
                    record(B.run_baseline(step, corpus, size / 1e6, training))
        clauses = None
        for step in ("segment", "label"):
            if step not in steps:
                continue
            for w in (int(x) for x in workers.split(",")):
                for code, root in codes:
                    out = workdir / f"{step}-{code}-{w}.parquet"
                    record(B.run_pipeline(step, corpus, out, w, size / 1e6, code, root))
                    if step == "segment" and code == "current":
                        clauses = out
        if "classify" in steps:
            if clauses is None:
                clauses = workdir / "segment-current.parquet"
                B.run_pipeline("segment", corpus, clauses, os.cpu_count() or 1, size / 1e6)
            for code, root in codes:
                record(B.run_classify(clauses, workdir / f"classify-{code}.parquet", size / 1e6, code, root))
        shutil.rmtree(corpus)
    if "train" in steps:
        data = workdir / f"annotations-{train_clauses}.jsonl"
        B.generate_annotations(training, data, train_clauses)
        for code, root in codes:
            record(B.run_train(data, workdir / f"model-{code}", code, root))
    click.echo("\n".join(B.table(runs)))
    click.echo(f"\nmachine: {B.machine()}")
    if as_json:
        as_json.write_text(json.dumps({"machine": B.machine(), "runs": B.as_dicts(runs)}, indent=2), encoding="utf-8")


# -- themes -----------------------------------------------------------------------------

DEFAULT_TRAINING = (
    config.corpus("statements") / "clauses.jsonl",
    config.corpus("waie") / "waie-150-clauses.jsonl",
    config.ANNOTATIONS_DIR,
)
LICENCES = config.LICENCES
model_option = click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
                            help="Model folder or file (default: models/default).")


def annotation_files(paths) -> list[Path]:
    """Annotation files under ``paths`` (folders: their .jsonl/.csv/.parquet files); missing
    default paths are left out, a missing given path is an error."""
    out = []
    for path in (Path(p) for p in paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".jsonl", ".csv", ".parquet")))
        elif path.exists():
            out.append(path)
        else:
            raise click.BadParameter(f"{path}: no such file or folder", param_hint="DATA")
    if not out:
        raise click.UsageError("no annotated data found")
    return out


def default_training() -> list[Path]:
    present = [p for p in DEFAULT_TRAINING if p.exists()]
    missing = [str(p) for p in DEFAULT_TRAINING if not p.exists()]
    if missing:
        click.echo(f"note: not found, left out: {', '.join(missing)}", err=True)
    return present


def _load_dataset(data):
    import datasets

    from pipeline.annotate.records import AnnotationError, load_annotations

    datasets.disable_progress_bars()
    files = annotation_files(data or default_training())
    try:
        return files, load_annotations(files)
    except AnnotationError as err:
        raise click.ClickException(str(err)) from None


def _licence(path: Path) -> str:
    key = next((part for part in reversed(Path(path).parts) if part in LICENCES), None)
    return LICENCES[key] if key else "see the file's source"


model_params = [
    click.option("--C", "C", type=float, default=10.0, show_default=True, help="Inverse regularisation."),
    click.option("--cue-weight", type=float, default=1.0, show_default=True, help="Weight of cue-term features (0: none)."),
]


def with_model_params(f):
    for option in reversed(model_params):
        f = option(f)
    return f


@main.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("models/default"), show_default=True)
@click.option("--name", default="default", show_default=True)
@click.option("--evaluate/--no-evaluate", default=True, show_default=True,
              help="Run grouped cross-validation first and put the figures in the model card.")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default=True,
              help="Processes fitting the themes (speed only: the model is the same up to rounding).")
@with_model_params
def train(data, out, name, evaluate, workers, C, cue_weight):
    """Train the theme model on annotated clauses (default: the shared corpora + data/processed/annotations)."""
    import hashlib

    from pipeline.annotate.records import label_matrix
    from pipeline.io.store import save_model
    from pipeline.measure.evaluate import (
        against_targets,
        cross_validate,
        default_systems,
        document_group,
        format_report,
        text_key,
    )
    from pipeline.themes.model import ThemeClassifier, compact

    files, dataset = _load_dataset(data)
    columns = dataset.select_columns(["text", "labels", "lang", "doc_id", "source"]).to_dict()  # plain lists, read once
    texts, labels, sources = columns["text"], columns["labels"], columns["source"]
    Y = label_matrix(labels)
    digest = hashlib.sha256("\n".join(f"{t}\t{','.join(ls)}" for t, ls in zip(texts, labels, strict=True))
                            .encode()).hexdigest()
    card = {"name": name, "description": "Theme classifier of govthemes: TF-IDF (words, characters) and cue-term "
            "features of folded text (lower case, Chinese in Simplified characters), one logistic regression per "
            "theme, thresholds tuned by grouped cross-validation.",
            "training": {"clauses": len(texts), "sha256": digest, "text_keys": sorted({text_key(t) for t in texts}),
                         "sources": [
                {"path": str(f), "clauses": sources.count(str(f)), "licence": _licence(f)}
                for f in files]}}
    if evaluate:
        report = cross_validate(texts, Y, columns["lang"], columns["doc_id"],
                                default_systems(C=C, cue_weight=cue_weight, n_jobs=workers),
                                progress=lambda m: click.echo(m, err=True), sources=sources)
        click.echo(format_report(report))
        card["evaluation"] = {"command": "govthemes train (grouped 5-fold cross-validation)",
                              "summary": {s: {k: {"micro_f1": v["micro_f1"], "macro_f1": v["macro_f1"],
                                                  "clauses": v["clauses"]} for k, v in r.items()}
                                          for s, r in report["systems"].items()},
                              "targets": against_targets(report)}
    groups = [document_group(d) for d in columns["doc_id"]]
    model = compact(ThemeClassifier(C=C, cue_weight=cue_weight, n_jobs=workers).fit(texts, Y, groups))
    current = Path(out) / "model.joblib"
    if current.exists():  # keep one generation, for `govthemes evaluate --previous`
        current.replace(Path(out) / "previous.joblib")
    path = save_model(model, out, card)
    click.echo(f"model: {path} ({path.stat().st_size / 1e6:.1f} MB), trained on {len(texts)} clauses", err=True)


@main.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@click.option("--folds", default=5, show_default=True)
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the report as JSON here.")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="A model file (models/default/previous.joblib after `make train`): also cross-validate its "
                   "settings on the clauses it was trained on, on the same folds, and show the change per theme.")
@click.option("--seed", type=int, default=None,
              help="Shuffle the grouped folds with this seed (default: scikit-learn's balanced, unshuffled "
                   "folds). Runs with a few seeds show how much the figures move with the split.")
@click.option("--learning-curve", "curve_lang", metavar="LANG", default=None,
              help="Also score the model trained on 25, 50 and 75 %% of the training documents in LANG "
                   "(e.g. zh), on the same folds: what more annotations in that language would buy.")
@with_model_params
def evaluate(data, folds, as_json, previous, seed, curve_lang, C, cue_weight):
    """Grouped cross-validation of the model next to a cue-term matcher and a plain TF-IDF + LinearSVC."""
    from pipeline.annotate.records import label_matrix
    from pipeline.io.store import ModelError, read_card
    from pipeline.measure.evaluate import (
        cross_validate,
        default_systems,
        format_change,
        format_report,
        learning_curve_systems,
        previous_system,
    )
    from pipeline.themes.model import ThemeClassifier

    _, dataset = _load_dataset(data)
    params = {"C": C, "cue_weight": cue_weight}
    systems = default_systems(**params)
    if previous:
        try:
            systems["previous"] = previous_system(read_card(previous))
        except (ModelError, ValueError) as err:
            raise click.ClickException(f"{previous}: {err}") from None
    if curve_lang:
        chosen = {t for t, lang in zip(dataset["text"], dataset["lang"], strict=True) if lang == curve_lang}
        if not chosen:
            raise click.BadParameter(f"no clauses in language {curve_lang!r}", param_hint="--learning-curve")
        systems.update(learning_curve_systems(lambda: ThemeClassifier(**params), "model", chosen, curve_lang))
    report = cross_validate(dataset["text"], label_matrix(dataset["labels"]), dataset["lang"], dataset["doc_id"],
                            systems, folds=folds, progress=lambda m: click.echo(m, err=True), sources=dataset["source"],
                            seed=seed)
    click.echo(format_report(report))
    if previous:
        click.echo("\n" + format_change(report, "previous", "model"))
    if as_json:
        as_json.write_text(json.dumps(report, indent=2), encoding="utf-8")


def _load(model_path):
    from pipeline.io.store import ModelError, load_model
    from pipeline.themes.classify import DEFAULT_MODEL

    try:
        return load_model(model_path or DEFAULT_MODEL)
    except ModelError as err:
        raise click.ClickException(str(err)) from None


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path))
@click.option("--text-field", default="text", show_default=True)
@model_option
def classify(source, out, text_field, model_path):
    """Tag every row of a .jsonl/.csv/.parquet table: adds `labels` and `scores`, keeps every field."""
    from pipeline.themes.classify import classify_table

    _check_format(out)
    model = _load(model_path)
    with RowWriter(out) as writer:
        try:
            count = classify_table(model, source, writer, text_field)
        except ValueError as err:
            raise click.ClickException(str(err)) from None
    click.echo(f"{count} rows -> {out}", err=True)


@main.command()
@input_paths
@model_option
@with_job_options
def label(paths, model_path, out, strict, workers, cache, engine, scheduler, max_bytes, text_field, id_field):
    """Segment raw statements and tag every clause with themes: the main job."""
    from pipeline.process import SegmentJob

    _check_format(out)
    model = _load(model_path)
    write_clauses(paths, out, strict, SegmentJob(workers=workers, model=model), (max_bytes, text_field, id_field),
                  cache, connect(engine, scheduler, workers))


@main.command()
@click.argument("text")
@click.option("--top", default=6, show_default=True, help="Terms shown per theme.")
@click.option("--all", "show_all", is_flag=True, help="Show every theme, not only those given or near their threshold.")
@model_option
def explain(text, top, show_all, model_path):
    """The themes of one clause, their scores and the terms that pushed each one up."""
    model = _load(model_path)
    for entry in model.explain(text, top):
        if not (show_all or entry["label"] or entry["score"] >= entry["threshold"] * 0.6):
            continue
        mark = "+" if entry["label"] else " "
        terms = ", ".join(f"{t} ({w:+.2f})" for t, w in entry["terms"]) or "-"
        click.echo(f"{mark} {entry['theme']:<15} {entry['score']:.3f} (threshold {entry['threshold']:.2f})  {terms}")


@main.command()
@click.argument("clauses", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("data/processed/report.html"),
              show_default=True, help="HTML page; its figures go in <name>_files/ beside it.")
@model_option
def report(clauses, out, model_path):
    """A static HTML report of labelled clauses (the output of `label`): summary, themes, model, plots."""
    from pipeline.explore.report import write_report
    from pipeline.io.store import ModelError, read_card
    from pipeline.themes.classify import DEFAULT_MODEL

    try:
        card = read_card(model_path or DEFAULT_MODEL)
        card.pop("_payload", None)
    except ModelError:
        card = None
    try:
        path = write_report(clauses, out, card)
    except (FileNotFoundError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"report: {path}", err=True)


ANNOTATIONS = Path("data/processed/annotations")


@main.group()
def annotate():
    """The annotation round trip: export uncertain clauses, fill them in, import them back."""


@annotate.command("export")
@input_paths
@click.option("-n", "count", default=200, show_default=True, help="Clauses in the batch.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="Batch file: OUT.csv for a spreadsheet, and OUT.jsonl beside it.")
@click.option("--annotations", type=click.Path(path_type=Path), default=ANNOTATIONS, show_default=True,
              help="Clauses annotated here are not exported again.")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="all cores")
@model_option
def annotate_export(paths, count, out, annotations, workers, model_path):
    """The N clauses of PATH... the model is least sure of, diverse, with its labels as suggestions."""
    from pipeline.annotate.batches import export_batch, normal, select_uncertain
    from pipeline.process import Manifest, SegmentJob
    from pipeline.themes.classify import batched_tag

    model = _load(model_path)
    done = set()
    if annotations.exists() and any(p.suffix in (".jsonl", ".csv", ".parquet") for p in annotations.iterdir()):
        _, dataset = _load_dataset([annotations])
        done = {normal(t) for t in dataset["text"]}
    manifest = Manifest()
    rows = [r for batch in batched_tag(model, SegmentJob(workers=workers).run(iter_documents(paths), manifest))
            for r in batch if not r["truncated"]]
    chosen = select_uncertain(rows, model.thresholds_, count, exclude=done)
    csv_path, jsonl_path = export_batch(chosen, out)
    click.echo(f"{len(chosen)} of {len(rows)} clauses -> {csv_path} and {jsonl_path}; fill one 0/1 column per "
               f"theme, then `govthemes annotate import {csv_path}`", err=True)


@annotate.command("import")
@click.argument("batch", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--into", type=click.Path(path_type=Path), default=ANNOTATIONS / "imported.jsonl", show_default=True)
def annotate_import(batch, into):
    """Check a filled batch and merge it into the project's annotations (idempotent)."""
    from pipeline.annotate.batches import import_batch
    from pipeline.annotate.records import AnnotationError

    others = sorted(p for p in into.parent.glob("*") if p.suffix in (".jsonl", ".csv", ".parquet")) if into.parent.exists() else []
    try:
        result = import_batch(batch, into, others)
    except AnnotationError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{batch} -> {into}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")


def _check_format(out: Path) -> None:
    try:
        format_of(out)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="-o/--output") from None


if __name__ == "__main__":
    main()
