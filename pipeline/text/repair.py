"""Repair of encoding debris (ANNOTATION.md §1), one line at a time.

Every repair returns the repaired line and the list of edits it made, so that the cleaner can
report each removed or changed span (``govthemes clean --explain``). Repairs never drop a
character of content: they remove inserted glosses, fix mis-decoded text and normalise spaces.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy

from pipeline.text.patterns import PINYIN_GLOSS

#: ``??`` (or ``?``) standing where a full-width indent space was lost, before CJK text.
LOST_INDENT = re.compile(r"^(\s*)\?{1,4}(?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“《（(0-9])")
#: Control characters other than tab and newline, soft hyphens, zero-width characters, BOM.
INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2060\ufeff]")
#: Space-like characters that become an ordinary space.
ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
#: Characters typical of UTF-8 read as Latin-1/Windows-1252.
MOJIBAKE_HINT = re.compile(r"[ÃÂâäåæçèéï][\x80-\xbf\u0152-\u0178\u2018-\u203a€™]")


@dataclass(frozen=True)
class Edit:
    """One repair: ``text`` at ``start`` of the original line was replaced by ``new``."""

    start: int
    text: str
    new: str
    reason: str


def _sub(pattern: re.Pattern, line: str, reason: str, new: str, edits: list[Edit]) -> str:
    if not pattern.search(line):
        return line
    out, last = [], 0
    for m in pattern.finditer(line):
        if m.group(0) == new:
            continue
        edits.append(Edit(m.start(), m.group(0), new, reason))
        out.append(line[last : m.start()])
        out.append(new)
        last = m.end()
    out.append(line[last:])
    return "".join(out)


def repair_line(line: str) -> tuple[str, list[Edit]]:
    """Return ``line`` with its encoding debris repaired, and the edits made.

    The positions of later edits refer to the line as left by earlier ones; they serve an
    audit trail, not offset arithmetic. Repairs are applied until nothing changes (removing a
    control character can reveal mojibake), so repairing a repaired line changes nothing.
    """
    edits: list[Edit] = []
    for _ in range(4):
        before = len(edits)
        line = _repair_once(line, edits)
        if len(edits) == before:
            break
    return line, edits


def _repair_once(line: str, edits: list[Edit]) -> str:
    if MOJIBAKE_HINT.search(line):
        fixed = ftfy.fix_encoding(line)
        if fixed != line:
            edits.append(Edit(0, line, fixed, "mojibake"))
            line = fixed
    line = _sub(INVISIBLE, line, "control or invisible character", "", edits)
    line = _sub(ODD_SPACES, line, "odd space", " ", edits)
    if "(" in line:
        line = _sub(PINYIN_GLOSS, line, "pinyin gloss", "", edits)
    if "?" in line:
        m = LOST_INDENT.match(line)
        if m:
            lost = line[m.end(1) : m.end()]
            edits.append(Edit(m.end(1), lost, "", "lost indent"))
            line = line[: m.end(1)] + line[m.end() :]
    if not line.isascii():
        normal = unicodedata.normalize("NFC", line)
        if normal != line:
            edits.append(Edit(0, line, normal, "unicode normalisation"))
            line = normal
    return line


def repair_text(text: str) -> str:
    """Repair every line of ``text`` (see :func:`repair_line`)."""
    return "\n".join(repair_line(line)[0] for line in text.split("\n"))
