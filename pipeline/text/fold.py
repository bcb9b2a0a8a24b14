"""The form of a text that the classifier's features are read from (:func:`fold`).

Clauses keep their exact text everywhere else; only features see the folded form, so that
spellings of one word count as one:

* compatibility forms unified (Unicode NFKC: full-width ``ＡＩ``, ``５Ｇ`` and ``（`` are ``AI``,
  ``5G`` and ``(``), then lower case;
* pinyin glosses that converters insert after a character are dropped (``發(fā)展`` ->
  ``發展``; :data:`pipeline.text.patterns.PINYIN_GLOSS`, the cleaner's own rule). Clauses that went
  through the cleaner have none left, but annotated corpora keep them as the pages had them;
* Chinese in Traditional characters becomes Simplified (OpenCC's ``t2s``: ``應對風險`` ->
  ``应对风险``), so that the two printings of one statement give the same features. Half of the
  Chinese clauses in the shared corpus are Traditional: without this, they and the Simplified
  half share almost no character n-grams. Only text that holds a Traditional character is
  converted: ``t2s`` leaves Simplified text as it is anyway, and skipping it is 10 times faster.
  (OpenCC's ``tw2sp`` would also turn Taiwan word forms into mainland ones, ``人工智慧`` ->
  ``人工智能``, but it rewrites mainland words too, ``建立`` -> ``创建``, ``核心`` -> ``内核``, so that
  two printings of one sentence would no longer match; measured, it scored no better.)

ASCII text is only lower-cased.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pipeline.text.patterns import CJK_CHAR, PINYIN_GLOSS


@cache
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _traditional() -> re.Pattern:
    """A character class of every CJK character that ``t2s`` changes (built once per process,
    by converting all the CJK characters in one call: about 50 ms)."""
    chars = [ch for ch in map(chr, range(0x3400, 0xFB00)) if CJK_CHAR.match(ch)]
    simplified = _to_simplified().convert("\n".join(chars)).split("\n")
    return re.compile("[" + "".join(re.escape(a) for a, b in zip(chars, simplified, strict=True) if a != b) + "]")


def fold(text: str) -> str:
    """``text`` in NFKC, lower-cased, without pinyin glosses, Chinese in Simplified characters."""
    if text.isascii():  # most English clauses: nothing but the case to fold
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if CJK_CHAR.search(text) is None:
        return text
    text = PINYIN_GLOSS.sub("", text)
    return _to_simplified().convert(text) if _traditional().search(text) else text
