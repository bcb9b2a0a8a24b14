"""govthemes as spaCy components: registered by entry point, serialisable, same clauses and themes.

The fresh-process tests run in a new virtual environment with the built wheel installed
(``tests/installed.py``): that is where a user's spaCy finds the components, by the
package's entry points, without importing anything of govthemes first.
"""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.language import Language

from pipeline.io.store import load_model
from pipeline.spacy_components import ThemeTagger
from pipeline.text.clean import Cleaner
from pipeline.text.segment import CJKRunTokenizer, Segmenter, SentenceEnds, make_nlp
from pipeline.themes.classify import DEFAULT_MODEL, tag_rows

from .conftest import RAW
from .installed import install

CLEANER = Cleaner()  # one cleaner for the module: it loads its models once

COMPONENTS = ["govthemes_clause_boundaries", "govthemes_sentence_ends", "govthemes_clauses", "govthemes_themes"]
ZH_CONFIG = {"nlp": {"tokenizer": {"@tokenizers": "govthemes.cjk_tokenizer.v1"}}}
EN_TEXT = ("Developers shall protect personal data and respect privacy.\n"
           "AI systems must be safe and secure; humans remain in control of critical decisions.\n"
           "1. Fairness: systems should not discriminate, b. decisions should be explainable.")
ZH_TEXT = "一、加强个人信息保护，防范数据泄露。\n二是坚持安全可控；确保人工智能系统可靠、可追溯。"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    return install(tmp_path_factory.getbasetemp() / "installed")


def passages(lang: str) -> list[str]:
    """The cleaned passages of the repository's sample pages in ``lang``, and a made-up one."""
    found = [p.text for path in sorted(RAW.glob("*.txt"))
             for p in CLEANER.clean(path.read_text(encoding="utf-8")).passages if p.lang == lang]
    return [*found, EN_TEXT if lang == "en" else ZH_TEXT]


@pytest.fixture(scope="module")
def model():
    return load_model(DEFAULT_MODEL)


def expected(model, texts: list[str], lang: str) -> list[list[list]]:
    """What the project's own job makes of ``texts``: per text, ``[clause text, themes]`` per clause."""
    out = []
    for clauses in Segmenter().segment(texts, [lang] * len(texts)):
        rows = tag_rows(model, [{"text": c.text} for c in clauses if not c.heading])
        out.append([[row["text"], row["labels"]] for row in rows])
    return out


BUILD_AND_SAVE = f"COMPONENTS = {COMPONENTS!r}" + """
import json, sys, spacy
found = {}
for lang, texts in json.loads(sys.argv[1]).items():
    config = {"nlp": {"tokenizer": {"@tokenizers": "govthemes.cjk_tokenizer.v1"}}} if lang == "zh" else {}
    nlp = spacy.blank(lang, config=config)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    found[lang] = [[[s.text, s._.themes] for s in doc.spans["clauses"]] for doc in nlp.pipe(texts)]
    nlp.to_disk(f"{sys.argv[2]}/pipeline-{lang}")
print(json.dumps(found))
"""

LOAD = """
import json, sys, spacy
found = {}
for lang, texts in json.loads(sys.argv[1]).items():
    nlp = spacy.load(f"{sys.argv[2]}/pipeline-{lang}")
    docs = list(nlp.pipe(texts))
    found[lang] = {"pipeline": nlp.pipe_names, "tokenizer": type(nlp.tokenizer).__name__,
                   "clauses": [[[s.text, s._.themes] for s in doc.spans["clauses"]] for doc in docs],
                   "scores": [[sorted(s._.theme_scores) for s in doc.spans["clauses"]] for doc in docs]}
print(json.dumps(found))
"""


def test_a_fresh_process_finds_every_component_and_the_tokenizer_by_name(installed):
    found = installed.python_json(f"COMPONENTS = {COMPONENTS!r}" + """
import json, spacy
nlp = spacy.blank("en")
nlp.add_pipe("govthemes_clause_boundaries")
zh = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govthemes.cjk_tokenizer.v1"}}})
for name in COMPONENTS:
    zh.add_pipe(name)
import pipeline
print(json.dumps({"en": nlp.pipe_names, "zh": zh.pipe_names, "tokenizer": type(zh.tokenizer).__name__,
                  "package": pipeline.__file__}))
""")
    assert found["en"] == ["govthemes_clause_boundaries"]
    assert found["zh"] == COMPONENTS
    assert found["tokenizer"] == "CJKRunTokenizer"
    assert found["package"].startswith(str(installed.venv))  # the wheel, not the checkout


def test_a_saved_user_pipeline_loads_in_a_new_process_with_the_same_clauses_and_themes(installed, model):
    texts = {lang: passages(lang) for lang in ("en", "zh")}
    made = installed.python_json(BUILD_AND_SAVE, json.dumps(texts), installed.workdir)
    loaded = installed.python_json(LOAD, json.dumps(texts), installed.workdir)
    themes = sorted(model.themes_)
    for lang in ("en", "zh"):
        assert loaded[lang]["pipeline"] == COMPONENTS
        assert loaded[lang]["tokenizer"] == ("CJKRunTokenizer" if lang == "zh" else "Tokenizer")
        assert loaded[lang]["clauses"] == made[lang]
        # the same clauses and themes as the project's own segmenter and model give
        assert made[lang] == expected(model, texts[lang], lang)
        assert sum(len(doc) for doc in made[lang]) >= 5
        assert any(given for doc in made[lang] for _, given in doc)
        assert all(keys == themes for doc in loaded[lang]["scores"] for keys in doc)  # a score for every theme
        # the pipeline carries its own copy of the model
        assert (installed.workdir / f"pipeline-{lang}" / "govthemes_themes" / "model").is_dir()


def test_every_component_declares_what_it_assigns():
    for name in COMPONENTS:
        assert Language.get_factory_meta(name).assigns, name
    nlp = spacy.blank("en")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    assert not any(nlp.analyze_pipes()["problems"].values())


def test_the_chinese_tokenizer_serialises_its_settings():
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "govthemes.cjk_tokenizer.v1",
                                                          "max_vocab": 50}}})
    assert isinstance(nlp.tokenizer, CJKRunTokenizer) and nlp.tokenizer.max_vocab == 50
    data = nlp.tokenizer.to_bytes()
    assert data
    other = CJKRunTokenizer(nlp.vocab)
    assert other.from_bytes(data).max_vocab == 50
    doc = other("人工智能应当安全可控。Fairness matters!")
    assert [t.text for t in doc] == ["人工智能应当安全可控", "。", "Fairness", "matters", "!"]


def test_a_pipeline_round_trips_through_bytes_with_the_same_clauses_and_themes(tmp_path):
    nlp = spacy.blank("zh", config=ZH_CONFIG)
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"punct_chars": ["。", "；"]} if name == "govthemes_sentence_ends" else {})
    doc = nlp(ZH_TEXT)
    before = [(s.text, s._.themes, s._.theme_scores) for s in doc.spans["clauses"]]
    again = spacy.blank("zh", config=ZH_CONFIG)
    for name in COMPONENTS:
        again.add_pipe(name)
    again.from_bytes(nlp.to_bytes())
    assert again.get_pipe("govthemes_sentence_ends").punct_chars == ["。", "；"]
    doc = again(ZH_TEXT)
    assert [(s.text, s._.themes, s._.theme_scores) for s in doc.spans["clauses"]] == before
    # "，" is not a clause end with these settings, "；" is
    assert [text for text, _, _ in before] == ["加强个人信息保护，防范数据泄露。", "二是坚持安全可控；", "确保人工智能系统可靠、可追溯。"]


def test_sentence_ends_restores_its_punctuation_from_disk(tmp_path):
    step = SentenceEnds(spacy.blank("en").vocab, ["!"])
    step.to_disk(tmp_path / "ends")
    other = SentenceEnds(spacy.blank("en").vocab, ["."]).from_disk(tmp_path / "ends")
    assert other.punct_chars == ["!"]


def test_the_theme_component_reads_the_model_named_in_its_config(tmp_path, model):
    missing = tmp_path / "no-model-here"
    nlp = make_nlp("en")
    nlp.add_pipe("govthemes_clauses")
    nlp.add_pipe("govthemes_themes", config={"model": str(missing)})
    tagger = nlp.get_pipe("govthemes_themes")
    assert isinstance(tagger, ThemeTagger)
    for attribute in dir(tagger):  # spaCy probes components' attributes (in hash order) when pipes are added
        getattr(tagger, attribute)  # none of them may read the model, which is missing
    with pytest.raises(Exception, match="no-model-here"):
        nlp(EN_TEXT)
    nlp.replace_pipe("govthemes_themes", "govthemes_themes", config={"model": str(DEFAULT_MODEL)})
    doc = nlp(EN_TEXT)
    assert [[s.text, s._.themes] for s in doc.spans["clauses"]] == expected(model, [EN_TEXT], "en")[0]


def test_the_segmenter_runs_its_components_through_nlp_pipe():
    texts = passages("en")
    segmenter = Segmenter(batch_chars=1)  # one passage a doc
    ran = []
    nlp = segmenter.nlp("en")
    original = nlp.pipe
    nlp.pipe = lambda docs, **kw: (ran.append(1), original(docs, **kw))[1]
    clauses = segmenter.segment(texts, ["en"] * len(texts))
    assert ran == [1]  # one call for all the passages of a language
    assert [[c.text for c in cs] for cs in clauses] == [[c.text for c in cs] for cs in Segmenter().segment(
        texts, ["en"] * len(texts))]
