"""Applying a theme model to rows: ``labels`` (theme ids) and ``scores`` (theme id -> score).

Used by ``govthemes classify`` (any table with a ``text`` field) and ``govthemes label``
(clause rows from the segment job). Rows keep every field they came with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

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


def iter_table(path: str | Path, batch_size: int = 2000) -> Iterator[list[dict]]:
    """Rows of a .jsonl, .csv or .parquet file, in batches, without loading it whole."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json"):
        with open(path, encoding="utf-8") as f:
            lines = (line for line in f if line.strip())
            number = 0
            while batch := list(islice(lines, batch_size)):
                rows = []
                for line in batch:
                    number += 1
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as err:
                        raise ValueError(f"{path}: row {number}: invalid JSON ({err.msg})") from None
                yield rows
    elif suffix == ".csv":
        import pandas as pd

        for frame in pd.read_csv(path, chunksize=batch_size, keep_default_na=False, dtype=str):
            yield frame.to_dict("records")
    elif suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
            yield batch.to_pylist()
    else:
        raise ValueError(f"{path}: unknown input format '{suffix}' (use .jsonl, .csv or .parquet)")


def classify_table(model, path: str | Path, writer, text_field: str = "text") -> int:
    """Tag every row of ``path`` and write it with ``writer``; returns the number of rows."""
    count = 0
    for rows in iter_table(path):
        missing = [i for i, r in enumerate(rows) if text_field not in r]
        if missing:
            raise ValueError(f"{path}: row {count + missing[0] + 1} has no '{text_field}' field")
        writer.write(tag_rows(model, rows, text_field))
        count += len(rows)
    return count


def batched_tag(model, rows: Iterable[dict], size: int = 2000) -> Iterator[list[dict]]:
    """Tag a stream of rows, a batch at a time."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield tag_rows(model, batch)
