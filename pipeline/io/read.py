"""Reading raw statements: files and folders to decoded documents.

``iter_documents`` walks the paths it is given and yields one :class:`RawDocument` per
statement (a whole .txt/.md/.html file, or one row of a .jsonl/.csv file) and one
:class:`Skipped` per input that could not be read, with a one-line reason. It never raises on
bad input: one unreadable file does not stop a batch.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".jsonl", ".csv"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES
DEFAULT_MAX_BYTES = 50_000_000
TEXT_FIELDS = ("text", "content", "body", "clause")
ID_FIELDS = ("id", "doc_id", "document_id")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_LATIN_GUESSES = {"cp1250", "cp1252", "latin_1", "iso8859_15", "iso8859_2", "cp1254", "cp1257", "mac_roman"}


@dataclass
class RawDocument:
    """One statement as read: its id, where it came from, its decoded text and extra fields."""

    doc_id: str
    path: str
    text: str
    encoding: str
    fields: dict = field(default_factory=dict)


@dataclass
class Skipped:
    """An input (a file, or one row of a table) that was not read, and why."""

    path: str
    reason: str


class ReadError(Exception):
    """Raised inside this module for an unreadable input; callers get a :class:`Skipped`."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes of unknown encoding; return ``(text, encoding)``.

    A BOM decides when there is one; then strict UTF-8; then charset-normalizer's best guess
    (GB18030, Big5, Windows-1252, UTF-16 without BOM, ...). Raises :class:`ReadError` for
    empty, binary or undecodable data.
    """
    if not data.strip():
        raise ReadError("empty file")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as err:
                raise ReadError(f"invalid {name} after its byte-order mark: {err.reason}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            raise ReadError("binary data (NUL bytes)")
        return text, "utf-8"
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise ReadError("undecodable: no text encoding fits (binary file?)")
    name = best.encoding
    if name in ("gb2312", "gbk"):
        name = "gb18030"  # a superset: decodes every GBK page and more
    elif name in _LATIN_GUESSES:
        name = "cp1252"  # what browsers read Latin-1 and its kin as (WHATWG), when it fits
    try:
        text = data.decode(name)
    except (UnicodeDecodeError, LookupError):
        if name != "cp1252" or best.encoding == name:
            raise ReadError(f"undecodable: looked like {name} but does not decode") from None
        name = best.encoding
        text = data.decode(name)
    if "\x00" in text:
        raise ReadError("binary data (NUL bytes)")
    return text, name


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "head", "svg", "iframe"]):
        tag.decompose()
    text = soup.get_text("\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _pick(columns: Iterable[str], wanted: Iterable[str], given: str | None) -> str | None:
    columns = list(columns)
    if given:
        return given if given in columns else None
    lower = {c.lower(): c for c in columns}
    return next((lower[w] for w in wanted if w in lower), None)


def _rows(path: Path, text: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """Rows of a .jsonl or .csv file as ``(line_number, row, problem)``."""
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                yield number, None, f"invalid JSON ({err.msg})"
                continue
            if not isinstance(row, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, row, None
    else:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        for number, row in enumerate(reader, 2):
            yield number, row, None


def _read_table(
    path: Path, text: str, encoding: str, text_field: str | None, id_field: str | None
) -> Iterator[RawDocument | Skipped]:
    text_col = id_col = None
    for number, row, problem in _rows(path, text):
        where = f"{path}:{number}"
        if problem:
            yield Skipped(where, problem)
            continue
        if text_col is None:
            text_col = _pick(row, TEXT_FIELDS, text_field)
            id_col = _pick(row, ID_FIELDS, id_field)
            if text_col is None:
                wanted = text_field or " or ".join(TEXT_FIELDS)
                yield Skipped(str(path), f"no text column ({wanted}) among {sorted(row)}")
                return
        value = row.get(text_col)
        if not isinstance(value, str) or not value.strip():
            yield Skipped(where, f"empty or missing '{text_col}'")
            continue
        doc_id = str(row[id_col]) if id_col and row.get(id_col) not in (None, "") else where
        fields = {k: v for k, v in row.items() if k not in (text_col, id_col)}
        yield RawDocument(doc_id, str(path), value, encoding, fields)


def read_file(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    text_field: str | None = None,
    id_field: str | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Read one file into documents; yield :class:`Skipped` for it, or its bad rows, instead."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"too large ({size:,} bytes > limit of {max_bytes:,})")
        text, encoding = decode(path.read_bytes())
    except ReadError as err:
        yield Skipped(str(path), str(err))
        return
    except OSError as err:
        yield Skipped(str(path), f"cannot open: {err.strerror or err}")
        return
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        yield from _read_table(path, text, encoding, text_field, id_field)
        return
    if suffix in HTML_SUFFIXES:
        text = html_to_text(text)
        if not text.strip():
            yield Skipped(str(path), "no visible text in the HTML page")
            return
    yield RawDocument(str(path), str(path), text, encoding)


def _files_under(folder: Path) -> Iterator[Path]:
    """The files under ``folder``, recursively, in sorted path order, listing one folder at a
    time: a folder of a million pages is never held as a million paths."""
    with os.scandir(folder) as entries:
        children = sorted(entries, key=lambda e: e.name)
    for entry in children:
        if entry.is_dir(follow_symlinks=False):
            yield from _files_under(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """Expand files and folders (recursively, in sorted order) into readable input files."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in _files_under(path):
                if child.name.startswith("."):
                    continue
                if child.suffix.lower() in SUFFIXES:
                    yield child
                else:
                    yield Skipped(str(child), f"unsupported file type '{child.suffix}'")
        elif path.is_file():
            yield path
        else:
            yield Skipped(str(path), "no such file or folder")


def iter_documents(
    paths: Iterable[str | Path],
    max_bytes: int = DEFAULT_MAX_BYTES,
    text_field: str | None = None,
    id_field: str | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Every statement under ``paths``, and a :class:`Skipped` for every input not read."""
    for item in iter_files(paths):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_file(item, max_bytes, text_field, id_field)
