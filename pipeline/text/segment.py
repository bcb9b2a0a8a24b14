"""Segmentation: passages to clauses (ANNOTATION.md §2), as a spaCy pipeline.

Each language has a blank spaCy pipeline with two named steps:

1. ``govthemes_clause_boundaries``: marks clause starts that a sentence splitter cannot see:
   every line, enumerated items (``a.``, ``(i)``, ``1.``, ``·``, ``一、``, ``（一）``), inline
   enumerations (``…, b. …``), and blocks splits after abbreviations.
2. ``govthemes_sentence_ends``: spaCy's sentencizer rule computed on token arrays, with
   semicolons and Chinese sentence punctuation as clause ends (spaCy's own ``sentencizer`` can
   stand in for it: same clauses, slower).

Chinese uses ``govthemes.cjk_tokenizer.v1``, a tokenizer that keeps runs of Han characters
whole (only punctuation matters to the boundaries), many times faster than one token a
character. :func:`clauses_of` then trims each span to its clause: list markers, joining words
and separators are left out, and every clause keeps its character offsets in the passage.

The components and the tokenizer are registered with spaCy by the package's entry points
(``spacy_factories``, ``spacy_tokenizers``), so any spaCy pipeline can use them by name and a
pipeline saved with ``nlp.to_disk`` loads with ``spacy.load`` in a new process. A third
component, ``govthemes_clauses``, stores the trimmed clauses as ``doc.spans["clauses"]`` for
users' pipelines (and for ``govthemes_themes``, :mod:`pipeline.spacy_components`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import spacy
import srsly
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from pipeline.text.patterns import LIST_MARKER

BATCH_SEPARATOR = "\n\n"
CLAUSE_PUNCT = [".", "!", "?", ";", "。", "！", "？", "；"]

#: ``…, b. text``: an inline list item after a comma or semicolon, with an optional ``and``/``or``.
INLINE_ITEM = re.compile(
    r"(?:[,;，；]\s*(?:(?:and|or)\s+)?)(?P<marker>(?P<letter>[a-z])\.|\((?P<roman>[ivx]{1,4})\)|(?P<num>\d{1,2})\))\s+(?=\S)"
)
#: Leading words and marks that are not part of a clause.
BRACKET_LABEL = re.compile(r"\[[A-Za-z ]{1,20}\]\s*")
LEADING_JUNK = re.compile(r"^(?:\s|(?:and|or)\s+(?=\S))+", re.IGNORECASE)
TRAILING_JUNK = re.compile(r"(?:[\s,，、]|\s(?:and|or)|\s*\[\d{1,3}\](?:\[\d{1,3}\])*)+$")
# Patterns scanned over whole texts open with the characters they can start at and look behind
# afterwards. A leading class lets ``re`` skip to those characters (GLUED_END: 30 times faster on
# passage text); a leading look-ahead of one class fails fast at every other position (1.5-4
# times). The matches are those of the patterns written with the look-behind first.
ABBREVIATION_STOP = re.compile(r"(?=[NAPpSFvVDM])\b(?:No|Art|Arts|Para|para|Sec|Fig|vs|Nos|Vol|pp|Dr|Mr|Mrs|Ms|St)\.\s*")
GLUED_STOP = re.compile(r"[.?](?=[A-Za-z0-9\u00c0-\u024f\u3400-\u9fff])(?:(?<=[\w\u3400-\u9fff][.?])(?=[A-Za-z0-9\u00c0-\u024f])"
                        r"|(?<=[A-Za-z0-9]\.)(?=[\u3400-\u9fff]))")
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
GLUED_END = re.compile(r"[.!?](?<=[a-z]{2}[.!?])(?:[”\"’]+(?=[A-Z])|(?=[A-Z][a-z]))")
#: A numbered item inside a line: ``… methodologies. 5.2. Development of competencies. AI Actors …``.
INLINE_NUMBERED = re.compile(r"(?<=[.;:]\s)(?P<marker>\d{1,2}\.\d{1,2}\.?)\s+(?=[A-Z])")
INLINE_TITLE_MARKER = re.compile(r"^\d{1,2}\.\d{1,2}\.?$")
#: Chinese inline enumerations: ``…,二是坚持安全可控`` and a lead-in ``…原则:一是…``.
ZH_INLINE_ITEM = re.compile(r"(?=[一二三四五六七八九十①-⑳])(?:(?<=[,，、;；:：])(?=[一二三四五六七八九十]是)|(?<=\S)(?=[①-⑳]))")
#: A label that opens a line and is not part of its clause: a Chinese article number
#: (``第二條(基本定義) …``) or a short Chinese term before a colon (``正當性：…``). (English
#: ``Term: definition`` lines stay one clause: the gold pages keep them whole as often as not.)
LINE_LABEL = re.compile(
    r"(?P<article>第[一二三四五六七八九十百零〇\d]{1,6}[条條](?:\s*[(（【][^)）】\n]{1,20}[)）】])?)\s*(?=[^\s,，。:：])"
    r"|(?P<term>[\u3400-\u9fff]{2,8})[:：]\s*(?=[\u3400-\u9fff“《「])(?![一二三四五六七八九十]是)"
)
#: Words that make the text before a colon a lead-in (``会议强调:``), not a term.
ZH_LEAD_IN_WORD = re.compile(r"强调|強調|表示|指出|提出|认为|認為|要求|说|說|称|稱|表明|包括|如下|呼吁|呼籲|指|是")
#: An enumeration marker inside a line: ``2.``, ``2)``, ``(2)``, ``b)``, ``(b)``.
RUN_MARKER = re.compile(r"(?:(?<=\s)|^)(?:\((?P<pn>\d{1,2})\)|(?P<n>\d{1,2})[.)]|\((?P<pl>[a-h])\)|(?P<l>[a-h])\))\s+(?=\S)")
#: A bullet inside a line (`` - ``, `` • ``): a list flattened onto one line when it occurs three times or more.
INLINE_BULLET = re.compile(r"(?<=\S)[ \t]+[-•·●▪][ \t]+(?=\S)")
#: Citation marks (``[1][5]``) followed by more text on the line: what follows starts anew.
CITATION_THEN_TEXT = re.compile(r"(?=[ \t\[])(?<=\S)[ \t]*(?:\[\d{1,3}\])+[ \t]+(?=[A-Z0-9\u3400-\u9fff])")
#: A closing quote after a Chinese sentence end, inside a sentence that goes on: ``“…。”的要求``.
QUOTE_CONTINUED = re.compile(r"[。！？][”」』]+(?=[的等之和与與及或,，、])")
CJK_TOKEN = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,6}[条條]|[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9_'’-]+|\s+|.", re.DOTALL)


@spacy.registry.tokenizers("govthemes.cjk_tokenizer.v1")
def create_cjk_tokenizer(max_vocab: int = 100_000):
    """The registered maker of :class:`CJKRunTokenizer` (``[nlp.tokenizer]`` of a config)."""

    def make(nlp: Language):
        return CJKRunTokenizer(nlp.vocab, max_vocab=max_vocab)

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

    # Serialisation: the settings (the vocabulary of runs is a cache, rebuilt as text comes).
    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return srsly.msgpack_dumps({"max_vocab": self.max_vocab})

    def from_bytes(self, data: bytes, *, exclude=tuple()) -> CJKRunTokenizer:
        self.max_vocab = int(srsly.msgpack_loads(data)["max_vocab"])
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        ensure_path(path).write_bytes(self.to_bytes())

    def from_disk(self, path, *, exclude=tuple()) -> CJKRunTokenizer:
        return self.from_bytes(ensure_path(path).read_bytes())


class _Settings:
    """Serialisation of a component whose state is a few settings (``cfg``), as spaCy's
    sentencizer does it: ``to_bytes``/``to_disk`` write them, ``from_bytes``/``from_disk`` read them."""

    cfg: dict

    def _set(self, cfg: dict) -> None:
        raise NotImplementedError

    def to_bytes(self, *, exclude=tuple()) -> bytes:
        return srsly.msgpack_dumps(self.cfg)

    def from_bytes(self, data: bytes, *, exclude=tuple()):
        self._set(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = ensure_path(path).with_suffix(".json")
        srsly.write_json(path, self.cfg)

    def from_disk(self, path, *, exclude=tuple()):
        self._set(srsly.read_json(ensure_path(path).with_suffix(".json")))
        return self


def line_label(text: str, start: int) -> re.Match | None:
    """The label (article number or term) that opens the line at ``start``, or None."""
    m = LINE_LABEL.match(text, start)
    if m is not None and m.group("term") and ZH_LEAD_IN_WORD.search(m.group("term")):
        return None
    return m


def _marker_value(m: re.Match) -> tuple[str, int]:
    if m.group("pn") or m.group("n"):
        return "(n)" if m.group("pn") else "n", int(m.group("pn") or m.group("n"))
    return "(a)" if m.group("pl") else "a", ord(m.group("pl") or m.group("l")) - ord("a") + 1


def _run_together_items(line: str) -> list[tuple[int, int]]:
    """Enumeration markers inside one line that count up from 1 (``1) … 2) … 3)``, ``1. … 2. Nations``):
    ``(start, end)`` of each, except a marker that opens the line. A count may also start mid-way
    after a lower-case word (``… manipulate 2. Nations … 3. Active …``); a number alone (``in 2. The``)
    is not one."""
    chains: dict[str, list[list]] = {}
    for m in RUN_MARKER.finditer(line):
        style, value = _marker_value(m)
        runs = chains.setdefault(style, [])
        if runs and runs[-1][-1][0] == value - 1:
            runs[-1].append((value, m))
        elif value == 1 or (style == "n" and line[m.end():m.end() + 1].isupper() and line[:m.start()].rstrip()[-1:].islower()):
            runs.append([(value, m)])
    return [(m.start(), m.end()) for runs in chains.values() for run in runs if len(run) >= 2
            for _, m in run if m.start() > 0]


def boundary_offsets(text: str) -> tuple[list[int], list[int]]:
    """Where clauses must start, and where they must not.

    Starts: every line, the text after a line's label (``第二條 …``, ``Term: …``), inline list
    items (``…, b. …``) and enumerations run together on one line (``… 2. Nations …``).
    Non-starts: just after a list marker (``1.`` does not end a sentence), after a ``.``/``?``
    glued to the next letter (``e.g.``, ``?shù`` debris) and after a quotation closed inside a
    sentence (``。”的``).
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
            label = line_label(text, first + (m.end() if m else 0))
            if label:
                starts.append(label.end())
            for start, end in _run_together_items(stripped):
                starts.append(first + start)
                inside.append(first + end)
            bullets = list(INLINE_BULLET.finditer(stripped)) if len(stripped) > 120 else []
            if len(bullets) >= 3:
                starts.extend(first + m.start() + 1 for m in bullets)
                inside.extend(first + m.end() for m in bullets)
        position += len(line) + 1
    inside.extend(m.end() for m in QUOTE_CONTINUED.finditer(text))
    starts.extend(m.end() for m in CITATION_THEN_TEXT.finditer(text))
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


@Language.component("govthemes_clause_boundaries", assigns=["token.is_sent_start"])
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


@Language.factory("govthemes_sentence_ends", default_config={"punct_chars": CLAUSE_PUNCT},
                  assigns=["token.is_sent_start"])
def make_sentence_ends(nlp: Language, name: str, punct_chars: list[str]):
    return SentenceEnds(nlp.vocab, punct_chars)


class SentenceEnds(_Settings):
    """spaCy's sentencizer rule, computed on token arrays rather than token by token.

    A token starts a sentence when it is the first non-punctuation token after a token in
    ``punct_chars``; flags set by earlier steps are kept, as the sentencizer keeps them
    (``overwrite=False``). On batched passages it gives the sentencizer's clauses (tested)
    without making a Python object per token.
    """

    def __init__(self, vocab, punct_chars: list[str]):
        self.vocab = vocab
        self._set({"punct_chars": punct_chars})

    def _set(self, cfg: dict) -> None:
        self.punct_chars = list(cfg["punct_chars"])
        self.punct_ids = np.array([self.vocab.strings.add(c) for c in self.punct_chars], dtype=np.uint64)

    @property
    def cfg(self) -> dict:
        return {"punct_chars": self.punct_chars}

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
            clause.heading = _is_inline_title(text, span_start, start, end) or _is_line_label(text, start, end)
            out.append(clause)
    return out


def _is_line_label(text: str, start: int, end: int) -> bool:
    """A clause ``text[start:end]`` that is the label opening its line (``第二條``, ``正當性：``)."""
    if not ("\u3400" <= text[start] <= "\u9fff"):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", line_start)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    stripped = line.lstrip()
    m = LIST_MARKER.match(stripped)
    label = line_label(text, line_start + len(line) - len(stripped) + (m.end() if m else 0))
    return label is not None and label.start() <= start and end <= label.end() and bool(text[label.end():].strip())


def _is_inline_title(text: str, span_start: int, start: int, end: int) -> bool:
    """A short numbered title ending in a full stop, followed by more text on its line."""
    if start == span_start or not INLINE_TITLE_MARKER.match(text[span_start:start].strip()):
        return False
    body = text[start:end]
    rest = text[end:].split("\n", 1)[0].strip()
    return bool(rest) and body.endswith(".") and len(body.split()) <= 6 and body[:1].isupper()


@Language.factory("govthemes_clauses", default_config={"spans_key": "clauses"}, assigns=["doc.spans"],
                  requires=["token.is_sent_start"])
def make_clause_spans(nlp: Language, name: str, spans_key: str):
    return ClauseSpans(spans_key)


class ClauseSpans(_Settings):
    """Stores the clauses of a segmented doc (:func:`clauses_of`) as ``doc.spans[spans_key]``.

    Put it after the two segmentation steps. A span covers the tokens of its clause (a clause
    that starts or ends inside a token is widened to whole tokens). Numbered titles inside a
    line (``5.2. Development of competencies.``) are headings, not clauses: they are left out,
    as the segment job leaves them out of its rows.
    """

    def __init__(self, spans_key: str = "clauses"):
        self._set({"spans_key": spans_key})

    def _set(self, cfg: dict) -> None:
        self.spans_key = cfg["spans_key"]

    @property
    def cfg(self) -> dict:
        return {"spans_key": self.spans_key}

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for clause in clauses_of(doc):
            span = None if clause.heading else doc.char_span(clause.start, clause.end, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


class Segmenter:
    """Splits passage texts into clauses with one spaCy pipeline per language.

    ``segment(texts, langs)`` returns, for each text, its list of :class:`Clause`, with offsets
    into that text. Passages of a language are joined into batches of about ``batch_chars``
    characters (separated by a blank line, which always starts a clause) and the batches go
    through the pipeline with ``nlp.pipe``: the per-document costs of spaCy and NumPy are paid
    per batch (2.4 times faster than one passage at a time), and the clauses are the same.
    """

    def __init__(self, batch_chars: int = 20_000, sentence_splitter: str = "govthemes_sentence_ends"):
        self.batch_chars = batch_chars
        self.sentence_splitter = sentence_splitter
        self._nlps: dict[str, Language] = {}

    def nlp(self, lang: str) -> Language:
        """The pipeline of ``lang`` (``en``, ``zh``; other languages share the ``xx`` one)."""
        key = lang if lang in ("en", "zh") else "xx"
        if key not in self._nlps:
            self._nlps[key] = make_nlp(key, self.sentence_splitter)
        return self._nlps[key]

    def pipe(self, texts: Iterable[str], lang: str) -> Iterator[Doc]:
        """The segmented docs of ``texts`` (all in ``lang``), in order, through ``nlp.pipe``.

        Each doc keeps its text in ``user_data["text"]``, which the components read instead of
        rebuilding it from the tokens.
        """
        nlp = self.nlp(lang)

        def docs() -> Iterator[Doc]:
            for text in texts:
                doc = nlp.make_doc(text)
                doc.user_data["text"] = text
                yield doc

        return nlp.pipe(docs())

    def segment(self, texts: Iterable[str], langs: Iterable[str]) -> list[list[Clause]]:
        """For each text, its clauses, with offsets into that text."""
        texts, langs = list(texts), list(langs)
        results: list[list[Clause]] = [[] for _ in texts]
        groups: dict[str, list[int]] = {}
        for i, lang in enumerate(langs):
            groups.setdefault(lang, []).append(i)
        for lang, index in groups.items():
            batches = list(self._batches(texts, index))
            joined = (BATCH_SEPARATOR.join(texts[i] for i in batch) for batch in batches)
            for batch, doc in zip(batches, self.pipe(joined, lang), strict=True):
                self._hand_out(texts, batch, clauses_of(doc), results)
        return results

    def _batches(self, texts: list[str], index: list[int]) -> Iterator[list[int]]:
        """``index`` in runs whose texts add up to about ``batch_chars`` characters."""
        batch: list[int] = []
        size = 0
        for i in index:
            batch.append(i)
            size += len(texts[i]) + len(BATCH_SEPARATOR)
            if size >= self.batch_chars:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    @staticmethod
    def _hand_out(texts: list[str], batch: list[int], clauses: list[Clause], results: list) -> None:
        """Give each clause of a joined batch to its passage, with offsets into that passage."""
        offsets, position = [], 0
        for i in batch:
            offsets.append(position)
            position += len(texts[i]) + len(BATCH_SEPARATOR)
        for clause in clauses:
            k = bisect_right(offsets, clause.start) - 1
            clause.start -= offsets[k]
            clause.end -= offsets[k]
            results[batch[k]].append(clause)
