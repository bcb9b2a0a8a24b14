"""The Python API: the steps of ``govthemes`` as functions, for notebooks and other programs.

Seven functions, re-exported by the package (``from pipeline import tag``), each the call
behind one step of the command line; their names and arguments stay stable across releases:

- :func:`read_page` and :func:`clean_text`: a page to passages of content with attribution;
- :func:`segment`: passages to clauses with their character offsets;
- :func:`load_model` and :func:`tag`: clause texts to themes and scores;
- :func:`label_folder`: raw pages to a table of tagged clauses (``govthemes label``);
- :func:`load_processed`: the tables of a file written by ``govthemes label``.

In a spaCy pipeline, the same steps are the components ``govthemes_clause_boundaries``,
``govthemes_sentence_ends``, ``govthemes_clauses`` and ``govthemes_themes``
(:mod:`pipeline.spacy_components`).

docs/api.md is this reference, rendered from the docstrings (a test keeps it in sync).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the functions import what they use: `import pipeline` stays light
    import pandas as pd

    from pipeline.text.clean import CleanedDocument, Passage
    from pipeline.text.segment import Clause

__all__ = ["clean_text", "label_folder", "load_model", "load_processed", "read_page", "segment", "tag"]


def read_page(path: str | Path) -> CleanedDocument:
    """Read one page (.txt, .md or .html, any text encoding) and clean it.

    Returns the :class:`~pipeline.text.clean.CleanedDocument`: its ``passages`` (text, heading,
    attribution, language, first line) and its ``removals`` (every span dropped, and why).
    Raises ``ValueError`` naming the file when it cannot be read, or when it is a table of
    many statements (.jsonl, .csv: use :func:`label_folder`).
    """
    from pipeline.io.read import TABLE_SUFFIXES, Skipped, read_file

    path = Path(path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        raise ValueError(f"{path}: a table of statements, not one page; use label_folder()")
    (item,) = read_file(path)
    if isinstance(item, Skipped):
        raise ValueError(f"{item.path}: {item.reason}")
    return clean_text(item.text)


def clean_text(text: str) -> CleanedDocument:
    """Clean the text of one page: repair encoding debris, drop page furniture, keep attribution.

    Returns a :class:`~pipeline.text.clean.CleanedDocument` (see :func:`read_page`).
    """
    return _default_cleaner().clean(text)


@lru_cache(maxsize=1)
def _default_cleaner():
    """One default cleaner per process: it loads its line model and attribution pipelines once."""
    from pipeline.text.clean import Cleaner

    return Cleaner()


def segment(passages: Iterable[str | Passage], langs: Iterable[str] | None = None) -> list[list[Clause]]:
    """Split passages into clauses: for each passage, its list of
    :class:`~pipeline.text.segment.Clause` (``text``, ``start``, ``end`` offsets into the
    passage, ``heading`` for a numbered title inside a line).

    ``passages`` are texts or the passages of :func:`clean_text`; ``langs`` (``en``, ``zh``, …)
    default to each passage's own language, or the one its text is written in.
    """
    from pipeline.text.lang import language_of
    from pipeline.text.segment import Segmenter

    passages = list(passages)
    texts = [p if isinstance(p, str) else p.text for p in passages]
    if langs is None:
        langs = [language_of(p) if isinstance(p, str) else p.lang for p in passages]
    return Segmenter().segment(texts, langs)


def load_model(path: str | Path | None = None):
    """The theme model in the folder (or file) ``path``; None for the default model that comes
    with the package. Raises :class:`pipeline.io.store.ModelError` saying why a file cannot be used."""
    from pipeline.io.store import load_model as load
    from pipeline.themes.classify import DEFAULT_MODEL

    return load(path or DEFAULT_MODEL)


@cache
def _default_model():
    return load_model()


def tag(texts: Iterable[str], model=None) -> list[dict]:
    """Tag clause texts with themes: one dict per text, ``{"text", "labels", "scores"}``, where
    ``labels`` lists the theme ids given and ``scores`` maps every theme id to its score in [0, 1].

    ``model`` is a model from :func:`load_model`; None uses the default model (loaded once).
    """
    from pipeline.themes.classify import tag_rows

    return tag_rows(model or _default_model(), [{"text": str(t)} for t in texts])


def label_folder(paths: str | Path | Iterable[str | Path], output: str | Path | None = None, model=None,
                 workers: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read, clean, segment and tag every page under ``paths`` (files or folders, as ``govthemes
    label`` reads them); return the tables ``(clauses, documents)`` of :func:`load_processed`.

    With ``output`` (.parquet, .jsonl or .csv), the clause rows are also written there, as
    ``govthemes label`` writes them. ``model``: as for :func:`tag`; ``workers``: processes.
    Raises ``ValueError`` when no clause was found, with the reason of the first input skipped.
    """
    import pandas as pd

    from pipeline.explore.tables import clause_table, document_table
    from pipeline.io.output import RowWriter
    from pipeline.io.read import iter_documents
    from pipeline.process import Manifest, SegmentJob

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    manifest = Manifest()
    job = SegmentJob(workers=workers, model=model or _default_model())
    rows = list(job.run(iter_documents(paths), manifest))
    if not rows:
        why = f"; first skipped: {manifest.skipped[0]['path']}: {manifest.skipped[0]['reason']}" if manifest.skipped else ""
        raise ValueError(f"{', '.join(map(str, paths))}: no clauses found{why}")
    if output is not None:
        with RowWriter(output) as writer:
            writer.write(rows)
    clauses = clause_table(pd.DataFrame(rows))
    return clauses, document_table(clauses)


def load_processed(path: str | Path = "data/processed") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tables of a clause file written by ``govthemes label`` (or the folder holding
    ``clauses.parquet``): ``clauses``, one row per clause with its metadata (issuer, document,
    date, ``year``, lang, source, heading), one boolean column per theme and one ``score_<theme>``
    column per theme; ``documents``, one row per document with its number of clauses and, per
    theme, the share of its clauses that carry it."""
    from pipeline.explore.tables import load_processed as load

    return load(path)
