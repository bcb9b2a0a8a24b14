"""govthemes as spaCy components: segment passages into clauses and tag each clause with themes.

The package registers these with spaCy through its entry points, so a pipeline uses them by
name once govthemes is installed (no import needed)::

    nlp = spacy.blank("en")
    nlp.add_pipe("govthemes_clause_boundaries")   # clause starts at lines and list items
    nlp.add_pipe("govthemes_sentence_ends")       # clause ends at . ! ? ; 。！？；
    nlp.add_pipe("govthemes_clauses")             # doc.spans["clauses"]
    nlp.add_pipe("govthemes_themes")              # span._.themes, span._.theme_scores
    doc = nlp("Developers shall protect personal data. Systems must be safe; humans stay in control.")
    [(span.text, span._.themes) for span in doc.spans["clauses"]]

For Chinese, start from ``spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers":
"govthemes.cjk_tokenizer.v1"}}})`` (or :func:`pipeline.text.segment.make_nlp`).

The first three components live in :mod:`pipeline.text.segment`; ``govthemes_themes`` is
here, as it loads a model file. A pipeline saved with ``nlp.to_disk`` carries a copy of the
theme model, so ``spacy.load`` gives the same clauses and themes in any process.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path, minibatch

from pipeline.io.store import load_model
from pipeline.text.segment import ClauseSpans, SentenceEnds, clause_boundaries, make_nlp
from pipeline.themes.classify import DEFAULT_MODEL, tag_rows

__all__ = ["ClauseSpans", "SentenceEnds", "ThemeTagger", "clause_boundaries", "make_nlp", "make_theme_tagger"]

for _name in ("themes", "theme_scores"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory("govthemes_themes", default_config={"model": None, "spans_key": "clauses", "batch_size": 2000},
                  assigns=["span._.themes", "span._.theme_scores"], requires=["doc.spans"])
def make_theme_tagger(nlp: Language, name: str, model: str | None, spans_key: str, batch_size: int) -> ThemeTagger:
    """The ``govthemes_themes`` component (``model``: a model folder or file; null for the default model)."""
    return ThemeTagger(model, spans_key, batch_size)


class ThemeTagger:
    """Tags the clause spans ``doc.spans[spans_key]`` with themes.

    Sets ``span._.themes`` (the theme ids given, in taxonomy order) and ``span._.theme_scores``
    (theme id -> score in [0, 1]) on every span, as ``govthemes label`` tags clause rows. The
    model is read with :func:`pipeline.io.store.load_model` (which checks it) when the first
    doc comes, from ``model``, or from the packaged default model when ``model`` is None.

    ``to_disk``/``to_bytes`` store the files of the model's folder with the component, so a
    saved pipeline does not depend on the path it was made with; ``from_disk``/``from_bytes``
    load the model back from them (with ``load_model``'s checks).
    """

    def __init__(self, model: str | Path | None = None, spans_key: str = "clauses", batch_size: int = 2000):
        self.model_path = Path(model) if model else DEFAULT_MODEL
        self.spans_key = spans_key
        self.batch_size = batch_size
        self._model = None
        self._files: dict[str, bytes] | None = None  # the model's files, once stored or restored
        self._file: str | None = None  # the model file among them, when the model is a single file

    def theme_model(self):
        """The theme model, read on first use.

        A method, not a ``model`` property: spaCy probes every component for a ``model``
        attribute when a pipe is added (its ``ListenedToComponent`` check), and a property that
        read the model there would fail at ``add_pipe`` instead of at the first doc.
        """
        if self._model is None:
            self._model = load_model(self.model_path)
        return self._model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        """Tag the clauses of many docs, scoring a batch of docs' clauses at once."""
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            spans = [span for doc in batch for span in doc.spans.get(self.spans_key, [])]
            rows = tag_rows(self.theme_model(), [{"text": span.text} for span in spans])
            for span, row in zip(spans, rows, strict=True):
                span._.themes = row["labels"]
                span._.theme_scores = row["scores"]
            yield from batch

    # -- serialisation -------------------------------------------------------------------
    def _model_files(self) -> dict[str, bytes]:
        """The files of the model's folder (a model format may use several), by name."""
        if self._files is None:
            source = self.model_path
            if not source.is_dir():  # a model file: its folder goes along, loaded through that file
                source, self._file = source.parent, source.name
            self._files = {p.name: p.read_bytes() for p in sorted(source.iterdir()) if p.is_file()}
        return self._files

    def _restore(self, cfg: dict, folder: Path) -> None:
        """Load the model from ``folder`` (holding the files ``cfg`` lists) and keep its files."""
        self.spans_key, self.batch_size, self._file = cfg["spans_key"], cfg["batch_size"], cfg["model_file"]
        self._files = {name: (folder / name).read_bytes() for name in cfg["files"]}
        self._model = load_model(folder / self._file if self._file else folder)

    def _cfg(self) -> dict:
        return {"spans_key": self.spans_key, "batch_size": self.batch_size, "model_file": self._file,
                "files": sorted(self._model_files())}

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path)
        (path / "model").mkdir(parents=True, exist_ok=True)
        for name, data in self._model_files().items():
            (path / "model" / name).write_bytes(data)
        srsly.write_json(path / "cfg.json", self._cfg())

    def from_disk(self, path, *, exclude=tuple()) -> ThemeTagger:
        path = ensure_path(path)
        self._restore(srsly.read_json(path / "cfg.json"), path / "model")
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return srsly.msgpack_dumps({"cfg": self._cfg(), "files": self._model_files()})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> ThemeTagger:
        unpacked = srsly.msgpack_loads(data)
        with tempfile.TemporaryDirectory() as folder:
            for name, content in unpacked["files"].items():
                (Path(folder) / Path(name).name).write_bytes(content)
            self._restore(unpacked["cfg"], Path(folder))
        return self
