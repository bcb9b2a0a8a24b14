"""Segmentation: passages to clauses (ANNOTATION.md §2), as a spaCy pipeline.

Each language has a blank spaCy pipeline with two named steps:

1. ``govthemes_clause_boundaries`` (this module): marks clause starts that a sentence splitter
   cannot see: every line, enumerated items (``a.``, ``(i)``, ``1.``, ``·``, ``一、``, ``（一）``),
   inline enumerations (``…, b. …``), and blocks splits after abbreviations.
2. spaCy's ``sentencizer``, with semicolons and Chinese sentence punctuation as clause ends.

Chinese uses ``govthemes.cjk_tokenizer.v1``, a tokenizer that keeps runs of Han characters
whole (only punctuation matters to the boundaries), many times faster than one token a
character. :func:`clauses_of` then trims each span to its clause: list markers, joining words
and separators are left out, and every clause keeps its character offsets in the passage.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.text.clean import LIST_MARKER

BATCH_SEPARATOR = "\n\n"
CLAUSE_PUNCT = [".", "!", "?", ";", "。", "！", "？", "；"]

#: ``…, b. text``: an inline list item after a comma or semicolon, with an optional ``and``/``or``.
INLINE_ITEM = re.compile(
    r"(?:[,;，；]\s*(?:(?:and|or)\s+)?)(?P<marker>(?P<letter>[a-z])\.|\((?P<roman>[ivx]{1,4})\)|(?P<num>\d{1,2})\))\s+(?=\S)"
)
#: Leading words and marks that are not part of a clause.
BRACKET_LABEL = re.compile(r"\[[A-Za-z ]{1,20}\]\s*")
LEADING_JUNK = re.compile(r"^(?:\s|(?:and|or)\s+(?=\S))+", re.IGNORECASE)
TRAILING_JUNK = re.compile(r"(?:[\s,，、]|\s(?:and|or))+$")
ABBREVIATION_STOP = re.compile(r"\b(?:No|Art|Arts|Para|para|Sec|Fig|vs|Nos|Vol|pp|Dr|Mr|Mrs|Ms|St)\.\s*")
GLUED_STOP = re.compile(r"(?<=[\w\u3400-\u9fff])[.?](?=[A-Za-z0-9\u00c0-\u024f])")
#: A stop followed by lower-case text or a comma (``etc., these``) does not end a clause in
#: English: the position is that of the next word. A semicolon does, unless what follows is a
#: continuation rather than a provision of its own (``…; the ability to …``, ``…; to promote …``).
CONTINUED = re.compile(
    r"[.?!…][”’\"')\]]*[\s,;]*(?=[a-z])"
    r"|;\s*(?=(?:to|the|a|an|its|their|his|her|and|or|of|in|for|with|by|as|such|which|that|including)\b)"
)
#: After a clause end, an opening bracket or quote starts the next clause (``。《办法》…``).
END_THEN_OPEN = re.compile(r"[.!?。！？；;][”’」』）)\]\"]*[ \t]*(?=[《“「（(\[【])")
#: A sentence end glued to the next sentence: ``…intelligence.”The SCO``.
GLUED_END = re.compile(r"(?<=[a-z]{2})[.!?][”\"’]+(?=[A-Z])")
#: A numbered item inside a line: ``… methodologies. 5.2. Development of competencies. AI Actors …``.
INLINE_NUMBERED = re.compile(r"(?<=[.;:]\s)(?P<marker>\d{1,2}\.\d{1,2}\.?)\s+(?=[A-Z])")
INLINE_TITLE_MARKER = re.compile(r"^\d{1,2}\.\d{1,2}\.?$")
#: Chinese inline enumerations: ``…,二是坚持安全可控`` and a lead-in ``…原则:一是…``.
ZH_INLINE_ITEM = re.compile(r"(?<=[,，、;；:：])(?=[一二三四五六七八九十]是)|(?<=\S)(?=[①-⑳])")
CJK_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9_'’-]+|\s+|.", re.DOTALL)


@spacy.registry.tokenizers("govthemes.cjk_tokenizer.v1")
def create_cjk_tokenizer():
    def make(nlp: Language):
        return CJKRunTokenizer(nlp.vocab)

    return make


class CJKRunTokenizer:
    """Tokens are runs of Han characters, runs of Latin letters or digits, and single marks.

    Only marks and line starts matter to clause boundaries, so a run of Han characters can be
    one token: a tenth of the tokens of one per character. Runs are mostly unique strings, so
    the tokenizer keeps them in a vocabulary of its own, with the one lexical attribute the
    pipeline reads (``is_punct``), and starts a fresh one every ``max_vocab`` entries: memory
    stays flat however much Chinese text goes through.
    """

    def __init__(self, vocab, max_vocab: int = 100_000):
        self.vocab = vocab
        self.max_vocab = max_vocab
        self._runs = self._new_vocab()

    @staticmethod
    def _new_vocab():
        from spacy.lang.lex_attrs import is_punct
        from spacy.vocab import Vocab

        return Vocab(lex_attr_getters={IS_PUNCT: is_punct})

    def __call__(self, text: str) -> Doc:
        if len(self._runs) > self.max_vocab:
            self._runs = self._new_vocab()
        words, spaces = [], []
        for m in CJK_TOKEN.finditer(text):
            piece = m.group(0)
            if piece.isspace() and words and not spaces[-1] and piece[0] == " ":
                spaces[-1] = True
                piece = piece[1:]
                if not piece:
                    continue
            words.append(piece)
            spaces.append(False)
        return Doc(self._runs, words=words, spaces=spaces)

    def to_bytes(self, **kwargs):
        return b""

    def from_bytes(self, data, **kwargs):
        return self

    def to_disk(self, path, **kwargs):
        pass

    def from_disk(self, path, **kwargs):
        return self


def boundary_offsets(text: str) -> tuple[list[int], list[int]]:
    """Where clauses must start, and where they must not.

    Starts: every line, and inline list items (``…, b. …``). Non-starts: just after a list
    marker (``1.`` does not end a sentence) and after a ``.``/``?`` glued to the next letter
    (``e.g.``, ``?shù`` debris).
    """
    starts, inside = [], [m.end() for m in ABBREVIATION_STOP.finditer(text)]
    position = 0
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped:
            first = position + len(line) - len(stripped)
            starts.append(first)
            m = LIST_MARKER.match(stripped)
            if m:
                inside.append(first + m.end())
        position += len(line) + 1
    for m in INLINE_ITEM.finditer(text):
        starts.append(m.start("marker"))
        inside.append(m.end())
    inside.extend(m.end() for m in GLUED_STOP.finditer(text))
    inside.extend(m.end() for m in CONTINUED.finditer(text))
    starts.extend(m.end() for m in END_THEN_OPEN.finditer(text))
    starts.extend(m.end() for m in GLUED_END.finditer(text))
    for m in INLINE_NUMBERED.finditer(text):
        starts.append(m.start())
        inside.append(m.end())
    starts.extend(m.start() for m in ZH_INLINE_ITEM.finditer(text))
    return sorted(set(starts)), sorted(set(inside) - set(starts))


def text_of(doc: Doc) -> str:
    """The doc's text: kept in ``user_data`` by :class:`Segmenter` (``Doc.text`` walks every token)."""
    return doc.user_data.get("text") or doc.text


@Language.component("govthemes_clause_boundaries")
def clause_boundaries(doc: Doc) -> Doc:
    """Mark clause starts at lines and list items; forbid starts after markers and abbreviations.

    Works on the text with regular expressions and sets the flags of all tokens in one array.
    """
    n = len(doc)
    if n == 0:
        return doc
    token_starts = doc.to_array(IDX).astype(np.int64)
    punct = doc.to_array(IS_PUNCT).astype(bool)
    flags = np.zeros(n, dtype=np.int64)
    starts, inside = boundary_offsets(text_of(doc))
    if inside:
        at = np.searchsorted(token_starts, np.asarray(inside, dtype=np.int64), side="left")
        flags[at[(at > 0) & (at < n)]] = -1
    if starts:
        offsets = np.asarray(starts, dtype=np.int64)
        at = np.searchsorted(token_starts, offsets, side="left")
        ok = (at > 0) & (at < n)
        at, offsets = at[ok], offsets[ok]
        at = at[token_starts[at] == offsets]
        flags[at] = 1
        # the clause goes on through any marks to its first word (``[Comment] …``, ``《办法》…``)
        for i in at[punct[at]].tolist():
            j = i + 1
            while j < n and punct[j] and flags[j] == 0:
                flags[j] = -1
                j += 1
            if j < n and flags[j] == 0:
                flags[j] = -1
    flags[0] = 1
    doc.from_array([SENT_START], flags.astype(np.uint64).reshape(-1, 1))
    return doc


@Language.factory("govthemes_sentence_ends", default_config={"punct_chars": CLAUSE_PUNCT})
def make_sentence_ends(nlp: Language, name: str, punct_chars: list[str]):
    return SentenceEnds(nlp.vocab, punct_chars)


class SentenceEnds:
    """spaCy's sentencizer rule, computed on token arrays rather than token by token.

    A token starts a sentence when it is the first non-punctuation token after a token in
    ``punct_chars``; flags set by earlier steps are kept, as the sentencizer keeps them
    (``overwrite=False``). On batched passages it gives the sentencizer's clauses (tested)
    without making a Python object per token.
    """

    def __init__(self, vocab, punct_chars: list[str]):
        self.punct_chars = list(punct_chars)
        self.punct_ids = np.array([vocab.strings.add(c) for c in self.punct_chars], dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT, SENT_START])
        ends = np.isin(arr[:, 0], self.punct_ids)
        words = np.flatnonzero(~(ends | arr[:, 1].astype(bool)))
        guess = np.zeros(n, dtype=bool)
        guess[0] = True
        if len(words):
            seen = np.concatenate(([0], np.cumsum(ends)))  # seen[i]: clause ends before token i
            previous = np.concatenate(([0], words[:-1] + 1))
            guess[words[seen[words] - seen[previous] > 0]] = True
        flags = arr[:, 2].astype(np.int64)
        flags[flags > 1] = -1  # -1 comes back as a wrapped-around uint64
        unset = flags == 0
        flags[unset] = np.where(guess[unset], 1, -1)
        doc.from_array([SENT_START], flags.astype(np.uint64).reshape(-1, 1))
        return doc


def make_nlp(lang: str, sentence_splitter: str = "govthemes_sentence_ends") -> Language:
    """The blank spaCy pipeline that segments ``lang`` (``en``, ``zh``; others as ``xx``)."""
    if lang == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govthemes.cjk_tokenizer.v1"}}})
    else:
        nlp = spacy.blank(lang if lang in ("en",) else "xx")
    nlp.add_pipe("govthemes_clause_boundaries")
    nlp.add_pipe(sentence_splitter, config={"punct_chars": CLAUSE_PUNCT})
    return nlp


@dataclass(slots=True)
class Clause:
    """A clause: its exact text and ``[start, end)`` character offsets in its passage."""

    text: str
    start: int
    end: int
    truncated: bool = False
    heading: bool = False  # a numbered title inside a line (``5.2. Development of competencies.``)
    labels: list | None = None  # themes, when a model tagged the clause
    scores: dict | None = None


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` to the clause: no marker, joining word or separator at its ends."""
    span = text[start:end]
    lead = LEADING_JUNK.match(span)
    cut = lead.end() if lead else 0
    label = BRACKET_LABEL.match(span, cut)
    if label and label.end() < len(span):
        cut = label.end()
    m = LIST_MARKER.match(span[cut:])
    if m and m.end() < len(span) - cut:
        cut += m.end()
        lead = LEADING_JUNK.match(span[cut:])
        cut += lead.end() if lead else 0
    tail = TRAILING_JUNK.search(span, cut)
    stop = tail.start() if tail else len(span)
    return start + cut, start + max(cut, stop)


def clauses_of(doc: Doc) -> list[Clause]:
    """The clauses of one segmented passage, in order, without overlaps."""
    text = text_of(doc)
    if not len(doc):
        return []
    token_starts = doc.to_array(IDX)
    sent_starts = np.flatnonzero(doc.to_array(SENT_START) == 1)
    bounds = [int(token_starts[i]) for i in sent_starts] + [len(text)]
    out = []
    for span_start, span_end in zip(bounds, bounds[1:]):  # noqa: B905 (lengths differ by one)
        start, end = trim(text, span_start, span_end)
        if end > start:
            clause = Clause(text[start:end], start, end)
            clause.heading = _is_inline_title(text, span_start, start, end)
            out.append(clause)
    return out


def _is_inline_title(text: str, span_start: int, start: int, end: int) -> bool:
    """A short numbered title ending in a full stop, followed by more text on its line."""
    if start == span_start or not INLINE_TITLE_MARKER.match(text[span_start:start].strip()):
        return False
    body = text[start:end]
    rest = text[end:].split("\n", 1)[0].strip()
    return bool(rest) and body.endswith(".") and len(body.split()) <= 6 and body[:1].isupper()


class Segmenter:
    """Splits passage texts into clauses with one spaCy pipeline per language.

    ``segment(texts, langs)`` returns, for each text, its list of :class:`Clause`, with offsets
    into that text. Passages of a language are joined into batches of about ``batch_chars``
    characters (separated by a blank line, which always starts a clause) and each batch goes
    through the pipeline once: the per-document costs of spaCy and NumPy are paid per batch
    (2.4 times faster than one passage at a time), and the clauses are the same.
    """

    def __init__(self, batch_chars: int = 20_000, sentence_splitter: str = "govthemes_sentence_ends"):
        self.batch_chars = batch_chars
        self.sentence_splitter = sentence_splitter
        self._nlps: dict[str, Language] = {}

    def nlp(self, lang: str) -> Language:
        key = lang if lang in ("en", "zh") else "xx"
        if key not in self._nlps:
            self._nlps[key] = make_nlp(key, self.sentence_splitter)
        return self._nlps[key]

    def process(self, text: str, lang: str) -> Doc:
        """Run the pipeline of ``lang`` on ``text``, keeping the text for the components."""
        nlp = self.nlp(lang)
        doc = nlp.make_doc(text)
        doc.user_data["text"] = text
        for _, component in nlp.pipeline:
            doc = component(doc)
        return doc

    def segment(self, texts: Iterable[str], langs: Iterable[str]) -> list[list[Clause]]:
        texts, langs = list(texts), list(langs)
        results: list[list[Clause]] = [[] for _ in texts]
        groups: dict[str, list[int]] = {}
        for i, lang in enumerate(langs):
            groups.setdefault(lang, []).append(i)
        for lang, index in groups.items():
            batch: list[int] = []
            size = 0
            for i in index:
                batch.append(i)
                size += len(texts[i]) + 2
                if size >= self.batch_chars:
                    self._segment_batch(texts, batch, lang, results)
                    batch, size = [], 0
            if batch:
                self._segment_batch(texts, batch, lang, results)
        return results

    def _segment_batch(self, texts: list[str], batch: list[int], lang: str, results: list) -> None:
        offsets, position = [], 0
        for i in batch:
            offsets.append(position)
            position += len(texts[i]) + len(BATCH_SEPARATOR)
        joined = BATCH_SEPARATOR.join(texts[i] for i in batch)
        for clause in clauses_of(self.process(joined, lang)):
            k = bisect_right(offsets, clause.start) - 1
            clause.start -= offsets[k]
            clause.end -= offsets[k]
            results[batch[k]].append(clause)
