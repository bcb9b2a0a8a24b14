"""Cleaning: raw page text to passages of content with their attribution (ANNOTATION.md §1).

The :class:`Cleaner` reads a page line by line. Each line is repaired (``pipeline.text.repair``) and
then judged: boilerplate (dropped, with its reason), attribution (kept as metadata of the
passages it describes), a heading (kept as the heading of the passages under it) or content.
Consecutive content lines form a passage. Nothing is dropped without a :class:`Removal`
saying what and why, so ``govthemes clean --explain`` can show every decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.text import patterns as P
from pipeline.text.attribution import ATTRIBUTION_FIELDS, Attributor
from pipeline.text.repair import repair_line

#: What attribution lines give, as written; :mod:`pipeline.text.attribution` turns it into fields.
#: A date on a line before the text (``发布时间:…``, ``Published: …``, a dateline) is the page's
#: posting date; one on a line after a passage (``Principle: …, <date>``) is the statement's.
LINE_FIELDS = ("issuer", "document", "date", "source")
SENTENCE_END = re.compile(r"[.!?。！？;；](?:[\"'”’」』)）\]]*)$")
#: An enumeration label at the start of a line: bullets, ``1.``, ``5.1.``, ``a.``, ``(i)``,
#: ``d)``, ``IV.``, ``一、``, ``（一）``, ``①``.
LIST_MARKER = re.compile(
    r"^(?:(?:[•·●□▪◆■\-–*ㅇ]|——)\s*)?"
    r"(?:\d{1,2}(?:\.\d{1,2})*(?:\.|\)|、|\s(?=[A-Z\u3400-\u9fff]))|\(\d{1,2}\)|（\d{1,2}）"
    r"|[a-zA-Z][.)](?=\s)|\([a-zA-Z]\)|\([ivxIVX]{1,5}\)|[IVX]{1,5}\.(?=\s)"
    r"|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|[①-⑳]"
    r"|[•·●□▪◆■\-–*ㅇ](?=\s)|——)\s*"
)
BARE_LABEL = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.?|\((?:preamble|[a-z]{1,12})\)|第[一二三四五六七八九十百零\d]+[条條章节節]"
    r"|(?:Chapter|Section|Article|Part)\s+[\dIVX]+\.?|\[[A-Za-z ]{1,20}\]|序言|前言)$",
    re.IGNORECASE,
)
#: A Chinese title that is an imperative is a clause, not a heading (ANNOTATION.md §2).
ZH_IMPERATIVE = re.compile(r"^(促进|推进|推动|加强|提升|确保|確保|坚持|堅持|实施|實施|建立|完善|构建|構建|支持|鼓励|鼓勵|"
                           r"深化|拓展|共同|积极|積極|强化|強化|培育|保障|维护|維護|防范|防範|促進|推進|推動|加強|提升)")
#: A lead-in that does not say anything by itself is kept with the first item of its list.
JOINING_LEAD_IN = re.compile(r"(\b(following|follows|on|are|include|includes)|呼吁|呼籲)\s*[:：]$", re.IGNORECASE)
CJK_CHAR = P.CJK_CHAR
_NOT_HAN_LEAD = bytes(b for b in range(256) if not 0xE3 <= b <= 0xE9)  # U+3000..U+9FFF
_NOT_ASCII_LETTER = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


def language_of(text: str) -> str:
    """``zh`` when a fifth or more of the letters are Han characters, else ``en``.

    Counted from UTF-8 bytes (the lead byte of a Han character is 0xE3-0xE9) rather than character by
    character: this runs once per passage and line, on the hot path.
    """
    sample = text[:2000]
    encoded = sample.encode("utf-8")
    cjk = len(encoded.translate(None, _NOT_HAN_LEAD))  # one lead byte per Han character
    if not cjk:
        return "en"
    latin = len(encoded.translate(None, _NOT_ASCII_LETTER))
    return "zh" if cjk / (cjk + latin) >= 0.2 else "en"


@dataclass
class Removal:
    """A span the cleaner removed from a line (1-based ``line``), and why."""

    line: int
    text: str
    reason: str
    kind: str = "boilerplate"  # boilerplate | attribution | repair


@dataclass
class Passage:
    """A run of content lines: its text, heading, attribution and where it was on the page."""

    text: str
    heading: str | None
    attribution: dict
    lang: str
    first_line: int
    truncated: bool = False


@dataclass
class CleanedDocument:
    """What the cleaner made of one page."""

    passages: list[Passage]
    removals: list[Removal] = field(default_factory=list)


@dataclass
class _Line:
    number: int
    text: str
    kind: str = "content"  # content | blank | boilerplate | attribution | heading
    attribution: dict | None = None
    placement: str = ""  # before | after, for attribution
    reason: str = ""  # why a boilerplate line is boilerplate


def _match_attribution(text: str) -> tuple[dict, str] | None:
    for placement, rules in (("after", P.ATTRIBUTION_AFTER), ("before", P.ATTRIBUTION_BEFORE)):
        for rule in rules:
            m = rule.match(text)
            if m:
                found = {k: v.strip() for k, v in m.groupdict().items() if v and k in LINE_FIELDS}
                if placement == "before" and "date" in found:
                    found["posted"] = found.pop("date")
                return found, placement
    return None


def _word_finder(rules: list[tuple[str, tuple[str, ...]]]):
    """An Aho-Corasick automaton over the words of ``rules``: each word carries its rule's position."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for position, (_, words) in reversed(list(enumerate(rules))):  # a word in two rules: the first one's
        for word in words:
            automaton.add_word(word, position)
    automaton.make_automaton()
    return automaton


_RULES = {  # short lines: every rule; long lines: the rules for ANY_LENGTH reasons
    True: (P.BOILERPLATE_WORDS, _word_finder(P.BOILERPLATE_WORDS), P.BOILERPLATE_LINES),
    False: (P.ANY_LENGTH_WORDS, _word_finder(P.ANY_LENGTH_WORDS), P.ANY_LENGTH_LINES),
}


def _boilerplate_reason(text: str) -> str | None:
    """Why a repaired line is page furniture, or None: the first rule of ``pipeline.text.patterns`` that fires."""
    short = len(text) <= (P.LONG_LINE // 2 if CJK_CHAR.search(text[:20]) else P.LONG_LINE)
    word_rules, words, line_rules = _RULES[short]
    hits = [position for _, position in words.iter(text.lower())]
    if hits:  # one automaton pass for all keyword rules: 3 times faster than a substring test per word
        return word_rules[min(hits)][0]
    for reason, rule in line_rules:  # one by one: most are anchored at the line start, which fails fast
        if rule.search(text):
            return reason
    if CJK_CHAR.search(text) and _spam_words(text) >= 3:
        return "spam link farm"
    if _is_menu(text):
        return "navigation menu"
    return None


def _spam_words(text: str) -> int:
    count = 0
    for _ in P.SPAM_WORDS.finditer(text):
        count += 1
        if count >= 3:
            break
    return count


def _is_menu(text: str) -> bool:
    """A line of four or more short items (CJK words split by spaces, or anything split by bars)."""
    if SENTENCE_END.search(text) or len(text) > 200 or re.search(r"[,，。、]", text):
        return False
    bars = [i.strip() for i in text.split("|") if i.strip()]
    if len(bars) >= 3 and all(len(i) <= 20 for i in bars):
        return True
    items = text.split()
    if len(items) < 4:
        return False
    return all(CJK_CHAR.search(i) and len(i) <= 6 for i in items)


def _is_heading(text: str, lang: str) -> bool:
    """Whether a line standing alone is a heading (a label or noun-phrase title)."""
    body = LIST_MARKER.sub("", text, count=1).strip() if LIST_MARKER.match(text) else text
    if BARE_LABEL.match(text.strip("·• ")):
        return True
    numbered = body != text
    if CJK_CHAR.search(body) and language_of(body) == "zh":
        if len(body) > 40:
            return False
        if body.endswith(("。", ";", "；", "!", "！", "?", "？")):
            return numbered and len(body) <= 12
        return not body.endswith((",", "，", "、")) and not ZH_IMPERATIVE.match(body)
    words = body.split()
    if not words or len(words) > 16 or len(body) > 140:
        return False
    if body.endswith(":"):
        return len(words) <= 4
    if SENTENCE_END.search(body):
        return numbered and len(words) <= 8 and body.endswith(".") and not body.endswith("..")
    return not body.endswith((",", "，", "-", "–", "and", "or"))


class Cleaner:
    """Turns one page's text into passages, attribution and an audit trail of removals.

    ``extra_boilerplate`` adds ``(reason, regex)`` rules for lines to drop, for sites the
    built-in rules do not know. ``clean`` is a pure function of its input: cleaning the text
    of the passages it returns gives back the same passages.
    """

    def __init__(self, extra_boilerplate: list[tuple[str, str]] | None = None, attributor: Attributor | None = None):
        self.extra = [(reason, re.compile(rx)) for reason, rx in (extra_boilerplate or [])]
        self.attributor = attributor or Attributor()
        self._judge_text = lru_cache(maxsize=20_000)(self._judge_text)

    def __getstate__(self):  # sent to other processes without its cache
        return {"extra": self.extra, "attributor": self.attributor}

    def __setstate__(self, state):
        self.extra = state["extra"]
        self.attributor = state["attributor"]
        self._judge_text = lru_cache(maxsize=20_000)(type(self)._judge_text.__get__(self))

    def _judge(self, line: _Line, removals: list[Removal]) -> None:
        kind, attribution, placement, text, removed = self._judge_text(line.text)
        line.kind, line.attribution, line.placement, line.text = kind, attribution, placement, text
        if kind == "boilerplate":
            line.reason = removed[0][1]
        removals.extend(Removal(line.number, t, reason, k) for t, reason, k in removed)

    def _judge_text(self, text: str) -> tuple:
        """What one repaired line is: ``(kind, attribution, placement, content text, removed)``.

        A pure function of the line, cached per cleaner: sites repeat their menus, footers and
        attribution lines on every page.
        """
        if not text:
            return "blank", None, "", text, ()
        reason = next((r for r, rx in self.extra if rx.search(text)), None) or _boilerplate_reason(text)
        if reason:
            return "boilerplate", None, "", text, ((text, reason, "boilerplate"),)
        found = _match_attribution(text)
        if found:
            return "attribution", found[0], found[1], text, ((text, "attribution line", "attribution"),)
        if P.BYLINE_LINE.match(text):
            return "attribution", {}, "before", text, ((text, "byline", "attribution"),)
        attribution, placement, removed = None, "", []
        m = P.DATELINE.match(text)
        if m and m.end() < len(text) and (m.group("place") or m.group("zdate") or m.group("ddate")):
            found = {"posted": m.group("date") or m.group("zdate") or m.group("ddate"),
                     "source": m.group("source") or m.group("zsource") or None}
            attribution, placement = {k: v for k, v in found.items() if v}, "before"
            removed.append((text[: m.end()], "dateline", "attribution"))
            text = text[m.end():]
        m = P.LEADING_LABEL.match(text)
        if m:
            removed.append((m.group(0).strip(), "speaker or section label", "attribution"))
            text = text[m.end():]
        m = P.TRAILING_BOILERPLATE.search(text, max(0, len(text) - 60))
        if m and m.start() > 0:
            removed.append((m.group(0).strip(), "inline link or stamp", "boilerplate"))
            text = text[: m.start()]
        return "content", attribution, placement, text, tuple(removed)

    def clean(self, text: str) -> CleanedDocument:
        """Clean one page (see the class docstring)."""
        removals: list[Removal] = []
        lines: list[_Line] = []
        for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
            fixed, edits = repair_line(raw)
            for edit in edits:
                removals.append(Removal(number, edit.text, edit.reason, "repair"))
            lines.append(_Line(number, fixed.strip()))
        for line in lines:
            self._judge(line, removals)
        _mark_footer(lines, removals)
        _strip_repeated_stamps(lines, removals)
        doc_lang = language_of(" ".join(ln.text for ln in lines if ln.kind == "content"))
        self._mark_headings(lines, doc_lang)
        passages = _passages(lines)
        self.attributor.attribute(passages)
        removals.sort(key=lambda r: r.line)
        return CleanedDocument(passages, removals)

    @staticmethod
    def _mark_headings(lines: list[_Line], lang: str) -> None:
        content = [ln for ln in lines if ln.kind == "content"]
        last = content[-1] if content else None
        for i, line in enumerate(lines):
            if line.kind != "content" or line is last:
                continue
            nxt = next((ln for ln in lines[i + 1:] if ln.kind in ("content", "heading")), None)
            if nxt is not None and _is_heading(line.text, lang):
                line.kind = "heading"


FOOTER_STARTERS = {"editor line", "copyright notice", "contact line"}


def _mark_footer(lines: list[_Line], removals: list[Removal]) -> None:
    """After an editor, copyright or contact line, short lines that are not sentences are footer."""
    in_footer = False
    for line in lines:
        if line.kind == "boilerplate":
            in_footer = in_footer or line.reason in FOOTER_STARTERS
        elif line.kind == "content" and in_footer:
            if len(line.text) <= 30 and not SENTENCE_END.search(line.text):
                line.kind = "boilerplate"
                removals.append(Removal(line.number, line.text, "page footer"))
            else:
                in_footer = False


def _strip_repeated_stamps(lines: list[_Line], removals: list[Removal]) -> None:
    """Remove a site stamp glued to the end of several paragraphs (``…施行。4Np安康新聞網``)."""
    tails: dict[str, int] = {}
    for line in lines:
        if line.kind == "content":
            m = re.search(r"[。.!?！？]([^\s。.!?！？]{3,30})$", line.text)
            if m:
                tails[m.group(1)] = tails.get(m.group(1), 0) + 1
    stamps = {t for t, n in tails.items() if n >= 2}
    for line in lines:
        if line.kind == "content":
            for stamp in stamps:
                if line.text.endswith(stamp):
                    removals.append(Removal(line.number, stamp, "reprint stamp"))
                    line.text = line.text[: -len(stamp)]


def _list_follows(lines: list[_Line], index: int) -> bool:
    """Whether the next non-blank line after ``index`` is a content line that starts a list item."""
    for line in lines[index + 1:]:
        if line.kind != "blank":
            return line.kind == "content" and bool(LIST_MARKER.match(line.text))
    return False


def _passages(lines: list[_Line]) -> list[Passage]:
    """Group content lines into passages and give each its heading and attribution."""
    passages: list[Passage] = []
    heading: str | None = None
    document_level: dict = {}  # from 'before' attribution: applies to every later passage
    waiting: list[Passage] = []  # passages not yet claimed by an 'after' attribution line
    current: list[_Line] = []
    claimed_since_break = False

    def flush() -> None:
        if current:
            text = "\n".join(ln.text for ln in current)
            passage = Passage(text, heading, dict(document_level), language_of(text), current[0].number)
            passages.append(passage)
            waiting.append(passage)
            current.clear()

    for number, line in enumerate(lines):
        if line.kind == "content":
            if line.attribution:
                flush()
                document_level.update(line.attribution)
            if claimed_since_break:
                waiting.clear()
                claimed_since_break = False
            current.append(line)
        elif line.kind == "heading":
            flush()
            heading = line.text
        elif line.kind == "attribution":
            flush()
            if line.placement == "after":
                for passage in waiting:
                    for key, value in line.attribution.items():
                        passage.attribution.setdefault(key, value)
                claimed_since_break = True
            else:
                document_level.update(line.attribution)
        elif line.kind == "blank":
            if not (current and JOINING_LEAD_IN.search(current[-1].text) and _list_follows(lines, number)):
                flush()
    flush()
    if passages and not SENTENCE_END.search(passages[-1].text):
        passages[-1].truncated = True  # the page ends inside a sentence: a cut excerpt
    for passage in passages:
        for key in ATTRIBUTION_FIELDS:
            passage.attribution.setdefault(key, None)
    return passages
