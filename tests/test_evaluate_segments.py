"""Leave-site-out evaluation of cleaning + segmentation (`govthemes evaluate-segments --cv`)."""

from __future__ import annotations

from collections import Counter

from pipeline.measure.evaluate_segments import (
    PageResult,
    cross_validate,
    error_kinds,
    gold_pages,
    grouped_summary,
)


def test_every_gold_page_has_a_site_and_a_batch(statements_corpus):
    pages = gold_pages([statements_corpus])
    assert len(pages) >= 100
    assert all(p.site and "/" not in p.site and not p.site.startswith("www.") for p in pages)
    assert {p.batch for p in pages} >= {"statements:laip", "statements:zh"}
    assert {p.lang for p in pages} == {"en", "zh"}


def test_cross_validation_scores_each_page_once_with_a_model_that_never_saw_its_site(statements_corpus):
    pages = [p for p in gold_pages([statements_corpus]) if not p.batch.endswith("laip")][:36]
    results = cross_validate(pages, folds=3)
    assert Counter(p.raw_path.name for p, _ in results) == Counter(p.raw_path.name for p in pages)
    summary = grouped_summary(results)
    assert summary["all"]["pages"] == len(pages)
    assert 0.5 < summary["all"]["f1"] <= 1.0 and summary["all"]["content_recovered"] > 0.8
    assert {k.split("=")[0] for k in summary} == {"all", "corpus", "batch", "lang"}


def test_errors_are_sorted_into_kinds():
    result = PageResult(
        "made-up.txt", "en",
        gold=["States shall share data.", "They shall meet yearly.", "Labs must test models;", "and report incidents."],
        predicted=["States shall share data. They shall meet yearly.", "Labs must test", "models;",
                   "Menu Home About"],
        matched=0, gold_units=0, recovered_units=0, leaked=["Menu Home About"])
    kinds = Counter(kind for kind, _ in error_kinds(result))
    assert kinds == {"merged": 1, "split": 1, "clause lost": 1, "boilerplate leaked": 1}
