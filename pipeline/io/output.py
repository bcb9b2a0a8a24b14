"""Writing rows to JSON Lines, CSV or Parquet, chosen by the output file's extension.

:class:`RowWriter` takes rows in batches and streams them to disk, so a run never holds its
whole output in memory. List and dict fields stay native in JSON Lines and Parquet; in CSV
they are written as JSON text.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

FORMATS = {".jsonl": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


def format_of(path: str | Path) -> str:
    """``jsonl``, ``csv`` or ``parquet`` for an output path, ``partitioned`` for a path without a
    suffix (a folder of Parquet parts); ``ValueError`` for anything else."""
    suffix = Path(path).suffix.lower()
    if not suffix:
        return "partitioned"
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unknown output format '{suffix}' (use .jsonl, .csv or .parquet)")
    return FORMATS[suffix]


def batched(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Rows in lists of at most ``size``."""
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch


class RowWriter:
    """Streams batches of dict rows to ``path``; use as a context manager.

    A ``partitioned`` path is a folder: each batch becomes ``part-00000.parquet``, … in order,
    all with the schema of the first (``pandas.read_parquet(folder)`` reads them back as one).
    """

    def __init__(self, path: str | Path, columns: Iterable[str] | None = None):
        self.path = Path(path)
        self.format = format_of(self.path)
        self.columns = list(columns) if columns else None
        self.rows = 0
        self._file = None
        self._csv = None
        self._parquet = None
        self._schema = None

    def __enter__(self) -> RowWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.format == "partitioned":
            self.path.mkdir(exist_ok=True)
            for old in self.path.glob("part-*.parquet"):
                old.unlink()
            self._parts = 0
        elif self.format != "parquet":
            self._file = open(self.path, "w", encoding="utf-8", newline="")
        return self

    def write(self, batch: list[dict]) -> None:
        if not batch:
            return
        if self.columns is None:
            self.columns = list(batch[0])
        self.rows += len(batch)
        if self.format == "jsonl":
            self._file.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch))
        elif self.format == "csv":
            if self._csv is None:
                self._csv = csv.DictWriter(self._file, fieldnames=self.columns, extrasaction="ignore")
                self._csv.writeheader()
            self._csv.writerows({k: _csv_value(r.get(k)) for k in self.columns} for r in batch)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            columns = {k: [r.get(k) for r in batch] for k in self.columns}
            if self._schema is None:
                schema = pa.table(columns).schema
                # a column that is all null in the first batch is taken to hold text
                self._schema = pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in schema])
            table = pa.table(columns, schema=self._schema)
            if self.format == "partitioned":
                pq.write_table(table, self.path / f"part-{self._parts:05d}.parquet")
                self._parts += 1
            else:
                if self._parquet is None:
                    self._parquet = pq.ParquetWriter(self.path, self._schema)
                self._parquet.write_table(table)

    def __exit__(self, *exc) -> None:
        if self._parquet is not None:
            self._parquet.close()
        elif self.format == "partitioned":
            pass  # a folder with no parts: nothing was written
        elif self.format == "parquet":  # no rows: still leave a valid, empty file
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({k: pa.array([], pa.string()) for k in (self.columns or ["text"])}), self.path)
        if self._file is not None:
            if self.format == "csv" and self._csv is None and self.columns:
                csv.DictWriter(self._file, fieldnames=self.columns).writeheader()
            self._file.close()


def _csv_value(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def read_rows(path: str | Path) -> list[dict]:
    """Read back a file written by :class:`RowWriter` (or any table in those formats)."""
    fmt = format_of(path)
    if fmt == "partitioned":
        import pandas as pd

        return pd.read_parquet(path).to_dict("records")
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False) if fmt == "csv" else pd.read_parquet(path)
    return frame.to_dict("records")
