"""The interactive report: one self-contained page, checked in a real headless Chromium.

The browser tests need Debian's ``chromium`` and ``chromium-driver`` (``apt-get install -y chromium
chromium-driver``; .ci/run installs them) and skip, saying so, without them.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.annotate.records import label_matrix, load_annotations
from pipeline.explore.report import write_report
from pipeline.explore.tables import load_processed
from pipeline.io.store import save_model
from pipeline.themes.model import ThemeClassifier, compact
from pipeline.themes.taxonomy import load_taxonomy

from .conftest import RAW, ROOT, invoke

THEMES = load_taxonomy().ids
SEEDS = ROOT / "data" / "processed" / "annotations" / "seeds.jsonl"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1400,1000")


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """The sample pages labelled by a model trained on the sample annotations, and its report."""
    root = tmp_path_factory.mktemp("report")
    ds = load_annotations([SEEDS])
    model = ThemeClassifier(threshold_folds=0).fit(list(ds["text"]), label_matrix(ds["labels"]))
    save_model(compact(model), root / "model", {"name": "sample"})
    invoke("label", RAW, "-o", root / "clauses.parquet", "--model", root / "model", "--workers", 1)
    invoke("report", root / "clauses.parquet", "-o", root / "report.html", "--model", root / "model")
    return root


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven through chromedriver (selenium), with console logging."""
    if CHROMIUM is None or DRIVER is None:
        pytest.skip("no Chromium here: apt-get install -y chromium chromium-driver (Debian) to run the browser tests")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is a dev dependency: pip install -e '.[dev]'")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="govthemes-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> float:
    """Load ``path``; the seconds until its script has drawn every figure."""
    start = time.perf_counter()
    driver.get(path.resolve().as_uri())
    for _ in range(600):
        if driver.execute_script("return document.body && document.body.dataset.ready") == "1":
            return time.perf_counter() - start
        time.sleep(0.05)
    raise AssertionError(f"{path}: the page never finished drawing")


def errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def click_cell(driver, figure: str, column: int, row: int) -> None:
    """A real mouse click at the centre of a heatmap cell (or bar) of ``figure``."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", figure)
    for _ in range(200):  # drawn when it scrolls into view
        if driver.execute_script("return document.getElementById(arguments[0]).dataset.drawn", figure) == "1":
            break
        time.sleep(0.05)
    x, y = driver.execute_script("""
        const gd = document.getElementById(arguments[0]);
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
        return [box.left + xa._offset + xa.l2p(arguments[1]), box.top + ya._offset + ya.l2p(arguments[2])];""",
                                 figure, column, row)
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x), int(y)).click()
    actions.perform()


def shown(driver) -> tuple[int, str]:
    text = driver.find_element("id", "filter").text
    return int(re.match(r"(\d+) clauses", text).group(1)), driver.find_element("id", "clauses").text


def test_the_report_is_one_self_contained_page_with_chinese_as_chinese(labelled):
    page = (labelled / "report.html").read_text(encoding="utf-8")
    assert not list(labelled.glob("report_files"))
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import", page), "the page loads something from outside"
    clauses, _ = load_processed(labelled / "clauses.parquet")
    chinese = clauses.loc[clauses["lang"] == "zh", "text"].iloc[0]
    assert chinese in page  # as written, not \\u-escaped
    assert (labelled / "report.html").stat().st_size < 10e6


def test_a_click_on_a_cell_lists_the_clauses_behind_it_with_scores_and_terms(labelled, browser):
    open_page(browser, labelled / "report.html")
    assert errors(browser) == []
    clauses, _ = load_processed(labelled / "clauses.parquet")
    # the by-language heatmap: rows are languages in order, columns themes; pick a non-empty zh cell
    langs = sorted(clauses["lang"].dropna().unique())
    zh = clauses[clauses["lang"] == "zh"]
    theme = max(THEMES, key=lambda t: zh[t].sum())
    click_cell(browser, "by_lang", THEMES.index(theme), langs.index("zh"))
    count, listed = shown(browser)
    assert count == int(zh[theme].sum()) > 0
    first = zh[zh[theme]].iloc[0]
    assert first["text"] in listed  # Chinese, as Chinese
    assert re.search(rf"{theme} \d\.\d\d ← ", listed), "the theme's score and the terms that drove it"
    assert errors(browser) == []


def test_the_search_box_filters_by_text_theme_and_issuer(labelled, browser):
    from selenium.webdriver.support.ui import Select

    open_page(browser, labelled / "report.html")
    clauses, _ = load_processed(labelled / "clauses.parquet")
    browser.find_element("id", "search").send_keys("data")
    expected = clauses["text"].str.lower().str.contains("data", regex=False)
    assert shown(browser)[0] == int(expected.sum()) > 0
    Select(browser.find_element("id", "theme")).select_by_value(str(THEMES.index("privacy")))
    assert shown(browser)[0] == int((expected & clauses["privacy"]).sum())
    issuer = clauses.loc[expected & clauses["privacy"], "issuer"].dropna().iloc[0]
    Select(browser.find_element("id", "issuer")).select_by_visible_text(issuer)
    assert shown(browser)[0] == int((expected & clauses["privacy"] & (clauses["issuer"] == issuer)).sum())
    assert errors(browser) == []


def synthetic_clauses(labelled: Path, n: int, out: Path) -> Path:
    """``n`` distinct clauses: the labelled sample clauses repeated with numbered variants, spread
    over 200 documents and 40 issuers (for size and speed, not for meaning)."""
    rows = pd.read_parquet(labelled / "clauses.parquet")
    picks = rows.iloc[np.arange(n) % len(rows)].reset_index(drop=True)
    picks["text"] = [f"{t} ({i})" for i, t in enumerate(picks["text"])]
    picks["doc_id"] = [f"doc-{i % 200:03d}" for i in range(n)]
    picks["clause_id"] = [f"doc-{i % 200:03d}#c{i}" for i in range(n)]
    picks["issuer"] = [f"Issuer {i % 40}" for i in range(n)]
    picks.to_parquet(out)
    return out


def test_ten_thousand_clauses_stay_under_10_mb_and_load_in_chromium(labelled, browser, tmp_path):
    clauses = synthetic_clauses(labelled, 10_000, tmp_path / "clauses.parquet")
    page = write_report(clauses, tmp_path / "report.html")
    size = page.stat().st_size
    seconds = open_page(browser, page)
    again = open_page(browser, page)  # plotly.js compiled and cached by the browser
    print(f"10,000 clauses: {size / 1e6:.1f} MB, drawn in {seconds:.2f} s (first load), {again:.2f} s (again)")
    assert size < 10e6
    assert max(seconds, again) < 15, "far slower than the 2 s target even on a busy machine"
    assert errors(browser) == []
    browser.find_element("id", "search").send_keys("(9999)")
    assert shown(browser)[0] == 1


def test_the_terms_of_many_clauses_are_those_of_each_clause_alone(labelled):
    from pipeline.io.store import load_model

    model = load_model(labelled / "model")
    texts = list(pd.read_parquet(labelled / "clauses.parquet")["text"][:12])
    together = model.explain_many(texts, 3)
    assert together == [model.explain_many([t], 3)[0] for t in texts]
    assert any(e["terms"] for entries in together for e in entries if e["label"])


def test_clause_text_that_looks_like_the_page_is_shown_as_text(labelled, tmp_path):
    rows = pd.read_parquet(labelled / "clauses.parquet")
    hostile = "Quoted markup <!--CARD--> /*FONT*/ </script><script>window.pwned = 1</script> <!-- end"
    rows.loc[0, "text"] = hostile
    rows.to_parquet(tmp_path / "clauses.parquet")
    page = write_report(tmp_path / "clauses.parquet", tmp_path / "report.html").read_text(encoding="utf-8")
    assert "window.pwned" in page and "</script><script>window.pwned" not in page  # cannot close the script
    data = json.loads(re.search(r"const D = (\{.*?\});\n", page, re.DOTALL).group(1))
    assert hostile in json.dumps(data, ensure_ascii=False)  # the clause's own text, whole, as data
    assert page.count("<!--CARD-->") == 0  # the card filled in once, the clause's copy escaped
