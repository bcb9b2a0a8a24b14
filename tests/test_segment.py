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

CLEANER = Cleaner()  # one cleaner for the module: it loads its models once

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
    passages = [p for path in sorted(RAW.glob("*.txt")) for p in CLEANER.clean(path.read_text("utf-8")).passages]
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
    passages = [p for path in pages for p in CLEANER.clean(path.read_text("utf-8")).passages]
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


# -- segmentation errors seen on new sites (made-up lines of the same shapes) -------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1. Systems should inform people and never manipulate them 2. Nations should avoid an arms race "
         "3. Labs should not cut corners on safety.", "en",
         ["Systems should inform people and never manipulate them", "Nations should avoid an arms race",
          "Labs should not cut corners on safety."]),
        ("Four duties are set out: 1) keeping records; 2) testing models; 3) reporting incidents.", "en",
         ["Four duties are set out:", "keeping records;", "testing models;", "reporting incidents."]),
        ("The law applies (1) to providers of models and (2) to those who deploy them.", "en",
         ["The law applies", "to providers of models", "to those who deploy them."]),
        ("There were 2. cases in 2023 and 3. more in 2024.", "en", ["There were 2. cases in 2023 and 3. more in 2024."]),
        ("会议强调:一是坚持安全发展,二是加强国际合作,三是完善治理规则。", "zh",
         ["会议强调:", "一是坚持安全发展", "二是加强国际合作", "三是完善治理规则。"]),
    ],
)
def test_numbered_items_run_together_on_one_line_are_clauses(text, lang, expected):
    assert clause_texts(text, lang) == expected


def test_chinese_article_and_term_labels_are_headings_not_clause_text():
    text = "第五條(數據安全) 提供者應當保護用戶數據。\n第六条 开发者应当建立审查制度。\n  • 公平性：系統不得歧視用戶。"
    clauses = SEG.segment([text], ["zh"])[0]
    assert [(c.text, c.heading) for c in clauses] == [
        ("第五條(數據安全)", True), ("提供者應當保護用戶數據。", False),
        ("第六条", True), ("开发者应当建立审查制度。", False),
        ("公平性：", True), ("系統不得歧視用戶。", False),
    ]


def test_a_quotation_closed_inside_a_sentence_does_not_end_the_clause():
    assert clause_texts("会议提出“以人为本、智能向善。”的要求,并呼吁各方合作。各国应当加强对话。", "zh") == [
        "会议提出“以人为本、智能向善。”的要求,并呼吁各方合作。", "各国应当加强对话。"]


def test_a_list_flattened_onto_one_line_with_citation_marks_splits_into_its_items():
    text = ("Plan priorities - publish the data sets that agencies hold [1][2] - train civil servants in the "
            "use of AI tools [3] - open every audit of a public algorithm to review by citizens and by the press [4]")
    assert clause_texts(text) == [
        "Plan priorities", "publish the data sets that agencies hold", "train civil servants in the use of AI tools",
        "open every audit of a public algorithm to review by citizens and by the press"]


def test_imperative_titles_are_clauses_and_noun_phrase_titles_are_headings():
    from pipeline.text.clean import _is_heading

    assert not _is_heading("4. Develop a training system centred on workers", "en")
    assert _is_heading("4. Training Systems Centred on Workers", "en")
    for title in ("5. Prioritize fairness for the children who use it", "Perform regular reviews of each system"):
        assert not _is_heading(title, "en"), title
    assert not _is_heading("（一）促进产业合作与发展", "zh")
    assert _is_heading("（一）产业合作与发展", "zh")
    for title in ("（二）加快构建算力调度平台", "三、加大关键技术供给", "建設統一的數據交換平臺", "夯实数字基础设施"):
        assert not _is_heading(title, "zh"), title  # verbs of action lead a provision, not a title
    assert _is_heading("（二）算力调度平台", "zh")
    for title in ("（一）建设目标", "二、建设原则", "建設內容", "（三）高效协同机制"):
        assert _is_heading(title, "zh"), title  # 建设 as a noun, 高效 an adjective: noun-phrase titles


def test_article_numbers_glued_to_their_text_and_sentences_glued_without_a_space_are_split():
    clauses = SEG.segment(["第一條為了促進產業發展,制定本條例。\n第18条经营者应当尊重消费者。"], ["zh"])[0]
    assert [(c.text, c.heading) for c in clauses] == [
        ("第一條", True), ("為了促進產業發展,制定本條例。", False), ("第18条", True), ("经营者应当尊重消费者。", False)]
    assert clause_texts("We take responsibility.Clear roles are set for each system.\n2This rule applies from May.") == [
        "We take responsibility.", "Clear roles are set for each system.", "This rule applies from May."]
    assert clause_texts("See e.g.the rules, i.e.Article 5.") == ["See e.g.the rules, i.e.Article 5."]


def test_a_latin_abbreviation_or_inline_number_before_han_text_does_not_end_a_clause():
    assert clause_texts("銀行在GenA.I.應用方面,包括1.管治與問責,2.公平性。下一步工作。", "zh") == [
        "銀行在GenA.I.應用方面,包括1.管治與問責,2.公平性。", "下一步工作。"]
