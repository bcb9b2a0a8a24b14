"""The form of a text that the classifier's features are read from (:func:`fold`).

Clauses keep their exact text everywhere else; only features see the folded form, so that
spellings of one word count as one:

* compatibility forms unified (Unicode NFKC: full-width ``ＡＩ``, ``５Ｇ`` and ``（`` are ``AI``,
  ``5G`` and ``(``), then lower case;
* pinyin glosses that converters insert after a character are dropped (``發(fā)展`` ->
  ``發展``; :data:`pipeline.repair.PINYIN_GLOSS`, the cleaner's own rule). Clauses that went
  through the cleaner have none left, but annotated corpora keep them as the pages had them;
* Chinese in Traditional characters, with Taiwan and Hong Kong word forms, becomes Simplified
  Chinese with mainland word forms (OpenCC's ``tw2sp``: ``人工智慧發展`` -> ``人工智能发展``,
  ``資訊`` -> ``信息``). Half of the Chinese clauses in the shared corpus are Traditional: without
  this, they and the Simplified half share almost no character n-grams.

Text without CJK characters is only NFKC-normalised and lower-cased.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from .repair import PINYIN_GLOSS

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@cache
def _to_simplified():
    import opencc

    return opencc.OpenCC("tw2sp")


def fold(text: str) -> str:
    """``text`` in NFKC, lower-cased, without pinyin glosses, Chinese in Simplified characters."""
    if text.isascii():  # most English clauses: nothing but the case to fold (0.5 µs instead of 3)
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.lower()
    if _CJK.search(text) is None:
        return text
    return _to_simplified().convert(PINYIN_GLOSS.sub("", text))
