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
from pipeline.text.attribution import ATTRIBUTION_FIELDS, Attributor, line_fields
from pipeline.text.lang import language_of
from pipeline.text.lines import DEFAULT_LINE_MODEL, LineModel, PageLines, wrap_width
from pipeline.text.patterns import LIST_MARKER
from pipeline.text.repair import repair_line

#: What attribution lines give, as written; :mod:`pipeline.text.attribution` turns it into fields.
#: A date on a line before the text (``发布时间:…``, ``Published: …``, a dateline) is the page's
#: posting date; one on a line after a passage (``Principle: …, <date>``) is the statement's.
LINE_FIELDS = ("issuer", "document", "date", "source")
SENTENCE_END = re.compile(r"[.!?。！？;；](?:[\"'”’」』)）\]]*)$")
BARE_LABEL = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.?|\((?:preamble|[a-z]{1,12})\)|第[一二三四五六七八九十百零\d]+[条條章节節]"
    r"|(?:Chapter|Section|Article|Part)\s+[\dIVX]+\.?|\[[A-Za-z ]{1,20}\]|序言|前言)$",
    re.IGNORECASE,
)
#: A Chinese title that is an imperative is a clause, not a heading (ANNOTATION.md §2).
ZH_IMPERATIVE = re.compile(r"^(促进|推进|推动|加强|提升|确保|確保|坚持|堅持|实施|實施|建立|完善|构建|構建|支持|鼓励|鼓勵|"
                           r"深化|拓展|共同|积极|積極|强化|強化|培育|保障|维护|維護|防范|防範|促進|推進|推動|加強|"
                           r"加快|加速|加大|建设(?!目标|原则|内容|任务|要求|重点|路径|方向|方案|背景|情况)|"
                           r"建設(?!目標|原則|內容|任務|要求|重點|路徑|方向|方案|背景|情況)|打造|推行|优化|優化|健全|提高|增强|增強|开展|開展|落实|落實|营造|營造|"
                           r"引导|引導|统筹|統籌|夯实|夯實|筑牢|築牢|激发|激發|扩大|擴大|着力|著力|大力|分担|分擔|发挥|發揮)")
#: An English title that starts with an imperative verb and is written as a sentence (not in Title
#: Case) is a clause: ``Strengthen policy dialogue and communication``.
EN_IMPERATIVE = re.compile(
    r"^(?:Strengthen|Promote|Ensure|Develop|Establish|Foster|Encourage|Support|Protect|Build|Enhance|Improve|"
    r"Respect|Uphold|Adopt|Advance|Create|Provide|Make|Take|Avoid|Prevent|Include|Increase|Reduce|Invest|"
    r"Implement|Maintain|Facilitate|Guarantee|Safeguard|Respond|Share|Use|Work|Engage|Consider|Identify|"
    r"Assess|Monitor|Require|Limit|Prohibit|Set|Give|Help|Keep|Enable|Empower|Deepen|Expand|Boost|Accelerate|"
    r"Institutionali[sz]e|Prioriti[sz]e|Prepare|Define|Perform|Comply|Demand|Design|Mitigate|Harness|Integrate|"
    r"Embed|Evaluate|Clarify|Designate|Disclose|Cultivate|Harmoni[sz]e|Reinforce)\b")
#: A lead-in that does not say anything by itself is kept with the first item of its list.
JOINING_LEAD_IN = re.compile(r"(\b(following|follows|on|are|include|includes)|呼吁|呼籲)\s*[:：]$", re.IGNORECASE)
CJK_CHAR = P.CJK_CHAR


@dataclass(slots=True)
class Removal:
    """A span the cleaner removed from a line (1-based ``line``), and why."""

    line: int
    text: str
    reason: str
    kind: str = "boilerplate"  # boilerplate | attribution | heading | repair
    detail: str = ""  # for the line model's decisions: its score and strongest features


@dataclass(slots=True)
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


@dataclass(slots=True)
class _Line:
    number: int
    text: str
    kind: str = "content"  # content | blank | boilerplate | attribution | heading
    attribution: dict | None = None
    placement: str = ""  # before | after, for attribution
    reason: str = ""  # why a boilerplate line is boilerplate
    rule: str | None = None  # the hand rule that fired on the line (a feature for the line model)
    whole: str = ""  # the repaired line before any inline span was taken off
    joined: bool = False  # wrapped text: the line continues the line before it


def _match_attribution(text: str) -> tuple[dict, str] | None:
    for placement, rules in (("after", P.ATTRIBUTION_AFTER), ("before", P.ATTRIBUTION_BEFORE)):
        for rule in rules:
            m = rule.match(text)
            if m:
                found = {k: v.strip() for k, v in m.groupdict().items() if v and k in LINE_FIELDS}
                if "date" not in found:  # a rule that does not read the date: the line still gives it
                    found = {**line_fields(text), **found}
                    if "posted" in found:
                        found["date"] = found.pop("posted")
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
    if EN_IMPERATIVE.match(body) and len(words) >= 3 and sum(w[:1].isupper() for w in words) <= len(words) / 2:
        return False
    if body.endswith(":"):
        return len(words) <= 4
    if SENTENCE_END.search(body):
        return numbered and len(words) <= 8 and body.endswith(".") and not body.endswith("..")
    return not body.endswith((",", "，", "-", "–", "and", "or"))


#: Hand rules that stay decisions whatever the line model says: grammars, not sites' strings.
GRAMMAR_RULES = {"markup debris", "symbols only", "table of contents", "link", "page break", "language menu",
                 "related link", "photo caption", "copyright notice", "call to action", "cookie notice", "paywall", "disclaimer"}
_DEFAULT = object()


class Cleaner:
    """Turns one page's text into passages, attribution and an audit trail of removals.

    Grammars are hand rules (attribution lines, datelines, encoding debris, markup, links); which
    other line is furniture, attribution or a heading is decided by the learned ``line_model``
    (:mod:`pipeline.text.lines`; by default ``models/cleaner/line_model.json``), which sees the hand
    rules' reasons as features. With ``line_model=None`` every hand rule decides on its own.
    ``extra_boilerplate`` adds ``(reason, regex)`` rules for lines to drop, for sites neither knows.
    With ``explain``, a removal by the line model also names the features that weighed most.
    """

    def __init__(self, extra_boilerplate: list[tuple[str, str]] | None = None, line_model=_DEFAULT,
                 explain: bool = False, attributor: Attributor | None = None):
        self.extra = [(reason, re.compile(rx)) for reason, rx in (extra_boilerplate or [])]
        if line_model is _DEFAULT:
            line_model = LineModel.load(DEFAULT_LINE_MODEL) if DEFAULT_LINE_MODEL.exists() else None
        self.line_model: LineModel | None = line_model
        self.explain = explain
        self.attributor = attributor or Attributor()
        self._judge_text = lru_cache(maxsize=20_000)(self._judge_text)

    def __getstate__(self):  # sent to other processes without its cache
        return {"extra": self.extra, "line_model": self.line_model, "explain": self.explain,
                "attributor": self.attributor}

    def __setstate__(self, state):
        self.extra = state["extra"]
        self.line_model = state["line_model"]
        self.explain = state["explain"]
        self.attributor = state["attributor"]
        self._judge_text = lru_cache(maxsize=20_000)(type(self)._judge_text.__get__(self))

    def _judge(self, line: _Line, removals: list[Removal]) -> None:
        line.whole = line.text
        kind, attribution, placement, text, removed, rule = self._judge_text(line.text)
        line.kind, line.attribution, line.placement, line.text, line.rule = kind, attribution, placement, text, rule
        if kind == "boilerplate":
            line.reason = removed[0][1]
        removals.extend(Removal(line.number, t, reason, k) for t, reason, k in removed)

    def _judge_text(self, text: str) -> tuple:
        """What one repaired line is: ``(kind, attribution, placement, content text, removed, rule)``.

        A pure function of the line, cached per cleaner: sites repeat their menus, footers and
        attribution lines on every page. ``rule`` is the hand rule that fired on a line kept as
        content, for the line model to weigh.
        """
        if not text:
            return "blank", None, "", text, (), None
        reason = next((r for r, rx in self.extra if rx.search(text)), None)
        rule = None if reason else _boilerplate_reason(text)
        if rule in GRAMMAR_RULES:
            reason, rule = rule, None
        if reason:
            return "boilerplate", None, "", text, ((text, reason, "boilerplate"),), None
        found = _match_attribution(text)
        if found:
            return "attribution", found[0], found[1], text, ((text, "attribution line", "attribution"),), rule
        if P.BYLINE_LINE.match(text):
            return "attribution", {}, "before", text, ((text, "byline", "attribution"),), rule
        attribution, placement, removed = None, "", []
        m = P.DATELINE.match(text)
        if m and m.end() < len(text) and (m.group("place") or m.group("zdate") or m.group("ddate") or m.group("news")):
            found = {"posted": m.group("date") or m.group("zdate") or m.group("ddate")
                     or line_fields(m.group(0)).get("posted"),
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
        return "content", attribution, placement, text, tuple(removed), rule

    def _read(self, text: str) -> tuple[list[_Line], list[Removal], str]:
        """The page's lines, repaired and judged by the grammars; the removals so far; its language."""
        removals: list[Removal] = []
        lines: list[_Line] = []
        for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
            fixed, edits = repair_line(raw)
            for edit in edits:
                removals.append(Removal(number, edit.text, edit.reason, "repair"))
            lines.append(_Line(number, fixed.strip()))
        for line in lines:
            self._judge(line, removals)
        return lines, removals, language_of(" ".join(ln.text for ln in lines if ln.kind == "content"))

    def page_lines(self, text: str) -> PageLines:
        """Every line of a page as the line model sees it (what it is trained on)."""
        lines, _, lang = self._read(text)
        return page_lines(lines, lang)

    def clean(self, text: str) -> CleanedDocument:
        """Clean one page (see the class docstring)."""
        lines, removals, doc_lang = self._read(text)
        use_model = self.line_model is not None and sum(ln.kind != "blank" for ln in lines) > FEW_LINES
        if not use_model:
            for line in lines:
                if line.kind == "content" and line.rule:
                    line.kind, line.reason, line.attribution = "boilerplate", line.rule, None
                    removals.append(Removal(line.number, line.whole, line.rule))
        else:
            self._apply_line_model(lines, removals, doc_lang)
        _mark_footer(lines, removals)
        _strip_repeated_stamps(lines, removals)
        _join_wrapped(lines)
        if not use_model:
            _mark_headings(lines, doc_lang)
        removals.extend(Removal(ln.number, ln.text, ln.reason or "heading rule", "heading")
                        for ln in lines if ln.kind == "heading")
        passages = _passages(lines)
        self.attributor.attribute(passages, furniture=_unclaimed_lines(lines))
        removals.sort(key=lambda r: r.line)
        return CleanedDocument(passages, removals)

    def _apply_line_model(self, lines: list[_Line], removals: list[Removal], lang: str) -> None:
        """Let the line model judge every line the grammars left as content.

        A line is removed as boilerplate (or taken as attribution) only when the model gives that
        class at least its threshold; it becomes a heading when the model finds a heading likelier
        than content and more content follows it. Otherwise it stays content.
        """
        model = self.line_model
        page = page_lines(lines, lang)
        judged = [line.kind == "content" and not line.attribution for line in lines]
        proba = model.predict_proba(page, judged)
        b, a, h, c = (model.classes.index(k) for k in ("boilerplate", "attribution", "heading", "content"))
        following = False  # whether content comes after line i (walking backwards)
        later_content = [False] * len(lines)
        for i in range(len(lines) - 1, -1, -1):
            later_content[i] = following
            following = following or lines[i].kind == "content"
        for i, line in enumerate(lines):
            if line.kind != "content" or line.attribution:
                continue
            p = proba[i]
            sure = _is_sentence(line.text) or _continued(lines, i)
            threshold = max(model.threshold, SURE) if sure else model.threshold
            if p[b] >= threshold and p[b] >= p[a]:
                line.kind, line.reason = "boilerplate", "line model"
                detail = _detail(model, page, i, "boilerplate", p[b], line.rule, self.explain)
                removals.append(Removal(line.number, line.text, "line model", "boilerplate", detail))
            elif p[a] >= threshold:
                line.kind, line.attribution, line.placement = "attribution", line_fields(line.text), "before"
                detail = _detail(model, page, i, "attribution", p[a], line.rule, self.explain)
                removals.append(Removal(line.number, line.text, "line model", "attribution", detail))
            elif later_content[i] and (p[h] > p[c] or BARE_LABEL.match(line.text.strip("·• "))
                                       or (page.heading_rules[i] and p[h] >= HEADING_RULE_SHARE)):
                line.kind, line.reason = "heading", f"line model (p={p[h]:.2f})"


#: A whole sentence (a sentence end, and five words or eight Han characters) is removed only when the
#: line model is this sure: a lost clause costs more than a leaked line.
SURE = 0.9
#: Texts of at most this many lines (a record of a table, a clause, a pasted paragraph) are not pages
#: with furniture: the line model leaves them to the hand rules.
FEW_LINES = 3
#: A line the heading rule accepts is a heading when the line model gives a heading this much.
HEADING_RULE_SHARE = 0.25


def _is_sentence(text: str) -> bool:
    if not SENTENCE_END.search(text):
        return False
    return len(CJK_CHAR.findall(text)) >= 8 or len(text.split()) >= 5


def _continued(lines: list[_Line], i: int) -> bool:
    """Whether line ``i`` ends inside a sentence that the next line (past blanks and page breaks)
    goes on with in lower case: ``… for at least six months and`` / ``make them available …``."""
    text = lines[i].text
    if not text[-1:].isalpha() or len(text) < 30:
        return False
    for j in range(i + 1, len(lines)):  # (indices, not a slice: a copy of the rest per line is quadratic)
        line = lines[j]
        if line.kind == "blank" or (line.kind == "boilerplate" and line.reason == "page break"):
            continue
        return line.kind == "content" and line.text[:1].islower()
    return False


def page_lines(lines: list[_Line], lang: str) -> PageLines:
    """The page as the line model sees it: every line's repaired text and the hand rules' verdicts."""
    texts = [ln.whole if ln.kind != "blank" else "" for ln in lines]
    shapes = [_shape(t, lang) if t else (False, False, 0, False) for t in texts]
    return PageLines(texts, [ln.rule if ln.kind != "boilerplate" else ln.reason for ln in lines],
                     *(list(column) for column in zip(*shapes, strict=True)))


@lru_cache(maxsize=50_000)
def _shape(text: str, lang: str) -> tuple[bool, bool, int, bool]:
    """What the hand rules say of a line's shape: heading, imperative, where its list marker ends, bare label."""
    m = LIST_MARKER.match(text)
    marker_end = m.end() if m else 0
    return (_is_heading(text, lang), _imperative(text[marker_end:]), marker_end,
            bool(BARE_LABEL.match(text.strip("·• "))))


def _imperative(text: str) -> bool:
    return bool(ZH_IMPERATIVE.match(text) or EN_IMPERATIVE.match(text))


def _detail(model: LineModel, page: PageLines, i: int, label: str, p: float, rule: str | None,
            explain: bool) -> str:
    features = model.strongest(page, i, label) if explain else []
    return f"p={p:.2f}" + (f"; rule: {rule}" if rule else "") + (f"; {', '.join(features)}" if features else "")


def _mark_headings(lines: list[_Line], lang: str) -> None:
    """Hand rules only: a content line that :func:`_is_heading` accepts, with content after it, is a heading."""
    following = continued = False
    for line in reversed(lines):
        if line.kind == "content":
            if following and not continued and _is_heading(line.text, lang):
                line.kind = "heading"
            following = True
        elif line.kind == "heading":
            following = True
        continued = line.joined


#: A line is wrapped (hard line breaks inside a paragraph) when it is at least this share of the
#: page's wrap width and does not end a sentence.
WRAP_SHARE = 0.75


def _join_wrapped(lines: list[_Line]) -> None:
    """Mark content lines that continue the line before them (a paragraph broken at a fixed width,
    or a sentence broken before a lower-case word, also across a page-break marker): they join it
    into one line of the passage."""
    width = wrap_width([ln.text for ln in lines if ln.kind == "content"])
    previous: _Line | None = None
    page_break = blank = False  # since ``previous``: blank lines end a paragraph, unless around a page break
    for line in lines:
        if line.kind == "boilerplate" and line.reason == "page break":
            page_break = True
            continue
        if line.kind == "blank":
            blank = True
            continue
        if blank and not page_break:
            previous = None
        page_break = blank = False
        if line.kind in ("content", "heading") and previous is not None and line.text:
            prev_text = previous.text
            open_end = not SENTENCE_END.search(prev_text) and not prev_text.endswith((":", "："))
            starts_item = bool(LIST_MARKER.match(line.text))
            wrapped = width is not None and len(prev_text) >= WRAP_SHARE * width
            lower_next = line.text[:1].islower() and prev_text[-1:].isalpha()
            if open_end and not starts_item and (wrapped or lower_next) and line.kind == "content":
                line.joined = True
                previous.kind = "content"
                previous.reason = ""
        previous = line if line.kind in ("content", "heading") else None


FOOTER_STARTERS = {"editor line", "copyright notice", "copyright mention", "contact line"}


def _mark_footer(lines: list[_Line], removals: list[Removal]) -> None:
    """After an editor, copyright or contact line, short lines that are not sentences are footer."""
    in_footer = False
    for line in lines:
        if line.kind == "boilerplate":
            in_footer = in_footer or line.reason in FOOTER_STARTERS or line.rule in FOOTER_STARTERS
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
    for j in range(index + 1, len(lines)):  # (indices, not a slice: a copy of the rest per line is quadratic)
        if lines[j].kind != "blank":
            return lines[j].kind == "content" and bool(LIST_MARKER.match(lines[j].text))
    return False


def _joined_next(lines: list[_Line], index: int) -> bool:
    """Whether the next line after ``index`` that is neither blank nor a page break continues a sentence."""
    for j in range(index + 1, len(lines)):
        line = lines[j]
        if line.kind != "blank" and not (line.kind == "boilerplate" and line.reason == "page break"):
            return line.joined
    return False


def _unclaimed_lines(lines: list[_Line]) -> list[str]:
    """Removed lines where pages write their own date, for attribution to read it from: every line
    removed before the first content line (the page's header: menus, bylines, attribution lines),
    and the attribution lines after the last one (a date at the foot of the page)."""
    content = [i for i, ln in enumerate(lines) if ln.kind == "content"]
    if not content:
        return []
    head = [ln.whole for ln in lines[: content[0]] if ln.kind in ("boilerplate", "attribution")]
    return head + [ln.whole for ln in lines[content[-1] + 1:] if ln.kind == "attribution"]


def _carry(document_level: dict, found: dict) -> None:
    """Take what a line before the text gives into the attribution of the passages after it. The
    page's posting date is the first one given: a later date (a dateline ``…7月13日电``, the date
    under a notice) dates the passages after it, as their ``date``, and leaves the page's alone."""
    found = dict(found)
    if "posted" in found and document_level.get("posted"):
        found["date"] = found.pop("posted")
    document_level.update(found)


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
            text = "".join((" " if ln.joined else "\n") + ln.text for ln in current)[1:]
            passage = Passage(text, heading, dict(document_level), language_of(text), current[0].number)
            passages.append(passage)
            waiting.append(passage)
            current.clear()

    for number, line in enumerate(lines):
        if line.kind == "content":
            if line.attribution:
                flush()
                _carry(document_level, line.attribution)
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
                _carry(document_level, line.attribution)
        elif line.kind == "blank":
            lead_in = current and JOINING_LEAD_IN.search(current[-1].text) and _list_follows(lines, number)
            if not (lead_in or _joined_next(lines, number)):
                flush()
    flush()
    if passages and not SENTENCE_END.search(passages[-1].text):
        passages[-1].truncated = True  # the page ends inside a sentence: a cut excerpt
    for passage in passages:
        for key in ATTRIBUTION_FIELDS:
            passage.attribution.setdefault(key, None)
    return passages
