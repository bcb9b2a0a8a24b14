"""The fast feature extractors give exactly what their slow, readable definitions give.

* word and character TF-IDF: scikit-learn's ``TfidfVectorizer`` with the same settings;
* cue-term counts: each theme's cue pattern (``Taxonomy.cue_pattern``), one regex scan per theme;
* the cleaner's boilerplate test: the rules of ``pipeline.patterns`` tried one by one, in order.

On the committed sample pages and annotations, and on the shared corpora where present.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import patterns as P
from pipeline.clean import CJK_CHAR, _boilerplate_reason, _is_menu, _spam_words
from pipeline.features import WORD_PATTERN, CharNgramTfidf, CueTermCounts, WordNgramTfidf
from pipeline.read import iter_documents
from pipeline.taxonomy import load_taxonomy

from .conftest import RAW, ROOT, STATEMENTS

SEEDS = ROOT / "data" / "processed" / "annotations" / "seeds.jsonl"
EDGES = ["", "   ", "a", "AI", "Ａ Ｉ", "İstanbul data", "data\tprotection\n\nand  privacy", "人工智能", "数据 安全",
         "x\x00y", "e-mail: 2024 2024 2024", "developing development developer", "人工智能安全风险和网络安全"]


def _clauses() -> list[str]:
    texts = [json.loads(line)["text"] for line in SEEDS.read_text("utf-8").splitlines()]
    gold = STATEMENTS / "clauses.jsonl"
    if gold.exists():  # the shared corpus adds ~2,000 clauses in both languages
        texts += [json.loads(line)["text"] for line in gold.read_text("utf-8").splitlines()]
    return texts


@pytest.mark.parametrize("mine, reference", [
    (CharNgramTfidf(min_df=1), TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)),
    (CharNgramTfidf(min_df=2), TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
    (WordNgramTfidf(min_df=1), TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN)),
    (WordNgramTfidf(min_df=2), TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN,
                                               min_df=2)),
], ids=["chars", "chars-min_df2", "words", "words-min_df2"])
def test_ngram_tfidf_equals_scikit_learn(mine, reference):
    texts = _clauses() + EDGES
    train, test = texts[::2], texts[1::2] + EDGES
    fitted = mine.fit_transform(train)
    expected = reference.fit_transform(train)
    names = mine.get_feature_names_out()
    assert sorted(names) == sorted(reference.vocabulary_)
    columns = [reference.vocabulary_[n] for n in names]
    assert abs(fitted - expected[:, columns]).max() < 1e-12
    reloaded = pickle.loads(pickle.dumps(mine))  # what a model file holds
    assert abs(reloaded.transform(test) - reference.transform(test)[:, columns]).max() < 1e-12


def test_cue_term_counts_equal_the_cue_patterns():
    taxonomy = load_taxonomy()
    texts = _clauses() + EDGES + ["personal data protection, data security; 数据安全和个人数据保护", "redeveloping AI"]
    patterns = [taxonomy.cue_pattern(t) for t in taxonomy.ids]
    expected = np.array([[len(p.findall(t.lower())) for p in patterns] for t in texts])
    counter = CueTermCounts().fit()
    copy = pickle.loads(pickle.dumps(counter))  # as sent to a worker; the original keeps working
    assert expected.sum() > len(texts)  # the texts do hold cues
    assert np.array_equal(copy.counts(texts), expected)
    assert np.array_equal(counter.counts(texts), expected)


def _reason_rule_by_rule(text: str) -> str | None:
    """The boilerplate test as ``pipeline.patterns`` states it: each rule in turn."""
    short = len(text) <= (P.LONG_LINE // 2 if CJK_CHAR.search(text[:20]) else P.LONG_LINE)
    lower = text.lower()
    for reason, words in P.BOILERPLATE_WORDS if short else P.ANY_LENGTH_WORDS:
        if any(word in lower for word in words):
            return reason
    for reason, rule in P.BOILERPLATE_LINES if short else P.ANY_LENGTH_LINES:
        if rule.search(text):
            return reason
    if CJK_CHAR.search(text) and _spam_words(text) >= 3:
        return "spam link farm"
    return "navigation menu" if _is_menu(text) else None


def test_boilerplate_reasons_equal_the_rules_tried_one_by_one():
    pages = [RAW] + ([STATEMENTS / "raw"] if (STATEMENTS / "raw").is_dir() else [])
    lines = {line.strip() for d in iter_documents(pages) if hasattr(d, "text") for line in d.text.splitlines()}
    reasons = {line: _reason_rule_by_rule(line) for line in lines if line}
    assert sum(r is not None for r in reasons.values()) >= 10  # the pages do hold furniture (11 lines in data/raw alone)
    assert {line: _boilerplate_reason(line) for line in reasons} == reasons
