"""The theme classifier: TF-IDF features and one linear model per theme (ANNOTATION.md §3).

:class:`ThemeClassifier` is a scikit-learn estimator. ``fit(texts, Y)`` learns, for each of
the 14 themes, a class-weighted logistic regression on

* word uni- and bigrams (TF-IDF; English words, numbers),
* character 1-3-grams within words (TF-IDF; this is what reads Chinese, which has no spaces),
* cue-term counts: for each theme, how many of its English and Chinese cue terms from
  ``themes.json`` the clause holds (the features that carry across languages),

then sets a decision threshold per theme from out-of-fold scores of an inner, grouped
cross-validation (the threshold that maximises that theme's F1). ``predict_scores`` gives
scores in [0, 1]; ``predict`` applies the thresholds; ``explain`` names the features that
pushed each theme up.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from pipeline.themes.features import CharNgramTfidf, CueTermCounts, FoldedUnion, WordNgramTfidf
from pipeline.themes.taxonomy import load_taxonomy


def make_features(cue_weight: float = 1.0, min_df: int = 2) -> FoldedUnion:
    """The feature union: word TF-IDF, character TF-IDF and cue-term counts (``pipeline.themes.features``),
    all of the folded text (folded once)."""
    parts = [("words", WordNgramTfidf(min_df=min_df, folded=True)), ("chars", CharNgramTfidf(min_df=min_df, folded=True))]
    if cue_weight:
        parts.append(("cues", CueTermCounts(weight=cue_weight, folded=True)))
    return FoldedUnion(parts)


def best_threshold(y: np.ndarray, scores: np.ndarray, default: float = 0.5) -> float:
    """The score threshold with the highest F1 on ``(y, scores)`` (``default`` if no positives)."""
    if y.sum() == 0:
        return default
    order = np.argsort(-scores)
    ranked, hits = scores[order], np.cumsum(y[order])
    predicted = np.arange(1, len(y) + 1)
    f1 = 2 * hits / (predicted + y.sum())
    best = int(np.argmax(f1))
    below = ranked[best + 1] if best + 1 < len(ranked) else 0.0
    return float(np.clip((ranked[best] + below) / 2, 0.05, 0.95))


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label theme classifier (see the module docstring).

    Parameters: ``C`` (inverse regularisation of the logistic regressions), ``cue_weight``
    (scale of the cue-term features; 0 leaves them out), ``threshold_folds`` (inner folds that
    tune the thresholds; 0 or 1 keeps 0.5 for every theme), ``solver`` (of scikit-learn's
    ``LogisticRegression``), ``n_jobs`` (processes fitting the themes: speed only, the model is
    the same), ``random_state``.

    Fitted: ``features_`` (the feature union), ``coef_`` (one row of weights per theme),
    ``intercept_``, ``constant_`` (the score of a theme whose training clauses were all
    positive or all negative, NaN for the others) and ``thresholds_``.
    """

    def __init__(self, C: float = 10.0, cue_weight: float = 1.0, threshold_folds: int = 3,
                 solver: str = "newton-cg", n_jobs: int | None = None, random_state: int = 0):
        self.C = C
        self.solver = solver
        self.n_jobs = n_jobs
        self.cue_weight = cue_weight
        self.threshold_folds = threshold_folds
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------
    def _fit_rounds(self, texts, Y, rounds, min_df):
        """Fit features and the per-theme regressions of every ``(train, test)`` round; return,
        per round, ``(features, (coef, intercept, constant), X_test)``.

        The work runs in ``n_jobs`` processes: first the features of every round, then all
        (round, theme) regressions as one pool of tasks. Each fit is deterministic, so the
        result does not depend on ``n_jobs`` (beyond floating-point rounding in the solver).
        """
        from joblib import Parallel, delayed

        with Parallel(n_jobs=self.n_jobs) as parallel:
            featurised = parallel(delayed(_featurise)(self.cue_weight, min_df, [texts[i] for i in train],
                                                      None if test is None else [texts[i] for i in test])
                                  for train, test in rounds)
            tasks = [(r, k) for r in range(len(rounds)) for k in range(Y.shape[1])]
            fitted = parallel(delayed(_fit_theme)(featurised[r][1], Y[rounds[r][0], k], self.C, self.solver,
                                                  self.random_state) for r, k in tasks)
        out = []
        for r, (features, _, X_test) in enumerate(featurised):
            mine = [fitted[i] for i, (q, _) in enumerate(tasks) if q == r]
            linear = (np.vstack([f[0] for f in mine]), np.array([f[1] for f in mine]), np.array([f[2] for f in mine]))
            out.append((features, linear, X_test))
        return out

    @staticmethod
    def _scores(linear, X) -> np.ndarray:
        coef, intercept, constant = linear
        scores = expit(np.asarray(X @ coef.T, dtype=np.float64) + intercept)
        fixed = ~np.isnan(constant)
        scores[:, fixed] = constant[fixed]
        return scores

    def fit(self, texts, Y, groups=None):
        """Fit on clause texts and a 0/1 matrix ``Y`` (one column per theme, in
        ``themes_`` order); ``groups`` (document ids) keep a document on one side of the
        inner folds that tune the thresholds."""
        texts = list(texts)
        Y = np.asarray(Y, dtype=int)
        if not texts:
            raise ValueError("no clauses to train on")
        self.themes_ = load_taxonomy().ids
        # terms seen once are kept when there is little data (else nothing may be left)
        min_df = 2 if len(texts) >= 200 else 1
        if Y.shape[1] != len(self.themes_):
            raise ValueError(f"Y has {Y.shape[1]} columns; expected one per theme ({len(self.themes_)})")
        self.thresholds_ = np.full(len(self.themes_), 0.5)
        everything = np.arange(len(texts))
        rounds = [(everything, None)]
        folds = min(self.threshold_folds, len(set(groups)) if groups is not None else len(texts))
        if folds >= 2:  # the inner folds give out-of-fold scores for the thresholds
            groups = list(groups) if groups is not None else list(range(len(texts)))
            rounds += list(GroupKFold(folds).split(texts, Y, groups))
        (self.features_, linear, _), *inner = self._fit_rounds(texts, Y, rounds, min_df)
        self.coef_, self.intercept_, self.constant_ = linear
        if inner:
            oof = np.zeros(Y.shape)
            for (_, test), (_, fold_linear, X_test) in zip(rounds[1:], inner, strict=True):
                oof[test] = self._scores(fold_linear, X_test)
            self.thresholds_ = np.array([best_threshold(Y[:, k], oof[:, k]) for k in range(Y.shape[1])])
        return self

    # -- using ---------------------------------------------------------------------------
    def predict_scores(self, texts) -> np.ndarray:
        """Scores in [0, 1], one column per theme."""
        return self._scores((self.coef_, self.intercept_, self.constant_), self.features_.transform(list(texts)))

    def predict(self, texts, thresholds=None) -> np.ndarray:
        """0/1 matrix: a theme is given when its score reaches its threshold."""
        thresholds = self.thresholds_ if thresholds is None else np.asarray(thresholds)
        return (self.predict_scores(texts) >= thresholds).astype(int)

    def explain(self, text: str, top: int = 6) -> list[dict]:
        """For each theme: score, threshold, whether given, and the features that pushed it up."""
        return self.explain_many([text], top)[0]

    def explain_many(self, texts, top: int = 6) -> list[list[dict]]:
        """:meth:`explain` of each text, featurised in one pass (for reports of many clauses)."""
        X = self.features_.transform(list(texts)).tocsr()
        names = self.features_.get_feature_names_out()
        scores = self._scores((self.coef_, self.intercept_, self.constant_), X)
        learned = np.isnan(self.constant_)
        readable: dict[int, str | None] = {}  # feature index -> term, once per call
        out = []
        for r, row_scores in enumerate(scores):
            start, end = X.indptr[r], X.indptr[r + 1]
            columns = X.indices[start:end]
            contributions = self.coef_[:, columns] * X.data[start:end]  # themes × the row's features
            entries = []
            for k, theme in enumerate(self.themes_):
                pushes = []
                if learned[k]:
                    for i in np.argsort(-contributions[k]):
                        if contributions[k, i] <= 0 or len(pushes) >= top:
                            break
                        column = columns[i]
                        if column not in readable:
                            readable[column] = _readable(names[column])
                        term = readable[column]
                        if term and term not in (t for t, _ in pushes):
                            pushes.append((term, round(float(contributions[k, i]), 3)))
                entries.append({"theme": theme, "score": round(float(row_scores[k]), 4),
                                "threshold": round(float(self.thresholds_[k]), 4),
                                "label": bool(row_scores[k] >= self.thresholds_[k]), "terms": pushes})
            out.append(sorted(entries, key=lambda d: -d["score"]))
        return out


def _featurise(cue_weight, min_df, train_texts, test_texts):
    """A fitted feature union, its matrix of ``train_texts`` and (if given) of ``test_texts``."""
    features = make_features(cue_weight, min_df)
    X = features.fit_transform(train_texts)
    return features, X, None if test_texts is None else features.transform(test_texts)


def _fit_theme(X, y, C, solver, random_state) -> tuple[np.ndarray, float, float]:
    """(weights, intercept, constant) of one theme: a class-weighted logistic regression, or a
    constant score (NaN weights aside) when the clauses are all positive or all negative."""
    if y.min() == y.max():
        return np.zeros(X.shape[1]), 0.0, float(y[0]) if len(y) else 0.0
    model = LogisticRegression(C=C, class_weight="balanced", solver=solver, random_state=random_state).fit(X, y)
    return model.coef_[0], float(model.intercept_[0]), np.nan


def _readable(feature: str) -> str | None:
    """A feature as a reader can take it, or None for one that says nothing alone.

    ``words__data protection`` -> ``data protection``; ``cues__cue:privacy`` -> ``[cue terms
    of privacy]``; character n-grams are shown only when they are two or more Han characters
    (``隐私``): a Latin fragment such as ``ues`` explains nothing.
    """
    kind, _, name = feature.partition("__")
    name = name.strip()
    if kind == "cues":
        return f"[cue terms of {name.removeprefix('cue:')}]"
    if kind == "chars":
        return name if len(name) >= 2 and all("\u3400" <= ch <= "\u9fff" for ch in name) else None
    return name


def compact(model: ThemeClassifier) -> ThemeClassifier:
    """Store the weights as float32: a smaller model file, the same scores to 1e-6."""
    model.coef_ = model.coef_.astype(np.float32)
    return model
