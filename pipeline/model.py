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
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import FeatureUnion

from .taxonomy import load_taxonomy

WORD_PATTERN = r"(?u)\b[^\W\d_\u3400-\u9fff]{2,}\b|\b\d{4}\b"


class CueTermCounts(TransformerMixin, BaseEstimator):
    """``log(1 + count)`` of each theme's cue terms in a text: one column per theme."""

    def __init__(self, themes: list[str] | None = None, weight: float = 1.0):
        self.themes = themes
        self.weight = weight

    def fit(self, texts, y=None):
        taxonomy = load_taxonomy()
        self.themes_ = list(self.themes or taxonomy.ids)
        self.patterns_ = [taxonomy.cue_pattern(t) for t in self.themes_]
        return self

    def transform(self, texts):
        counts = np.array([[len(p.findall(t.lower())) for p in self.patterns_] for t in texts], dtype=np.float64)
        return sp.csr_matrix(np.log1p(counts) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue:{t}" for t in self.themes_], dtype=object)

    def __getstate__(self):  # compiled patterns are rebuilt on load
        state = dict(self.__dict__)
        state.pop("patterns_", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "themes_" in state:
            taxonomy = load_taxonomy()
            self.patterns_ = [taxonomy.cue_pattern(t) for t in self.themes_]


def make_features(cue_weight: float = 1.0, max_char_features: int = 150_000, min_df: int = 2) -> FeatureUnion:
    """The feature union: word TF-IDF, character TF-IDF and cue-term counts."""
    parts = [
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=min_df, sublinear_tf=True,
                                  token_pattern=WORD_PATTERN, lowercase=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=min_df, sublinear_tf=True,
                                  max_features=max_char_features, lowercase=True)),
    ]
    if cue_weight:
        parts.append(("cues", CueTermCounts(weight=cue_weight)))
    return FeatureUnion(parts)


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
    tune the thresholds; 0 or 1 keeps 0.5 for every theme), ``random_state``.
    """

    def __init__(self, C: float = 10.0, cue_weight: float = 1.0, threshold_folds: int = 3,
                 max_char_features: int = 150_000, random_state: int = 0):
        self.C = C
        self.cue_weight = cue_weight
        self.threshold_folds = threshold_folds
        self.max_char_features = max_char_features
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------
    def _fit_models(self, X, Y):
        models = []
        for k in range(Y.shape[1]):
            y = Y[:, k]
            if y.min() == y.max():  # a theme with no (or only) examples: a constant model
                models.append(float(y[0]) if len(y) else 0.0)
                continue
            model = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear",
                                       random_state=self.random_state)
            models.append(model.fit(X, y))
        return models

    @staticmethod
    def _scores(models, X) -> np.ndarray:
        out = np.zeros((X.shape[0], len(models)))
        for k, model in enumerate(models):
            out[:, k] = model if isinstance(model, float) else model.predict_proba(X)[:, 1]
        return out

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
        folds = min(self.threshold_folds, len(set(groups)) if groups is not None else len(texts))
        if folds >= 2:
            groups = list(groups) if groups is not None else list(range(len(texts)))
            oof = np.zeros(Y.shape)
            for train, test in GroupKFold(folds).split(texts, Y, groups):
                features = make_features(self.cue_weight, self.max_char_features, min_df)
                X_train = features.fit_transform([texts[i] for i in train])
                models = self._fit_models(X_train, Y[train])
                oof[test] = self._scores(models, features.transform([texts[i] for i in test]))
            self.thresholds_ = np.array([best_threshold(Y[:, k], oof[:, k]) for k in range(Y.shape[1])])
        self.features_ = make_features(self.cue_weight, self.max_char_features, min_df)
        X = self.features_.fit_transform(texts)
        self.models_ = self._fit_models(X, Y)
        return self

    # -- using ---------------------------------------------------------------------------
    def predict_scores(self, texts) -> np.ndarray:
        """Scores in [0, 1], one column per theme."""
        return self._scores(self.models_, self.features_.transform(list(texts)))

    def predict(self, texts, thresholds=None) -> np.ndarray:
        """0/1 matrix: a theme is given when its score reaches its threshold."""
        thresholds = self.thresholds_ if thresholds is None else np.asarray(thresholds)
        return (self.predict_scores(texts) >= thresholds).astype(int)

    def explain(self, text: str, top: int = 6) -> list[dict]:
        """For each theme: score, threshold, whether given, and the features that pushed it up."""
        X = self.features_.transform([text])
        names = self.features_.get_feature_names_out()
        scores = self._scores(self.models_, X)[0]
        out = []
        row = X.tocsr()
        for k, theme in enumerate(self.themes_):
            model = self.models_[k]
            pushes = []
            if not isinstance(model, float):
                contrib = row.multiply(model.coef_[0]).tocsr()
                for i in np.argsort(-contrib.data):
                    term = _readable(names[contrib.indices[i]])
                    if contrib.data[i] <= 0 or len(pushes) >= top:
                        break
                    if term and term not in (t for t, _ in pushes):
                        pushes.append((term, round(float(contrib.data[i]), 3)))
            out.append({"theme": theme, "score": round(float(scores[k]), 4),
                        "threshold": round(float(self.thresholds_[k]), 4),
                        "label": bool(scores[k] >= self.thresholds_[k]), "terms": pushes})
        return sorted(out, key=lambda d: -d["score"])


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
    """Drop what a fitted model does not need to predict (the pruned-term lists of the
    vectorizers) and store coefficients as float32: a smaller model file, same scores to 1e-6."""
    for _, part in model.features_.transformer_list:
        if hasattr(part, "stop_words_"):
            part.stop_words_ = None
    for m in model.models_:
        if not isinstance(m, float):
            m.coef_ = m.coef_.astype(np.float32)
    return model
