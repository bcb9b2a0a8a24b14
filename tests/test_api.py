"""The Python API (pipeline/api.py): each function on real pages and made-up text, and its
reference page docs/api.md, which must be what the docstrings render to.

After changing a docstring or signature: ``python -m tests.test_api`` rewrites docs/api.md.
"""

from __future__ import annotations

import inspect
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

import pipeline
from pipeline import api, clean_text, label_folder, load_model, load_processed, read_page, segment, tag
from pipeline.cli import main
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import RAW, ROOT

REFERENCE = ROOT / "docs" / "api.md"
ORDER = ["read_page", "clean_text", "segment", "load_model", "tag", "label_folder", "load_processed"]


def _signature(function) -> str:
    parts = []
    for p in inspect.signature(function).parameters.values():
        part = p.name + (f": {p.annotation}" if p.annotation is not p.empty else "")
        parts.append(part + (f" = {p.default!r}" if p.default is not p.empty else ""))
    returns = inspect.signature(function).return_annotation
    return f"{function.__name__}({', '.join(parts)})" + (f" -> {returns}" if returns is not inspect.Signature.empty else "")


def _markdown(docstring: str) -> str:
    """reStructuredText roles and literals as Markdown code: ``:func:`tag``` -> ``tag``."""
    docstring = re.sub(r":\w+:`~?(?:[\w.]+\.)?([\w]+)`", r"`\1`", docstring)
    return docstring.replace("``", "`")


def render() -> str:
    """docs/api.md: the module docstring, then each function's signature and docstring."""
    lines = ["# Python API reference", "", "<!-- rendered from pipeline/api.py by `python -m tests.test_api`; "
             "tests/test_api.py checks it is up to date -->", "", _markdown(inspect.getdoc(api)), ""]
    for name in ORDER:
        function = getattr(api, name)
        lines += [f"## `{name}`", "", "```python", _signature(function), "```", "",
                  _markdown(inspect.getdoc(function)), ""]
    return "\n".join(lines)


def test_the_reference_page_is_the_docstrings_rendered():
    assert sorted(ORDER) == sorted(api.__all__) == sorted(pipeline.__all__)
    assert REFERENCE.read_text(encoding="utf-8") == render(), "docs/api.md is stale: run `python -m tests.test_api`"


def test_read_page_cleans_a_page_and_names_a_file_it_cannot_read(tmp_path):
    path = sorted(RAW.glob("*.txt"))[0]
    page = read_page(path)
    text = path.read_text(encoding="utf-8")
    assert len(page.passages) >= 3 and page.removals
    assert all(p.text.split("\n")[0][:40] in text for p in page.passages)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ValueError, match=r"empty\.txt: empty file"):
        read_page(tmp_path / "empty.txt")
    (tmp_path / "rows.jsonl").write_text('{"text": "one"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"rows\.jsonl: a table of statements"):
        read_page(tmp_path / "rows.jsonl")


def test_clean_text_keeps_content_and_says_what_it_removed():
    cleaned = clean_text("Home > News > Policy\nShare this article on WeChat\n"
                         "Developers shall protect personal data.\nCopyright 2024 Example News.")
    assert [p.text for p in cleaned.passages] == ["Developers shall protect personal data."]
    # each removal names the hand rule behind it: as its reason, or (the line model decided) in its detail
    said = [f"{r.reason} {r.detail}" for r in cleaned.removals]
    assert len(said) == 3 and all(r.kind == "boilerplate" for r in cleaned.removals)
    for rule, why in zip(("breadcrumb", "app or social promotion", "copyright"), said, strict=True):
        assert rule in why


def test_segment_takes_texts_or_passages_and_finds_their_language():
    english = "Developers shall protect personal data; systems must be safe."
    chinese = "一、加强个人信息保护。二、确保人工智能安全可控。"
    by_text = segment([english, chinese])
    assert [[c.text for c in cs] for cs in by_text] == [
        ["Developers shall protect personal data;", "systems must be safe."],
        ["加强个人信息保护。", "确保人工智能安全可控。"]]
    assert all(text[c.start:c.end] == c.text for text, cs in zip([english, chinese], by_text, strict=True) for c in cs)
    passages = clean_text(english + "\n\n" + chinese).passages
    assert [[c.text for c in cs] for cs in segment(passages)] == [[c.text for c in cs] for cs in by_text]


def test_tag_gives_every_theme_a_score_and_the_themes_given(tmp_path):
    rows = tag(["Developers shall protect personal data and respect privacy.", "人工智能系统应当安全可控，防范安全风险。"])
    assert [row["labels"] for row in rows] == [["privacy"], ["safety"]]
    assert all(list(row["scores"]) == load_taxonomy().ids for row in rows)
    assert all(0 <= s <= 1 for row in rows for s in row["scores"].values())
    with pytest.raises(Exception, match="nothing-here"):
        load_model(tmp_path / "nothing-here")


def test_label_folder_gives_the_tables_of_govthemes_label(tmp_path):
    clauses, documents = label_folder(RAW, output=tmp_path / "api.parquet", model=load_model())
    result = CliRunner().invoke(main, ["label", str(RAW), "-o", str(tmp_path / "cli.parquet")])
    assert result.exit_code == 0, result.output
    from_cli, cli_documents = load_processed(tmp_path / "cli.parquet")
    themes = load_taxonomy().ids
    assert clauses["clause_id"].tolist() == from_cli["clause_id"].tolist()
    assert clauses[themes].equals(from_cli[themes])
    pd.testing.assert_frame_equal(documents, cli_documents)
    again, _ = load_processed(tmp_path / "api.parquet")
    assert again[["text", *themes]].equals(clauses[["text", *themes]])
    assert len(documents) == len(list(RAW.glob("*.txt"))) and clauses[themes].any(axis=None)


def test_label_folder_says_why_nothing_was_labelled(tmp_path):
    (tmp_path / "page.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ValueError, match=r"no clauses found; first skipped: .*page\.pdf: unsupported file type"):
        label_folder(tmp_path)


def test_load_processed_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no labelled clauses there"):
        load_processed(tmp_path)
    (tmp_path / "clauses.jsonl").write_text(json.dumps({"text": "x", "doc_id": "d"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="clauses without themes"):
        load_processed(tmp_path / "clauses.jsonl")


if __name__ == "__main__":
    REFERENCE.write_text(render(), encoding="utf-8")
    print(f"wrote {REFERENCE}")
