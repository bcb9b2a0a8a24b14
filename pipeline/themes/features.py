"""Text features for the theme classifier, computed on whole batches with NumPy.

* :class:`WordNgramTfidf` and :class:`CharNgramTfidf` give the same features and the same
  values as scikit-learn's ``TfidfVectorizer(analyzer="word" | "char_wb", sublinear_tf=True)``
  (tested), without building a Python string per n-gram: an n-gram is an integer key (the
  code points of a character n-gram packed into 63 bits; a pair of word ids for a word
  bigram), the vocabulary is a sorted key array, and a batch becomes a sparse matrix through
  ``searchsorted``. Columns come in key order, not in alphabetical order.
* :class:`CueTermCounts` counts each theme's cue terms with one Aho-Corasick pass per text,
  giving exactly the counts of the theme's regular expression
  (:meth:`pipeline.taxonomy.Taxonomy.cue_pattern`, tested), which scans each text once per theme.

All three read the folded text (:func:`pipeline.fold.fold`: NFKC, lower case, Chinese in
Simplified characters): they fold what they are given, or, made with ``folded=True``, take it as
folded already (:class:`FoldedUnion` folds each text once for all its parts). All three are
scikit-learn transformers (``fit``/``transform``/
``get_feature_names_out``) whose fitted state is plain arrays: quick to pickle and to load.
"""

from __future__ import annotations

import re
from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from pipeline.text.fold import fold
from pipeline.text.patterns import CJK
from pipeline.themes.taxonomy import Taxonomy, load_taxonomy

WORD_PATTERN = r"(?u)\b[^\W\d_\u3400-\u9fff]{2,}\b|\b\d{4}\b"
_NOT_HAN = re.compile(f"[^{CJK}]+")
_BITS = 21  # every Unicode code point (+1) fits in 21 bits, so three of them fit in an int64


class _KeyedTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF over integer n-gram keys: sublinear tf, smoothed idf, rows of unit length.

    Subclasses give ``_keys(texts, fitting) -> (rows, keys)``, one entry per n-gram
    occurrence, and ``_names(keys)``.
    """

    def fit(self, texts, y=None):
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts, y=None):
        texts = self._folded(texts)
        rows, keys = self._keys(texts, fitting=True)
        unique, column = np.unique(keys, return_inverse=True)
        counts = sp.csr_matrix((np.ones(len(keys)), (rows, column.ravel())), shape=(len(texts), len(unique)))
        df = np.bincount(counts.indices, minlength=len(unique))
        keep = df >= self.min_df
        self._set_vocabulary(unique[keep])
        self.idf_ = np.log((1 + len(texts)) / (1 + df[keep])) + 1.0
        return self._weigh(counts[:, np.flatnonzero(keep)])

    def transform(self, texts):
        texts = self._folded(texts)
        rows, keys = self._keys(texts, fitting=False)
        column = self._lookup(self.keys_, "_key_index").get_indexer(keys)
        known = column >= 0
        counts = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], column[known])),
                               shape=(len(texts), len(self.keys_)))
        return self._weigh(counts)

    def _folded(self, texts) -> list[str]:
        return list(texts) if self.folded else [fold(t) for t in texts]

    def _set_vocabulary(self, keys: np.ndarray) -> None:
        self.keys_ = keys
        self._key_index = None

    def _lookup(self, values: np.ndarray, cache: str):
        """A hash index of ``values`` (built once, not pickled): ``get_indexer`` gives -1 for unknowns."""
        import pandas as pd

        if getattr(self, cache, None) is None:
            setattr(self, cache, pd.Index(values))
        return getattr(self, cache)

    def __getstate__(self):
        return {k: v for k, v in super().__getstate__().items() if not k.endswith("_index")}

    def get_state(self) -> dict:
        """The fitted state as NumPy arrays of numbers (and, for words, strings)."""
        return {"keys": self.keys_, "idf": self.idf_}

    def set_state(self, state: dict):
        """Take a fitted state from :meth:`get_state`."""
        self.keys_ = np.asarray(state["keys"], dtype=np.int64)
        self.idf_ = np.asarray(state["idf"], dtype=np.float64)
        self._key_index = None
        return self

    def _weigh(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        counts.sum_duplicates()
        counts.data = (1.0 + np.log(counts.data)) * self.idf_[counts.indices]
        return normalize(counts, copy=False) if counts.shape[1] else counts  # no n-gram kept: no columns

    def get_feature_names_out(self, input_features=None):
        return np.array(self._names(self.keys_), dtype=object)


class CharNgramTfidf(_KeyedTfidf):
    """Character 1-3-grams inside space-padded words (``char_wb``): reads Chinese, which has no spaces.

    ``scripts="han"`` keeps only the runs of Chinese characters (everything else reads as a
    space), leaving English to the word n-grams; ``"all"`` reads every character.
    """

    def __init__(self, min_df: int = 2, folded: bool = False, scripts: str = "all"):
        self.min_df = min_df
        self.folded = folded
        self.scripts = scripts

    def _keys(self, texts, fitting):
        if self.scripts == "han":
            texts = [_NOT_HAN.sub(" ", t) for t in texts]
        elif self.scripts != "all":
            raise ValueError(f"scripts must be 'all' or 'han', not {self.scripts!r}")
        # " w1  w2 " per text: an n-gram holding two spaces in a row crosses a word (or text) edge
        padded = [f" {'  '.join(words)} " if (words := t.split()) else "" for t in texts]
        lengths = np.fromiter(map(len, padded), dtype=np.int64, count=len(padded))
        text = "".join(padded)
        code = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) + 1
        row = np.repeat(np.arange(len(texts)), lengths)
        n = len(code)
        if n < 3:
            return row[:n], code
        space = code == ord(" ") + 1
        edge = space[:-1] & space[1:]  # edge[i]: text[i:i+2] is two spaces
        two = np.flatnonzero(~edge)
        three = np.flatnonzero(~edge[:-1] & ~edge[1:])
        keys = np.concatenate([
            code,
            (code[two] << _BITS) | code[two + 1],
            (code[three] << 2 * _BITS) | (code[three + 1] << _BITS) | code[three + 2],
        ])
        return np.concatenate([row, row[two], row[three]]), keys

    @staticmethod
    def _names(keys):
        mask = (1 << _BITS) - 1
        names = []
        for key in keys.tolist():
            chars = []
            while key:
                chars.append(chr((key & mask) - 1))
                key >>= _BITS
            names.append("".join(reversed(chars)))
        return names


class WordNgramTfidf(_KeyedTfidf):
    """Word uni- and bigrams (words of ``WORD_PATTERN``: letters, not Han, two or more; years)."""

    def __init__(self, min_df: int = 2, token_pattern: str = WORD_PATTERN, folded: bool = False):
        self.min_df = min_df
        self.token_pattern = token_pattern
        self.folded = folded

    def _keys(self, texts, fitting):
        import pandas as pd

        find = re.compile(self.token_pattern).findall
        tokens = [find(t) for t in texts]
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        flat = list(chain.from_iterable(tokens))
        if fitting:
            ids, self._fit_words = pd.factorize(pd.Index(flat, dtype=object))
        else:
            ids = self._lookup(self.words_, "_word_index").get_indexer(flat)
        ids = np.asarray(ids, dtype=np.int64)
        row = np.repeat(np.arange(len(texts)), lengths)
        size = len(self._fit_words) if fitting else len(self.words_)
        pair = np.flatnonzero((row[:-1] == row[1:]) & (ids[:-1] >= 0) & (ids[1:] >= 0))
        known = ids >= 0
        keys = np.concatenate([ids[known], size + ids[pair] * size + ids[pair + 1]])
        return np.concatenate([row[known], row[pair]]), keys

    def _set_vocabulary(self, keys):
        """Keep only the words the kept n-grams use, renumbered; the keys follow the new numbers."""
        size = len(self._fit_words)
        unigrams, bigrams = keys[keys < size], keys[keys >= size] - size
        first, second = bigrams // size, bigrams % size
        words = np.union1d(unigrams, np.concatenate([first, second]))
        self.words_ = np.asarray(self._fit_words[words], dtype=object)
        new = len(words)
        renumber = np.searchsorted(words, np.concatenate([unigrams, first, second]))
        u, f, s = np.split(renumber, [len(unigrams), len(unigrams) + len(first)])
        self.keys_ = np.concatenate([u, new + f * new + s])  # renumbering keeps the order: still sorted
        del self._fit_words
        self._word_index = self._key_index = None

    def get_state(self) -> dict:
        return {**super().get_state(), "words": np.asarray(self.words_, dtype=str)}

    def set_state(self, state: dict):
        super().set_state(state)
        self.words_ = np.asarray(state["words"], dtype=str).astype(object)
        self._word_index = None
        return self

    def _names(self, keys):
        size = len(self.words_)
        return [self.words_[k] if k < size else f"{self.words_[(k - size) // size]} {self.words_[(k - size) % size]}"
                for k in keys.tolist()]



class FoldedUnion(FeatureUnion):
    """A ``FeatureUnion`` that folds each text once and gives the folded texts to its parts
    (made with ``folded=True``), instead of each part folding them again."""

    def fit(self, X, y=None, **params):
        return super().fit([fold(t) for t in X], y, **params)

    def fit_transform(self, X, y=None, **params):
        return super().fit_transform([fold(t) for t in X], y, **params)

    def transform(self, X, **params):
        return super().transform([fold(t) for t in X], **params)


class CueTermCounts(TransformerMixin, BaseEstimator):
    """``log(1 + count)`` of each theme's cue terms in a text: one column per theme.

    The cue terms are taken from the taxonomy when fitted and kept (``cues_``): a fitted
    counter, and a model file made of it, counts the terms it was fitted with.
    Counts are those of the theme's cue pattern (``Taxonomy.cue_pattern``): English cues from
    a word start, Chinese cues anywhere, leftmost first, the longest at a position, no overlaps
    within a theme (an English cue wins over a Chinese one starting at the same character).
    """

    def __init__(self, taxonomy: Taxonomy | None = None, weight: float = 1.0, folded: bool = False):
        self.taxonomy = taxonomy
        self.weight = weight
        self.folded = folded

    def fit(self, texts=None, y=None):
        """Take the themes and cue terms of ``taxonomy`` (None: the package's ``themes.json``):
        from then on they are this object's own (``themes_``, ``cues_``)."""
        taxonomy = self.taxonomy if self.taxonomy is not None else load_taxonomy()
        self.themes_ = taxonomy.ids
        self.cues_ = [[list(t.cues_en), list(t.cues_zh)] for t in taxonomy.themes]
        self._build()
        return self

    def get_state(self) -> dict:
        """The fitted state as plain data (theme ids and their cue terms)."""
        return {"themes": list(self.themes_), "cues": self.cues_}

    def set_state(self, state: dict) -> CueTermCounts:
        """Take a fitted state from :meth:`get_state`."""
        self.themes_ = list(state["themes"])
        self.cues_ = [[list(en), list(zh)] for en, zh in state["cues"]]
        self._build()
        return self

    def _build(self):
        import ahocorasick

        owners: dict[str, list[tuple[int, bool]]] = {}
        for k, (cues_en, cues_zh) in enumerate(self.cues_):
            for term in {fold(c) for c in cues_en}:
                owners.setdefault(term, []).append((k, True))
            for term in {fold(c) for c in cues_zh}:
                owners.setdefault(term, []).append((k, False))
        automaton = ahocorasick.Automaton()
        for term, who in owners.items():
            automaton.add_word(term, (len(term), tuple(who)))
        automaton.make_automaton()
        self._automaton = automaton

    def counts(self, texts) -> np.ndarray:
        """Raw counts: one row per text, one column per theme."""
        out = np.zeros((len(texts), len(self.themes_)))
        for i, text in enumerate(texts):
            text = text if self.folded else fold(text)
            found: dict[int, dict[int, tuple[bool, int]]] = {}  # theme -> start -> (english, end)
            for end, (length, who) in self._automaton.iter(text):
                start = end - length + 1
                boundary = start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")
                for k, english in who:
                    if english and not boundary:
                        continue
                    at = found.setdefault(k, {})
                    best = at.get(start)
                    # the English alternative is tried first; within one, the longest cue wins
                    if best is None or (english, end) > best:
                        at[start] = (english, end)
            for k, at in found.items():
                reached = n = 0
                for start in sorted(at):
                    if start >= reached:
                        n += 1
                        reached = at[start][1] + 1
                out[i, k] = n
        return out

    def transform(self, texts):
        return sp.csr_matrix(np.log1p(self.counts(list(texts))) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"cue:{t}" for t in self.themes_], dtype=object)

    def __getstate__(self):  # the automaton is rebuilt on load
        state = dict(super().__getstate__())  # a copy: object.__getstate__ gives __dict__ itself
        state.pop("_automaton", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "themes_" in state:
            self._build()
