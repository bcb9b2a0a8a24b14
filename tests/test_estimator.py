"""ThemeClassifier as scikit-learn users expect it: scorers, grid search, clone, pickling,
Pipeline, validation, tags, and the checks of ``sklearn.utils.estimator_checks`` that apply.

The data are the project's own annotations of the five sample pages (seeds.jsonl)."""

from __future__ import annotations

import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.utils import estimator_checks as checks
from sklearn.utils import get_tags

from pipeline import ThemeClassifier
from pipeline.annotate.records import label_matrix, load_annotations
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import ROOT

SEEDS = ROOT / "data" / "processed" / "annotations" / "seeds.jsonl"
PROBE = ["Personal data must be processed with the consent of the data subject.", "各国应加强人工智能安全风险评估。"]


@pytest.fixture(scope="module")
def data():
    ds = load_annotations([SEEDS])
    return list(ds["text"]), label_matrix(ds["labels"]), list(ds["doc_id"])


@pytest.fixture(scope="module")
def fitted(data):
    texts, Y, groups = data
    return ThemeClassifier(threshold_folds=2).fit(texts, Y, groups)


def test_grid_search_with_micro_and_macro_f1_gives_finite_scores_and_picks_the_best(data):
    texts, Y, groups = data
    search = GridSearchCV(ThemeClassifier(threshold_folds=0), {"C": [0.01, 10.0]}, cv=GroupKFold(3),
                          scoring=["f1_micro", "f1_macro"], refit="f1_macro")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # themes without clauses in a test fold: F1 0 by definition
        search.fit(texts, Y, groups=groups)
    micro, macro = search.cv_results_["mean_test_f1_micro"], search.cv_results_["mean_test_f1_macro"]
    assert np.isfinite(micro).all() and np.isfinite(macro).all()
    assert micro[0] != micro[1] and macro[0] != macro[1]  # the setting matters, and the scorer sees it
    assert search.best_index_ == int(np.argmax(macro)) and search.best_params_ == {"C": [0.01, 10.0][search.best_index_]}
    assert search.predict(PROBE).shape == (2, 14)


def test_outputs_follow_the_taxonomy_columns_and_agree_with_each_other(fitted):
    assert list(fitted.classes_) == load_taxonomy().ids
    P, proba, decision = fitted.predict(PROBE), fitted.predict_proba(PROBE), fitted.decision_function(PROBE)
    assert P.shape == proba.shape == decision.shape == (2, 14)
    assert set(np.unique(P)) <= {0, 1} and ((proba >= 0) & (proba <= 1)).all()
    assert np.array_equal(P, (decision >= 0).astype(int))  # decision_function is the margin over the threshold
    assert P[0, list(fitted.classes_).index("privacy")] == 1


def test_clone_pickle_joblib_and_pipeline_give_the_same_model(fitted, data, tmp_path):
    texts, Y, groups = data
    twin = clone(fitted)
    assert twin.get_params() == fitted.get_params() and not hasattr(twin, "coef_")
    with pytest.raises(NotFittedError):
        twin.predict(PROBE)
    for copy in (pickle.loads(pickle.dumps(fitted)), joblib.load(joblib.dump(fitted, tmp_path / "m.joblib")[0])):
        assert np.array_equal(copy.predict_proba(PROBE), fitted.predict_proba(PROBE))
    pipeline = Pipeline([("themes", ThemeClassifier(threshold_folds=2))]).fit(texts, Y, themes__groups=groups)
    assert np.array_equal(pipeline.predict_proba(PROBE), fitted.predict_proba(PROBE))


def test_bad_input_is_refused_with_a_message_that_says_what_is_wrong(data):
    texts, Y, _ = data
    with pytest.raises(NotFittedError):
        ThemeClassifier().predict(PROBE)
    model = ThemeClassifier(threshold_folds=0).fit(texts, Y)
    with pytest.raises(ValueError, match="not a single string"):
        model.predict("one sentence")
    with pytest.raises(ValueError, match=r"X\[1\] is int, not a text"):
        model.predict(["a text", 3])
    with pytest.raises(ValueError, match=rf"shape \(texts, themes\) = \({len(texts)}, 14\).*got shape \({len(texts) - 1}, 14\)"):
        ThemeClassifier().fit(texts, Y[:-1])
    with pytest.raises(ValueError, match="got shape"):
        ThemeClassifier().fit(texts, Y[:, 0])
    with pytest.raises(ValueError, match="only 0 and 1"):
        ThemeClassifier().fit(texts, Y * 2)
    with pytest.raises(ValueError, match="no clauses"):
        ThemeClassifier().fit([], np.zeros((0, 14)))


def test_tags_say_multi_label_and_string_input():
    tags = get_tags(ThemeClassifier())
    assert tags.estimator_type == "classifier" and tags.classifier_tags.multi_label
    assert not tags.classifier_tags.multi_class
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.target_tags.two_d_labels and tags.target_tags.multi_output


#: The checks of sklearn.utils.estimator_checks that apply to an estimator of texts. The others
#: (listed in the README) fit on numeric arrays from make_blobs and the like, which a text
#: classifier refuses by design, or return at once for it (no max_iter, no sample_weight, no
#: 2-D input); the properties they test are tested above on texts.
APPLICABLE = [
    checks.check_estimator_cloneable, checks.check_estimator_tags_renamed, checks.check_valid_tag_types,
    checks.check_estimator_repr, checks.check_no_attributes_set_in_init, checks.check_estimators_unfitted,
    checks.check_do_not_raise_errors_in_init_or_set_params, checks.check_mixin_order, checks.check_parameters_default_constructible, checks.check_get_params_invariance,
    checks.check_set_params, checks.check_estimator_sparse_tag, checks.check_estimator_sparse_array,
    checks.check_estimator_sparse_matrix,
]


@pytest.mark.parametrize("check", APPLICABLE, ids=lambda c: c.__name__)
def test_the_estimator_checks_that_apply_pass(check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check("ThemeClassifier", ThemeClassifier(threshold_folds=0))


def test_fit_returns_itself_keeps_its_parameters_and_fitting_again_gives_the_same_model(data):
    texts, Y, groups = data
    model = ThemeClassifier(C=3.0, threshold_folds=2)
    before = model.get_params()
    assert model.fit(texts, Y, groups) is model and model.get_params() == before
    first = model.predict_proba(PROBE)
    assert np.array_equal(model.fit(texts, Y, groups).predict_proba(PROBE), first)
