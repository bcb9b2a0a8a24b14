"""Applying a theme model to rows: ``labels`` (theme ids) and ``scores`` (theme id -> score).

Used by ``govthemes classify`` (any table with a ``text`` field) and ``govthemes label``
(clause rows from the segment job). Rows keep every field they came with.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np

from pipeline import config

#: The default model: ``models/default`` of the checkout, or its copy inside an installed wheel.
DEFAULT_MODEL = config.default_model()


def tag_rows(model, rows: list[dict], text_field: str = "text") -> list[dict]:
    """``rows`` with ``labels`` and ``scores`` added (in place, and returned)."""
    if not rows:
        return rows
    scores = model.predict_scores([str(r.get(text_field) or "") for r in rows])
    given = scores >= model.thresholds_
    themes = model.themes_
    for row, s, g in zip(rows, np.round(scores, 4).tolist(), given, strict=True):
        row["labels"] = [themes[k] for k in np.flatnonzero(g)]
        row["scores"] = dict(zip(themes, s, strict=True))
    return rows


def batched_tag(model, rows: Iterable[dict], size: int = 2000) -> Iterator[list[dict]]:
    """Tag a stream of rows, a batch at a time."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield tag_rows(model, batch)
