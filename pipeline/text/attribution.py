"""Who said it, in what, and when: the attribution fields of a passage (ANNOTATION.md §1).

The cleaner decides which lines are attribution; this module decides what fields come out of
them and of the passage text:

* ``issuer``: the canonical name of who made the statement (several, for a joint statement,
  separated by :data:`JOINT`), ``issuer_text`` the words the page used, ``issuer_type`` and
  ``country`` (a country code, or a bloc such as ``EU``, ``UN``, ``INT``) from the gazetteer
  ``issuers.json``;
* ``document``: the statement's title;
* ``date``: the statement's date as ISO ``YYYY-MM-DD`` (or ``YYYY-MM``, ``YYYY`` when that is
  all the page says), ``date_text`` the words it came from, and ``posted`` the page's own
  posting date when the page gives one (``date`` falls back to it);
* ``source``: the outlet that carried it (``来源:…``, ``(Xinhua)``).

:class:`Attributor` finds the gazetteer's issuers in a text (:class:`IssuerMatcher`: English
names matched case-insensitively on whole tokens, abbreviations exactly, Chinese names on the
Simplified form of the text), then marks those that a reporting phrase names as the maker of a
statement (:func:`reported_mentions`: ``X issued …``, ``X发布《…》``, ``… adopted by X``, ``the X
said in a statement``, ``X和Y关于…的联合声明``).
Dates are read by ``dateparser``, after a pattern has found where a date is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from pipeline.text.fold import fold
from pipeline.text.patterns import CJK_CHAR

#: The fields every passage (and every clause row) carries.
ATTRIBUTION_FIELDS = ("issuer", "issuer_text", "issuer_type", "country", "document", "date", "date_text",
                      "posted", "source")
#: Between the canonical names of a joint statement's issuers (and their countries).
JOINT = "; "
ISSUERS_JSON = Path(__file__).resolve().parent / "issuers.json"

# ---------------------------------------------------------------------------------------------- dates

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_Y = r"(?:19|20)\d\d"
#: Where a date is, in the forms pages write them; ``dateparser`` then reads the span.
DATE_SPAN = re.compile(
    rf"(?P<ymd>(?<!\d){_Y}\s*[-/.年]\s*\d{{1,2}}\s*[-/.月]\s*\d{{1,2}}(?:\s*日)?(?!\d))"
    rf"|(?P<dmy>(?<!\d)\d{{1,2}}[./-]\d{{1,2}}[./-]{_Y}(?!\d))"
    rf"|(?P<ym>(?<!\d){_Y}\s*年\s*\d{{1,2}}\s*月|(?<!\d){_Y}-\d{{1,2}}(?![-\d]))"
    rf"|(?P<md_zh>(?<!\d)\d{{1,2}}\s*月\s*\d{{1,2}}(?:\s*[-–~至到]\s*\d{{1,2}})?\s*日)"
    rf"|(?P<en>(?:(?<!\d)\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MONTHS}"
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*\d{{1,2}})?)(?:,?\s*{_Y})?(?!\d)"
    rf"|\b{_MONTHS},?\s+{_Y}\b)"
    rf"|(?P<y>(?<![\d.-]){_Y}\s*年|(?<![\d.,-]){_Y}(?![\d.,-]))"
    rf"|(?P<roc>(?<!\d)1[0-4]\d\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日)",  # Taiwan's calendar: 113年 is 2024
    re.IGNORECASE,
)
#: The year before year 1 of the Republic of China calendar (Taiwan): 113年 is 2024.
ROC_YEAR_ZERO = 1911
#: Where a :data:`DATE_SPAN` can start: the first digit of a number, or a month's name at a word's start.
_DATE_START = re.compile(r"(?<!\d)\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_RANGE_END = re.compile(r"\s*(?:-|–|to|and)\s*\d{1,2}(?:st|nd|rd|th)?(?=\s|,|$)", re.IGNORECASE)
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
_ZH_PARTS = re.compile(r"(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})(?:\s*[-/.月]\s*(?P<d>\d{1,2}))?")


@cache
def _date_parser():
    from dateparser.date import DateDataParser

    # absolute dates only: the spans are dates already (relative and "freshness" parsing is 3x slower)
    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY",
                                                       "PARSERS": ["custom-formats", "absolute-time"]})


_MONTH_NUMBER = {name: i for i, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july", "aug august",
     "sep sept september", "oct october", "nov november", "dec december"), 1) for name in names.split()}
_MONTH_WORD = r"(?P<month>[A-Za-z]+)\.?"
#: The shapes English dates take once ranges and ordinals are gone: read without ``dateparser``.
_COMMON_SHAPES = (re.compile(rf"(?P<day>\d{{1,2}})\s+{_MONTH_WORD},?(?:\s*(?P<year>{_Y}))?"),
                  re.compile(rf"{_MONTH_WORD}\s+(?P<day>\d{{1,2}}),?(?:\s*(?P<year>{_Y}))?"),
                  re.compile(rf"{_MONTH_WORD},?\s+(?P<year>{_Y})"),
                  re.compile(rf"(?P<day>\d{{1,2}})[./-](?P<month>\d{{1,2}})[./-](?P<year>{_Y})"))
_LONG_MONTHS = {1, 3, 5, 7, 8, 10, 12}


def _common_parts(text: str) -> tuple[int | None, int | None, int | None] | None:
    """``(year, month, day)`` of a date of a common shape (``May 22, 2024``, ``22 May``, ``May 2024``,
    ``26/09/2025``), as ``dateparser`` reads it; None for any other text (``dateparser`` reads it)."""
    for shape in _COMMON_SHAPES:
        m = shape.fullmatch(text.strip())
        if m is None:
            continue
        word = m["month"]
        month = int(word) if word.isdigit() else _MONTH_NUMBER.get(word.lower())
        year = int(m["year"]) if m["year"] else None
        day = int(m["day"]) if "day" in shape.groupindex else None
        if month is None or not 1 <= month <= 12:
            return None
        if day is not None:
            if year is not None:
                try:
                    dt.date(year, month, day)
                except ValueError:
                    return None
            elif not 1 <= day <= (28 if month == 2 else 31 if month in _LONG_MONTHS else 30):
                return None  # a day that does not exist in every year
        return year, month, day
    return None


@dataclass(frozen=True)
class DateValue:
    """A date found in text: ISO (to the precision the text gives), and the words it came from."""

    iso: str | None
    text: str
    year: int | None
    month: int | None = None
    day: int | None = None


def _parts_to_iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None:
        return None
    try:
        if month and day:
            return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
    if month and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}"


@lru_cache(maxsize=4096)
def read_date(span: str, kind: str, year: int | None = None) -> DateValue | None:
    """Read one date span of kind ``kind`` (a group name of :data:`DATE_SPAN`). ``year`` is the
    page's year, for a span that names none (``1月4日``, ``July 4``)."""
    y = m = d = None
    if kind == "roc":
        y, m, d = (int(x) for x in re.findall(r"\d+", span))
        y += ROC_YEAR_ZERO
    elif kind in ("ymd", "ym", "md_zh", "y"):
        if kind == "y":
            y = int(span[:4])
        else:
            parts = _ZH_PARTS.search(span)
            if parts is None:
                return None
            y = int(parts["y"]) if parts["y"] else None
            m, d = int(parts["m"]), int(parts["d"]) if parts["d"] else None
    else:
        text = _ORDINAL.sub("", _RANGE_END.sub("", span, count=1)).replace(" of ", " ")
        parts = _common_parts(text)
        if parts is not None:
            y, m, d = parts
        else:
            data = _date_parser().get_date_data(text)
            if data is None or data.date_obj is None:
                return None
            named = set(data.get("parts") or ()) if isinstance(data, dict) else set(data.parts or ())
            y = data.date_obj.year if "year" in named else None
            m = data.date_obj.month if "month" in named else None
            d = data.date_obj.day if "day" in named else None
    if m is not None and not 1 <= m <= 12:
        return None
    given_year = y
    y = y if y is not None else (year if m else None)
    return DateValue(_parts_to_iso(y, m, d), span.strip(), given_year, m, d)


def _date_spans(text: str) -> list[re.Match]:
    """What ``DATE_SPAN.finditer(text)`` finds, trying the pattern only where a date can start
    (six times faster on page text: the pattern's many alternatives fail at every letter)."""
    out, end = [], 0
    for start in _DATE_START.finditer(text):
        if start.start() >= end:
            m = DATE_SPAN.match(text, start.start())
            if m:
                out.append(m)
                end = m.end()
    return out


@lru_cache(maxsize=1024)
def find_dates(text: str, year: int | None = None) -> list[tuple[int, int, DateValue]]:
    """Every date in ``text``: ``(start, end, value)``, in order; bare years only where nothing else is
    (the caller must not change the list: it is cached, as a page's texts are read several times)."""
    found = []
    for m in _date_spans(text):
        value = read_date(m.group(0), m.lastgroup, year)
        if value is not None:
            found.append((m.start(), m.end(), value))
    full = [f for f in found if f[2].month is not None]
    return full or found


def parse_date(text: str | None, year: int | None = None) -> DateValue | None:
    """The first date that ``text`` names (``Published: 15:01, May 22, 2024`` -> ``2024-05-22``)."""
    if not text:
        return None
    dates = find_dates(text, year)
    return dates[0][2] if dates else None


#: An outlet named on a line: ``来源:新华社``, ``Source: Reuters``.
_SOURCE_LABEL = re.compile(r"(?:新闻来源|新聞來源|来源|來源|\bSource)\s*[:：]\s*(?P<source>[^\s|,，;；]{1,30})", re.IGNORECASE)


def line_fields(text: str) -> dict:
    """What an attribution line that no grammar reads (``2024-01-15 新闻资讯``, ``AI视界 | 2025-12-22
    09:00``) tells, as written: its first date with a month as ``posted`` (a line before the text
    dates the page) and the outlet after a ``来源:``/``Source:`` label as ``source``; {} if neither."""
    out = {}
    dated = [value for _, _, value in find_dates(text) if value.month]
    if dated:
        out["posted"] = dated[0].text
    m = _SOURCE_LABEL.search(text)
    if m:
        out["source"] = m["source"]
    return out


def page_year(texts: list[str]) -> int | None:
    """The year of the page: the first year any of ``texts`` names with a month, else the first
    bare year named before any month-day (``2025年…8月31日``)."""
    first = None
    for text in texts:
        yearless = False  # a bare year after a month-day of the same text (``7月4日…2017年``) is another year
        for m in _date_spans(text or ""):
            value = read_date(m.group(0), m.lastgroup)
            if value is None:
                continue
            if value.year and value.month:
                return value.year
            if value.year and not yearless:
                first = first or value.year
            yearless = yearless or value.year is None
    return first


# ------------------------------------------------------------------------------------------ gazetteer


@dataclass(frozen=True)
class Issuer:
    """One entry of the gazetteer."""

    id: str
    name: str
    type: str
    country: str | None
    names: tuple[str, ...]
    abbreviations: tuple[str, ...] = ()
    seen_in: tuple[str, ...] = ()


_KEY_DROP = re.compile(r"[\W_]+")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def match_form(text: str) -> str:
    """The form of Chinese text that gazetteer names are matched on: Simplified characters (as
    :func:`pipeline.text.fold.fold` makes them) and the mainland word for AI (``人工智慧`` ->
    ``人工智能``, same length, so offsets stay those of the text)."""
    folded = fold(text)
    if len(folded) != len(text):  # NFKC changed the length (``㈠``): offsets matter more
        folded = text.lower()
    return folded.replace("人工智慧", "人工智能")


def name_key(text: str) -> str:
    """What two spellings of a name share: folded (case, width, Traditional -> Simplified), no
    punctuation or spaces, no leading ``the``."""
    text = re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)
    return _KEY_DROP.sub("", match_form(text))


class Gazetteer:
    """The issuers of ``issuers.json``, looked up by any of their names."""

    def __init__(self, issuers: list[Issuer]):
        self.issuers = {i.id: i for i in issuers}
        self._by_key = {}
        for issuer in issuers:
            for name in (issuer.name, *issuer.names, *issuer.abbreviations):
                self._by_key.setdefault(name_key(name), issuer)

    @classmethod
    def load(cls, path: str | Path = ISSUERS_JSON, leave_out: str | None = None) -> Gazetteer:
        """Read a gazetteer file. ``leave_out`` drops the entries that only ``seen_in`` that
        corpus names (for leave-corpus-out evaluation)."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        issuers = []
        for e in data["issuers"]:
            seen = tuple(e.get("seen_in", ()))
            if leave_out and seen and set(seen) <= {leave_out}:
                continue
            issuers.append(Issuer(e["id"], e["name"], e["type"], e.get("country"),
                                  tuple(e.get("en", ())) + tuple(e.get("zh", ())), tuple(e.get("abbr", ())), seen))
        return cls(issuers)

    def lookup(self, text: str) -> Issuer | None:
        """The issuer that ``text`` is a name of, else None."""
        return self._by_key.get(name_key(text))

    def names(self, chinese: bool) -> dict[str, list[str]]:
        """Issuer id -> the names to match as phrases: the Chinese ones (names and abbreviations, in
        Simplified form) when ``chinese``, else the others (not abbreviations: :meth:`abbreviations`)."""
        out: dict[str, list[str]] = {}
        for issuer in self.issuers.values():
            names = [n for n in {issuer.name, *issuer.names} if bool(CJK_CHAR.search(n)) == chinese]
            if chinese:
                names = [match_form(n) for n in names + [a for a in issuer.abbreviations if CJK_CHAR.search(a)]]
            if names:
                out[issuer.id] = names
        return out

    def abbreviations(self) -> dict[str, str]:
        """Latin-script abbreviations (``OECD``), matched as one exact token each: abbreviation -> issuer id."""
        out: dict[str, str] = {}
        for issuer in self.issuers.values():
            for abbr in issuer.abbreviations:
                if not CJK_CHAR.search(abbr):
                    out.setdefault(abbr, issuer.id)
        return out


# ------------------------------------------------------------------------------------- issuers named


@dataclass(frozen=True)
class Mention:
    """A gazetteer issuer named in a text: its character offsets, its words (as matched: Chinese in
    Simplified characters) and the issuer's id; ``script`` is the matcher that found it (en, zh)."""

    start_char: int
    end_char: int
    text: str
    issuer_id: str
    script: str


#: A token for name matching: a word (with the periods inside it: ``OECD.AI``, ``U.S``) or one other character.
NAME_TOKEN = re.compile(r"\w+(?:\.\w+)*|[^\w\s]")


class IssuerMatcher:
    """Where the gazetteer's names occur in a text, as a phrase matcher over tokens finds them.

    English (``chinese=False``): names match case-insensitively, abbreviations exactly, both on
    whole tokens (:data:`NAME_TOKEN`: ``OECD`` in ``the OECD's``, not in ``OECD.AI``) and spaced as
    the name is written. Chinese: names (Simplified) match anywhere, character by character.
    Of overlapping matches the longest (in tokens) wins, then the earliest.
    """

    def __init__(self, names: dict[str, list[str]], abbreviations: dict[str, str], chinese: bool):
        self.chinese = chinese
        self._names: dict[str, str] = {}  # name as compared (lower case in English) -> issuer id
        self._abbreviations: dict[str, str] = {}
        self._sizes: dict[str, set[int]] = {}  # first token, lower case (or character) -> sizes of the names it opens
        for issuer_id, phrases in names.items():
            for phrase in phrases:
                self._add(phrase if chinese else phrase.lower(), issuer_id, self._names)
        for abbreviation, issuer_id in abbreviations.items():
            self._add(abbreviation, issuer_id, self._abbreviations)
        if chinese:  # where a name can start
            self._first_chars = re.compile("[" + "".join(map(re.escape, sorted(self._sizes))) + "]" if self._sizes else "(?!)")

    def _add(self, phrase: str, issuer_id: str, table: dict[str, str]) -> None:
        units = list(phrase) if self.chinese else NAME_TOKEN.findall(phrase)
        if units:
            table.setdefault(phrase, issuer_id)
            self._sizes.setdefault(units[0] if self.chinese else units[0].lower(), set()).add(len(units))

    def __call__(self, text: str) -> list[tuple[int, int, str]]:
        """The names in ``text``: ``(start, end, issuer id)``, character offsets, in text order."""
        units = None
        if self.chinese:
            found = [(i, i + size, issuer_id) for m in self._first_chars.finditer(text) for i in (m.start(),)
                     for size in self._sizes[m.group()] if (issuer_id := self._names.get(text[i: i + size]))]
        else:
            lower = text.lower()
            words = NAME_TOKEN.findall(lower) if len(lower) == len(text) else \
                [word.lower() for word in NAME_TOKEN.findall(text)]
            openings = [i for i, word in enumerate(words) if word in self._sizes]
            if not openings:
                return []
            units = [m.span() for m in NAME_TOKEN.finditer(text)]
            found = []
            for i in openings:
                for size in self._sizes[words[i]]:
                    if i + size <= len(units):
                        phrase = text[units[i][0]: units[i + size - 1][1]]
                        issuer_id = self._names.get(phrase.lower()) or self._abbreviations.get(phrase)
                        if issuer_id:
                            found.append((i, i + size, issuer_id))
        chosen, taken = [], set()
        for start, end, issuer_id in sorted(found, key=lambda m: (m[1] - m[0], -m[0]), reverse=True):
            if start not in taken and end - 1 not in taken:
                chosen.append((start, end, issuer_id))
                taken.update(range(start, end))
        chosen.sort()
        return chosen if units is None else [(units[a][0], units[b - 1][1], issuer_id) for a, b, issuer_id in chosen]


_EN_REPORT = (r"(?:has\s+|have\s+|had\s+|jointly\s+|formally\s+|officially\s+|today\s+|recently\s+|on\s+\w+\s+)*"
              r"(?:issued|released|adopted|published|unveiled|launched|approved|signed|endorsed|passed|"
              r"introduced|announced|proposed|put forward|presented|enacted|finalized|finalised|updated)\b")
_ZH_REPORT = (r"(?:等\s*\S{0,3}\s*(?:部门|部委|单位|机构)|联合\S{0,12}?)?"
              r"(?:近日|日前|今天|今日|昨天|昨日|\d{1,2}日|正式|印发|联合|共同|于\d{1,2}月\d{1,2}日)*"
              r"(?:发布|印发|出台|通过|公布|发表|颁布|推出|审议通过|制定|提出|修订)")
EN_AFTER = re.compile(r"^(?:'s?|’s?)?\s*(?:,[^,]{0,60},\s*)?" + _EN_REPORT, re.IGNORECASE)
EN_BEFORE = re.compile(r"\b(?:issued|released|adopted|published|unveiled|launched|approved|signed|endorsed|"
                       r"passed|proposed|put forward|presented|enacted|drafted|developed|authored)\s+by\s+(?:the\s+)?$",
                       re.IGNORECASE)
EN_SAID = re.compile(r"^\s*(?:said|says|stated|declared|announced)\s+(?:in\s+)?(?:a|its|their)?\s*"
                     r"(?:joint\s+)?(?:statement|declaration|communiqu[eé])", re.IGNORECASE)
ZH_AFTER = re.compile(r"^" + _ZH_REPORT)
#: Between the names of a joint statement's parties.
PARTIES = re.compile(r"\s*(?:;|,\s*and\s+(?:the\s+)?|,\s*|\s+and\s+(?:the\s+)?|\s+&\s+|、|和|与|與|及)\s*")
CHAIN = re.compile(r"^(?:\s*(?:[、,，;；和与及&]|and|会同|联合|with)\s*)+$", re.IGNORECASE)
ZH_JOINT = re.compile(r"^(?:[和与、及]\S{0,2}?)")
ZH_STATEMENT = re.compile(r"关于.{2,60}?(?:联合声明|宣言|倡议|共识)")


def reported_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions (in text order, of one script) that a reporting phrase in ``text`` names as a
    statement's maker.

    ``X (has) issued/released/adopted …``, ``… adopted by (the) X``, ``the X said in a
    statement``, ``X发布/印发/出台/通过…``, and the parties of ``X和Y关于…联合声明``.
    """
    reported = []
    chained = set()
    for i, ent in enumerate(mentions):
        after = text[ent.end_char: ent.end_char + 80]
        before = text[max(0, ent.start_char - 40): ent.start_char]
        if EN_AFTER.match(after) or EN_SAID.match(after) or EN_BEFORE.search(before) or ZH_AFTER.match(after):
            # the parties listed before it, joined by 、/和/与/联合/and/commas, issued it with it
            j = i
            while j > 0 and CHAIN.match(text[mentions[j - 1].end_char: mentions[j].start_char]):
                j -= 1
            for k in range(j, i):
                if k not in chained:
                    reported.append(mentions[k])
                    chained.add(k)
            if i not in chained:
                reported.append(ent)
                chained.add(i)
            continue
        # a party of a joint statement: X和Y关于…联合声明 or X、Y…发布
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and ZH_JOINT.match(text[ent.end_char: nxt.start_char] or "x"):
            rest = text[nxt.end_char: nxt.end_char + 80]
            if ZH_AFTER.match(rest) or ZH_STATEMENT.match(rest) or EN_AFTER.match(rest):
                reported.append(ent)
        elif ZH_STATEMENT.match(after):
            reported.append(ent)
    return sorted(set(reported), key=lambda s: s.start_char)


#: After a date: the day something takes effect, not the day it was made.
TAKES_EFFECT = re.compile(r"\s*(?:起|起施行|施行|生效|正式施行|to take effect|takes effect|will take effect)")
#: Before a date: the day something takes effect, starts or ends, not the day it was made.
RUNS_FROM = re.compile(r"\b(?:effect|effective|from|until|till|by|before|through|starting|since)\s+(?:on\s+)?$|自$",
                       re.IGNORECASE)
#: What may come before a date that opens a sentence: ``On``, ``当地时间``, a bullet.
SENTENCE_LEAD = re.compile(r"[\W_]*(?:On|In|当地时间|北京时间|當地時間|北京時間)?\s*", re.IGNORECASE)
#: An issuer that the gazetteer does not know, named by a reporting phrase.
UNKNOWN_EN = re.compile(
    r"(?:^|(?<=[.;:]\s)|(?<=\n))(?P<issuer>(?:The\s+)?(?:[A-Z][\w.&'’-]*|U\.S\.)(?:\s+(?:of|for|and|on|the|&|de|[A-Z][\w.&'’()-]*)){0,9})"
    r"\b\s*(?:,[^,]{0,60},\s*)?" + _EN_REPORT)
UNKNOWN_EN_BY = re.compile(r"\b(?:issued|released|adopted|published|developed|drafted|authored)\s+by\s+(?:the\s+)?"
                           r"(?P<issuer>(?:[A-Z][\w.&'’-]*)(?:\s+(?:of|for|and|on|the|&|[A-Z][\w.&'’()-]*)){0,9})")
#: ``…等四部门``: the named issuer and others.
ZH_SEVERAL = re.compile(r"(?:等\s*[\d一二三四五六七八九十]{0,3}\s*(?:个)?(?:部门|部委|单位|机构|部門|單位|機構)|等)$")
#: Words that can stand before an issuer's name in a sentence but are not part of it.
ZH_LEAD_WORDS = re.compile(r"^(?:至于|至於|由|从|從|据|據|其中|同时|同時|此外|近日|日前|今天|今日)+")
#: How the name of a Chinese institution ends (ministries, bureaus, committees, courts, companies, …).
ZH_INSTITUTION_END = (r"(?:部|委|局|办|办公室|办公厅|院|会|委员会|署|厅|府|政府|中心|协会|学会|联合会|联盟|公会|"
                      r"公司|集团|大学|学院|组织|法院|检察院|大会|论坛|研究所|研究院|工会|议会|国会|理事会|"
                      r"(?<![\u3400-\u9fff]{2})[\u3400-\u9fff]方)")
UNKNOWN_ZH = re.compile(r"(?:^|(?<=[\s,，。:：;；由从]))(?P<issuer>[\u3400-\u9fff()（）、和与]{1,30}?" + ZH_INSTITUTION_END
                        + r"(?:等\s*\S{0,3}\s*(?:部门|部委|单位|机构))?)" + _ZH_REPORT)
_ZH_WEAK = re.compile(r"^(?:近日|日前|今天|今日|记者|我|此次|本次|会议|新华社|据悉|为|该|其|已|并|在|会上|各|而|"
                      r"建议|呼吁|欢迎|支持|一个|一家|一些|"  # a verb or a count before the name: not a name
                      r"(?:本|市|省|区|县|州|特区)?(?:人民)?(?:政府|委员会|办公室|部|局)$|"  # a bare generic name
                      r"[一二三四五六七八九十]是|推动|质询|督导|有关|相关|政府会|这|那|将|可|要|应|如)")
_EN_WEAK = re.compile(r"^(?:The|It|This|They|We|He|She|On|In|At|Today|Yesterday|Last|Its|Their|Our|China's|"
                      r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|[A-Z][a-z]+day)$")

_INSTITUTION_WORDS = (r"Ministry|Department|Commission|Council|Authority|Agency|Office|Institute|Association|Society|"
                      r"Committee|Government|Parliament|Legislature|Senate|Congress|Assembly|Court|Bureau|Board|"
                      r"Federation|Union|Organi[sz]ation|University|Foundation|Forum|Cabinet|Administration|Regulator|"
                      r"Secretariat|Presidency|Alliance|Academy|Centre|Center|Confederation")
#: A name shaped like an institution's, in English: ``the Ministry of Digital Economy``, ``AI Commission``.
EN_INSTITUTION = re.compile(
    rf"(?P<name>(?:[A-Z][\w&'’.-]*[ \t]+(?:(?:of|for|and|on|the|&)[ \t]+)*){{0,5}}(?:{_INSTITUTION_WORDS})\b"
    rf"(?:[ \t]+(?:of|for|on)[ \t]+(?:the[ \t]+)?[A-Z][\w&'’.-]*(?:[ \t]+(?:and[ \t]+|&[ \t]+)?[A-Z][\w&'’.-]*){{0,5}})?)")
#: ... and in Chinese: a run of characters ending like a ministry, bureau, committee, court or company.
ZH_INSTITUTION = re.compile(
    r"(?:(?<=[从由据在经向是了日称说对，,。：:\s“「《])|^)(?P<name>[\u3400-\u9fff]{1,14}?"
    r"(?:部|委员会|总局|管理局|监管局|局|办公室|办公厅|协会|学会|联合会|公会|理事会|议会|人民政府|政府|法院|检察院|"
    r"研究院|科学院|大学|集团|公司|联盟|署))(?![\u3400-\u9fff]{0,1}(?:长|门|分|属|下))")


ZH_BEFORE_NAME = re.compile(r"^.*[从由据经向对在]")


def institution_names(text: str) -> list[tuple[int, str]]:
    """Names shaped like institutions' in ``text`` (English and Chinese), with their offsets, in order."""
    out = []
    for m in EN_INSTITUTION.finditer(text):
        name = HEADLINE_VERB.split(re.sub(r"^(?:The|A|An)\s+", "", m["name"]))[0].strip()
        words = [w for w in name.split() if not re.fullmatch(_INSTITUTION_WORDS + r"|of|for|and|on|the|&", w)]
        if words and not _EN_WEAK.match(words[0]):  # a name, not a bare ``Council`` or ``The Government``
            out.append((m.start("name"), name))
    if CJK_CHAR.search(text):
        folded = match_form(text)
        for m in ZH_INSTITUTION.finditer(folded):
            lead = ZH_BEFORE_NAME.search(m["name"])  # ``记者从国家医保局``: the name starts after 从
            start = m.start("name") + (lead.end() if lead else 0)
            name = text[start: m.end("name")]
            if not _ZH_WEAK.match(match_form(name)) and len(name) >= 3:
                out.append((start, name))
    return sorted(out)


#: Issuer types from words of the name, for issuers the gazetteer does not know.
TYPE_WORDS = [
    ("intergovernmental", re.compile(r"United Nations|\bUN\b|Summit|G7|G20|BRICS|Organi[sz]ation for|联合国|峰会|"
                                     r"金砖|七国集团|二十国集团|合作组织", re.IGNORECASE)),
    ("legislature", re.compile(r"Parliament|Congress|Senate|Legislat|Assembly|Shura|Diet\b|人大|人民代表大会|立法|议会|国会",
                               re.IGNORECASE)),
    ("court", re.compile(r"\bCourt|法院|检察", re.IGNORECASE)),
    ("academia", re.compile(r"Universit|Academy|Institute|College|School|大学|学院|研究院|研究所|科学院", re.IGNORECASE)),
    ("company", re.compile(r"\b(?:Inc|Corp|Corporation|Ltd|LLC|plc|GmbH|Group|Technologies)\b|公司|集团|科技$",
                           re.IGNORECASE)),
    ("association", re.compile(r"Association|Society|Federation|Union|Council of .*Professional|Committee|Alliance|"
                               r"协会|学会|联合会|联盟|工会|公会", re.IGNORECASE)),
    ("government", re.compile(r"Ministry|Minister|Department|Government|Agency|Authority|Commission|Office|Cabinet|Council|"
                              r"President|Governor|Administration|Bureau|Secretary|部|局|委|办|政府|国务院|署|厅",
                              re.IGNORECASE)),
]


def issuer_type_of(name: str) -> str | None:
    """The type of an issuer from the words of its name (``Ministry …`` -> ``government``), else None."""
    return next((kind for kind, rx in TYPE_WORDS if rx.search(name)), None)


# -------------------------------------------------------------------------------------------- titles

_DOC_WORDS_ZH = (r"声明|宣言|倡议|办法|规定|计划|共识|意见|框架|原则|规范|准则|指引|指南|指导意见|规划|通知|方案|"
                 r"条例|法|白皮书|标准|要求|公约|守则|倡议书|纲要|战略|措施|决定|报告|立场文件|路线图|行动计划|政策宣言")
ZH_TITLE = re.compile(r"《(?P<title>[^《》]{2,80})》")
#: A title in corner brackets or quotes, as Traditional-character pages write them: ``「…指引」``.
ZH_QUOTED_TITLE = re.compile(r"[「“](?P<title>[^「」“”]{4,60})[」”]")
ZH_SHORT_FORM = re.compile(r"《(?P<full>[^《》]{2,80})》\s*[(（]\s*(?:以下)?简称\s*[“\"《]?(?P<short>[^”\"》)）]{1,20})[”\"》]?\s*[)）]")
ZH_DOC_END = re.compile(rf"(?:{_DOC_WORDS_ZH})(?:\s*[(（][^)）]{{1,20}}[)）])?$")
_DOC_NOUNS = (r"Declaration|Statement|Initiative|Resolution|Consensus|Plan|Principles|Strategy|Code|Guidelines?|"
              r"Guidance|Framework|Measures|Communiqu[eé]|Act|Law|Bill|Charter|Recommendations?|Standard|Policy|"
              r"Directive|Regulation|Opinion|Call|Convention|Treaty|Roadmap|Blueprint|White Paper|Agenda|Compact|"
              r"Pledge|Commitments?|Rules|Provisions|Order|Circular|Ethics|Tenets|Manifesto|Letter|Position Paper|Report")
_TITLE_WORD = r"(?:[A-Z]\.(?:[A-Z]\.)+|[A-Z0-9][\w'’&+/-]*|\([A-Z][\w ]{0,30}\))"
_SMALL = r"(?:of|on|for|and|the|in|to|&|a|an|with|by|at|into|from|its)"
#: A capitalised English title that holds a document noun: ``the Shanghai Declaration on Global AI Governance``.
EN_TITLE = re.compile(
    rf"(?P<title>{_TITLE_WORD}(?:[\s:–-]+(?:{_SMALL}\s+)*{_TITLE_WORD}){{0,16}})")
EN_DOC_NOUN = re.compile(rf"\b(?:{_DOC_NOUNS})\b")
EN_QUOTED = re.compile(r"(?P<lead>\b(?:entitled|titled|called|named)\s+)?[“\"](?P<title>[A-Z][^“”\"]{6,160}?)[”\"]")
#: Never a title: a section heading, or a title made of nothing but a generic noun.
NOT_A_TITLE = re.compile(
    rf"^(?:(?:Chapter|Article|Section|Part|Annex|Appendix|Title|Schedule)\b|第[一二三四五六七八九十百\d]+[章条节部分]"
    rf"|(?:The\s+|A\s+|An\s+|This\s+|Joint\s+|Full\s+Text\s*:?\s*)*(?:{_DOC_NOUNS}|General Principles|Basic Principles|"
    rf"Principles|Preamble|Introduction)s?\s*$)", re.IGNORECASE)
_NEWSPAPER = re.compile(r"(?:日报|日報|晚报|时报|时报|周刊|杂志|新闻|新聞|报|報|网|網)$")
#: A verb of a title-case headline (``Council Approves Ethiopia's First AI Policy``): the title follows it.
HEADLINE_VERB = re.compile(r"\b(?:Discusses|Says|Plans|Approves?|Announces?|Adopts?|Issues?|Releases?|Launches?|Unveils?|Publishes?|"
                           r"Signs?|Passes?|Introduces?|Finali[sz]es?|Endorses?|Proposes?|Presents?|Enacts?|Updates?|"
                           r"Sets|Set to|Calls? for|Urges?|Welcomes?|Agrees?|Reaches?|Rolls? Out|Drafts?|Tables?)\s+")
_NOT_EN_TITLE_START = re.compile(r"^(?:The|A|An|This|That|These|Its|Their|Our|On|In|At|By|For|Full Text:?)\s+",
                                 re.IGNORECASE)


#: A statement named in narrative: ``a joint statement on AI and global governance issued by …``.
NARRATIVE_DOCUMENT = re.compile(
    r"\b(?:a|the|an)\s+(?P<document>(?:joint\s+)?(?:statement|declaration|initiative|resolution|action plan|"
    r"communiqu[eé]|agreement|charter|consensus|framework|guidelines|code of conduct)"
    r"(?:\s+(?:on|for)\s+[^,.;]{3,80}?)?)(?=\s+(?:was\s+|were\s+)?(?:issued|adopted|released|signed|published)\b)",
    re.IGNORECASE)


#: An enumeration label or a byline word at the start: a section heading or a credit, not a title.
NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*[.、)\s]|[(（]?[一二三四五六七八九十]{1,3}[、)）]|[A-Za-z][.)]\s|"
                      r"[IVX]{1,4}\.\s|(?:Authors?|By|Photo|Source|Editor)\b|第)")


def is_title(text: str) -> bool:
    """Whether ``text`` can be a statement's title: neither a section heading, a numbered item,
    nor a generic noun (``declaration``)."""
    text = text.strip(" “”\"'《》")
    if len(text) < 2 or NOT_A_TITLE.match(text) or NUMBERED.match(text) or len(text) > 200:
        return False
    if CJK_CHAR.search(text):
        return len(text) >= 4
    return len(text.split()) >= 2


ZH_VERB_TITLE = re.compile(r"(?:发布|印发|出台|公布|推出|颁布|发表|通过|制定)(?:了)?(?P<title>(?:关于)?[^，。,；;！!？?\s《》]{3,60}?"
                           rf"(?:{_DOC_WORDS_ZH})(?:\s*[(（][^)）]{{1,20}}[)）])?)(?=$|[，。,；;\s])")


def zh_titles(text: str) -> list[tuple[int, str]]:
    """``《…》`` titles of documents (not of newspapers), with their offsets; a short form
    ``(以下简称《办法》)`` stands for its full title."""
    shorts = {m["short"].strip(): m["full"].strip() for m in ZH_SHORT_FORM.finditer(text)}
    out = []
    for m in ZH_TITLE.finditer(text):
        title = m["title"].strip()
        title = shorts.get(title, title)
        if _NEWSPAPER.search(title) and not ZH_DOC_END.search(fold(title)):
            continue
        if is_title(title):
            out.append((m.start(), title))
    if not out:  # a quoted title that ends like a document: ``「…通用指引」``
        for m in ZH_QUOTED_TITLE.finditer(text):
            if ZH_DOC_END.search(match_form(m["title"])) and is_title(m["title"]):
                out.append((m.start(), m["title"].strip()))
    if not out:  # a title without 《》 right after a reporting verb (``…发布关于…的实施意见``)
        folded = match_form(text)
        for m in ZH_VERB_TITLE.finditer(folded):
            if is_title(m["title"]):
                out.append((m.start("title"), text[m.start("title"): m.end("title")]))
    return out


def en_titles(text: str) -> list[tuple[int, str]]:
    """Capitalised or quoted English titles that hold a document noun, with their offsets."""
    out = []
    for m in EN_QUOTED.finditer(text):
        if is_title(m["title"]) and (m["lead"] or EN_DOC_NOUN.search(m["title"])) and len(m["title"].split()) <= 25:
            out.append((m.start(), m["title"].strip().rstrip(",.")))
    for m in EN_TITLE.finditer(text):
        title = m["title"].strip(" :–-")
        if not EN_DOC_NOUN.search(title):
            continue
        title = _NOT_EN_TITLE_START.sub("", HEADLINE_VERB.split(title)[-1])
        title = re.sub(rf"\s+(?:on|in|of)\s+(?:{_MONTHS}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b).*$", "",
                       title)  # ``… Ethics on May 20``, ``… on Monday``
        title = re.sub(r"(?:\s+(?:an|a|the|of|on|for|and|to|in|it|its|this|with|by))+$", "", title, flags=re.IGNORECASE)
        title = re.sub(r"^[A-Z][\w.-]*(?:’|')s\s+", "", title)
        if is_title(title) and len(title.split()) <= 18:
            out.append((m.start(), title))
    out.sort()
    return out


# ---------------------------------------------------------------------------------------- attributor


@dataclass
class Found:
    """An issuer found on a page: canonical entries (or none) and the page's words."""

    issuers: list[Issuer]
    text: str


class Attributor:
    """Fills every passage's attribution fields from its attribution lines and the page's text.

    ``gazetteer`` defaults to ``issuers.json``; ``leave_out`` drops the entries that only that
    corpus's gold names (for honest evaluation on it). The name matchers are built on first
    use, and are not pickled: an attributor sent to a worker process rebuilds them there.
    """

    #: How much of a page's text is searched for issuers, titles and dates (the statement's
    #: maker is named near the top; this keeps long documents fast).
    SEARCH_CHARS = 3000
    #: Where no reporting phrase names the issuer, the first institution named in the headline or
    #: in this many characters of the text (a report's lead) is taken for it; one named later is
    #: as often a body the text cites as the issuer, so the field stays empty instead.
    FALLBACK_CHARS = 120
    #: ... and a state is taken only when no institution is named in this many characters.
    STATE_CHARS = 600
    #: Without a reporting verb before it, a title is the statement's only in this many characters;
    #: with one, in this many (later ones name the documents a report recalls).
    TITLE_CHARS = 250
    VERB_TITLE_CHARS = 300

    def __init__(self, gazetteer_path: str | Path = ISSUERS_JSON, leave_out: str | None = None):
        self.gazetteer_path = str(gazetteer_path)
        self.leave_out = leave_out
        self._spans: dict = {}
        self._last_long: tuple = (None, None)

    def __getstate__(self):
        return {"gazetteer_path": self.gazetteer_path, "leave_out": self.leave_out}

    def __setstate__(self, state):
        self.__init__(**state)

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer.load(self.gazetteer_path, self.leave_out)

    @cached_property
    def matchers(self) -> dict[str, IssuerMatcher]:
        """The gazetteer's names to find, per script (``en``, ``zh``)."""
        return {script: IssuerMatcher(self.gazetteer.names(chinese),
                                      {} if chinese else self.gazetteer.abbreviations(), chinese)
                for script, chinese in (("en", False), ("zh", True))}

    # -- issuers

    def issuer_spans(self, text: str) -> tuple[list[Mention], list[Mention]]:
        """Gazetteer issuers named in ``text``, and those of them a reporting phrase names (see
        :func:`reported_mentions`), in text order. Chinese is matched on its Simplified form, English
        with Chinese characters masked. Kept for the last short texts seen (headings and attribution
        lines repeat across a site's pages) and for the last long one (a page's text is searched
        several times)."""
        if text in self._spans:
            return self._spans[text]
        if self._last_long[0] == text:
            return self._last_long[1]
        found = self._find_spans(text)
        if len(text) <= 300:
            if len(self._spans) >= 1024:
                self._spans.clear()
            self._spans[text] = found
        else:
            self._last_long = (text, found)
        return found

    def _find_spans(self, text: str) -> tuple[list[Mention], list[Mention]]:
        ents, reported = [], []
        for script, matcher in self.matchers.items():
            if script == "zh" and not CJK_CHAR.search(text):
                continue
            # English names are matched with the Chinese characters masked (same offsets), so
            # that ``…组织(OECD)`` reads as it would in English
            form = match_form(text) if script == "zh" else CJK_RUN.sub(lambda m: " " * len(m.group(0)), text)
            mentions = [Mention(start, end, form[start:end], issuer_id, script) for start, end, issuer_id in matcher(form)]
            ents.extend(mentions)
            reported.extend(reported_mentions(form, mentions))
        key = lambda s: s.start_char  # noqa: E731
        return sorted(ents, key=key), sorted(reported, key=key)

    def _entries(self, spans: list[Mention]) -> list[Issuer]:
        out = []
        for span in spans:
            issuer = self.gazetteer.issuers.get(span.issuer_id)
            if issuer and issuer not in out:
                out.append(issuer)
        return out

    def resolve_issuer(self, text: str) -> Found:
        """An issuer as an attribution line or title writes it: the gazetteer entry it is a name of,
        else the entries named inside it (a joint statement), else the text as it is."""
        text = ZH_LEAD_WORDS.sub("", text.strip(" ,.;:，。"))
        exact = self.gazetteer.lookup(ZH_SEVERAL.sub("", text))
        if exact:
            return Found([exact], text)
        ents, _ = self.issuer_spans(text)
        covered = sum(len(s.text) for s in ents)
        if ents and (len(ents) > 1 or covered >= 0.5 * len(name_key(text))):
            return Found(self._entries(ents), text)
        return Found([], text)

    def reported_issuer(self, text: str) -> Found | None:
        """The issuer a reporting phrase in ``text`` names (the first one; the parties of a joint
        statement together), from the gazetteer or, failing that, the words before the verb."""
        text = text[: self.SEARCH_CHARS]
        ents, reported = self.issuer_spans(text)
        if reported:
            first = reported[0]
            group = [first] + [s for s in reported[1:] if s.start_char - first.end_char < 60 and s.script == first.script]
            return Found(self._entries(group), " ".join(s.text for s in group))
        m = UNKNOWN_ZH.search(match_form(text)) if CJK_CHAR.search(text) else None
        if m and not _ZH_WEAK.match(m["issuer"]) and len(m["issuer"]) >= 3:
            return self.resolve_issuer(text[m.start("issuer"): m.end("issuer")])
        for rx in (UNKNOWN_EN_BY, UNKNOWN_EN):
            m = rx.search(text)
            name = re.sub(r"\s+on\s+[A-Z][a-z]+day$|^The\s+", "", m["issuer"]) if m else ""
            if m and not _EN_WEAK.match(name) and not EN_DOC_NOUN.search(name.split()[-1]) \
                    and (len(name.split()) >= 2 or re.fullmatch(r"[A-Z][A-Z&-]{1,9}", name)):
                return self.resolve_issuer(name)
        return None

    def first_issuer(self, text: str, within: int | None = None) -> Found | None:
        """The first institution ``text`` (its first ``within`` characters) names: a gazetteer
        issuer or a name shaped like an institution's (``Ministry of …``, ``…监管局``), whichever comes first; a state only when
        no institution is named."""
        text = text[: self.SEARCH_CHARS]
        ents, _ = self.issuer_spans(text)
        if within is not None:
            ents, text = [s for s in ents if s.start_char < within], text[:within]
        states = {"state", "bloc"}
        known = next((s for s in ents if self.gazetteer.issuers[s.issuer_id].type not in states), None)
        shaped = institution_names(text)
        if shaped and (known is None or shaped[0][0] < known.start_char):
            return self.resolve_issuer(shaped[0][1])
        if known is not None:
            return Found(self._entries([known]), known.text)
        return Found(self._entries(ents[:1]), ents[0].text) if ents else None

    def _first_institution(self, headings: list[str], body: str) -> Found | None:
        """The first institution of the headline, if the text names it too, else of the top of the
        body; a state only when neither names an institution."""
        candidates = [c for c in (self.first_issuer(h) for h in headings) if c and self._named_in(c, body)]
        candidates = [c for c in candidates + [self.first_issuer(body, self.FALLBACK_CHARS)] if c]
        states = {"state", "bloc"}
        institutions = [c for c in candidates if not c.issuers or any(i.type not in states for i in c.issuers)]
        if institutions:
            return institutions[0]
        # a state, unless an institution is named further on: then who spoke is not clear
        later = self.first_issuer(body, self.STATE_CHARS)
        if later is not None and (not later.issuers or any(i.type not in states for i in later.issuers)):
            return None
        return candidates[0] if candidates else None

    def _named_in(self, found: Found, body: str) -> bool:
        """Whether ``body`` names the issuer: one of its gazetteer entries, found as every issuer is
        (whole tokens: ``UN`` is not in ``under``), or, for an issuer the gazetteer does not know,
        its words (not inside a longer word)."""
        if found.issuers:
            ids = {i.id for i in found.issuers}
            return any(m.issuer_id in ids for m in self.issuer_spans(body[: self.SEARCH_CHARS])[0])
        words = match_form(found.text.strip())
        if len(words) < 2:
            return False
        edge = r"(?<![A-Za-z0-9])" if words[0].isascii() and words[0].isalnum() else ""
        end = r"(?![A-Za-z0-9])" if words[-1].isascii() and words[-1].isalnum() else ""
        return re.search(edge + re.escape(words) + end, match_form(body)) is not None

    def issuer_fields(self, found: Found) -> dict:
        """The ``issuer``, ``issuer_text``, ``issuer_type`` and ``country`` fields of a found issuer.

        Issuers the gazetteer does not know keep their words; a list of names (``A and B``,
        ``A、B``) where every part is a name of its own (two words or more, an abbreviation, or a
        gazetteer name) is a joint statement: the parts joined by :data:`JOINT`."""
        if not found.issuers:
            parts = [p.strip() for p in PARTIES.split(found.text) if p.strip()]
            if len(parts) > 1 and all(self._is_name(p) for p in parts):
                resolved = [self.resolve_issuer(p) for p in parts]
                names = [r.issuers[0].name if r.issuers else r.text for r in resolved]
                first = self.issuer_fields(resolved[0])
                return {"issuer": JOINT.join(dict.fromkeys(names)), "issuer_text": found.text,
                        "issuer_type": first["issuer_type"], "country": first["country"]}
            return {"issuer": found.text, "issuer_text": found.text, "issuer_type": issuer_type_of(found.text),
                    "country": self._country_in(found.text)}
        countries = list(dict.fromkeys(i.country for i in found.issuers if i.country))
        types = list(dict.fromkeys(i.type for i in found.issuers))
        return {"issuer": JOINT.join(i.name for i in found.issuers), "issuer_text": found.text,
                "issuer_type": types[0] if len(types) == 1 else "joint",
                "country": JOINT.join(countries) or None}

    def _is_name(self, text: str) -> bool:
        if self.gazetteer.lookup(text):
            return True
        if CJK_CHAR.search(text):
            return len(text) >= 2 and bool(re.search(ZH_INSTITUTION_END + "$", match_form(text)))
        return bool(re.fullmatch(r"[A-Z][A-Z&-]{1,9}", text)) or (
            len(text.split()) >= 2 and bool(re.search(rf"\b(?:{_INSTITUTION_WORDS}|Corp|Inc|Ltd|Group)\b", text)))

    def _country_in(self, text: str) -> str | None:
        ents, _ = self.issuer_spans(text)
        states = [i for i in self._entries(ents) if i.country]
        return states[0].country if states else None

    # -- documents

    def find_document(self, text: str) -> str | None:
        """The statement's title in running text: a ``《…》`` or English title right after a
        reporting verb in the first :attr:`VERB_TITLE_CHARS` characters, else the first title of
        the text if it stands in the lead (its first :attr:`TITLE_CHARS` characters): a title
        named later is mostly one the text recalls."""
        text = text[: self.SEARCH_CHARS]
        titles = zh_titles(text) + en_titles(text)
        if not titles:
            m = NARRATIVE_DOCUMENT.search(text)
            return m["document"] if m else None
        folded = match_form(text)
        for start, title in sorted(titles):
            if start >= self.VERB_TITLE_CHARS:
                break
            lead = folded[max(0, start - 30): start]
            if re.search(r"(发布|印发|出台|通过|公布|发表|颁布|推出|签署|提出|制定|了|的)\s*(了)?\s*[“\"]?$", lead) \
                    or re.search(r"(issued|released|adopted|published|unveiled|launched|signed|endorsed|"
                                 r"approved|introduced|passed|entitled|titled|called)\s+(the\s+|a\s+|its\s+|an\s+)?$",
                                 lead, re.IGNORECASE):
                return title
        start, title = sorted(titles)[0]
        return title if start < self.TITLE_CHARS else None

    # -- the page

    def attribute(self, passages: list, furniture: list[str] = ()) -> None:
        """Fill the attribution of ``passages`` (objects with ``text``, ``heading`` and an
        ``attribution`` dict holding what attribution lines gave: ``issuer``, ``document``,
        ``date``, ``posted``, ``source`` as written) in place.

        Values from attribution lines come first; what they leave open is filled from the page:
        a title ``X关于…`` or a reporting phrase names the issuer, a ``《…》`` or capitalised
        title the document, a date beside a reporting phrase the statement's date. The page's
        findings fill every passage that lacks them. ``furniture`` are lines the cleaner removed
        that gave no passage their attribution (the page's header, a date line at its foot): the
        first full date on them (year, month and day) is the page's posting date for passages
        whose own lines give none.
        """
        if not passages:
            return
        raw = [dict(p.attribution) for p in passages]
        headings = [p.heading for p in passages if p.heading]
        body = "\n".join(p.text for p in passages)[: self.SEARCH_CHARS]
        # the year its attribution lines name (a bare ``2023`` too), else one a removed line names
        # with a month (a menu's bare years are other pages'), else one the text names
        year = (page_year([a.get("posted") or "" for a in raw] + [a.get("date") or "" for a in raw])
                or next((value.year for text in furniture for _, _, value in find_dates(text)
                         if value.year and value.month), None)
                or page_year(headings + [body]))
        page_posted = next((value for text in furniture for _, _, value in find_dates(text)
                            if value.year and value.month and value.day), None)
        page = self._page_findings(headings, body, year)
        # where lines after passages name their documents (LAIP pages), a passage without a line
        # of its own (its line was cut off) is another document's: the page says nothing of it
        lines_name_documents = any(a.get("document") for a in raw)
        first_date = page.pop("first_date")
        for passage, given in zip(passages, raw, strict=True):
            out = {key: None for key in ATTRIBUTION_FIELDS}
            if given.get("issuer"):
                out.update(self.issuer_fields(self.resolve_issuer(given["issuer"])))
            if given.get("document"):
                out["document"] = given["document"].strip()
            posted = parse_date(given.get("posted"), year)
            if given.get("source"):  # ``来源:某报 2025-09-26``: the outlet, and the page's date
                dated = find_dates(given["source"], year)
                if dated and dated[0][2].month:
                    posted = posted or dated[0][2]
                    given["source"] = given["source"][: dated[0][0]] + given["source"][dated[0][1]:]
                out["source"] = given["source"].strip(" ,，|") or None
            if not posted and not (lines_name_documents and not any(given.values())):
                posted = page_posted
            if posted:
                out["posted"] = posted.iso
            stated = parse_date(given.get("date"), year)
            if stated:
                out["date"], out["date_text"] = stated.iso, stated.text
            elif given.get("date"):  # a date the reader cannot place (``Thursday``): its words
                out["date_text"] = given["date"].strip()
            for key, value in page.items():
                if value and not out.get(key) and not (lines_name_documents and not any(given.values())):
                    out[key] = value
            if not out["date"] and not out["date_text"] and posted:
                out["date"], out["date_text"] = posted.iso, posted.text
            if not out["date"] and not out["date_text"] and first_date and not (lines_name_documents and not any(given.values())):
                out["date"], out["date_text"] = first_date.iso, first_date.text
            out["date_text"] = out["date_text"] or (given.get("posted") or "").strip() or None
            passage.attribution = out

    def _page_findings(self, headings: list[str], body: str, year: int | None) -> dict:
        page: dict = {}
        found = None
        for heading in headings[:3]:
            title = re.sub(r"^Full\s+text\s*:\s*", "", heading, flags=re.IGNORECASE).strip()
            m = re.match(r"^(?P<issuer>.{2,40}?)(关于|關于|關於)", title)
            if m and ZH_DOC_END.search(fold(title)):
                page.setdefault("document", title)
                found = found or self.resolve_issuer(m["issuer"])
            found = found or self.reported_issuer(title) or self._headline_states(title)
            if "document" not in page:
                document = self.find_document(title)
                if document and not self._REPORT_NEAR.search(title) and match_form(document) not in match_form(body):
                    document = None  # a headline's words for a title the text never names (``SCO Tanjin Declaration``)
                if document is None and CJK_CHAR.search(title) and ZH_DOC_END.search(fold(title)) \
                        and not self._REPORT_NEAR.search(title) and is_title(title):
                    document = title
                if document:
                    page["document"] = document
        found = found or self.reported_issuer(body) or self._first_institution(headings[:1], body)
        if found:
            page.update(self.issuer_fields(found))
        if "document" not in page:
            document = self.find_document(body)
            if document:
                page["document"] = document
        stated = self._stated_date(body, year)
        if stated:
            page["date"], page["date_text"] = stated.iso, stated.text
        page["first_date"] = self._first_date(headings[:2] + [body[:600]], year)
        return page

    @staticmethod
    def _first_date(texts: list[str], year: int | None) -> DateValue | None:
        """The first date with a month near the top of the page (a news report's date of the event),
        other than a date something takes effect (``自2022年3月1日起施行``)."""
        for text in texts:
            for _, end, value in find_dates(text, year):
                if value.month and not TAKES_EFFECT.match(text[end:]):
                    return value
        return None

    def _headline_states(self, headline: str) -> Found | None:
        """The gazetteer issuers a headline opens with (``China, France to …``)."""
        ents, _ = self.issuer_spans(headline)
        lead = ents[:1] if ents and ents[0].start_char == 0 else []
        for span in ents[1:]:
            if lead and CHAIN.match(headline[lead[-1].end_char: span.start_char]):
                lead.append(span)
        if len(lead) >= 2:
            return Found(self._entries(lead), headline[: lead[-1].end_char])
        return None

    _REPORT_NEAR = re.compile(r"(issued|released|adopted|published|unveiled|launched|signed|approved|endorsed|"
                              r"passed|enacted|announced|发布|印发|出台|通过|公布|发表|颁布|签署|發布|頒布|簽署|通過)",
                              re.IGNORECASE)

    def _stated_date(self, body: str, year: int | None) -> DateValue | None:
        """The date of a report's lead: in the first three sentences (later ones cite other
        documents), a date within 60 characters of a reporting verb, or one that opens or closes a
        sentence (or line) holding one (``On 25 June 2024, the Assembly … adopted …``, ``… announced the
        draft … on November 27, 2020.``); the page's first line may open with its date without a verb
        (``当地时间7月18日，…``). Never a date something takes effect or runs until."""
        lead = re.split(r"(?<=[.!?。！？])\s*", body[:800])[:3]
        for i, sentence in enumerate(line for lead_sentence in lead for line in lead_sentence.split("\n") if line.strip()):
            verbs = [m.start() for m in self._REPORT_NEAR.finditer(sentence)]
            for start, end, value in find_dates(sentence, year):
                if not value.month or TAKES_EFFECT.match(sentence[end:]) or RUNS_FROM.search(sentence[:start]):
                    continue
                opens = bool(SENTENCE_LEAD.fullmatch(sentence[:start]))
                closes = not sentence[end:].strip(" .。") and any(v < start for v in verbs)
                if any(abs(start - v) <= 60 for v in verbs) or (opens and (verbs or i == 0)) or closes:
                    return value
        return None
