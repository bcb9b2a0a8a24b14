"""Cleaning the sample pages: boilerplate gone, attribution kept as metadata, repeats merged."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.clean import Cleaner
from pipeline.text.patterns import PINYIN_GLOSS
from pipeline.text.repair import repair_line

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


# one cleaner for all examples of a property test (a cleaner loads its line model and attribution pipelines once)
HAND_RULES_CLEANER = Cleaner(line_model=None)
DEFAULT_CLEANER = Cleaner()
SEED_LINES = [line for path in sorted(RAW.glob("*.txt")) for line in path.read_text(encoding="utf-8").split("\n")]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=25))
def test_cleaning_twice_equals_cleaning_once_with_the_hand_rules(lines):
    """Each cleaned passage, cleaned again under its heading, comes back unchanged.

    (Cleaning the passages joined into one page is not the same input: a lead-in kept apart
    from a list item by an attribution line would meet it across a blank line.)
    """
    cleaner = HAND_RULES_CLEANER
    for passage in cleaner.clean("\n".join(lines)).passages:
        text = ((passage.heading + "\n") if passage.heading else "") + passage.text
        again = cleaner.clean(text).passages
        assert "\n".join(p.text for p in again) == passage.text
        assert all(p.heading == passage.heading for p in again)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=25))
def test_cleaning_again_with_the_line_model_only_keeps_or_drops_whole_lines(lines):
    """The line model judges a line by its neighbours too, so a passage cleaned alone may lose a
    line it kept in its page; but it never changes, reorders or invents text, and never drops a
    whole sentence that the page kept."""
    cleaner = DEFAULT_CLEANER
    for passage in cleaner.clean("\n".join(lines)).passages:
        kept = passage.text.split("\n")
        again = [line for p in cleaner.clean(passage.text).passages for line in p.text.split("\n")]
        it = iter(kept)
        assert all(any(line == k for k in it) for line in again), (kept, again)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_repairing_a_repaired_line_changes_nothing(line):
    once, _ = repair_line(line.replace("\n", " "))
    assert repair_line(once)[0] == once


# -- no statement text lost; every decision visible -------------------------------------------------

COPYRIGHT_PARAGRAPH = (
    "Generative tools raise hard questions for authors: these tools cannot sign copyright or license "
    "agreements, so the people who deploy them must answer for what the tools produce and for the rights "
    "of the creators whose works were used to train them."
)


def _all_text(cleaned) -> str:
    return " ".join(p.text for p in cleaned.passages)


def test_a_paragraph_about_copyright_is_content_not_a_copyright_notice():
    page = f"Home | News | About | Contact\n\n{COPYRIGHT_PARAGRAPH}\n\nCopyright 2025 Example Media. All rights reserved."
    for cleaner in (Cleaner(), Cleaner(line_model=None)):
        cleaned = cleaner.clean(page)
        assert COPYRIGHT_PARAGRAPH in _all_text(cleaned)
        assert "All rights reserved" not in _all_text(cleaned)


READER_FURNITURE = {
    "We use cookies to give you a better browsing experience and to measure traffic. By continuing to use "
    "this site you agree to our cookie policy.": "cookie notice",
    "Stay up to date with the latest analysis from our policy team: sign up for our newsletter today.": "call to action",
    "To read more articles like this one, please consider registering for a free account with Example Review.":
        "call to action",
    "Start your free trial to read every article.": "paywall",
    "欢迎关注本站公众号，获取更多政策解读。": "call to action",
    "如有意愿转载本文，请来信联系编辑部。": "copyright notice",
    "未经本站书面许可，不得转载或复制本文内容。": "copyright notice",
    "本文仅供参考，不构成任何投资建议。": "disclaimer",
    "This newsletter is general commentary and does not constitute legal advice.": "disclaimer",
}
READER_CONTENT = [
    "开发者未经授权使用他人作品训练模型的，应当依法承担相应责任。",  # argues about copyright: content
    "Websites that place tracking cookies must ask for consent before any personal data is collected.",
    "States that subscribe to these principles should follow them in public procurement and report on progress.",
    "Follow our responsible AI standard in every project and record each exception to it.",  # addresses staff
    "For more information on the assessment, see Annex 2 of this code.",
    "Please follow the procedures in Annex 1 when an AI system is found to cause harm to a person.",
    "Please register every high-risk system with the national authority before it is put into service.",
    "Regulators should review cookie consent mechanisms that nudge users into sharing their data.",
]


def test_a_page_inviting_its_reader_to_act_loses_those_lines_not_the_statement():
    """Cookie notices, calls to action, paywalls, reprint notices and disclaimers are grammars of web pages
    (any site), removed whatever the line model says; a statement that mentions cookies, subscribing or
    use without authorisation is kept."""
    page = "\n\n".join(["Open Data Principles", *READER_CONTENT, *READER_FURNITURE])
    for cleaner in (Cleaner(), Cleaner(line_model=None)):
        cleaned = cleaner.clean(page)
        kept = _all_text(cleaned)
        assert all(sentence in kept for sentence in READER_CONTENT)
        reasons = {r.text: r.reason for r in cleaned.removals if r.kind == "boilerplate"}
        assert reasons == READER_FURNITURE


def test_a_short_sentence_of_a_web_page_is_not_guarded_like_a_statement_sentence():
    """A line of four words or fewer (``Close this search box.``) is removed at the line model's usual
    threshold; from five words (or eight Han characters) on, a sentence needs the model to be sure."""
    from pipeline.text.clean import _is_sentence

    assert not _is_sentence("Close this search box.")
    assert _is_sentence("Providers must label generated content.")
    assert _is_sentence("提供者应当标注生成内容。")
    assert not _is_sentence("Providers must label generated content")


def _wrap(text: str, width: int = 75) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line]


WRAPPED = [
    "Member states should ensure that public bodies using automated decision systems publish "
    "a plain account of what each system does, which data it relies on, and how a person "
    "affected by a decision can ask for a human review of that decision.",
    "Providers of general purpose models should keep records of the data used for training "
    "and testing, report serious incidents to the competent authority without delay, and "
    "cooperate with independent researchers who study the risks of their models.",
    "Public procurement of artificial intelligence should favour systems whose makers can "
    "explain their limits, and contracts should give the buyer the right to audit them.",
]


def test_hard_wrapped_paragraphs_keep_every_word_and_become_whole_clauses():
    from pipeline.text.segment import Segmenter

    page = "\n\n".join("\n".join(_wrap(p)) for p in WRAPPED)
    assert max(len(line) for line in page.split("\n")) <= 75
    cleaned = Cleaner().clean(page)
    assert _all_text(cleaned).split() == " ".join(WRAPPED).split()
    assert not any(r.kind == "heading" for r in cleaned.removals)  # no first line taken as a heading
    clauses = [c.text for p in cleaned.passages for c in Segmenter().segment([p.text], [p.lang])[0]]
    assert clauses == WRAPPED


def test_a_sentence_broken_by_a_page_break_marker_is_one_passage_line():
    page = ("Every provider shall keep the logs of its system for at least six months and\n\n- 12 -\n\n"
            "make them available to the supervisory authority on request.")
    cleaned = Cleaner().clean(page)
    assert [p.text for p in cleaned.passages] == [
        "Every provider shall keep the logs of its system for at least six months and make them available "
        "to the supervisory authority on request."]
    assert [(r.reason, r.text) for r in cleaned.removals if r.kind == "boilerplate"] == [("page break", "- 12 -")]


def test_every_removed_line_and_heading_is_listed_with_a_reason_and_the_model_gives_its_score():
    page = ("Home | Policy | Events | Contact\nEnglish | 中文 | Français\n\nOpen Data Principles\n\n"
            "Photo: Example Agency / J. Doe\nGovernments should publish the data they hold in open formats, "
            "free of charge, unless privacy or security requires otherwise.\n"
            "Also read: Ten things to know about open data\nShare this article\n")
    cleaned = Cleaner().clean(page)
    kept = _all_text(cleaned)
    assert kept == ("Governments should publish the data they hold in open formats, free of charge, "
                    "unless privacy or security requires otherwise.")
    lines = [line for line in page.split("\n") if line.strip()]
    explained = {r.line for r in cleaned.removals}
    for number, line in enumerate(page.split("\n"), 1):
        if line.strip() and line not in kept:
            assert number in explained, line
    assert {r.reason for r in cleaned.removals if "English" in r.text} == {"language menu"}
    assert {r.reason for r in cleaned.removals if r.text.startswith("Photo:")} == {"photo caption"}
    assert {r.reason for r in cleaned.removals if r.text.startswith("Also read")} == {"related link"}
    modelled = [r for r in cleaned.removals if r.reason == "line model"]
    assert modelled and all(r.detail.startswith("p=") for r in modelled)
    assert len(lines) == 7


@pytest.mark.parametrize(("line", "source_or_date"), [
    ("智东西10月12日消息,全国信息安全标准化技术委员会发布了征求意见稿。", None),
    ("(吉隆坡25日讯)数码部长表示,政府将推出立法改革。", None),
    ("WASHINGTON (dpa-AFX) - The General Assembly adopted a resolution on safe AI.", None),
])
def test_news_agency_datelines_are_attribution_not_clause_text(line, source_or_date):
    cleaned = Cleaner().clean(line)
    (passage,) = cleaned.passages
    assert passage.text.startswith(("全国", "数码", "The General"))
    assert any(r.reason == "dateline" and r.kind == "attribution" for r in cleaned.removals)


def test_headings_are_listed_in_explain_with_the_line_model_and_with_the_hand_rules():
    page = ("Chapter 3\n\nProviders shall register their services with the authority before launch.\n"
            "Providers shall keep records of complaints for three years.")
    for cleaner in (Cleaner(), Cleaner(line_model=None)):
        cleaned = cleaner.clean(page)
        assert [(r.kind, r.text) for r in cleaned.removals] == [("heading", "Chapter 3")]
        assert [p.heading for p in cleaned.passages] == ["Chapter 3"]


def test_chinese_printed_with_spaces_between_words_is_kept_as_content():
    page = "人工智能 的 发展 应当 坚持 以人为本 , 确保 安全 可控 。\n研发 机构 应当 建立 伦理 审查 制度 。"
    cleaned = Cleaner().clean(page)
    assert _all_text(cleaned).replace("\n", " ") == page.replace("\n", " ")


# -- the line model: a data file trained from gold labels ------------------------------------------


def test_gold_labels_every_line_and_a_model_fitted_on_them_round_trips_as_json(tmp_path):
    from pipeline.text.lines import LineModel, fit_line_model, gold_line_labels

    pages, sites = [], []
    for n in range(6):
        raw = (f"Home > News > Item {n}\n\nRules for Agency {n}\n\n"
               f"Agencies must publish an inventory of their AI uses number {n}.\n"
               f"Published by Example Office {n}\nShare this page")
        gold = {"boilerplate": [f"Home > News > Item {n}", "Share this page"],
                "passages": [{"heading": f"Rules for Agency {n}", "attribution_lines": [f"Published by Example Office {n}"],
                              "clauses": [f"Agencies must publish an inventory of their AI uses number {n}."]}]}
        labels = gold_line_labels(raw, gold)
        assert labels == ["boilerplate", None, "heading", None, "content", "attribution", "boilerplate"]
        lines = Cleaner(line_model=None).page_lines(raw)
        lines.labels = labels
        pages.append(lines)
        sites.append(f"site{n}.example")
    model = fit_line_model(pages, sites, min_sites=2)
    path = tmp_path / "line_model.json"
    model.save(path)
    again = LineModel.load(path)
    assert (again.predict_proba(pages[0]) - model.predict_proba(pages[0])).max() < 1e-3
    assert again.card["pages"] == 6 and again.card["sites"] == 6
    assert not any("Example Office" in key for key in again.recurrence)  # digests, not page text
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json"):
        LineModel.load(bad)


def test_the_shipped_line_model_is_json_with_a_card():
    import json

    from pipeline.text.lines import DEFAULT_LINE_MODEL

    data = json.loads(DEFAULT_LINE_MODEL.read_text(encoding="utf-8"))
    assert data["format"].startswith("govthemes-line-model")
    assert data["card"]["pages"] >= 100 and "leave_site_out" in data["card"]
    assert (DEFAULT_LINE_MODEL.parent / "MODEL_CARD.md").exists()
    assert Cleaner().line_model is not None


def test_the_manifest_counts_every_removed_line_by_kind_and_reason(seed_rows):
    _, manifest = seed_rows
    expected = Counter()
    for path in sorted(RAW.glob("*.txt")):
        expected.update(f"{r.kind}: {r.reason}" for r in Cleaner().clean(path.read_text(encoding="utf-8")).removals)
    assert manifest.removed == expected
    assert manifest.as_dict()["removed_by_reason"] == dict(expected.most_common())
    assert any(key.startswith("heading: ") for key in expected) and any(key.startswith("boilerplate: ") for key in expected)


def test_a_long_sentence_left_unscored_shows_its_neighbours_what_scoring_would():
    from pipeline.text.lines import _AT, NEIGHBOUR_FEATURES, line_features, neighbour_view, sure_content

    for text, marker_end in [(COPYRIGHT_PARAGRAPH, 0), ("• " + WRAPPED[0], 2),
                             ("人工智能的发展应当坚持以人为本、智能向善,确保人工智能安全、可靠、可控," * 4 + "促进共同发展。", 0)]:
        assert sure_content(text, None) and not sure_content(text, "copyright mention")
        full = line_features(text, None, False, False, marker_end, False, 0)
        view = neighbour_view(text, False, marker_end)
        assert [full[_AT[f]] for f in NEIGHBOUR_FEATURES] == [view[_AT[f]] for f in NEIGHBOUR_FEATURES]


def test_a_date_label_with_the_statement_on_the_same_line_keeps_the_statement():
    for cleaner in (Cleaner(), Cleaner(line_model=None)):
        cleaned = cleaner.clean("date 2025-12-23 為因應人工智慧發展，立法院今天三讀通過人工智慧基本法。\n時間:2025-09-12 18:45:15 來源:人民郵電報")
        assert [p.text for p in cleaned.passages] == ["為因應人工智慧發展，立法院今天三讀通過人工智慧基本法。"]
        assert cleaned.passages[0].attribution["date"] == "2025-12-23"
