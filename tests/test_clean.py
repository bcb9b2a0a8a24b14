"""Cleaning the sample pages: boilerplate gone, attribution kept as metadata, repeats merged."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.clean import Cleaner
from pipeline.text.repair import PINYIN_GLOSS, repair_line

from .conftest import RAW, seed

NEWS = seed("003")


def clauses_of_file(rows, name_start):
    return [r for r in rows if re.search(rf"/{name_start}[^/]*$", r["doc_id"])]


def test_no_footer_promotion_or_spam_line_of_the_news_page_reaches_a_clause(seed_rows):
    rows, _ = seed_rows
    lines = NEWS.read_text(encoding="utf-8").split("\n")
    footer_start = next(i for i, line in enumerate(lines) if line.strip().startswith("編輯"))
    footer = [line.strip() for line in lines[footer_start:] if line.strip()]
    assert len(footer) >= 10
    furniture = [lines[0].strip(), lines[1].strip()]  # site menu and breadcrumb
    texts = [r["text"] for r in clauses_of_file(rows, "003")]
    assert len(texts) >= 10
    for line in footer + furniture:
        # compare without pinyin glosses, which the cleaner repairs
        probe = repair_line(line)[0]
        assert not any(probe in t or t in probe for t in texts), line


def test_no_pinyin_gloss_or_lost_indent_is_left(seed_rows):
    rows, _ = seed_rows
    texts = [r["text"] for r in clauses_of_file(rows, "003")]
    assert not any(PINYIN_GLOSS.search(t) for t in texts)
    assert not any(t.startswith("?") for t in texts)  # "??" where an indent was lost
    assert any("聯合國" in t for t in texts) and not any("聯(lián)" in t for t in texts)


def test_the_ten_provisions_of_the_joint_statement_are_ten_or_more_clauses_without_their_numbers(seed_rows):
    rows, _ = seed_rows
    rows = clauses_of_file(rows, "003")
    provisions = [r for r in rows if r["text"].startswith(("中法兩國", "這些努力", "考慮到", "人工智能的廣泛應用", "為了充分利用"))]
    assert len(provisions) >= 10
    assert not any(re.match(r"\d+\.", r["text"]) for r in rows)
    # the numbering is stripped, and each clause still points at its exact text
    text = NEWS.read_text(encoding="utf-8")
    assert "1.中法兩國認識到" in Cleaner().clean(text).passages[3].text


def test_every_passage_of_the_sample_pages_has_an_issuer_and_a_document(seed_rows):
    rows, _ = seed_rows
    assert rows
    missing = [(r["doc_id"], r["text"][:40]) for r in rows if not (r["issuer"] and r["document"])]
    assert missing == []


def test_attribution_lines_become_metadata_not_content(seed_rows):
    rows, _ = seed_rows
    texts = [r["text"] for r in rows]
    assert not any(t.startswith(("Published by", "Principle:", "由 ", "原则:", "作者:", "PARIS --")) for t in texts)
    russia = next(r for r in rows if r["text"].startswith("Technological sovereignty"))
    assert russia["heading"] == "d) Technological sovereignty"
    assert russia["date"] == "2019-10-10" and russia["date_text"] == "Oct 10, 2019"
    assert russia["issuer"] == "Russia" and russia["country"] == "RU"
    assert russia["issuer_text"].startswith("Office of the President of the Russian Federation")
    news = next(r for r in rows if r["text"].startswith("China and France pledged Monday"))
    assert news["issuer"] == "China; France" and news["issuer_type"] == "state"
    zh = clauses_of_file(rows, "003")[0]
    assert zh["source"] == "新華網" and zh["posted"] == "2024-05-08"


def test_a_passage_seen_on_two_pages_is_kept_once_with_both_sightings(seed_rows):
    rows, manifest = seed_rows
    recurring = [r for r in rows if r["text"].startswith("In order to fully utilize the opportunities")]
    assert len(recurring) == 1
    pages = sorted(s.split(":")[0].rsplit("/", 1)[1][:3] for s in recurring[0]["seen_in"])
    assert pages == ["000", "001"]
    assert manifest.duplicates >= 2


def test_passages_of_earlier_chunks_are_not_repeated_however_the_pages_are_chunked():
    from pipeline.io.read import iter_documents
    from pipeline.process import KeySet, Manifest, SegmentJob

    docs = list(iter_documents([RAW]))
    once = list(SegmentJob().run(docs))
    manifest = Manifest()
    twice = list(SegmentJob(chunk_size=1).run(docs + docs, manifest))  # the second copy: chunks later
    key = lambda rows: [(r["text"], r["start"]) for r in rows]  # noqa: E731
    assert key(twice) == key(once)
    assert manifest.duplicates >= len({r["passage_id"] for r in once}) and manifest.files_read == 10

    # repeats inside one chunk are segmented and tagged once; every copy still gets its own rows
    from pipeline.io.store import load_model
    from pipeline.themes.classify import DEFAULT_MODEL

    model = load_model(DEFAULT_MODEL)
    single = list(SegmentJob(deduplicate=False, model=model).run(docs))
    double = list(SegmentJob(deduplicate=False, model=model).run(docs + docs))
    fields = lambda rows: [(r["text"], r["start"], r["truncated"], r["labels"], r["scores"]) for r in rows]  # noqa: E731
    assert fields(double) == fields(single) * 2

    keys, kept = KeySet(batch=3), set()
    for batch in [[0, 2**64 - 1], [5, 5], [17, 2**63, 3], [0, 99, 12345678901234567890], [4, 6]]:
        assert keys.isin(batch) == [k in kept for k in batch]
        keys.update(batch)
        kept.update(batch)
    assert len(keys) == len(kept) and keys.isin(sorted(kept)) == [True] * len(kept) and 7 not in keys


def test_explain_lists_every_removed_line_with_a_reason():
    text = NEWS.read_text(encoding="utf-8")
    cleaned = Cleaner().clean(text)
    removed_lines = {r.line for r in cleaned.removals if r.kind != "repair"}
    kept_lines = {p.first_line for p in cleaned.passages}
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip() and number not in removed_lines and number not in kept_lines:
            # every other non-blank line is a heading or a later line of a kept passage
            assert any(repair_line(line.strip())[0] in (p.heading or "") + "\n" + p.text for p in cleaned.passages), line
    assert all(r.reason for r in cleaned.removals)


SEED_LINES = [line for path in sorted(RAW.glob("*.txt")) for line in path.read_text(encoding="utf-8").split("\n")]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=25))
def test_cleaning_twice_equals_cleaning_once(lines):
    """Each cleaned passage, cleaned again under its heading, comes back unchanged.

    (Cleaning the passages joined into one page is not the same input: a lead-in kept apart
    from a list item by an attribution line would meet it across a blank line.)
    """
    cleaner = Cleaner()
    for passage in cleaner.clean("\n".join(lines)).passages:
        text = ((passage.heading + "\n") if passage.heading else "") + passage.text
        again = cleaner.clean(text).passages
        assert "\n".join(p.text for p in again) == passage.text
        assert all(p.heading == passage.heading for p in again)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_repairing_a_repaired_line_changes_nothing(line):
    once, _ = repair_line(line.replace("\n", " "))
    assert repair_line(once)[0] == once
