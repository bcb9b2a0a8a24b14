"""Scoring attribution (issuer, document, date) against the gold files of a statement corpus.

For each gold page and field, the page counts when the gold names a value and some clause row
of the page carries the same one:

* issuer: the same gazetteer entry (any of its names, so ``国家网信办`` is ``Cyberspace
  Administration of China``; for a joint statement, one shared party is enough), or the same
  words up to case, spacing, punctuation and Traditional/Simplified characters, one containing
  the other when the shorter is at least half the longer;
* document: the same title so folded (short parenthetical glosses such as ``(AI)`` dropped,
  ``Artificial Intelligence`` read as ``AI``), the output containing the gold's, the gold's
  containing an output at least half its length (a short form), or the two at least 85 %
  alike (difflib's ratio);
* date: the same day, or the same month or year where that is all the gold has (the gold's
  date read with the same date reader; a gold date without a year is compared on month and
  day, also against the output's ``date_text``). A gold date the reader cannot read
  (``Thursday``) is compared as words with ``date_text``. The output's ``date`` and ``posted`` both count, since the gold records the
  page's posting date where the page gives no other.

A value is *wrong* when a clause row carries a value for a field that matches none of the gold
values of the passage the clause belongs to (clauses are matched to gold passages by their
text), where that gold passage names one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from pipeline.text.attribution import Attributor, DateValue, name_key, parse_date
from pipeline.text.repair import repair_text

FIELDS = ("issuer", "document", "date")


def _key(text: str) -> str:
    return name_key(repair_text(text))


def _title_key(text: str) -> str:
    """A title's key, without short parenthetical glosses (``(AI)``) and with ``AI`` for
    ``Artificial Intelligence``."""
    text = re.sub(r"\s*[(（][^()（）]{1,8}[)）]", "", repair_text(text))
    return name_key(re.sub(r"artificial\s+intelligence", "AI", text, flags=re.IGNORECASE))


def _contains(a: str, b: str, ratio: float = 0.5) -> bool:
    """``a`` and ``b`` (keys) are the same, or one holds the other and is at least ``ratio`` of it."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) >= ratio * len(long_)


def _parts(value: str | None) -> list | None:
    """``[year, month, day]`` (None where not given) of an ISO date, or of a date as text."""
    if not value:
        return None
    if re.fullmatch(r"\d{4}(?:-\d\d){0,2}", value):
        parts = [int(x) for x in value.split("-")]
        return parts + [None] * (3 - len(parts))
    read = parse_date(value)
    return [read.year, read.month, read.day] if read else None


class Matcher:
    """Whether an output value is 'the same' as a gold value, per field (see the module docstring)."""

    def __init__(self, attributor: Attributor):
        self.attributor = attributor
        self._canon: dict[str, frozenset] = {}

    def issuers_of(self, text: str) -> frozenset:
        if text not in self._canon:
            parts = [p for p in re.split(r";\s*", text) if p.strip()]
            ids = set()
            for part in parts:
                ids.update(i.id for i in self.attributor.resolve_issuer(part).issuers)
            self._canon[text] = frozenset(ids)
        return self._canon[text]

    def issuer(self, gold: str, out: str) -> bool:
        if self.issuers_of(gold) & self.issuers_of(out):
            return True
        return _contains(_key(gold), _key(out))

    @staticmethod
    def document(gold: str, out: str) -> bool:
        g, o = _title_key(gold), _title_key(out)
        if not (g and o):
            return False
        return g == o or g in o or (o in g and len(o) >= 0.5 * len(g)) or SequenceMatcher(None, g, o).ratio() >= 0.85

    @staticmethod
    def date(gold: str, row: dict) -> bool:
        value: DateValue | None = parse_date(gold)
        if value is None or value.month is None and value.year is None:
            text = row.get("date_text") or ""
            return bool(text) and _contains(_key(gold), _key(text), 0.0)
        outputs = [row.get("date"), row.get("posted")]
        if value.year is None:  # the gold has no year: the output's words may have none either
            outputs.append(row.get("date_text"))
        for out in outputs:
            parts = _parts(out)
            if parts is None:
                continue
            if value.year is not None and parts[0] != value.year:
                continue
            if value.month is not None and parts[1] != value.month:
                continue
            if value.day is not None and parts[2] != value.day:
                continue
            return True
        return False

    def same(self, name: str, gold: str, row: dict) -> bool:
        if name == "date":
            return self.date(gold, row)
        out = row.get(name)
        if not out:
            return False
        return self.issuer(gold, out) if name == "issuer" else self.document(gold, out)


@cache
def default_matcher() -> Matcher:
    """The scorer's matcher: the whole gazetteer, whatever the system under test was given."""
    return Matcher(Attributor())


@dataclass
class PageAttribution:
    """One page's attribution scores: per field, whether the gold names one, whether the output
    has it, and the wrong values the output gave."""

    file: str
    lang: str
    gold: dict = field(default_factory=dict)  # field -> gold values of the page
    found: dict = field(default_factory=dict)  # field -> bool
    wrong: dict = field(default_factory=dict)  # field -> [(output value, gold value)]
    output: dict = field(default_factory=dict)  # field -> output values of the page


def _passage_of(gold: dict, text: str) -> dict | None:
    """The gold passage whose clauses hold ``text`` (up to spacing), else None."""
    key = "".join(repair_text(text).split())
    for passage in gold["passages"]:
        for clause in passage["clauses"]:
            c = "".join(repair_text(clause).split())
            if c and (c == key or (len(key) >= 10 and (key in c or c in key))):
                return passage
    return None


def score_page(gold: dict, rows: list[dict], matcher: Matcher) -> PageAttribution:
    """Score the attribution of one page's clause ``rows`` against its ``gold``."""
    page = PageAttribution(gold["file"], gold.get("lang", "?"))
    for name in FIELDS:
        values = list(dict.fromkeys(p["attribution"][name] for p in gold["passages"] if p["attribution"].get(name)))
        page.gold[name] = values
        out_key = "date" if name == "date" else name
        page.output[name] = list(dict.fromkeys(r.get(out_key) for r in rows if r.get(out_key)))
        page.found[name] = bool(values) and any(matcher.same(name, g, r) for g in values for r in rows)
        page.wrong[name] = []
    for row in rows:
        passage = _passage_of(gold, row["text"])
        if passage is None:
            continue
        for name in FIELDS:
            gold_value = passage["attribution"].get(name)
            if gold_value and row.get(name) and not matcher.same(name, gold_value, row):
                pair = (row[name], gold_value)
                if pair not in page.wrong[name]:
                    page.wrong[name].append(pair)
    return page


def summarise(pages: list[PageAttribution]) -> dict:
    """Per language and overall: for each field, pages whose gold names one, pages found, and
    pages with a wrong value."""

    def figures(ps: list[PageAttribution]) -> dict:
        out = {"pages": len(ps)}
        for name in FIELDS:
            named = [p for p in ps if p.gold.get(name)]
            out[name] = {"gold": len(named), "found": sum(p.found[name] for p in named),
                         "wrong": sum(bool(p.wrong[name]) for p in ps)}
        return out

    summary = {"all": figures(pages)}
    for lang in sorted({p.lang for p in pages}):
        summary[lang] = figures([p for p in pages if p.lang == lang])
    return summary


def format_table(summary: dict, title: str = "") -> list[str]:
    """The summary as lines of text: ``found / gold (share)`` and wrong pages per field."""
    lines = [f"attribution{(' ' + title) if title else ''}: pages whose gold names one where the output has the same one"]
    lines.append(f"{'':4} {'pages':>5} " + " ".join(f"{n:>22}" for n in FIELDS) + f" {'wrong (i/d/d)':>16}")
    for name, f in summary.items():
        cells = []
        for n in FIELDS:
            g, h = f[n]["gold"], f[n]["found"]
            cells.append(f"{h:>6d} / {g:<4d} ({100 * h / g if g else 0:5.1f} %)")
        wrong = "/".join(str(f[n]["wrong"]) for n in FIELDS)
        lines.append(f"{name:4} {f['pages']:5d} " + " ".join(f"{c:>22}" for c in cells) + f" {wrong:>16}")
    return lines


def misses(pages: list[PageAttribution]) -> list[str]:
    """Lines for ``--errors``: per page, the fields the output missed and the wrong values."""
    out = []
    for p in pages:
        items = []
        for name in FIELDS:
            if p.gold[name] and not p.found[name]:
                items.append(f"  {name} missed: gold {p.gold[name][:3]} output {p.output[name][:3]}")
            for got, want in p.wrong[name]:
                items.append(f"  {name} wrong: {got!r} where gold says {want!r}")
        if items:
            out.append(f"== {p.file} (attribution)")
            out.extend(items)
    return out

