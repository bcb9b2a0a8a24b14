"""Reading: encodings, formats, and bad input that is skipped with a reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.io.read import RawDocument, Skipped, decode, iter_documents, read_file

from .conftest import seed

ZH = seed("003").read_text(encoding="utf-8")
EN = seed("002").read_text(encoding="utf-8")


def read_one(path, **kw):
    items = list(read_file(path, **kw))
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize(
    ("encoding", "text", "expected"),
    [
        ("utf-8-sig", ZH, "utf-8-sig"),
        ("utf-16", ZH, "utf-16"),
        ("gb18030", ZH.replace("?", ""), "gb18030"),
        ("big5", "中華人民共和國和法蘭西共和國關於人工智能和全球治理的聯合聲明。兩國元首重申共同致力於深化共識。" * 20, "big5"),
        ("cp1252", EN.replace("’", "'") + " Café déjà vu — “quoted” text.", "cp1252"),
    ],
)
def test_decodes_the_encodings_web_pages_come_in(tmp_path, encoding, text, expected):
    path = tmp_path / "page.txt"
    path.write_bytes(text.encode(encoding, errors="ignore"))
    doc = read_one(path)
    assert isinstance(doc, RawDocument)
    assert doc.encoding == expected
    assert doc.text.replace("\r\n", "\n") == text.encode(encoding, errors="ignore").decode(expected)


def test_gbk_page_decodes_to_the_same_text(tmp_path):
    text = "中华人民共和国和法兰西共和国关于人工智能和全球治理的联合声明。两国元首重申共同致力于深化共识。" * 10
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gbk"))
    doc = read_one(path)
    assert doc.text == text and doc.encoding == "gb18030"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty file"), (b"   \n\n", "empty file"), (b"\x00\x01\x02\x03PNG\x00\x00\xff\xfe\x00" * 50, "")],
)
def test_unreadable_files_are_skipped_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    item = read_one(path)
    assert isinstance(item, Skipped)
    assert item.path == str(path) and item.reason
    assert reason in item.reason


def test_files_over_the_size_limit_are_skipped(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(EN, encoding="utf-8")
    item = read_one(path, max_bytes=100)
    assert isinstance(item, Skipped) and "too large" in item.reason


def test_html_gives_visible_text_only(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>T</title><style>p{color:red}</style><script>var x = 'hidden';</script></head>"
        "<body><nav>Home</nav><p>China and France pledged to act.</p><p>Second paragraph.</p></body></html>",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert "hidden" not in doc.text and "color" not in doc.text
    assert doc.text.split("\n") == ["Home", "China and France pledged to act.", "Second paragraph."]


def test_jsonl_rows_keep_their_ids_and_fields_and_bad_lines_are_reported(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": "First statement.", "year": 2024}) + "\n"
        + "{not json\n"
        + json.dumps({"id": "b", "text": ""}) + "\n"
        + json.dumps({"id": "c", "text": "Third statement."}) + "\n",
        encoding="utf-8",
    )
    items = list(read_file(path))
    docs = [i for i in items if isinstance(i, RawDocument)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert docs[0].fields == {"year": 2024}
    assert [s.path for s in skipped] == [f"{path}:2", f"{path}:3"]


def test_csv_without_a_text_column_is_skipped_and_with_one_is_read(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("doc_id,text,issuer\nx1,\"One, with a comma.\",UN\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("title,body_html\nA,B\n", encoding="utf-8")
    (doc,) = read_file(good)
    assert doc.doc_id == "x1" and doc.text == "One, with a comma." and doc.fields == {"issuer": "UN"}
    (skip,) = read_file(bad)
    assert isinstance(skip, Skipped) and "no text column" in skip.reason


def test_a_folder_is_read_recursively_and_one_bad_file_does_not_stop_it(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    items = list(iter_documents([tmp_path, tmp_path / "missing.txt"]))
    assert [type(i).__name__ for i in items] == ["Skipped", "Skipped", "RawDocument", "Skipped"]
    assert "unsupported file type" in items[1].reason
    assert "no such file" in items[3].reason


def test_a_folder_is_walked_in_sorted_path_order_without_hidden_files(tmp_path):
    for name in ["b/2.txt", "b/10.txt", "a.txt", "b.txt", "a/z/1.txt", "a/.hidden.txt", "A.txt", "c/d/e/f.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(EN, encoding="utf-8")
    walked = [Path(d.path).relative_to(tmp_path).as_posix() for d in iter_documents([tmp_path])]
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert walked == [p.relative_to(tmp_path).as_posix() for p in expected]
    assert walked == ["A.txt", "a/z/1.txt", "a.txt", "b/10.txt", "b/2.txt", "b.txt", "c/d/e/f.md"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_no_sequence_of_bytes_makes_the_reader_raise(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    for item in read_file(path):
        assert isinstance(item, (RawDocument, Skipped))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_decode_either_returns_text_or_says_why_not(data):
    from pipeline.io.read import ReadError

    try:
        text, encoding = decode(data)
    except ReadError as err:  # one of the reasons the reader gives, never a bare exception message
        assert re.fullmatch(r"empty file|binary data \(NUL bytes\)|undecodable: .+|invalid [\w-]+ after its byte-order mark: .+",
                            str(err)), str(err)
    else:
        assert isinstance(text, str) and encoding
