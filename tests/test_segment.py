"""Segmentation: clauses as ANNOTATION.md §2 defines them, traceable to their characters."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.clean import Cleaner
from pipeline.text.patterns import LIST_MARKER
from pipeline.text.segment import Segmenter, make_nlp

from .conftest import RAW

SEG = Segmenter()


def clause_texts(text, lang="en"):
    return [c.text for c in SEG.segment([text], [lang])[0] if not c.heading]


def test_inline_enumeration_items_are_clauses_without_markers_or_joining_words():
    text = ("Unlawful biases should be reduced, including by:\n\n"
            "a. ensuring the respect of human rights, b. investing in research, and c. taking reasonable steps.")
    assert clause_texts(text) == [
        "Unlawful biases should be reduced, including by:",
        "ensuring the respect of human rights",
        "investing in research",
        "taking reasonable steps.",
    ]


def test_semicolon_joined_provisions_are_split_and_abbreviations_are_not():
    text = "States shall protect data; providers shall label content. See e.g. Art. 5 of the law, etc., for details."
    assert clause_texts(text) == [
        "States shall protect data;",
        "providers shall label content.",
        "See e.g. Art. 5 of the law, etc., for details.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、总体目标\n（一）促进产业合作与发展。\n· 加强政策对话；推动建立合作机制。",
         ["总体目标", "促进产业合作与发展。", "加强政策对话；", "推动建立合作机制。"]),
        ("张军提出五条原则:一是坚持伦理先行,二是坚持安全可控,三是坚持公平普惠。",
         ["张军提出五条原则:", "一是坚持伦理先行", "二是坚持安全可控", "三是坚持公平普惠。"]),
        ("近日发布《办法》。《办法》提出,应当添加标识?隐式标识是指采取技术措施!",
         ["近日发布《办法》。", "《办法》提出,应当添加标识?", "隐式标识是指采取技术措施!"]),
    ],
)
def test_chinese_splits_at_sentence_punctuation_and_list_markers(text, expected):
    assert clause_texts(text, "zh") == expected


def test_a_numbered_title_inside_a_line_becomes_a_heading():
    text = "5.1. Correctness of comparisons. Actors should use reliable information. 5.2. Competencies. Actors should learn."
    clauses = SEG.segment([text], ["en"])[0]
    assert [(c.text, c.heading) for c in clauses] == [
        ("Correctness of comparisons.", True),
        ("Actors should use reliable information.", False),
        ("Competencies.", True),
        ("Actors should learn.", False),
    ]


def test_batched_segmentation_equals_one_passage_at_a_time():
    passages = [p for path in sorted(RAW.glob("*.txt")) for p in Cleaner().clean(path.read_text("utf-8")).passages]
    texts, langs = [p.text for p in passages], [p.lang for p in passages]
    batched = Segmenter().segment(texts, langs)
    single = Segmenter(batch_chars=1).segment(texts, langs)
    assert [[(c.text, c.start, c.end) for c in cs] for cs in batched] == [
        [(c.text, c.start, c.end) for c in cs] for cs in single
    ]


def test_the_pipeline_is_a_readable_spacy_pipeline():
    assert make_nlp("en").pipe_names == ["govthemes_clause_boundaries", "govthemes_sentence_ends"]
    assert make_nlp("zh", "sentencizer").pipe_names == ["govthemes_clause_boundaries", "sentencizer"]


def test_the_array_sentence_step_gives_the_clauses_of_spacys_sentencizer(statements_corpus):
    pages = sorted(RAW.glob("*.txt")) + sorted((statements_corpus / "raw").glob("*.txt"))
    passages = [p for path in pages for p in Cleaner().clean(path.read_text("utf-8")).passages]
    texts, langs = [p.text for p in passages], [p.lang for p in passages]
    ours = Segmenter().segment(texts, langs)
    spacys = Segmenter(sentence_splitter="sentencizer").segment(texts, langs)
    assert sum(map(len, ours)) > 1000
    assert [[(c.text, c.start) for c in cs] for cs in ours] == [[(c.text, c.start) for c in cs] for cs in spacys]


SEPARATORS = re.compile(r"(?:\s+|[,，、;；:：]|\b(?:and|or)\b|\[[A-Za-z ]{1,20}\])", re.IGNORECASE)
ALPHABET = st.sampled_from(list("abcdeAB xyz.;,:!?\n\n  ()·•-—一二、。；！？（）中法两国人工智能12345ivIV“”《》[]"))


def uncovered(text: str, start: int, end: int) -> str:
    """What is left of ``text[start:end]`` (a gap between clauses) once separators and list
    markers are taken out; markers are matched in context, as the segmenter sees them."""
    position = start
    while position < end:
        for pattern in (LIST_MARKER, SEPARATORS):
            m = pattern.match(text, position, end) if pattern is SEPARATORS else pattern.match(text[position:])
            length = m.end() - (position if pattern is SEPARATORS else 0) if m else 0
            if length and position + length <= end:
                position += length
                break
        else:
            return text[position:end]
    return ""


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET, min_size=1, max_size=200), st.sampled_from(["en", "zh"]))
def test_clauses_lie_in_order_inside_their_passage_and_cover_its_content(text, lang):
    clauses = SEG.segment([text], [lang])[0]
    position = 0
    for clause in clauses:
        assert 0 <= position <= clause.start < clause.end <= len(text)
        assert text[clause.start:clause.end] == clause.text
        assert clause.text == clause.text.strip()
        assert uncovered(text, position, clause.start) == "", (text, position, clause)
        position = clause.end
    assert uncovered(text, position, len(text)) == ""
