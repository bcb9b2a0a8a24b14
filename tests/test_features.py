"""The fast feature extractors give exactly what their slow, readable definitions give.

* word and character TF-IDF: scikit-learn's ``TfidfVectorizer`` with the same settings;
* both read the folded text (``pipeline.fold.fold``): Traditional and Simplified Chinese,
  with or without pinyin glosses, give the same features;
* cue-term counts: each theme's cue pattern (``Taxonomy.cue_pattern``), one regex scan per theme;
* the cleaner's boilerplate test: the rules of ``pipeline.text.patterns`` tried one by one, in order.

On the committed sample pages and annotations, and on the shared corpora where present.
"""

from __future__ import annotations

import json
import pickle
import re

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.io.read import iter_documents
from pipeline.text import patterns as P
from pipeline.text.clean import CJK_CHAR, _boilerplate_reason, _is_menu, _spam_words
from pipeline.text.fold import fold
from pipeline.themes.features import WORD_PATTERN, CharNgramTfidf, CueTermCounts, WordNgramTfidf
from pipeline.themes.taxonomy import load_taxonomy

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
    (CharNgramTfidf(min_df=1), TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                                               preprocessor=fold)),
    (CharNgramTfidf(min_df=2), TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=2,
                                               preprocessor=fold)),
    (WordNgramTfidf(min_df=1), TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN,
                                               preprocessor=fold)),
    (WordNgramTfidf(min_df=2), TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN,
                                               min_df=2, preprocessor=fold)),
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
    expected = np.array([[len(p.findall(fold(t))) for p in patterns] for t in texts])
    counter = CueTermCounts().fit()
    copy = pickle.loads(pickle.dumps(counter))  # as sent to a worker; the original keeps working
    assert expected.sum() > len(texts)  # the texts do hold cues
    assert np.array_equal(copy.counts(texts), expected)
    assert np.array_equal(counter.counts(texts), expected)


# the same sentences as pages print them: Traditional (with Taiwan word forms, with pinyin
# glosses) and Simplified; the shared corpus holds both forms of several statements
SAME_CLAUSE = [
    ("應法蘭西共和國總統埃馬紐埃爾·馬克龍邀請,中華人民共和國主席習近平於2024年5月5日至7日對法國進行國事訪問。",
     "应法兰西共和国总统埃马纽埃尔·马克龙邀请,中华人民共和国主席习近平于2024年5月5日至7日对法国进行国事访问。"),
    ("共同關注和(hé)緩解人(rén)工智能對(duì)就業的影(yǐng)響。", "共同关注和缓解人工智能对就业的影响。"),
    ("加強人工智慧研發與應用的資訊安全,建立核心標準", "加强人工智慧研发与应用的资讯安全,建立核心标准"),
]


@pytest.mark.parametrize("make, reads_chinese", [(lambda: CharNgramTfidf(min_df=1), True),
                                                 (lambda: WordNgramTfidf(min_df=1), False),
                                                 (lambda: CueTermCounts(), True)], ids=["chars", "words", "cues"])
def test_traditional_and_simplified_chinese_give_the_same_features(make, reads_chinese):
    traditional, simplified = (list(texts) for texts in zip(*SAME_CLAUSE, strict=True))
    features = make().fit(simplified + ["Data PROTECTION", "data protection"])
    X = features.transform(traditional + simplified + ["Data PROTECTION", "data protection"]).toarray()
    n = len(SAME_CLAUSE)
    assert X[:n].any() == reads_chinese  # word features skip Chinese words
    assert np.allclose(X[:n], X[n:2 * n])
    assert np.allclose(X[-2], X[-1])


def test_fold_keeps_text_other_than_case_and_chinese_script():
    assert fold("Personal Data (fā) shall be processed") == "personal data (fā) shall be processed"
    assert fold("人工智慧發(fā)展。") == "人工智慧发展。"
    assert fold("建立核心标准") == "建立核心标准"  # Simplified text keeps its words
    assert fold("ＡＩ與５Ｇ（試點）") == "ai与5g(试点)"
    assert fold("Data PROTECTION 2024") == "data protection 2024"


def _reason_rule_by_rule(text: str) -> str | None:
    """The boilerplate test as ``pipeline.text.patterns`` states it: each rule in turn."""
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


def test_the_model_features_fold_once_and_give_what_self_folding_parts_give():
    from sklearn.pipeline import FeatureUnion

    from pipeline.themes.model import make_features

    texts = _clauses() + EDGES + [t for pair in SAME_CLAUSE for t in pair]
    train, test = texts[::2], texts[1::2]
    once = make_features(min_df=2)
    each = FeatureUnion([("words", WordNgramTfidf(min_df=2)), ("chars", CharNgramTfidf(min_df=2)),
                         ("cues", CueTermCounts())])
    assert abs(once.fit_transform(train) - each.fit_transform(train)).max() < 1e-12
    assert abs(once.transform(test) - each.transform(test)).max() < 1e-12
    assert list(once.get_feature_names_out()) == list(each.get_feature_names_out())


def test_character_ngrams_of_han_only_leave_other_scripts_to_the_words():
    texts = ["AI safety 人工智能安全", "数据 privacy 保护", "only English words here"]
    han = CharNgramTfidf(min_df=1, scripts="han").fit(texts)
    names = list(han.get_feature_names_out())
    assert "智能" in names and "安全" in names and " 数" in names  # n-grams of the Chinese runs, edges kept
    assert all(not re.search(r"[a-z]", n) for n in names)
    assert han.transform(["only English words here"]).nnz == 0
    every = CharNgramTfidf(min_df=1).fit(texts)
    assert set(names) < set(every.get_feature_names_out())
    with pytest.raises(ValueError, match="scripts must be 'all' or 'han'"):
        CharNgramTfidf(scripts="latin").fit(texts)
