"""Reading raw statements: files and folders to decoded documents.

``iter_documents`` walks the paths it is given and yields one :class:`RawDocument` per
statement (a whole .txt/.md/.html file, or one row of a .jsonl/.csv/.parquet file) and one
:class:`Skipped` per input that could not be read, with a one-line reason. It never raises on
bad input: one unreadable file, folder or row does not stop a batch. Names and texts come out
as valid Unicode: a file name with bytes that are not UTF-8 is shown with ``\\xNN`` escapes, a
lone surrogate in a JSON string becomes U+FFFD.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".jsonl", ".csv", ".parquet", ".pq"}
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


_BREAK = "\x00"  # a line break in HTML text under construction (decoded pages hold no NUL)
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Elements that start a new line of text; inline ones (``<b>``, ``<a>``, ``<span>``) do not.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "td", "th", "title", "tr", "ul",
}
HIDDEN_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe"}
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


def shown(path: str | Path) -> str:
    """A path as valid Unicode text: bytes of its name that are not UTF-8 as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


_ESCAPED_BYTE = re.compile(r"\\x[89a-f][0-9a-f]")  # what :func:`shown` writes for a byte that is not UTF-8
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def name_note(path: str) -> str | None:
    """What a reader of the output should know about the name of a file as :func:`shown` gave
    it: bytes that are not UTF-8 (written as ``\\xNN``; a name that holds that text itself is
    noted too), or control characters and line separators (kept, escaped by JSON and quoted by
    CSV); None for an ordinary name."""
    notes = []
    if _ESCAPED_BYTE.search(path):
        notes.append("its name has bytes that are not UTF-8, written as \\xNN in doc_id")
    if _CONTROL.search(path):
        notes.append("its name holds control characters (line breaks, tabs), kept as they are in doc_id")
    return "; ".join(notes) or None


def _plain(text: str) -> str:
    """``text`` without lone surrogates (a JSON ``"\\ud800"``), which no output can encode."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


class _VisibleText:
    """An lxml parser target that collects the text a browser shows, with a break around each
    block element (events, not a tree: no limit on how deep the page nests its elements)."""

    def __init__(self):
        self.parts: list[str] = []
        self.hidden = self.pre = 0

    def start(self, tag, attrib) -> None:
        tag = tag.lower()
        self.hidden += tag in HIDDEN_TAGS
        self.pre += tag == "pre"
        if tag in BLOCK_TAGS:
            self.parts.append(_BREAK)

    def end(self, tag) -> None:
        tag = tag.lower()
        self.hidden -= tag in HIDDEN_TAGS
        self.pre -= tag == "pre"
        if tag in BLOCK_TAGS:
            self.parts.append(_BREAK)

    def data(self, text: str) -> None:
        if not self.hidden:
            self.parts.append(text.replace("\n", _BREAK) if self.pre else text)

    def close(self) -> str:
        lines = (" ".join(piece.split()) for piece in "".join(self.parts).split(_BREAK))
        return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line.

    As a browser shows it: only block elements and ``<br>`` break lines (and the lines of a
    ``<pre>``); text in ``<b>``, ``<a>`` or ``<span>``, a line break in the source, or an entity
    the parser could not resolve stays in its sentence. Linear in the size of the page, however
    deep its elements are nested.
    """
    from lxml import etree

    parser = etree.HTMLParser(target=_VisibleText(), recover=True, huge_tree=True)
    parser.feed(html.replace(_BREAK, ""))
    return parser.close()


def _pick(columns: Iterable[str], wanted: Iterable[str], given: str | None) -> str | None:
    columns = list(columns)
    if given:
        return given if given in columns else None
    lower = {c.lower(): c for c in columns}
    return next((lower[w] for w in wanted if w in lower), None)


def _kind(value) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value!r})"
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object with keys {sorted(map(str, value))[:5]}"
    return f"a {type(value).__name__}"


def text_problem(value, column: str) -> str | None:
    """Why the cell ``value`` of ``column`` cannot be read as a statement's text, or None."""
    if value is None:
        return f"'{column}' is missing or null"
    if not isinstance(value, str):
        return f"'{column}' is {_kind(value)}, not text"
    if not value.strip():
        return f"'{column}' is empty"
    return None


def _rows(path: Path, text: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """Rows of a .jsonl or .csv file as ``(line_number, row, problem)``."""
    if path.suffix.lower() == ".jsonl":  # lines end at \n only: U+2028 may stand inside a JSON string
        yield from json_lines(text.split("\n"))
    else:
        csv.field_size_limit(2**31 - 1)  # a cell may hold a whole page
        reader = csv.DictReader(io.StringIO(text, newline=""))
        number = 1
        try:
            for number, row in enumerate(reader, 2):
                yield number, row, _csv_problem(row, reader.fieldnames)
        except csv.Error as err:
            yield number + 1, None, f"CSV unreadable from here on ({err})"


def _csv_problem(row: dict, header: list[str] | None) -> str | None:
    if None in row:
        return f"{len(header or []) + len(row[None])} fields in a row under a header of {len(header or [])}"
    missing = [k for k, v in row.items() if v is None]
    if missing:
        return f"{len(header or []) - len(missing)} fields in a row under a header of {len(header or [])}"
    return None


def _read_table(
    path: Path, text: str, encoding: str, text_field: str | None, id_field: str | None
) -> Iterator[RawDocument | Skipped]:
    text_col = id_col = None
    number = 0
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
                yield Skipped(shown(path), f"no text column ({wanted}) among {sorted(row)}")
                return
        value = row.get(text_col)
        problem = text_problem(value, text_col)
        if problem:
            yield Skipped(where, problem)
            continue
        doc_id = _plain(str(row[id_col])) if id_col and row.get(id_col) not in (None, "") else where
        fields = {k: v for k, v in row.items() if k not in (text_col, id_col)}
        yield RawDocument(doc_id, shown(path), _plain(value), encoding, fields)
    if number == 0:
        yield Skipped(shown(path), "no rows under the header")


def _read_parquet(path: Path, text_field: str | None, id_field: str | None) -> Iterator[RawDocument | Skipped]:
    """Rows of a Parquet file, a batch at a time; a text column that is not text skips the file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = shown(path)
    try:
        table = pq.ParquetFile(path)
        columns = table.schema_arrow.names
    except (pa.ArrowException, OSError) as err:
        yield Skipped(name, f"not a readable Parquet file ({str(err).splitlines()[0]})")
        return
    text_col, id_col = _pick(columns, TEXT_FIELDS, text_field), _pick(columns, ID_FIELDS, id_field)
    if text_col is None:
        yield Skipped(name, f"no text column ({text_field or ' or '.join(TEXT_FIELDS)}) among {sorted(columns)}")
        return
    kind = table.schema_arrow.field(text_col).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        yield Skipped(name, f"text column '{text_col}' holds {kind}, not text")
        return
    number = 0
    try:
        for batch in table.iter_batches(batch_size=2000):
            for row in batch.to_pylist():
                number += 1
                where = f"{name}:{number}"
                problem = text_problem(row.get(text_col), text_col)
                if problem:
                    yield Skipped(where, problem)
                    continue
                doc_id = str(row[id_col]) if id_col and row.get(id_col) not in (None, "") else where
                fields = {k: v for k, v in row.items() if k not in (text_col, id_col)}
                yield RawDocument(_plain(doc_id), name, _plain(row[text_col]), "parquet", fields)
    except (pa.ArrowException, OSError) as err:
        yield Skipped(name, f"Parquet file unreadable after row {number} ({str(err).splitlines()[0]})")


def iter_table(path: str | Path, text_field: str = "text", batch_size: int = 2000
               ) -> Iterator[tuple[list[dict], list[Skipped]]]:
    """Rows of a .jsonl, .csv or .parquet table in batches ``(rows, skipped)``, every field kept.

    A row that is not a JSON object, has the wrong number of CSV fields, or whose
    ``text_field`` is missing, null or not a string is a :class:`Skipped` with its row number
    (an empty string is a row: it gets no themes). Raises ``ValueError`` for a file that is
    not a table at all (unknown suffix, not Parquet).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    name = shown(path)

    def problem(row: dict) -> str | None:
        value = row.get(text_field)
        return None if isinstance(value, str) else text_problem(value, text_field)

    if suffix in (".parquet", ".pq"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as err:
            raise ValueError(f"{name}: not a readable Parquet file ({str(err).splitlines()[0]})") from None
        number = 0
        for batch in table.iter_batches(batch_size=batch_size):
            rows, skipped = [], []
            for row in batch.to_pylist():
                number += 1
                why = problem(row)
                if why:
                    skipped.append(Skipped(f"{name}:{number}", why))
                else:
                    rows.append(row)
            yield rows, skipped
        return
    if suffix not in (".jsonl", ".json", ".csv"):
        raise ValueError(f"{name}: unknown input format '{shown(suffix)}' (use .jsonl, .csv or .parquet)")
    with open(path, encoding="utf-8", errors="surrogateescape", newline="" if suffix == ".csv" else None) as f:
        if suffix == ".csv":
            csv.field_size_limit(2**31 - 1)
            reader = csv.DictReader(f)
            numbered = ((n, row, _csv_problem(row, reader.fieldnames)) for n, row in enumerate(reader, 2))
        else:
            numbered = json_lines(f)
        rows, skipped = [], []
        try:
            for number, row, why in numbered:
                if row is not None and not why:
                    why = problem(row)
                    if not why and _SURROGATE.search(row[text_field]):
                        why = "not UTF-8 text"
                if why:
                    skipped.append(Skipped(f"{name}:{number}", why))
                else:
                    rows.append(row)
                if len(rows) + len(skipped) >= batch_size:
                    yield rows, skipped
                    rows, skipped = [], []
        except csv.Error as err:
            skipped.append(Skipped(name, f"CSV unreadable after row {len(rows)} of this batch ({err})"))
        yield rows, skipped


def json_lines(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str | None]]:
    """The rows of JSON Lines, numbered from 1, blank lines left out: ``(number, object, None)``,
    or ``(number, None, problem)`` for a line that is not a JSON object. The project's readers of
    JSON Lines parse their lines here (inputs and tables to classify skip a bad row;
    :func:`json_objects` stops at it)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            yield number, None, f"invalid JSON ({err.msg})"
            continue
        except RecursionError:
            yield number, None, "invalid JSON (nested too deeply)"
            continue
        yield (number, row, None) if isinstance(row, dict) else (number, None, "not a JSON object")


def json_objects(path: str | Path, error: type[Exception] = ValueError) -> Iterator[tuple[int, dict]]:
    """The objects of a JSON Lines file with their line numbers; ``error("FILE:LINE: problem")``
    is raised at the first line that is not a JSON object (for files a run cannot go on without:
    annotations, outputs read back, corpus indexes)."""
    with open(path, encoding="utf-8") as f:
        for number, row, problem in json_lines(f):
            if problem:
                raise error(f"{path}:{number}: {problem}")
            yield number, row


def read_file(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    text_field: str | None = None,
    id_field: str | None = None,
) -> Iterator[RawDocument | Skipped]:
    """Read one file into documents; yield :class:`Skipped` for it, or its bad rows, instead."""
    name = shown(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ReadError(f"too large ({size:,} bytes > limit of {max_bytes:,})")
        if suffix not in (".parquet", ".pq"):
            text, encoding = decode(path.read_bytes())
    except ReadError as err:
        yield Skipped(name, str(err))
        return
    except OSError as err:
        yield Skipped(name, f"cannot open: {err.strerror or err}")
        return
    if suffix in (".parquet", ".pq"):
        yield from _read_parquet(path, text_field, id_field)
        return
    if suffix in TABLE_SUFFIXES:
        yield from _read_table(path, text, encoding, text_field, id_field)
        return
    if suffix in HTML_SUFFIXES:
        from lxml import etree

        try:
            text = html_to_text(text)
        except etree.LxmlError as err:
            yield Skipped(name, f"HTML could not be parsed ({str(err).splitlines()[0] if str(err) else 'lxml'})")
            return
        if not text.strip():
            yield Skipped(name, "no visible text in the HTML page")
            return
    if not text.strip():  # Unicode white space and separators (U+001C-U+001F) that bytes.strip() leaves
        yield Skipped(name, "no text: only white space and separator characters")
        return
    yield RawDocument(name, name, text, encoding)


def _files_under(folder: Path) -> Iterator[Path | Skipped]:
    """The files under ``folder``, recursively, in sorted path order, listing one folder at a
    time: a folder of a million pages is never held as a million paths. A folder that cannot
    be listed is a :class:`Skipped`, and the walk goes on."""
    try:
        with os.scandir(folder) as entries:
            children = sorted(entries, key=lambda e: e.name)
    except OSError as err:
        yield Skipped(shown(folder), f"cannot list folder: {err.strerror or err}")
        return
    for entry in children:
        try:
            is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file()
        except OSError as err:
            yield Skipped(shown(entry.path), f"cannot open: {err.strerror or err}")
            continue
        if is_dir:
            yield from _files_under(Path(entry.path))
        elif is_file:
            yield Path(entry.path)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Skipped]:
    """Expand files and folders (recursively, in sorted order) into readable input files."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in _files_under(path):
                if isinstance(child, Skipped):
                    yield child
                elif child.name.startswith("."):
                    continue
                elif child.suffix.lower() in SUFFIXES:
                    yield child
                else:
                    yield Skipped(shown(child), f"unsupported file type '{shown(child.suffix)}'")
        elif path.is_file():
            yield path
        else:
            yield Skipped(shown(path), "no such file or folder")


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
