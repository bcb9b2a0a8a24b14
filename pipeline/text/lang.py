"""The language of a text, as the cleaner, the segmenter and the annotation tools tell it."""

from __future__ import annotations

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
