"""Writing rows to JSON Lines, CSV or Parquet, chosen by the output file's extension.

:class:`RowWriter` takes rows in batches and streams them to disk, so a run never holds its
whole output in memory. List and dict fields stay native in JSON Lines and Parquet; in CSV
they are written as JSON text. The rows go to a hidden partial file that replaces the output
only when all were written: a run that fails or is killed leaves the earlier output (or none),
never a partial one. :func:`check_output` refuses outputs that would hurt the inputs, and
:class:`OutputLock` keeps two runs from writing the same output at once.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import shutil
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


class OutputError(Exception):
    """An output that cannot be written safely; the message says why, in one line."""


def check_output(out: str | Path, inputs: Iterable[str | Path]) -> None:
    """Raise :class:`OutputError` when writing ``out`` could hurt an input: ``out`` is an input,
    lies inside an input folder (the next run would read it back as input), or is a folder
    that holds an input; or ``out`` exists and is neither a regular file nor a folder (a
    device such as ``/dev/full``: outputs are files renamed into place)."""
    target = Path(out).resolve()
    for given in inputs:
        source = Path(given).resolve()
        if target == source:
            raise OutputError(f"output {out} is an input; write the output elsewhere")
        if source in target.parents:
            raise OutputError(f"output {out} is inside the input folder {given}: the next run would read it "
                              "as input; write it elsewhere")
        if target in source.parents:
            raise OutputError(f"output {out} is a folder that holds the input {given}; write it elsewhere")
    if os.path.lexists(out) and not (target.is_file() or target.is_dir()):
        raise OutputError(f"output {out} is not a regular file or folder; give a file name")


class OutputLock:
    """``OUT.lock``, holding the pid of the run writing ``OUT``; use as a context manager.

    A second run on the same output stops with :class:`OutputError` naming the holder; a lock
    left by a process that is gone (killed) is taken over, and the partial files such a run
    left behind are removed.
    """

    def __init__(self, out: str | Path):
        self.path = Path(out).with_name(Path(out).name + ".lock")
        self.held = False

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = _holder(self.path)
                if holder is not None and _alive(holder):
                    raise OutputError(f"{self.path.with_suffix('')} is being written by another run (pid {holder}, "
                                      f"lock {self.path}); wait for it to finish") from None
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()}\n")
            self.held = True
            out = self.path.with_suffix("")
            for stale in out.parent.glob(f".{glob.escape(out.name)}.*.partial"):  # of killed runs
                RowWriter._remove(stale)
            return self
        raise OutputError(f"could not take the lock {self.path}; another run is starting on the same output")

    def __exit__(self, *exc) -> None:
        if self.held and _holder(self.path) == os.getpid():
            self.path.unlink(missing_ok=True)
        self.held = False


def _holder(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    if pid == os.getpid():  # a lock file left by an earlier process that had this pid
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def replace_file(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a hidden file renamed into place (never half written)."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


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
        self.partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.partial")
        self.columns = list(columns) if columns else None
        self.rows = 0
        self._file = None
        self._csv = None
        self._parquet = None
        self._schema = None

    def __enter__(self) -> RowWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._remove(self.partial)
        if self.format == "partitioned":
            self.partial.mkdir()
            self._parts = 0
        elif self.format != "parquet":
            self._file = open(self.partial, "w", encoding="utf-8", newline="")
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
                pq.write_table(table, self.partial / f"part-{self._parts:05d}.parquet")
                self._parts += 1
            else:
                if self._parquet is None:
                    self._parquet = pq.ParquetWriter(self.partial, self._schema)
                self._parquet.write_table(table)

    def __exit__(self, exc_type, *exc) -> None:
        """Finish the partial file and put it in place; on an error, remove it and keep the old output."""
        try:
            self._close(failed=exc_type is not None)
        except BaseException:
            self._remove(self.partial)
            raise
        if exc_type is not None:
            self._remove(self.partial)
            return
        try:
            if self.path.is_dir() and not self.path.is_symlink():  # a partitioned output of an earlier run
                shutil.rmtree(self.path)
            self.partial.replace(self.path)
        finally:
            self._remove(self.partial)

    def _close(self, failed: bool) -> None:
        file, self._file = self._file, None
        parquet, self._parquet = self._parquet, None
        try:
            if parquet is not None:
                parquet.close()
            elif self.format == "parquet" and not failed:  # no rows: still leave a valid, empty file
                import pyarrow as pa
                import pyarrow.parquet as pq

                empty = pa.table({k: pa.array([], pa.string()) for k in (self.columns or ["text"])})
                pq.write_table(empty, self.partial)
            if file is not None and self.format == "csv" and self._csv is None and self.columns and not failed:
                csv.DictWriter(file, fieldnames=self.columns).writeheader()
        finally:
            if file is not None:
                try:
                    file.close()
                except OSError:
                    if not failed:
                        raise

    @staticmethod
    def _remove(path: Path) -> None:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


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
        from pipeline.io.read import json_objects

        return [row for _, row in json_objects(path)]
    import pandas as pd

    frame = pd.read_csv(path, keep_default_na=False) if fmt == "csv" else pd.read_parquet(path)
    return frame.to_dict("records")
