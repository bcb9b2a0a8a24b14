"""govthemes: clean AI-governance statements, split them into clauses, tag them with themes.

The package is grouped by concern, and imports flow one way (``text`` and ``themes`` know
nothing of ``io``, ``measure`` or ``cli``):

- ``pipeline.text``: ``repair`` (encoding debris), ``clean`` (a page to passages with
  attribution, rules in ``patterns``), ``segment`` (passages to clauses, a spaCy pipeline),
  ``fold`` (the text the features read);
- ``pipeline.themes``: ``taxonomy`` (``themes.json``), ``features``, ``model`` and ``classify``;
- ``pipeline.io``: ``read`` (files to documents), ``output`` (rows to files), ``cache`` and
  ``store`` (model files);
- ``pipeline.annotate``: annotation ``records`` and the ``batches`` annotators work on;
- ``pipeline.explore``: ``tables``, ``plots`` and ``report`` for analysis;
- ``pipeline.measure``: ``evaluate`` (themes), ``evaluate_segments`` (cleaning and
  segmentation against gold) and ``bench``;
- ``pipeline.process`` (the job: read, clean, deduplicate, segment, classify, stream rows) and
  ``pipeline.cli`` (the ``govthemes`` command) on top.
"""


def __getattr__(name):
    """``from pipeline import ThemeClassifier``, without importing scikit-learn with the package."""
    if name == "ThemeClassifier":
        from pipeline.themes.model import ThemeClassifier

        return ThemeClassifier
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
