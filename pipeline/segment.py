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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .clean import LIST_MARKER

CLAUSE_PUNCT = [".", "!", "?", ";", "。", "！", "？", "；"]

#: ``…, b. text``: an inline list item after a comma or semicolon, with an optional ``and``/``or``.
INLINE_ITEM = re.compile(
    r"(?:[,;，；]\s*(?:(?:and|or)\s+)?)(?P<marker>(?P<letter>[a-z])\.|\((?P<roman>[ivx]{1,4})\)|(?P<num>\d{1,2})\))\s+(?=\S)"
)
#: Leading words and marks that are not part of a clause.
BRACKET_LABEL = re.compile(r"\[[A-Za-z ]{1,20}\]\s*")
LEADING_JUNK = re.compile(r"^(?:\s|(?:and|or)\s+(?=\S))+", re.IGNORECASE)
TRAILING_JUNK = re.compile(r"(?:[\s,，、]|\s(?:and|or))+$")
ABBREVIATIONS = re.compile(r"\b(?:No|Art|Arts|Para|para|Sec|Fig|vs|etc|Nos|Vol|pp|Dr|Mr|Mrs|Ms|St|Co|Inc|Ltd)\.$")
GLUED_STOP = re.compile(r"(?<=[\w\u3400-\u9fff])[.?](?=[A-Za-z0-9\u00c0-\u024f])")
#: A stop followed by lower-case text or a comma (``etc., these``; ``…; the ability``) does
#: not end a clause in English: the position is that of the next word.
CONTINUED = re.compile(r"[.?!;…][”’\"')\]]*[\s,;]*(?=[a-z])")
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
    """Tokens are runs of Han characters, runs of Latin letters or digits, and single marks."""

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = [], []
        for m in CJK_TOKEN.finditer(text):
            piece = m.group(0)
            if piece.isspace():
                if words and not spaces[-1] and piece == " ":
                    spaces[-1] = True
                    continue
                if words and not spaces[-1] and piece.startswith(" "):
                    spaces[-1] = True
                    piece = piece[1:]
            words.append(piece)
            spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)

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
    starts, inside = [], []
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


@Language.component("govthemes_clause_boundaries")
def clause_boundaries(doc: Doc) -> Doc:
    """Mark clause starts at lines and list items; forbid starts after markers and abbreviations."""
    if len(doc) == 0:
        return doc
    token_starts = [t.idx for t in doc]
    starts, inside = boundary_offsets(doc.text)
    for offset in inside:
        i = bisect_right(token_starts, offset)  # the first token at or after the offset
        if token_starts[i - 1] == offset:
            i -= 1
        if 0 < i < len(doc):
            doc[i].is_sent_start = False
    for offset in starts:
        i = bisect_right(token_starts, offset) - 1
        if i > 0 and token_starts[i] == offset:
            doc[i].is_sent_start = True
            # the clause goes on through any marks to its first word (``[Comment] …``, ``《办法》…``)
            j = i + 1
            while j < len(doc) and doc[j].is_punct and doc[j].is_sent_start is None:
                doc[j].is_sent_start = False
                j += 1
            if j < len(doc) and doc[j].is_sent_start is None:
                doc[j].is_sent_start = False
    for i, token in enumerate(doc[:-1]):
        if token.text == "." and i > 0 and ABBREVIATIONS.search(doc[i - 1].text + "."):
            if doc[i + 1].is_sent_start is None:
                doc[i + 1].is_sent_start = False
        elif ABBREVIATIONS.search(token.text) and doc[i + 1].is_sent_start is None:
            doc[i + 1].is_sent_start = False
    doc[0].is_sent_start = True
    return doc


def make_nlp(lang: str) -> Language:
    """The blank spaCy pipeline that segments ``lang`` (``en``, ``zh``; others as ``xx``)."""
    if lang == "zh":
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govthemes.cjk_tokenizer.v1"}}})
    else:
        nlp = spacy.blank(lang if lang in ("en",) else "xx")
    nlp.add_pipe("govthemes_clause_boundaries")
    nlp.add_pipe("sentencizer", config={"punct_chars": CLAUSE_PUNCT})
    return nlp


@dataclass
class Clause:
    """A clause: its exact text and ``[start, end)`` character offsets in its passage."""

    text: str
    start: int
    end: int
    truncated: bool = False
    heading: bool = False  # a numbered title inside a line (``5.2. Development of competencies.``)


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
    text = doc.text
    out = []
    for sent in doc.sents:
        start, end = trim(text, sent.start_char, sent.end_char)
        if end > start:
            clause = Clause(text[start:end], start, end)
            clause.heading = _is_inline_title(text, sent.start_char, start, end)
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

    ``segment(texts, langs)`` yields, for each text, its list of :class:`Clause`. Pipelines are
    built on first use and reused; ``batch_size`` is passed to ``nlp.pipe``.
    """

    def __init__(self, batch_size: int = 256):
        self.batch_size = batch_size
        self._nlps: dict[str, Language] = {}

    def nlp(self, lang: str) -> Language:
        key = lang if lang in ("en", "zh") else "xx"
        if key not in self._nlps:
            self._nlps[key] = make_nlp(key)
        return self._nlps[key]

    def segment_one(self, text: str, lang: str) -> list[Clause]:
        return clauses_of(self.nlp(lang)(text))

    def segment(self, texts: Iterable[str], langs: Iterable[str]) -> Iterator[list[Clause]]:
        texts, langs = list(texts), list(langs)
        results: list[list[Clause] | None] = [None] * len(texts)
        for lang in sorted(set(langs)):
            index = [i for i, x in enumerate(langs) if x == lang]
            docs = self.nlp(lang).pipe((texts[i] for i in index), batch_size=self.batch_size)
            for i, doc in zip(index, docs):
                results[i] = clauses_of(doc)
        yield from results  # type: ignore[misc]
