"""The line model: what each line of a page is (content, heading, attribution, boilerplate), learned.

Page furniture differs from site to site, so the cleaner does not list sites' strings: it learns,
from every line of the gold pages, what furniture looks like in features that describe a line and
its neighbourhood (length, shares of letters, Han characters, digits and punctuation, sentence-final
punctuation, position, runs of short lines, link, markup and separator signs, how many training
sites carry the same line, the hand rules' reasons, the first words of the line, and the same for
the lines around it). The model is a multinomial logistic regression fitted with scikit-learn and
stored as JSON (coefficients, vocabulary, scaling): data, not code. Scoring needs only NumPy.

:func:`gold_line_labels` labels a page's lines from its gold file; :func:`fit_line_model` fits a
:class:`LineModel` on such pages; :meth:`LineModel.predict_proba` scores the lines of one page.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline import config
from pipeline.text import patterns as P

CLASSES = ("content", "heading", "attribution", "boilerplate")
DEFAULT_LINE_MODEL = config.model_dir("cleaner") / "line_model.json"
FORMAT = "govthemes-line-model/1"

_WORD = re.compile(r"[a-z]{2,}")
_HAN_RUN = re.compile(f"[{P.CJK}]+")
_URL = re.compile(r"https?://|www\.|\.(?:com|cn|org|gov|net|tw|hk)\b", re.IGNORECASE)
_EMAIL = re.compile(r"\S@\S+\.\w")
_MARKUP = re.compile(r"<[^>]{0,40}>|\{[^}]{0,40}\}|&\w{2,6};|\[\s*\]|!\[")
_SEPARATORS = re.compile(r"[|>»›/·•]")
_DATE = re.compile(P.DATE, re.IGNORECASE)
#: Every alternative of ``P.DATE`` holds four digits and the last one is just that, so a line holds a
#: date somewhere exactly when it holds four digits in a row (one cheap search instead of many).
_FOUR_DIGITS = re.compile(r"\d{4}")
_BRACKETED = re.compile(r"^[\[【(（<《「].*[\]】)）>》」]$")
HEAD = 160
#: Latin words (``\b[A-Za-z][a-z]*``) counted by where they start: a letter after a word boundary
#: starts one, and no such letter lies inside another; the title-case share counts the capitals.
_WORD_START = re.compile(r"\b[A-Za-z]")
_CAPITAL_START = re.compile(r"\b[A-Z]")
#: Only lines up to this length are looked up among lines that recur across sites (furniture is short).
RECURRING_LENGTH = 120
_NOT_HAN_LEAD = bytes(b for b in range(256) if not 0xE3 <= b <= 0xE9)  # lead bytes of U+3000..U+9FFF
_NOT_LATIN = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))
_NOT_UPPER = bytes(b for b in range(256) if not 65 <= b <= 90)
_NOT_DIGIT = bytes(b for b in range(256) if not 48 <= b <= 57)
_SENTENCE_END = re.compile(r"[.!?。！？;；](?:[\"'”’」』)）\]]*)$")

#: The hand rules' reasons (``pipeline.text.patterns``), each a feature of the line it fires on.
RULE_REASONS = tuple(dict.fromkeys(
    [r for r, _ in P.BOILERPLATE_LINES] + [r for r, _ in P.BOILERPLATE_WORDS] + ["spam link farm", "navigation menu"]
))
#: Features of a line on its own.
LINE_FEATURES = (
    "length", "words", "han", "latin", "digit", "punct", "upper", "title_case",
    "short", "long", "ends_sentence", "ends_colon", "ends_comma", "ends_open",
    "list_marker", "bare_label", "starts_upper", "starts_lower", "bracketed",
    "url", "email", "markup", "separators", "bar_items", "date", "starts_date",
    "heading_rule", "imperative", "recurs", "rule_any", "rule_long",
    *(f"rule:{r}" for r in RULE_REASONS),
)
_RULE_AT = {r: LINE_FEATURES.index(f"rule:{r}") for r in RULE_REASONS}
_NO_RULE = [0.0] * len(RULE_REASONS)
#: Features of a line's neighbours that the model sees (``prev:``/``next:``).
NEIGHBOUR_FEATURES = ("length", "han", "short", "ends_sentence", "ends_open", "list_marker", "url", "rule_any",
                      "heading_rule", "starts_lower")
CONTEXT_FEATURES = ("position", "first", "last", "blank_before", "blank_after", "short_run", "after_footer",
                    "page_han", "wraps_into_next", "wrapped_from_prev", "page_wrapped")
DENSE_FEATURES = (LINE_FEATURES + CONTEXT_FEATURES + tuple(f"prev:{f}" for f in NEIGHBOUR_FEATURES)
                  + tuple(f"next:{f}" for f in NEIGHBOUR_FEATURES))
_NEIGHBOUR_AT = [LINE_FEATURES.index(f) for f in NEIGHBOUR_FEATURES]
FOOTER_REASONS = {"editor line", "copyright notice", "copyright mention", "contact line"}


def normal_line(text: str) -> str | None:
    """The key under which a short line counts as 'the same line' on two pages: a digest of the line
    without case or spacing (the model file keeps digests, never the text of a page); None for a
    line longer than :data:`RECURRING_LENGTH`."""
    if len(text) > RECURRING_LENGTH:
        return None
    return hashlib.blake2b(" ".join(text.casefold().split()).encode(), digest_size=8).hexdigest()


def line_tokens(text: str) -> list[str]:
    """The words a line starts with (furniture announces itself early): up to six Latin words,
    the first Han characters as bigrams, and the line's last word."""
    low = text[:80].casefold()
    words = _WORD.findall(low)
    tokens = [f"w:{w}" for w in words[:6]]
    if words:
        tail = _WORD.findall(text[-40:].casefold())
        tokens.append(f"last:{(tail or words)[-1]}")
    m = _HAN_RUN.search(low[:20])
    if m:
        run = m.group(0)[:6]
        tokens.extend(f"h:{run[i:i + 2]}" for i in range(max(1, len(run) - 1)))
    return list(dict.fromkeys(tokens))


def _has_url(head: str) -> bool:
    """Whether ``_URL`` finds a link sign; each of its forms needs a ``.`` or ``:`` (many lines have neither)."""
    return ("." in head or ":" in head) and bool(_URL.search(head))


def line_features(text: str, rule_reason: str | None, heading_rule: bool, imperative: bool,
                  marker_end: int, bare_label: bool, recurs: int) -> list[float]:
    """The :data:`LINE_FEATURES` of one repaired, stripped, non-empty line (``marker_end``: where the
    text after its list marker starts, 0 without one; case is read from that text). A list: a page's
    rows become one array at once."""
    n = max(1, len(text))
    encoded = text.encode("utf-8")  # classes of characters counted on bytes: C speed
    han = len(encoded.translate(None, _NOT_HAN_LEAD))
    latin = len(encoded.translate(None, _NOT_LATIN))
    upper = len(encoded.translate(None, _NOT_UPPER))
    digit = len(encoded.translate(None, _NOT_DIGIT))
    punct = max(0, len(text) - han - latin - digit - text.count(" "))  # marks (and other scripts' letters)
    head = text[:HEAD]  # signs of links, markup, dates: furniture shows them early; long lines cost no more
    body = text[marker_end:marker_end + HEAD] or head
    words = text.count(" ") + 1
    starts = len(_WORD_START.findall(body)) if latin else 0  # Latin words, by their first letters
    title = len(_CAPITAL_START.findall(body)) / starts if starts else 0.0
    last = text[-1]
    short_limit = 12 if han > latin else 25
    values = [
        math.log1p(len(text)) / 5, math.log1p(words) / 4, han / n, latin / n, digit / n, punct / n,
        upper / latin if latin else 0.0, title,
        float(len(text) <= short_limit), float(len(text) >= 200),
        float(bool(_SENTENCE_END.search(text[-8:]))), float(last in ":："), float(last in ",，、"),
        float(last.isalnum() or bool(P.CJK_CHAR.match(last))),
        float(marker_end > 0), float(bare_label), float(body[0].isupper()), float(body[0].islower()),
        float(bool(_BRACKETED.match(text))),
        float(_has_url(head)), float("@" in head and bool(_EMAIL.search(head))), float(bool(_MARKUP.search(head))),
        math.log1p(len(_SEPARATORS.findall(head))) / 2,
        float("|" in head and sum(1 for i in head.split("|") if i.strip()) >= 3),
        float(bool(digit and _FOUR_DIGITS.search(head, 0, 80))), float(bool(digit and _DATE.match(head))),
        float(heading_rule), float(imperative), math.log1p(recurs) / 2,
        float(rule_reason is not None), float(rule_reason is not None and len(text) > P.LONG_LINE),
    ]
    values += _NO_RULE
    if rule_reason in _RULE_AT:
        values[_RULE_AT[rule_reason]] = 1.0
    return values


@dataclass
class PageLines:
    """The lines of one page as the cleaner sees them (repaired, stripped; ``""`` for a blank line),
    with the hand rules' verdicts on each."""

    texts: list[str]
    rule_reasons: list[str | None]
    heading_rules: list[bool]
    imperatives: list[bool]
    list_markers: list[int]  # where the text after the line's list marker starts (0: no marker)
    bare_labels: list[bool]
    labels: list[str | None] = field(default_factory=list)  # from gold, for training
    dense: np.ndarray | None = None  # the features the line model last scored the page with


def _context(page: PageLines, line_x: np.ndarray) -> np.ndarray:
    """The :data:`CONTEXT_FEATURES` and neighbour features of every line, from the lines' own features.

    A page has tens of lines: the flags are worked out in plain Python and written in a few array
    operations (per-line NumPy calls would cost more than the arithmetic)."""
    texts = page.texts
    out = np.zeros((len(texts), len(CONTEXT_FEATURES) + 2 * len(NEIGHBOUR_FEATURES)))
    filled = [i for i, t in enumerate(texts) if t]
    m = len(filled)
    if not m:
        return out
    own = line_x[filled]
    lengths = [len(texts[i]) for i in filled]
    short = (own[:, _AT["short"]] != 0).tolist()
    ends = (own[:, _AT["ends_sentence"]] != 0).tolist()
    gap_after = [filled[j + 1] != filled[j] + 1 for j in range(m - 1)] + [True]
    gap_before = [True] + gap_after[:-1]
    run, start = [0] * m, 0  # runs of consecutive short lines (menus), blank lines not breaking them
    for j in range(1, m + 1):
        if j == m or not (short[j] and short[j - 1]):
            run[start:j] = [j - start] * (j - start)
            start = j
    width = wrap_width([texts[i] for i in filled])
    wraps = [not gap_after[j] and not ends[j] and lengths[j] >= 0.75 * width for j in range(m)] if width \
        else [False] * m
    after_footer, seen = [False] * m, False
    for j, i in enumerate(filled):
        after_footer[j] = seen
        seen = seen or page.rule_reasons[i] in FOOTER_REASONS
    rows = np.zeros((m, out.shape[1]))
    rows[:, 0] = np.arange(m) / max(1, m - 1)
    rows[0, 1] = rows[m - 1, 2] = 1.0
    rows[:, [3, 4, 6, 8, 9]] = np.array([gap_before, gap_after, after_footer, wraps, [False] + wraps[:-1]],
                                        dtype=np.float64).T
    rows[:, 5] = np.where(short, np.log1p(np.array(run) - 1) / 2, 0.0)
    rows[:, 7] = (own[:, _AT["han"]] * np.array(lengths, dtype=np.float64)).sum() / max(1.0, float(sum(lengths)))
    rows[:, 10] = width is not None
    base, span = len(CONTEXT_FEATURES), len(NEIGHBOUR_FEATURES)
    neighbours = own[:, _NEIGHBOUR_AT]
    rows[1:, base:base + span] = neighbours[:-1]
    rows[:-1, base + span:] = neighbours[1:]
    out[filled] = rows
    return out


#: A line at least this long that ends a sentence, and that no hand rule flags, is content.
SURE_CONTENT_LENGTH = 120
_AT = {name: i for i, name in enumerate(LINE_FEATURES)}


def sure_content(text: str, rule_reason: str | None) -> bool:
    """Whether a line is a long sentence that no hand rule flags (:data:`SURE_CONTENT_LENGTH`)."""
    return rule_reason is None and len(text) >= SURE_CONTENT_LENGTH and bool(_SENTENCE_END.search(text[-8:]))


def neighbour_view(text: str, heading_rule: bool, marker_end: int, rule_reason: str | None = None) -> list[float]:
    """Of one non-empty line, the :data:`LINE_FEATURES` that its neighbours and the page context read
    (:data:`NEIGHBOUR_FEATURES`), as :func:`line_features` gives them; the rest zero. Enough for a
    line whose own class is not asked: a :func:`sure_content` line, or one a grammar rule decided."""
    x = [0.0] * len(LINE_FEATURES)
    head = text[:HEAD]
    body = text[marker_end:marker_end + HEAD] or head
    encoded = text.encode("utf-8")
    han = len(encoded.translate(None, _NOT_HAN_LEAD))
    latin = len(encoded.translate(None, _NOT_LATIN))
    last = text[-1]
    x[_AT["length"]] = math.log1p(len(text)) / 5
    x[_AT["han"]] = han / len(text)
    x[_AT["short"]] = float(len(text) <= (12 if han > latin else 25))
    x[_AT["ends_sentence"]] = float(bool(_SENTENCE_END.search(text[-8:])))
    x[_AT["ends_open"]] = float(last.isalnum() or bool(P.CJK_CHAR.match(last)))
    x[_AT["list_marker"]] = float(marker_end > 0)
    x[_AT["url"]] = float(_has_url(head))
    x[_AT["rule_any"]] = float(rule_reason is not None)
    x[_AT["heading_rule"]] = float(heading_rule)
    x[_AT["starts_lower"]] = float(body[0].islower())
    return x


def wrap_width(texts: list[str]) -> int | None:
    """The width a hard-wrapped page is broken at, or None when the page is not hard-wrapped.

    A page is hard-wrapped when a third or more of its lines (at least four) are within 15 % of
    the length of its longest tenth, and that length is between 30 and 130 characters.
    """
    lengths = sorted(len(t) for t in texts if t)
    if len(lengths) < 4:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if not 30 <= width <= 130:
        return None
    near = sum(width * 0.85 <= n <= width * 1.1 for n in lengths)
    return width if near >= max(4, len(lengths) / 3) else None


class LineModel:
    """A fitted line model: per class, weights of the dense features and of the token vocabulary.

    ``threshold``: the least probability of ``boilerplate`` (or ``attribution``) at which the cleaner
    removes a line; below it, the line is kept (a leaked menu line costs less than a lost clause).
    """

    def __init__(self, classes, mean, scale, coef_dense, vocab, coef_vocab, intercept, recurrence,
                 threshold: float = 0.5, card: dict | None = None):
        self.classes = tuple(classes)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.coef_dense = np.asarray(coef_dense, dtype=np.float64)  # (classes, dense)
        self.vocab = dict(vocab)
        self.coef_vocab = np.asarray(coef_vocab, dtype=np.float64).reshape(len(self.classes), -1)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.recurrence = dict(recurrence)
        self.threshold = threshold
        self.card = card or {}
        self._line = lru_cache(maxsize=50_000)(self._line_uncached)

    # -- persistence: plain JSON, never pickle ------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": FORMAT, "classes": list(self.classes), "dense_features": list(DENSE_FEATURES),
            "mean": self.mean.round(6).tolist(), "scale": self.scale.round(6).tolist(),
            "coef_dense": self.coef_dense.round(5).tolist(), "intercept": self.intercept.round(5).tolist(),
            "vocab": self.vocab, "coef_vocab": self.coef_vocab.round(5).tolist(),
            "recurrence": self.recurrence, "threshold": self.threshold, "card": self.card,
        }

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LineModel:
        """Read a model written by :meth:`save`; a clear error when the file is not one."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ValueError(f"{path}: not a readable line model ({e})") from e
        if data.get("format") != FORMAT or data.get("dense_features") != list(DENSE_FEATURES):
            raise ValueError(f"{path}: a line model of another format or feature set; rebuild it (make train-cleaner)")
        return cls(data["classes"], data["mean"], data["scale"], data["coef_dense"], data["vocab"],
                   data["coef_vocab"], data["intercept"], data["recurrence"], data["threshold"], data.get("card"))

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_line"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._line = lru_cache(maxsize=50_000)(self._line_uncached)

    # -- scoring --------------------------------------------------------------------------------
    def _line_uncached(self, text, rule_reason, heading_rule, imperative, list_marker, bare_label):
        """A line's own features, and the class scores of its tokens or None (the same wherever it stands)."""
        x = line_features(text, rule_reason, heading_rule, imperative, list_marker, bare_label,
                          self.recurrence.get(normal_line(text), 0))
        idx = [self.vocab[t] for t in line_tokens(text) if t in self.vocab]
        return x, self.coef_vocab[:, idx].sum(axis=1) if idx else None

    def design(self, page: PageLines, view_only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Dense features (unscaled) of every line, and the token scores of every line. Lines marked
        in ``view_only`` get only the features their neighbours and the page context read
        (:func:`neighbour_view`)."""
        n = len(page.texts)
        blank = [0.0] * len(LINE_FEATURES)
        rows = []
        token_scores = np.zeros((n, len(self.classes)))
        line = self._line
        for i, text in enumerate(page.texts):
            if not text:
                rows.append(blank)
            elif view_only is not None and view_only[i]:
                rows.append(neighbour_view(text, page.heading_rules[i], page.list_markers[i], page.rule_reasons[i]))
            else:
                x, scores = line(text, page.rule_reasons[i], page.heading_rules[i], page.imperatives[i],
                                 page.list_markers[i], page.bare_labels[i])
                rows.append(x)
                if scores is not None:
                    token_scores[i] = scores
        line_x = np.array(rows, dtype=np.float64).reshape(n, len(LINE_FEATURES))
        return np.hstack([line_x, _context(page, line_x)]), token_scores

    def predict_proba(self, page: PageLines, judged: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of :attr:`classes` for every line (rows of blank lines are meaningless).

        A long sentence that no hand rule flags (:func:`sure_content`) is content without scoring:
        the cleaner would keep it unless the model were all but certain, and scoring it is most of
        the cost of a page. With ``judged`` (a mask of the lines whose class is asked), the other
        lines are only seen as neighbours (:func:`neighbour_view`): their rows are meaningless too.
        """
        sure = np.array([bool(t) and sure_content(t, r) for t, r in zip(page.texts, page.rule_reasons, strict=True)],
                        dtype=bool)
        view_only = sure if judged is None else sure | ~np.asarray(judged, dtype=bool)
        dense, token_scores = self.design(page, view_only)
        page.dense = dense  # kept for :meth:`strongest`
        scores = ((dense - self.mean) / self.scale) @ self.coef_dense.T + token_scores + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        proba = e / e.sum(axis=1, keepdims=True)
        proba[sure] = np.eye(len(self.classes))[self.classes.index("content")]
        return proba

    def strongest(self, page: PageLines, i: int, label: str = "boilerplate", top: int = 3) -> list[str]:
        """The features that pushed line ``i`` most towards ``label`` (against the mean of the classes)."""
        dense = page.dense if page.dense is not None else self.design(page)[0]
        k = self.classes.index(label)
        weights = self.coef_dense[k] - self.coef_dense.mean(axis=0)
        contrib = ((dense[i] - self.mean) / self.scale) * weights
        named = [(float(c), DENSE_FEATURES[j]) for j, c in enumerate(contrib)]
        vocab_w = self.coef_vocab[k] - self.coef_vocab.mean(axis=0)
        named += [(float(vocab_w[self.vocab[t]]), t) for t in line_tokens(page.texts[i]) if t in self.vocab]
        return [name for c, name in sorted(named, reverse=True)[:top] if c > 0]


def gold_line_labels(raw_text: str, gold: dict) -> list[str | None]:
    """The gold label of every line of a raw page (None: blank, or not settled by the gold file).

    A line equal to a gold boilerplate item, attribution line or heading takes that label; a line
    that holds a clause, or lies inside one (wrapped text), is content; a line that holds a
    boilerplate or attribution item and no clause takes that label; a page's cut-off last line is
    content.
    """
    boilerplate = {b.strip() for b in gold.get("boilerplate", [])}
    attribution = {a.strip() for p in gold["passages"] for a in p.get("attribution_lines", [])}
    headings = {p["heading"].strip() for p in gold["passages"] if p.get("heading")}
    clauses = [c.strip() for p in gold["passages"] for c in p["clauses"]] + [r.strip() for r in gold.get("repeats", [])]
    blob = "\n".join(c for c in clauses)
    lines = raw_text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    labels: list[str | None] = []
    for raw in lines:
        line = raw.strip()
        label = None
        if not line:
            pass
        elif line in boilerplate:
            label = "boilerplate"
        elif line in attribution:
            label = "attribution"
        elif line in headings:
            label = "heading"
        elif (len(line) >= 8 and line in blob) or any(c and c in line for c in clauses):
            label = "content"
        elif any(b and len(b) >= 4 and b in line for b in boilerplate):
            label = "boilerplate"
        elif any(a and len(a) >= 4 and a in line for a in attribution):
            label = "attribution"
        elif any(h and len(h) >= 4 and h in line for h in headings):
            label = "heading"
        labels.append(label)
    passages = gold["passages"]
    if passages and passages[-1].get("truncated"):
        last = max((i for i, t in enumerate(lines) if t.strip()), default=None)
        if last is not None and labels[last] is None:
            labels[last] = "content"
    return labels


def fit_line_model(pages: list[PageLines], sites: list[str], C: float = 0.5, min_sites: int = 3,
                   threshold: float = 0.5, card: dict | None = None) -> LineModel:
    """Fit a :class:`LineModel` on labelled pages (``sites[i]``: the site of ``pages[i]``).

    The token vocabulary and the recurrence counts keep only what at least ``min_sites`` (tokens)
    or two (whole lines) sites share: a string of one site teaches nothing about the next.
    """
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    token_sites: dict[str, set] = {}
    line_sites: dict[str, set] = {}
    for page, site in zip(pages, sites, strict=True):
        for text in page.texts:
            if text:
                key = normal_line(text)
                if key is not None:
                    line_sites.setdefault(key, set()).add(site)
                for t in line_tokens(text):
                    token_sites.setdefault(t, set()).add(site)
    vocab = {t: i for i, t in enumerate(sorted(t for t, s in token_sites.items() if len(s) >= min_sites))}
    recurrence = {t: len(s) for t, s in line_sites.items() if len(s) >= 2}
    probe = LineModel(CLASSES, np.zeros(len(DENSE_FEATURES)), np.ones(len(DENSE_FEATURES)),
                      np.zeros((len(CLASSES), len(DENSE_FEATURES))), {}, np.zeros((len(CLASSES), 0)),
                      np.zeros(len(CLASSES)), recurrence)
    rows, token_rows, y = [], [], []
    for page, site in zip(pages, sites, strict=True):
        # a page's own lines must not count as recurring because of itself
        own = Counter(normal_line(t) for t in page.texts if t)
        probe.recurrence = {k: n for k in own if (n := len(line_sites.get(k, set()) - {site})) >= 2}
        probe._line.cache_clear()
        dense, _ = probe.design(page)
        for i, label in enumerate(page.labels):
            if page.texts[i] and label is not None:
                rows.append(dense[i])
                token_rows.append([vocab[t] for t in line_tokens(page.texts[i]) if t in vocab])
                y.append(CLASSES.index(label))
    X = np.asarray(rows)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    indptr = np.cumsum([0] + [len(r) for r in token_rows])
    T = sparse.csr_matrix((np.ones(indptr[-1]), np.concatenate([np.asarray(r, dtype=np.int64) for r in token_rows]
                                                                if token_rows else []), indptr),
                          shape=(len(token_rows), len(vocab)))
    design = sparse.hstack([sparse.csr_matrix((X - mean) / scale), T]).tocsr()
    y = np.asarray(y)
    clf = LogisticRegression(C=C, max_iter=3000)
    clf.fit(design, y)
    coef = np.zeros((len(CLASSES), design.shape[1]))
    intercept = np.zeros(len(CLASSES))
    for row, k in enumerate(clf.classes_):
        coef[k] = clf.coef_[row]
        intercept[k] = clf.intercept_[row]
    missing = set(range(len(CLASSES))) - set(clf.classes_)
    intercept[list(missing)] = -30.0
    d = len(DENSE_FEATURES)
    card = dict(card or {})
    card.update({"pages": len(pages), "sites": len(set(sites)), "lines": len(y),
                 "lines_per_class": {CLASSES[k]: int((y == k).sum()) for k in range(len(CLASSES))},
                 "vocabulary": len(vocab), "C": C, "min_sites": min_sites})
    return LineModel(CLASSES, mean, scale, coef[:, :d], vocab, coef[:, d:], intercept, recurrence, threshold, card)
