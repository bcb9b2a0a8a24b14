"""The ``govthemes`` command line."""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import click

from pipeline import config
from pipeline.io.output import (
    OutputError,
    OutputLock,
    RowWriter,
    batched,
    check_output,
    format_of,
    replace_file,
)
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


def options(*decorators):
    """One decorator that applies click ``decorators`` so that they list in the order given."""
    def apply(f):
        for decorator in reversed(decorators):
            f = decorator(f)
        return f
    return apply


with_read_options = options(*read_options)


def progress(items, total_hint: str = "documents"):
    """A progress bar on stderr when it is a terminal; the items unchanged otherwise."""
    from tqdm import tqdm

    return tqdm(items, unit=f" {total_hint}", disable=not sys.stderr.isatty(), leave=False)


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.json")


def finish(manifest, out: Path, strict: bool, rows: int) -> None:
    """Write the manifest beside ``out``, report skips, and exit non-zero when the run failed."""
    data = {"output": str(out), "rows": rows, **manifest.as_dict()}
    replace_file(manifest_path(out), json.dumps(data, ensure_ascii=False, indent=2))
    for skip in manifest.skipped:
        click.echo(f"skipped {skip['path']}: {skip['reason']}", err=True)
    for note in manifest.notes:
        click.echo(f"note: {note['path']!r}: {note['note']}", err=True)
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


def _errno(err: OSError) -> int | None:
    import re

    found = re.findall(r"\[errno (\d+)\]", str(err))  # pyarrow's "Error writing bytes ... [errno 28] ..."
    return int(found[0]) if found else err.errno


def one_line(err: BaseException) -> str:
    """An I/O error (or the SQLite cache's) as one line: what failed, and on which file."""
    if isinstance(err, OSError):
        code = _errno(err)
        what = os.strerror(code) if code else err.strerror or str(err) or type(err).__name__
        return f"{what}: {err.filename}" if err.filename else what
    return f"SQLite cache: {str(err).splitlines()[0] if str(err) else type(err).__name__}"


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush of a closed or full
    stdout does not print a second error."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class Main(click.Group):
    """The command group; every command's I/O failure (a full disk, a closed pipe, a file
    that cannot be written) ends the run with one line on stderr and exit status 1, without
    a traceback. Outputs are written through partial files, so none is left half written."""

    def invoke(self, ctx):
        import sqlite3

        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except BrokenPipeError:
            _quiet_stdout()
            raise click.ClickException("the output was closed before everything was written (broken pipe)") from None
        except OutputError as err:
            raise click.ClickException(str(err)) from None
        except (OSError, sqlite3.Error) as err:
            _quiet_stdout()
            full = isinstance(err, sqlite3.Error) or _errno(err) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT,
                                                                     errno.EROFS, errno.EIO)
            raise click.ClickException(f"cannot write the output: {one_line(err)}" if full else one_line(err)) from None


@click.group(cls=Main)
@click.version_option(package_name="govthemes")
def main() -> None:
    """Clean AI-governance statements, split them into clauses and tag them with themes."""


#: The options that segment and label share: output, strictness, workers, cache, engine, reading.
with_job_options = options(
    click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
                 help="Output file: .jsonl, .csv or .parquet; no extension: a folder of Parquet parts."),
    click.option("--strict", is_flag=True, help="Exit non-zero when any input could not be read."),
    click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="all cores",
                 help="Processes that clean and segment; the output is the same for any number."),
    cache_option, *engine_options, *read_options,
)


@main.command()
@input_paths
@click.option("--no-dedupe", is_flag=True, help="Keep repeated passages (default: keep each once).")
@with_job_options
def segment(paths, no_dedupe, out, strict, workers, cache, engine, scheduler, max_bytes, text_field, id_field):
    """Clean raw statements and split them into clauses, one row per clause."""
    from pipeline.process import SegmentJob

    _check_output(out, paths)
    write_clauses(paths, out, strict, SegmentJob(deduplicate=not no_dedupe, workers=workers),
                  (max_bytes, text_field, id_field), cache, connect(engine, scheduler, workers))


def write_clauses(paths, out: Path, strict: bool, job, read_args: tuple, cache: bool, client=None) -> None:
    """Run ``job`` over ``paths`` (on ``client``'s cluster if given) and stream its rows to ``out``.

    The rows go to a temporary file renamed to ``out`` at the end, so a killed or failed run
    never leaves a partial ``out``; ``<out>.lock`` keeps a second run off the same output while
    this one writes. With ``cache``, documents already processed by the same code and model
    (in an earlier or killed run) are read from ``<out>.cache.sqlite`` instead.
    """
    from pipeline.io.cache import ResultCache
    from pipeline.process import CLAUSE_FIELDS, Manifest

    job.client = client
    try:
        with OutputLock(out):
            if cache:
                model_print = job.model.card_.get("payload_sha256", "") if job.model is not None else ""
                job.cache = ResultCache(out.with_name(out.name + ".cache.sqlite"), model_print,
                                        warn=lambda message: click.echo(f"warning: {message}", err=True))
            manifest = Manifest()
            rows = job.run(progress(iter_documents(paths, *read_args)), manifest)
            columns = [*CLAUSE_FIELDS, "labels", "scores"] if job.model is not None else CLAUSE_FIELDS
            with RowWriter(out, columns) as writer:
                for batch in batched(rows, 2000):
                    writer.write(batch)
            finish(manifest, out, strict, writer.rows)
    finally:
        if job.cache is not None:
            job.cache.close()
        if client is not None:
            client.close()


@main.command()
@input_paths
@click.option("-o", "--output", "out", default="-", help="Output file (.jsonl/.csv/.parquet); default: JSON Lines on stdout.")
@click.option("--explain", is_flag=True, help="Write every removed or repaired span and why, instead of the passages.")
@with_read_options
def clean(paths, out, explain, max_bytes, text_field, id_field):
    """Clean raw statements: passages with their attribution, or (--explain) what was removed."""
    cleaner = Cleaner(explain=explain)

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
    _check_output(Path(out), paths)
    with OutputLock(out), RowWriter(out) as writer:
        for batch in batched(rows(), 2000):
            writer.write(batch)


def _clean_rows(cleaner: Cleaner, doc: RawDocument, explain: bool):
    cleaned = cleaner.clean(doc.text)
    if explain:
        for r in cleaned.removals:
            yield {"doc_id": doc.doc_id, "line": r.line, "kind": r.kind, "reason": r.reason, "detail": r.detail,
                   "text": r.text}
        return
    for i, p in enumerate(cleaned.passages):
        yield {"doc_id": doc.doc_id, "passage_id": f"{doc.doc_id}#p{i}", "line": p.first_line,
               "heading": p.heading, "lang": p.lang, **{k: p.attribution.get(k) for k in ATTRIBUTION_FIELDS},
               "truncated": p.truncated, "text": p.text}


@main.command("evaluate-segments")
@click.argument("gold_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--cv", "folds", type=int, default=None, is_flag=False, flag_value=5,
              help="Leave-site-out cross-validation with this many folds (5 when given bare): each page "
                   "is cleaned by a line model fitted on pages of other sites only.")
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the figures as JSON here.")
@click.option("--errors", is_flag=True, help="List the errors by kind (clause lost, split, merged, leaked, ...) and "
              "the attribution misses, per page.")
@click.option("--leave-corpus-out", is_flag=True,
              help="Attribution: each corpus is read with a gazetteer without the entries that only its own gold names.")
def evaluate_segments(gold_dirs, folds, as_json, errors, leave_corpus_out):
    """Score cleaning, segmentation and attribution against gold pages: per corpus, batch and language.

    GOLD_DIRS are folders with gold/ and raw/ (default: the three shared statement corpora).
    Without --cv, every page goes through the default cleaner (in-sample for its line model).
    """
    from collections import Counter

    from pipeline.measure import attribution_eval
    from pipeline.measure import evaluate_segments as E
    from pipeline.text.attribution import Attributor

    corpora = list(gold_dirs) or [c for c in config.statement_corpora() if (c / "gold").is_dir()]
    if not corpora:
        raise click.ClickException(f"no gold corpus found under {config.shared_dir()} (give GOLD_DIRS)")
    pages = E.gold_pages(corpora)

    def run(attributor=None):
        if folds:
            return E.cross_validate(pages, folds=folds, attributor=attributor)
        return E.in_sample(pages, Cleaner(attributor=attributor) if attributor else None)

    if leave_corpus_out:  # one run per corpus, each keeping only its own pages
        results = [(page, r) for name in sorted({p.corpus for p in pages})
                   for page, r in run(Attributor(leave_out=name)) if page.corpus == name]
    else:
        results = run()
    summary = E.grouped_summary(results)
    if errors:
        kinds: Counter = Counter()
        for page, r in results:
            found = E.error_kinds(r)
            kinds.update(k for k, _ in found)
            if found:
                click.echo(f"== {page.corpus}/{r.file} ({page.site})")
                for kind, text in found:
                    click.echo(f"  {kind}: {text}")
        click.echo("errors by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        for line in attribution_eval.misses([r.fields for _, r in results]):
            click.echo(line)
    click.echo(f"leave-site-out, {folds} folds" if folds else "in-sample (default cleaner)")
    header = (f"{'':26} {'pages':>5} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'content':>8} "
              f"{'boilerpl.':>9} {'attrib.':>8}")
    click.echo(header)
    for name, f in summary.items():
        click.echo(
            f"{name:26} {f['pages']:5d} {f['gold_clauses']:5d} {f['predicted_clauses']:5d} {f['precision']:6.3f} "
            f"{f['recall']:6.3f} {f['f1']:6.3f} {f['content_recovered']:8.3f} {f['boilerplate_leaked']:9.3f} "
            f"{f['attribution_leaked']:8.3f}"
        )
    click.echo("P/R/F1: exact clause match (whitespace-normalised); content: share of gold clause text "
               "recovered; boilerpl./attrib.: share of gold boilerplate/attribution lines found in clauses.")
    fields = {}
    for name in sorted({p.corpus for p, _ in results}):
        fields[name] = attribution_eval.summarise([r.fields for p, r in results if p.corpus == name])
        title = f"{name}{', gazetteer without its own entries' if leave_corpus_out else ''}"
        for line in attribution_eval.format_table(fields[name], f"({title})"):
            click.echo(line)
    if as_json:
        as_json.write_text(json.dumps({**summary, "attribution": fields}, indent=2), encoding="utf-8")


@main.command("train-cleaner")
@click.argument("gold_dirs", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=None,
              help="Model file (default: models/cleaner/line_model.json, with MODEL_CARD.md beside it).")
@click.option("--folds", default=5, show_default=True, help="Leave-site-out folds for the card's figures (0: none).")
def train_cleaner(gold_dirs, out, folds):
    """Fit the cleaner's line model on every line of the gold pages; write it (JSON) and its card."""
    from pipeline.measure import evaluate_segments as E
    from pipeline.text.lines import DEFAULT_LINE_MODEL

    out = out or DEFAULT_LINE_MODEL
    corpora = list(gold_dirs) or [c for c in config.statement_corpora() if (c / "gold").is_dir()]
    if not corpora:
        raise click.ClickException(f"no gold corpus found under {config.shared_dir()} (give GOLD_DIRS)")
    pages = E.gold_pages(corpora)
    model = E.train_line_model(pages)
    if folds:
        model.card["leave_site_out"] = E.grouped_summary(E.cross_validate(pages, folds=folds))
        model.card["folds"] = folds
    model.save(out)
    card = out.with_name("MODEL_CARD.md")
    card.write_text(E.line_model_card(model), encoding="utf-8")
    click.echo(f"wrote {out} and {card} ({model.card['pages']} pages, {model.card['lines']} lines)")


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
    from pipeline.measure import bench as B

    sources = list(sources) or [p for p in (Path("data/raw"), config.corpus("statements") / "raw") if p.exists()]
    runs = B.run_bench(sources, workdir, sizes=[float(x) for x in sizes.split(",")],
                       workers=[int(x) for x in workers.split(",")], steps=steps.split(","), previous_tag=previous_tag,
                       compare=compare, training=training_files(allow_partial=True), train_clauses=train_clauses,
                       log=lambda line: click.echo(line, err=True))
    click.echo("\n".join(B.table(runs)))
    click.echo(f"\nmachine: {B.machine()}")
    if as_json:
        as_json.write_text(json.dumps({"machine": B.machine(), "runs": B.as_dicts(runs)}, indent=2), encoding="utf-8")


# -- themes -----------------------------------------------------------------------------

model_option = click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
                            help="Model folder or file (default: models/default).")


def training_files(data=(), allow_partial: bool = False) -> list[Path]:
    """The annotation files of ``data``, else the default training data (a note names what is left out)."""
    from pipeline.annotate.records import AnnotationError, annotation_files, default_training_files

    try:
        if data:
            return annotation_files(data)
        files, missing = default_training_files(allow_partial)
    except AnnotationError as err:
        raise click.ClickException(str(err)) from None
    if missing:
        click.echo(f"note: not found, left out: {', '.join(map(str, missing))}", err=True)
    return files


allow_partial_option = click.option(
    "--allow-partial", is_flag=True,
    help="Without DATA: go on when the shared corpora are missing, with whatever training data is present.")


def _load_dataset(data, allow_partial: bool = False):
    files = training_files(data, allow_partial)
    import datasets

    from pipeline.annotate.records import AnnotationError, load_annotations

    datasets.disable_progress_bars()
    try:
        return files, load_annotations(files)
    except AnnotationError as err:
        raise click.ClickException(str(err)) from None


model_params = [  # default None: the ThemeClassifier's own default (pipeline/themes/model.py)
    click.option("--C", "C", type=float, default=None, help="Inverse regularisation (default 10)."),
    click.option("--cue-weight", type=float, default=None, help="Weight of cue-term features (0: none; default 1)."),
    click.option("--nb", type=float, default=None, help="NB weighting of the features, smoothed by this (0: off)."),
    click.option("--char-scripts", type=click.Choice(["all", "han"]), default=None,
                 help="Character n-grams of every script, or of Chinese characters only (default: han)."),
    click.option("--calibrate/--no-calibrate", default=None, help="Platt-scale the scores (default: on)."),
]


with_model_params = options(*model_params)


@main.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("models/default"), show_default=True)
@click.option("--name", default="default", show_default=True)
@click.option("--evaluate/--no-evaluate", default=True, show_default=True,
              help="Run grouped cross-validation first and put the figures in the model card.")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default=True,
              help="Processes fitting the themes (speed only: the model is the same up to rounding).")
@allow_partial_option
@with_model_params
def train(data, out, name, evaluate, workers, allow_partial, **params):
    """Train the theme model on annotated clauses (default: the shared corpora + data/processed/annotations)."""
    from pipeline.annotate.records import label_matrix
    from pipeline.io.store import MODEL_DESCRIPTION, save_model, training_summary
    from pipeline.measure.evaluate import (
        TARGETS,
        cross_validate,
        default_systems,
        document_group,
        evaluation_summary,
        format_report,
        text_key,
    )
    from pipeline.themes.model import ThemeClassifier, compact

    files, dataset = _load_dataset(data, allow_partial)
    columns = dataset.select_columns(["text", "labels", "lang", "doc_id", "source"]).to_dict()  # plain lists, read once
    texts, labels, sources = columns["text"], columns["labels"], columns["source"]
    Y = label_matrix(labels)
    card = {"name": name, "description": MODEL_DESCRIPTION,
            "training": training_summary(files, texts, labels, sources, text_keys={text_key(t) for t in texts})}
    params = {k: v for k, v in params.items() if v is not None}  # options not given: the model's defaults
    if evaluate:
        systems = default_systems(**params, n_jobs=workers)
        new_source = {}
        for corpus in ("statements2", "statements3"):  # everything else -> that corpus, when it is trained on
            test = [f for f in files if f.resolve() == (config.corpus(corpus) / "clauses.jsonl").resolve()]
            if test:
                report = _new_source_test(files, test, systems)
                click.echo(format_report(report) + "\n")
                new_source[corpus] = evaluation_summary(report, TARGETS[corpus])
        report = cross_validate(texts, Y, columns["lang"], columns["doc_id"], systems,
                                progress=lambda m: click.echo(m, err=True), sources=sources)
        click.echo(format_report(report))
        card["evaluation"] = {"command": "govthemes train (= make evaluate: the new-source tests, then grouped "
                              "5-fold cross-validation)",
                              "cross_validation": evaluation_summary(report, TARGETS["cross_validation"]),
                              "new_source": new_source}
    groups = [document_group(d) for d in columns["doc_id"]]
    model = compact(ThemeClassifier(**params, n_jobs=workers).fit(texts, Y, groups))
    current = Path(out) / "model.json"
    if current.exists():  # keep the card of one generation, for `govthemes evaluate --previous`
        current.replace(Path(out) / "previous.json")
    path = save_model(model, out, card)
    size = sum(p.stat().st_size for p in (path, path.with_name("model.npz")))
    click.echo(f"model: {path} and model.npz ({size / 1e6:.1f} MB), trained on {len(texts)} clauses", err=True)


@main.command()
@click.argument("data", nargs=-1, type=click.Path(path_type=Path))
@click.option("--folds", default=5, show_default=True)
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the report as JSON here.")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="A model card (models/default/previous.json after `make train`): also cross-validate its "
                   "settings on the clauses it was trained on, on the same folds, and show the change per theme.")
@click.option("--seed", type=int, default=None,
              help="Shuffle the grouped folds with this seed (default: scikit-learn's balanced, unshuffled "
                   "folds). Runs with a few seeds show how much the figures move with the split.")
@click.option("--learning-curve", "curve_lang", metavar="LANG", default=None,
              help="Also score the model trained on 25, 50 and 75 %% of the training documents in LANG "
                   "(e.g. zh), on the same folds: what more annotations in that language would buy.")
@click.option("--test", "test_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A new-source test instead of cross-validation: score on these annotation files (repeat the "
                   "option for several), per language and per group (the `batch` of each page in the raw/index.jsonl "
                   "beside the file, else the file).")
@click.option("--train", "train_files", multiple=True, type=click.Path(path_type=Path),
              help="With --test: train on these files or folders (default: DATA, else the default training data, "
                   "without the --test files).")
@allow_partial_option
@with_model_params
def evaluate(data, folds, as_json, previous, seed, curve_lang, test_files, train_files, allow_partial, **params):
    """Grouped cross-validation of the model next to a cue-term matcher and a plain TF-IDF + LinearSVC;
    with --test, a new-source test of the same systems."""
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

    params = {k: v for k, v in params.items() if v is not None}
    systems = default_systems(**params)
    if test_files:
        if previous or curve_lang:
            raise click.UsageError("--previous and --learning-curve go with cross-validation, not with --test")
        report = _new_source_test(train_files or data, test_files, systems, allow_partial)
        click.echo(format_report(report))
        if as_json:
            as_json.write_text(json.dumps(report, indent=2), encoding="utf-8")
        return
    if train_files:
        raise click.UsageError("--train goes with --test (cross-validation reads DATA)")
    _, dataset = _load_dataset(data, allow_partial)
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


def _new_source_test(train_paths, test_files, systems, allow_partial: bool = False) -> dict:
    """``holdout`` of ``systems``: trained on ``train_paths`` (default: the default training data)
    without the test files, scored on ``test_files``."""
    from pipeline.annotate.records import label_matrix
    from pipeline.measure.evaluate import batches, holdout

    tested = {Path(f).resolve() for f in test_files}
    train = [f for f in training_files(train_paths, allow_partial) if f.resolve() not in tested]
    _, train_set = _load_dataset(train)
    _, test_set = _load_dataset(test_files)
    train_columns = train_set.select_columns(["text", "labels", "doc_id"]).to_dict()
    test_columns = test_set.select_columns(["text", "labels", "lang", "doc_id", "source"]).to_dict()
    pairs = list(zip(test_columns["source"], test_columns["doc_id"], strict=True))
    batch_of = {}
    for source in set(test_columns["source"]):  # the batch of each test clause's page, per test file
        ids = [d for s, d in pairs if s == source]
        batch_of.update(zip(((source, d) for d in ids), batches(ids, source), strict=True))
    groups = [batch_of[pair] for pair in pairs]
    click.echo(f"training: {', '.join(map(str, train))}; test: {', '.join(map(str, test_files))}", err=True)
    return holdout({"text": train_columns["text"], "Y": label_matrix(train_columns["labels"]),
                    "doc_id": train_columns["doc_id"]},
                   {**{k: test_columns[k] for k in ("text", "lang", "doc_id")}, "Y": label_matrix(test_columns["labels"]),
                    "group": groups}, systems, progress=lambda m: click.echo(m, err=True))


def _load(model_path):
    import warnings

    from pipeline.io.store import ModelError, TaxonomyWarning, load_model
    from pipeline.themes.classify import DEFAULT_MODEL

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TaxonomyWarning)
            model = load_model(model_path or DEFAULT_MODEL)
    except ModelError as err:
        raise click.ClickException(str(err)) from None
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    return model


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path))
@click.option("--text-field", default="text", show_default=True)
@model_option
def classify(source, out, text_field, model_path):
    """Tag every row of a .jsonl/.csv/.parquet table: adds `labels` and `scores`, keeps every field.

    A row that cannot be tagged (not a JSON object, wrong CSV field count, a text that is
    missing, null or not a string) is left out and listed with its reason in OUT.manifest.json;
    exit status 2 when no row at all could be tagged.
    """
    from pipeline.io.read import iter_table
    from pipeline.themes.classify import tag_rows

    _check_output(out, [source])
    model = _load(model_path)
    skipped: list[Skipped] = []
    with OutputLock(out), RowWriter(out) as writer:
        try:
            for rows, bad in iter_table(source, text_field):
                writer.write(tag_rows(model, rows, text_field))
                skipped.extend(bad)
        except ValueError as err:
            raise click.ClickException(str(err)) from None
    data = {"output": str(out), "rows": writer.rows, "skipped": [{"path": s.path, "reason": s.reason} for s in skipped]}
    replace_file(manifest_path(out), json.dumps(data, ensure_ascii=False, indent=2))
    for skip in skipped[:20]:
        click.echo(f"skipped {skip.path}: {skip.reason}", err=True)
    if len(skipped) > 20:
        click.echo(f"... and {len(skipped) - 20} more skipped rows", err=True)
    click.echo(f"{writer.rows} rows -> {out}; {len(skipped)} skipped (manifest: {manifest_path(out)})", err=True)
    if writer.rows == 0 and skipped:
        click.echo("error: no row could be tagged", err=True)
        sys.exit(2)


@main.command()
@input_paths
@model_option
@with_job_options
def label(paths, model_path, out, strict, workers, cache, engine, scheduler, max_bytes, text_field, id_field):
    """Segment raw statements and tag every clause with themes: the main job."""
    from pipeline.process import SegmentJob

    _check_output(out, paths)
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
              show_default=True, help="The HTML page (self-contained: open it anywhere, offline).")
@click.option("--terms/--no-terms", default=True, show_default=True,
              help="Show the terms that drove each theme of each clause (runs the model's explanation).")
@model_option
def report(clauses, out, terms, model_path):
    """An interactive HTML page of labelled clauses (the output of `label`): theme counts and shares by
    issuer, document, year and language, co-occurrence; a click on a cell lists the clauses behind it."""
    from pipeline.explore.report import write_report
    from pipeline.io.store import ModelError, read_card
    from pipeline.themes.classify import DEFAULT_MODEL

    try:
        card = read_card(model_path or DEFAULT_MODEL)
    except ModelError:
        card = None
    model = _load(model_path) if terms else None
    try:
        path = write_report(clauses, out, card, model)
    except (FileNotFoundError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"report: {path} ({path.stat().st_size / 1e6:.1f} MB)", err=True)


ANNOTATIONS = Path("data/processed/annotations")


@main.group()
def annotate():
    """The annotation round trip: export uncertain clauses, fill them in, import them back."""


@annotate.command("export")
@input_paths
@click.option("-n", "count", default=200, show_default=True, help="Clauses in the batch.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="Batch path; the files are named after it by the format (csv: OUT.csv and OUT.jsonl; "
                   "label-studio: OUT.json and OUT.label_config.xml; argilla: the folder OUT.argilla; "
                   "doccano: OUT.jsonl).")
@click.option("--format", "fmt", type=click.Choice(["csv", "label-studio", "argilla", "doccano"]), default="csv",
              show_default=True, help="The annotation tool the batch is for.")
@click.option("--annotators", default="1", show_default=True,
              help="Send the same clauses to several annotators: a number, or names separated by commas "
                   "(one file per annotator; for Argilla, that many responses per record).")
@click.option("--annotations", type=click.Path(path_type=Path), default=ANNOTATIONS, show_default=True,
              help="Clauses annotated here (in either script) are not exported again.")
@click.option("--max-margin", type=float, default=0.4, show_default=True,
              help="Leave out clauses whose every theme score lies farther than this from its threshold.")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default="all cores")
@model_option
def annotate_export(paths, count, out, fmt, annotators, annotations, max_margin, workers, model_path):
    """The N clauses of PATH... the model is least sure of, diverse, with its labels and scores as
    suggestions, in the format of an annotation tool."""
    from pipeline.annotate.batches import fold_key, select_uncertain
    from pipeline.annotate.formats import write_batch
    from pipeline.process import Manifest, SegmentJob
    from pipeline.themes.classify import batched_tag

    spec = annotators.strip()
    names = ([f"annotator{i + 1}" for i in range(int(spec))] if int(spec) > 1 else []) if spec.isdigit() \
        else [a.strip() for a in spec.split(",") if a.strip()]
    _refuse_input_as_output(out, paths)
    model = _load(model_path)
    done = set()
    if annotations.exists() and any(p.suffix in (".jsonl", ".csv", ".parquet") for p in annotations.iterdir()):
        _, dataset = _load_dataset([annotations])
        done = {fold_key(t) for t in dataset["text"]}
    manifest = Manifest()
    rows = [r for batch in batched_tag(model, SegmentJob(workers=workers).run(iter_documents(paths), manifest))
            for r in batch if not r["truncated"]]
    selection = select_uncertain(rows, model.thresholds_, count, exclude=done, max_margin=max_margin)
    for skip in manifest.skipped:
        click.echo(f"skipped {skip['path']}: {skip['reason']}", err=True)
    reason = selection.reason()
    if not selection.rows:
        raise click.ClickException(f"no clause to annotate among the {len(rows)} clauses of "
                                   f"{', '.join(map(str, paths))}: {reason}"
                                   + (f" (in {annotations})" if selection.annotated else ""))
    written = write_batch(selection.rows, out, fmt, names, getattr(model, "card_", {}).get("name", "govthemes"))
    click.echo(f"{len(selection.rows)} of {len(rows)} clauses -> {', '.join(map(str, written))}"
               + (f"; left out: {reason}" if reason else "")
               + ("; fill one 0/1 column per theme, then `govthemes annotate import FILLED.csv`" if fmt == "csv" else
                  f"; load them into {fmt}, annotate, export, then `govthemes annotate import EXPORT`"), err=True)


@annotate.command("import")
@click.argument("batch", type=click.Path(exists=True, path_type=Path))
@click.option("--into", type=click.Path(path_type=Path), default=ANNOTATIONS / "imported.jsonl", show_default=True,
              help="The annotation file (JSON Lines) to merge into.")
@click.option("--format", "fmt", type=click.Choice(["csv", "label-studio", "argilla", "doccano", "records"]),
              default=None, help="The batch's format (default: detected).")
@click.option("--annotator", default=None, help="Who annotated the batch, where its annotations do not say.")
def annotate_import(batch, into, fmt, annotator):
    """Check an annotated batch (a filled CSV, or an export of Label Studio, Argilla or doccano) and
    merge it into the project's annotations, keeping who annotated what and when (idempotent)."""
    from pipeline.annotate.batches import import_batch
    from pipeline.annotate.records import AnnotationError

    try:
        result = import_batch(batch, into, fmt, annotator)
    except AnnotationError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{batch} -> {into}: {result.added} added, {result.updated} updated, {result.unchanged} unchanged"
               + ("" if result.written else " (file not rewritten)"))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--threshold", type=float, default=0.67, show_default=True, help="Flag themes under this figure.")
@click.option("--show", type=int, default=20, show_default=True, help="Disagreements listed.")
@click.option("--json", "as_json", type=click.Path(path_type=Path), help="Also write the figures and every "
              "disagreement as JSON here.")
def agreement(files, threshold, show, as_json):
    """Agreement between annotators per theme, overall and per language: Cohen's kappa for two,
    Krippendorff's alpha for more. FILES: one annotated file per annotator (named after the file
    unless its annotations name one), or files whose annotations name their annotators."""
    from pipeline.annotate.agreement import format_agreement, measure
    from pipeline.annotate.formats import read_annotations
    from pipeline.annotate.records import AnnotationError

    annotations = []
    try:
        for path in files:
            for a in read_annotations(path):
                annotations.append(dict(a, annotator=a["annotator"] or path.stem))
    except AnnotationError as err:
        raise click.ClickException(str(err)) from None
    result = measure(annotations, threshold)
    if result.clauses == 0:
        raise click.ClickException(f"no clause is annotated by two annotators in {', '.join(map(str, files))} "
                                   f"(annotators found: {', '.join(sorted({a['annotator'] for a in annotations}))})")
    click.echo(format_agreement(result, show))
    if as_json:
        as_json.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")


@main.command("export-long")
@click.argument("clauses", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path),
              help="Output table: .csv, .jsonl or .parquet.")
@click.option("--text/--no-text", default=True, show_default=True, help="Repeat the clause text on its rows.")
def export_long(clauses, out, text):
    """A long, tidy table of labelled clauses (the output of `label`): one row per (clause, theme)
    with its score and label, for R, spreadsheets and plotting libraries."""
    from pipeline.explore.tables import load_processed, long_table

    _check_output(out, [clauses])
    try:
        table, _ = load_processed(clauses)
    except (FileNotFoundError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    rows = long_table(table, text=text)
    with RowWriter(out) as writer:
        for batch in batched(rows.to_dict("records"), 20_000):
            writer.write(batch)
    click.echo(f"{len(rows)} rows ({len(table)} clauses × {rows['theme'].nunique()} themes) -> {out}", err=True)


def _check_format(out: Path) -> None:
    try:
        format_of(out)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="-o/--output") from None


def _check_output(out: Path, inputs) -> None:
    """A usable output format, and an output that cannot overwrite or be read back as an input."""
    _check_format(out)
    _refuse_input_as_output(out, inputs)


def _refuse_input_as_output(out: Path, inputs) -> None:
    """Stop (exit 2) when ``out`` is one of ``inputs`` or lies inside an input folder."""
    try:
        check_output(out, inputs)
    except OutputError as err:
        refused = click.ClickException(str(err))
        refused.exit_code = 2  # a usage error: nothing was read or written
        raise refused from None


if __name__ == "__main__":
    main()
