"""The theme classifier: TF-IDF features and one linear model per theme (ANNOTATION.md §3).

:class:`ThemeClassifier` is a scikit-learn estimator. ``fit(texts, Y)`` learns, for each of
the themes of its taxonomy, a class-weighted logistic regression on

* word uni- and bigrams (TF-IDF; English words, numbers),
* character 1-3-grams within words (TF-IDF; by default of the Chinese characters only: this is
  what reads Chinese, which has no spaces),
* cue-term counts: for each theme, how many of its English and Chinese cue terms the clause
  holds (the features that carry across languages),

then sets a decision threshold per theme from out-of-fold scores of an inner, grouped
cross-validation (the threshold that maximises that theme's F1). ``predict_proba`` gives
scores in [0, 1]; ``predict`` applies the thresholds; ``explain`` names the features that
pushed each theme up.

A fitted classifier is plain data: :meth:`ThemeClassifier.get_state` gives its parameters,
its taxonomy (cue terms included) and its arrays, and :meth:`ThemeClassifier.from_state`
rebuilds it from them (``pipeline.io.store`` writes them as JSON and ``.npz``, never as a pickle).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, logit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

from pipeline.themes.features import CharNgramTfidf, CueTermCounts, FoldedUnion, WordNgramTfidf
from pipeline.themes.taxonomy import Taxonomy, load_taxonomy


def make_features(cue_weight: float = 1.0, min_df: int = 2, taxonomy: Taxonomy | None = None,
                  char_scripts: str = "all") -> FoldedUnion:
    """The feature union: word TF-IDF, character TF-IDF (of ``char_scripts``) and cue-term
    counts of ``taxonomy`` (``pipeline.themes.features``), all of the folded text (folded once)."""
    parts = [("words", WordNgramTfidf(min_df=min_df, folded=True)),
             ("chars", CharNgramTfidf(min_df=min_df, folded=True, scripts=char_scripts))]
    if cue_weight:
        parts.append(("cues", CueTermCounts(taxonomy=taxonomy, weight=cue_weight, folded=True)))
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


def check_texts(X, name: str = "X") -> list[str]:
    """``X`` as a list of strings; a clear ``ValueError`` for a single string or a non-text item."""
    if isinstance(X, (str, bytes)):
        raise ValueError(f"{name} must be a list of texts, not a single string (wrap one text in a list: [text])")
    if sp.issparse(X):
        raise ValueError(f"{name} is a sparse matrix: sparse input is not supported ({name} must be a list of texts)")
    if isinstance(X, np.ndarray) and X.ndim != 1:
        raise ValueError(f"{name} must be a one-dimensional list of texts, not an array of shape {np.shape(X)}")
    try:
        texts = list(X)
    except TypeError:
        raise ValueError(f"{name} must be a list of texts, not {type(X).__name__}") from None
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise ValueError(f"{name}[{bad}] is {type(texts[bad]).__name__}, not a text (str)")
    return texts


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label theme classifier (see the module docstring).

    Parameters: ``C`` (inverse regularisation of the logistic regressions), ``cue_weight``
    (scale of the cue-term features; 0 leaves them out), ``min_df`` (documents an n-gram must
    occur in to be a feature), ``char_scripts`` (``"all"``: character n-grams of every
    script; ``"han"``: of Chinese characters only, English being read through its words), ``nb`` (NB weighting: with ``nb`` > 0, each theme's regression
    reads every feature scaled by the size of its naive-Bayes log-count ratio for that theme,
    smoothed by ``nb``, so that regularisation spares informative features; 0: off),
    ``threshold_folds`` (inner folds whose out-of-fold scores tune the thresholds; 0 or 1 keeps
    0.5 for every theme), ``calibrate`` (map each theme's scores to probabilities by Platt
    scaling fitted on those out-of-fold scores, so that of clauses scored 0.7 about 70 % have
    the theme; needs ``threshold_folds`` >= 2), ``solver`` (of scikit-learn's ``LogisticRegression``),
    ``taxonomy`` (a :class:`~pipeline.themes.taxonomy.Taxonomy`: the themes and their cue
    terms; None: the package's ``themes.json``), ``n_jobs`` (processes fitting the themes:
    speed only, the model is the same), ``random_state``.

    Fitted: ``classes_`` (the theme ids, the columns of ``Y`` and of every output),
    ``taxonomy_`` (the taxonomy it was fitted with: its cue terms are the model's, whatever
    ``themes.json`` says later), ``features_`` (the feature union), ``coef_`` (one row of
    weights per theme), ``intercept_``, ``constant_`` (the score of a theme whose training
    clauses were all positive or all negative, NaN for the others), ``calibration_`` (per
    theme, the slope and intercept applied to the log-odds; 1 and 0 when not calibrated) and
    ``thresholds_``.
    """

    def __init__(self, C: float = 10.0, cue_weight: float = 1.0, min_df: int = 2, char_scripts: str = "han",
                 nb: float = 0.0,
                 threshold_folds: int = 3, calibrate: bool = True, solver: str = "newton-cg",
                 taxonomy: Taxonomy | None = None, n_jobs: int | None = None, random_state: int = 0):
        self.C = C
        self.cue_weight = cue_weight
        self.min_df = min_df
        self.char_scripts = char_scripts
        self.nb = nb
        self.threshold_folds = threshold_folds
        self.calibrate = calibrate
        self.solver = solver
        self.taxonomy = taxonomy
        self.n_jobs = n_jobs
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.target_tags.two_d_labels = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    @property
    def themes_(self) -> list[str]:
        """The theme ids, as a list (``classes_``)."""
        check_is_fitted(self)
        return list(self.classes_)

    # -- fitting -------------------------------------------------------------------------
    def _fit_rounds(self, texts, Y, rounds, taxonomy):
        """Fit features and the per-theme regressions of every ``(train, test)`` round; return,
        per round, ``(features, (coef, intercept, constant), X_test)``.

        The work runs in ``n_jobs`` processes: first the features of every round, then all
        (round, theme) regressions as one pool of tasks. Each fit is deterministic, so the
        result does not depend on ``n_jobs`` (beyond floating-point rounding in the solver).
        """
        from joblib import Parallel, delayed

        with Parallel(n_jobs=self.n_jobs) as parallel:
            featurised = parallel(delayed(_featurise)(self.cue_weight, self.min_df, taxonomy, self.char_scripts,
                                                      [texts[i] for i in train],
                                                      None if test is None else [texts[i] for i in test])
                                  for train, test in rounds)
            tasks = [(r, k) for r in range(len(rounds)) for k in range(Y.shape[1])]
            fitted = parallel(delayed(_fit_theme)(featurised[r][1], Y[rounds[r][0], k], self.C, self.solver,
                                                  self.random_state, self.nb) for r, k in tasks)
        out = []
        for r, (features, _, X_test) in enumerate(featurised):
            mine = [fitted[i] for i, (q, _) in enumerate(tasks) if q == r]
            linear = (np.vstack([f[0] for f in mine]), np.array([f[1] for f in mine]), np.array([f[2] for f in mine]))
            out.append((features, linear, X_test))
        return out

    @staticmethod
    def _scores(linear, X, calibration=None) -> np.ndarray:
        coef, intercept, constant = linear
        margin = np.asarray(X @ coef.T, dtype=np.float64) + intercept
        if calibration is not None:
            margin = margin * calibration[:, 0] + calibration[:, 1]
        scores = expit(margin)
        fixed = ~np.isnan(constant)
        scores[:, fixed] = constant[fixed]
        return scores

    def _final_scores(self, X) -> np.ndarray:
        return self._scores((self.coef_, self.intercept_, self.constant_), X, self.calibration_)

    def fit(self, X, Y, groups=None):
        """Fit on clause texts ``X`` and a 0/1 matrix ``Y`` (one row per text, one column per
        theme of the taxonomy, in its order: ``classes_``); ``groups`` (document ids) keep a
        document on one side of the inner folds that tune the thresholds."""
        texts = check_texts(X)
        taxonomy = self.taxonomy if self.taxonomy is not None else load_taxonomy()
        themes = taxonomy.ids
        Y = Y.toarray() if sp.issparse(Y) else np.asarray(Y)
        if not texts:
            raise ValueError("no clauses to train on")
        if Y.ndim != 2 or Y.shape != (len(texts), len(themes)):
            raise ValueError(f"Y must be a 0/1 matrix of shape (texts, themes) = ({len(texts)}, {len(themes)}), "
                             f"one column per theme in the order {themes}; got shape {Y.shape}")
        if not np.isin(Y, (0, 1)).all():
            raise ValueError("Y must hold only 0 and 1 (one indicator column per theme)")
        Y = Y.astype(int)
        if groups is not None and len(groups) != len(texts):
            raise ValueError(f"groups has {len(groups)} entries for {len(texts)} texts")
        self.classes_ = np.array(themes, dtype=object)
        self.taxonomy_ = taxonomy
        self.thresholds_ = np.full(len(themes), 0.5)
        self.calibration_ = np.tile([1.0, 0.0], (len(themes), 1))
        everything = np.arange(len(texts))
        rounds = [(everything, None)]
        folds = min(self.threshold_folds, len(set(groups)) if groups is not None else len(texts))
        if folds >= 2:  # the inner folds give out-of-fold scores for the thresholds
            groups = list(groups) if groups is not None else list(range(len(texts)))
            rounds += list(GroupKFold(folds).split(texts, Y, groups))
        (self.features_, linear, _), *inner = self._fit_rounds(texts, Y, rounds, taxonomy)
        self.coef_, self.intercept_, self.constant_ = linear
        if inner:
            oof = np.zeros(Y.shape)
            for (_, test), (_, fold_linear, X_test) in zip(rounds[1:], inner, strict=True):
                oof[test] = self._scores(fold_linear, X_test)
            if self.calibrate:
                self.calibration_ = np.array([platt(Y[:, k], oof[:, k]) for k in range(Y.shape[1])])
                oof = expit(logit(np.clip(oof, 1e-9, 1 - 1e-9)) * self.calibration_[:, 0] + self.calibration_[:, 1])
            self.thresholds_ = np.array([best_threshold(Y[:, k], oof[:, k]) for k in range(Y.shape[1])])
        return self

    # -- using ---------------------------------------------------------------------------
    def predict_proba(self, X) -> np.ndarray:
        """Scores in [0, 1]: one row per text, one column per theme (``classes_``)."""
        check_is_fitted(self)
        return self._final_scores(self.features_.transform(check_texts(X)))

    def predict_scores(self, X) -> np.ndarray:
        """:meth:`predict_proba` (the name the package's own callers use)."""
        return self.predict_proba(X)

    def decision_function(self, X) -> np.ndarray:
        """Per text and theme, how far the score is above its threshold, in log-odds: a theme
        is given where this is >= 0 (what :meth:`predict` gives)."""
        eps = 1e-12
        scores = np.clip(self.predict_proba(X), eps, 1 - eps)
        return logit(scores) - logit(np.clip(self.thresholds_, eps, 1 - eps))

    def predict(self, X, thresholds=None) -> np.ndarray:
        """0/1 matrix, one column per theme: a theme is given when its score reaches its
        threshold (``thresholds_``, or the ``thresholds`` given)."""
        scores = self.predict_proba(X)
        thresholds = self.thresholds_ if thresholds is None else np.asarray(thresholds)
        return (scores >= thresholds).astype(int)

    def explain(self, text: str, top: int = 6) -> list[dict]:
        """For each theme: score, threshold, whether given, and the features that pushed it up."""
        return self.explain_many([text], top)[0]

    def explain_many(self, texts, top: int = 6) -> list[list[dict]]:
        """:meth:`explain` of each text, featurised in one pass (for reports of many clauses)."""
        check_is_fitted(self)
        X = self.features_.transform(check_texts(list(texts))).tocsr()
        names = self.features_.get_feature_names_out()
        scores = self._final_scores(X)
        learned = np.isnan(self.constant_)
        readable: dict[int, str | None] = {}  # feature index -> term, once per call
        out = []
        for r, row_scores in enumerate(scores):
            start, end = X.indptr[r], X.indptr[r + 1]
            columns = X.indices[start:end]
            contributions = self.coef_[:, columns] * X.data[start:end]  # themes × the row's features
            entries = []
            for k, theme in enumerate(self.classes_):
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

    # -- as plain data -------------------------------------------------------------------
    def get_state(self) -> dict:
        """The fitted classifier as plain data: JSON values and NumPy arrays of numbers or
        strings (no Python objects), from which :meth:`from_state` rebuilds it exactly."""
        check_is_fitted(self)
        params = {k: v for k, v in self.get_params().items() if k != "taxonomy"}
        return {"params": params, "taxonomy": self.taxonomy_.to_dict(), "classes": list(self.classes_),
                "coef": self.coef_, "intercept": self.intercept_, "constant": self.constant_,
                "calibration": self.calibration_, "thresholds": self.thresholds_,
                "features": {name: part.get_state() for name, part in self.features_.transformer_list}}

    @classmethod
    def from_state(cls, state: dict) -> ThemeClassifier:
        """The classifier whose :meth:`get_state` gave ``state``."""
        taxonomy = Taxonomy.from_dict(state["taxonomy"])
        model = cls(taxonomy=taxonomy, **state["params"])
        model.classes_ = np.array(state["classes"], dtype=object)
        model.taxonomy_ = taxonomy
        model.coef_ = np.asarray(state["coef"])
        model.intercept_, model.constant_ = np.asarray(state["intercept"]), np.asarray(state["constant"])
        model.thresholds_ = np.asarray(state["thresholds"])
        # (models saved before calibration was kept have none: their scores are the raw ones)
        model.calibration_ = np.asarray(state.get("calibration", np.tile([1.0, 0.0], (len(model.classes_), 1))))
        model.features_ = make_features(model.cue_weight, model.min_df, taxonomy, model.char_scripts)
        names = [name for name, _ in model.features_.transformer_list]
        if sorted(names) != sorted(state["features"]):
            raise ValueError(f"the stored features {sorted(state['features'])} are not those of the "
                             f"parameters ({sorted(names)})")
        for name, part in model.features_.transformer_list:
            part.set_state(state["features"][name])
        return model


def _featurise(cue_weight, min_df, taxonomy, char_scripts, train_texts, test_texts):
    """A fitted feature union, its matrix of ``train_texts`` and (if given) of ``test_texts``."""
    features = make_features(cue_weight, min_df, taxonomy, char_scripts)
    X = features.fit_transform(train_texts)
    return features, X, None if test_texts is None else features.transform(test_texts)


def _fit_theme(X, y, C, solver, random_state, nb=0.0) -> tuple[np.ndarray, float, float]:
    """(weights, intercept, constant) of one theme: a class-weighted logistic regression, or a
    constant score (NaN weights aside) when the clauses are all positive or all negative.

    With ``nb`` > 0 the regression reads the features scaled by ``|r|``, the naive-Bayes
    log-count ratio of each feature for the theme (smoothed by ``nb``); the weights returned
    are those of the unscaled features (scaled back), so the model stays one linear map."""
    if y.min() == y.max():
        return np.zeros(X.shape[1]), 0.0, float(y[0]) if len(y) else 0.0
    scale = np.ones(X.shape[1])
    if nb:
        X = sp.csr_matrix(X)
        p = nb + np.asarray(X[y == 1].sum(axis=0)).ravel()
        q = nb + np.asarray(X[y == 0].sum(axis=0)).ravel()
        scale = np.abs(np.log((p / p.sum()) / (q / q.sum())))
        X = X @ sp.diags(scale)
    model = LogisticRegression(C=C, class_weight="balanced", solver=solver, random_state=random_state).fit(X, y)
    return model.coef_[0] * scale, float(model.intercept_[0]), np.nan


def platt(y: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Slope and intercept on the log-odds of ``scores`` that make them probabilities of ``y``
    (Platt scaling: an unweighted logistic regression of ``y`` on the log-odds); (1, 0), the
    scores unchanged, when ``y`` is all one class or the fit would not keep the scores' order
    (a slope <= 0: too few clauses to say)."""
    if y.min() == y.max():
        return 1.0, 0.0
    z = logit(np.clip(scores, 1e-9, 1 - 1e-9)).reshape(-1, 1)
    fitted = LogisticRegression(C=1e4).fit(z, y)
    slope = float(fitted.coef_[0, 0])
    return (slope, float(fitted.intercept_[0])) if slope > 0 else (1.0, 0.0)


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
