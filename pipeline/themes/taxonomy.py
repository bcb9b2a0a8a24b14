"""The 14 themes of ANNOTATION.md §3 and the WAIE crosswalk, read from ``themes.json``.

Code, documentation and notebooks all read the themes from here; nothing else lists them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Theme:
    """One theme: its id, name, one-paragraph scope and cue terms in English and Chinese."""

    id: str
    name: str
    scope: str
    cues_en: tuple[str, ...]
    cues_zh: tuple[str, ...]

    @property
    def cues(self) -> tuple[str, ...]:
        return self.cues_en + self.cues_zh


@dataclass(frozen=True)
class Taxonomy:
    """The themes in their canonical order, and the crosswalk from WAIE's 17 principles."""

    version: str
    themes: tuple[Theme, ...]
    waie_crosswalk: dict

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def to_dict(self) -> dict:
        """The taxonomy as plain data, in the layout of ``themes.json`` (a model file stores it)."""
        return {"version": self.version,
                "themes": [{"id": t.id, "name": t.name, "scope": t.scope, "cues_en": list(t.cues_en),
                            "cues_zh": list(t.cues_zh)} for t in self.themes],
                "waie_crosswalk": {k: list(v) for k, v in self.waie_crosswalk.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> Taxonomy:
        """A taxonomy from plain data in the layout of ``themes.json``."""
        themes = tuple(Theme(t["id"], t["name"], t["scope"], tuple(t["cues_en"]), tuple(t["cues_zh"]))
                       for t in data["themes"])
        return cls(data["version"], themes, dict(data.get("waie_crosswalk", {})))

    def __getitem__(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(f"unknown theme '{theme_id}' (themes: {', '.join(self.ids)})")

    def cue_pattern(self, theme_id: str) -> re.Pattern:
        """A pattern that finds the cue terms of a theme in folded text (:func:`pipeline.fold.fold`).

        English cues match at a word start (``develop`` finds ``development``); Chinese cues
        match anywhere. Where cues overlap, the longest wins. The alternatives are folded
        into a trie (``dat(?:a(?: protection| security)?)``): the same matches as a plain
        alternation of the cues, longest first, many times faster.
        """
        theme = self[theme_id]
        from pipeline.text.fold import fold

        english = _trie_regex(sorted({fold(c) for c in theme.cues_en}))
        chinese = _trie_regex(sorted({fold(c) for c in theme.cues_zh}))
        parts = ([rf"\b(?:{english})"] if english else []) + ([f"(?:{chinese})"] if chinese else [])
        return re.compile("|".join(parts))


def _trie_regex(words: list[str]) -> str:
    """A regular expression matching any of ``words``, longest first, as a factored trie."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body  # a cue ends here; try the longer ones first

    return build(trie)


@cache
def load_taxonomy() -> Taxonomy:
    """The project's taxonomy (``pipeline/themes.json``)."""
    return Taxonomy.from_dict(json.loads(resources.files("pipeline.themes").joinpath("themes.json")
                                         .read_text(encoding="utf-8")))


THEMES = load_taxonomy().ids
