"""govthemes: clean AI-governance statements, split them into clauses, tag them with themes.

For programs and notebooks, the Python API (:mod:`pipeline.api`, reference in docs/api.md)::

    from pipeline import read_page, segment, tag, label_folder, load_processed

For spaCy pipelines, the components ``govthemes_clause_boundaries``, ``govthemes_sentence_ends``,
``govthemes_clauses`` and ``govthemes_themes`` (:mod:`pipeline.spacy_components`), registered
by entry point.

The package is grouped by concern, and imports flow one way (``text`` and ``themes`` know
nothing of ``io``, ``measure`` or ``cli``):

- ``pipeline.text``: ``repair`` (encoding debris), ``clean`` (a page to passages with
  attribution, rules in ``patterns``), ``lang`` (the language of a text), ``segment``
  (passages to clauses, a spaCy pipeline), ``fold`` (the text the features read);
- ``pipeline.themes``: ``taxonomy`` (``themes.json``), ``features``, ``model`` and ``classify``;
- ``pipeline.io``: ``read`` (files to documents), ``output`` (rows to files), ``cache`` and
  ``store`` (model files);
- ``pipeline.annotate``: annotation ``records``, the ``batches`` annotators work on, their
  ``formats`` (CSV, Label Studio, Argilla, doccano) and the ``agreement`` between annotators;
- ``pipeline.explore``: ``tables``, ``plots`` and ``report`` for analysis;
- ``pipeline.measure``: ``evaluate`` (themes), ``evaluate_segments`` (cleaning and
  segmentation against gold) and ``bench``;
- ``pipeline.process`` (the job: read, clean, segment, tag, deduplicate, stream rows),
  ``pipeline.config`` (every path), ``pipeline.cli`` (the ``govthemes`` command),
  ``pipeline.api`` and ``pipeline.spacy_components`` on top.
"""

from pipeline.api import clean_text, label_folder, load_model, load_processed, read_page, segment, tag

__all__ = ["clean_text", "label_folder", "load_model", "load_processed", "read_page", "segment", "tag"]

def __getattr__(name):
    """``from pipeline import ThemeClassifier``, without importing scikit-learn with the package."""
    if name == "ThemeClassifier":
        from pipeline.themes.model import ThemeClassifier

        return ThemeClassifier
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
