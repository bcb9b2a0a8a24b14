"""Attribution: issuer (canonical, through the gazetteer), document title and ISO date of a page.

The pages here are made up (no corpus text is copied); the last test scores real gold pages of
the shared corpus in place.
"""

from __future__ import annotations

import json

import pytest

from pipeline.text.attribution import Attributor, Gazetteer, is_title, line_fields, page_year, parse_date
from pipeline.text.clean import Cleaner


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


def page(cleaner, text):
    """The attribution of every passage of a made-up page, and the cleaner's removals."""
    cleaned = cleaner.clean(text)
    return [p.attribution for p in cleaned.passages], cleaned


@pytest.mark.parametrize("text, iso", [
    ("Published: 15:01, May 22, 2024", "2024-05-22"),
    ("Published : May 21, 2024 - 22:38", "2024-05-21"),
    ("人民日报2023-10-28 10:31", "2023-10-28"),
    ("发布时间:2022年3月1日", "2022-03-01"),
    ("Adopted 16 to 18 May 2019 in Beijing", "2019-05-16"),
    ("10 月30 日", None),  # no year on the line and none given: no ISO date
    ("September 2018", "2018-09"),
    ("發布日期：113年6月20日", "2024-06-20"),  # Taiwan's calendar
])
def test_dates_are_read_to_iso_with_their_words_kept(text, iso):
    value = parse_date(text)
    assert value is not None and value.iso == iso
    assert value.text in text


def test_a_month_day_dateline_takes_its_year_from_the_page(cleaner):
    attributions, _ = page(cleaner, "发布时间:2022-01-05 09:59 来源:某某日报\n"
                                    "新华社北京1月4日电 国家网信办等四部门近日联合发布《示例算法管理规定》，自2022年3月1日起施行。\n")
    (first,) = attributions
    # the page was posted on the 5th; the dateline dates the report, and takes its year from the page
    assert first["posted"] == "2022-01-05" and first["date"] == "2022-01-04" and first["date_text"] == "1月4日"
    assert first["source"] == "某某日报"
    assert first["issuer"] == "Cyberspace Administration of China" and first["issuer_type"] == "government"
    assert first["issuer_text"].startswith("国家网信办") and first["country"] == "CN"
    assert first["document"] == "示例算法管理规定"


def test_statement_date_and_posting_date_are_told_apart(cleaner):
    attributions, cleaned = page(cleaner, (
        "Freedonia adopts charter on machine ethics\n"
        "By Jane Roe in Freedonia City\n"
        "Published : May 24, 2024 - 22:38\n"
        "Photo: Example Agency\n"
        "The Freedonia Council for Digital Affairs adopted the Freedonia Charter on Machine Ethics on May 20, 2024.\n"
        "The charter asks providers to label generated content.\n"))
    first = attributions[0]
    assert first["date"] == "2024-05-20" and first["date_text"] == "May 20, 2024"
    assert first["posted"] == "2024-05-24"
    assert first["issuer"] == "Freedonia Council for Digital Affairs" and first["issuer_type"] == "government"
    assert first["document"] == "Freedonia Charter on Machine Ethics"
    kinds = {r.text: r.kind for r in cleaned.removals}
    assert kinds["By Jane Roe in Freedonia City"] == "attribution"
    assert kinds["Photo: Example Agency"] in ("attribution", "boilerplate")  # a credit: never a heading or content
    assert all(p.heading != "By Jane Roe in Freedonia City" for p in cleaned.passages)


def test_every_name_of_an_issuer_gives_the_same_canonical_issuer():
    gazetteer = Gazetteer.load()
    names = ["国家互联网信息办公室", "国家网信办", "中央网信办", "國家網信辦", "Cyberspace Administration of China", "CAC"]
    assert {gazetteer.lookup(n).id for n in names} == {"cac"}
    assert gazetteer.lookup("Freedonia Council for Digital Affairs") is None


def test_a_joint_statement_names_all_its_parties(cleaner):
    attributions, _ = page(cleaner, "中华人民共和国和法兰西共和国关于示例技术的联合声明\n"
                                    "双方同意加强对话与合作。\n")
    assert attributions[0]["issuer"] == "China; France"
    assert attributions[0]["country"] == "CN; FR"
    assert attributions[0]["document"] == "中华人民共和国和法兰西共和国关于示例技术的联合声明"


def test_issuers_reported_in_running_text():
    attributor = Attributor()
    found = attributor.reported_issuer("Officials said on Monday that the OECD and UNESCO released the guidance together.")
    assert [i.id for i in found.issuers] == ["oecd", "unesco"]
    found = attributor.reported_issuer("The ministers welcomed the text, the European Commission said in a statement.")
    assert [i.id for i in found.issuers] == ["european-commission"]
    found = attributor.reported_issuer("近日，工业和信息化部、公安部联合印发《示例管理办法》。")
    assert [i.id for i in found.issuers] == ["miit", "mps"]


def test_a_short_form_stands_for_its_full_title():
    attributor = Attributor()
    text = "会议审议通过了《示例生成式服务管理暂行办法》(以下简称《办法》)。《办法》明确了服务提供者的责任。"
    assert attributor.find_document(text) == "示例生成式服务管理暂行办法"


@pytest.mark.parametrize("text", ["declaration", "The Declaration", "Chapter 1. General Principles", "第一章 总则",
                                  "一、总体要求", "3. This Declaration", "By Jane Roe"])
def test_generic_words_and_section_headings_are_never_titles(text):
    assert not is_title(text)


def test_attribution_is_scored_against_gold_pages(statements_corpus):
    """Real gold pages, read in place: LAIP pages name issuer, document and date on their lines."""
    from pipeline.io.read import read_file
    from pipeline.measure.attribution_eval import default_matcher, score_page, summarise
    from pipeline.process import SegmentJob

    job = SegmentJob()
    pages = []
    for gold_path in sorted((statements_corpus / "gold").glob("laip-term-*.json"))[:6]:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        rows = list(job.run(read_file(statements_corpus / "raw" / gold["file"])))
        pages.append(score_page(gold, rows, default_matcher()))
    figures = summarise(pages)["all"]
    for field in ("issuer", "document", "date"):
        assert figures[field]["gold"] >= 4
        assert figures[field]["found"] >= figures[field]["gold"] - 1, field


def test_issuer_names_match_whole_tokens_and_the_longest_name_wins():
    attributor = Attributor()
    ents, reported = attributor.issuer_spans(
        "The OECD's council met; OECD.AI hosts the data. The Standing Committee of the National "
        "People's Congress adopted it, and the European\nCommission did not.")
    assert [(e.text, e.issuer_id) for e in ents] == [
        ("OECD", "oecd"), ("Standing Committee of the National People's Congress", "npcsc")]
    assert [e.issuer_id for e in reported] == ["npcsc"]
    # Traditional characters match through the Simplified form; offsets are those of the text
    text = "昨日，全國人民代表大會常務委員會通過了示例法。"
    ents, reported = attributor.issuer_spans(text)
    assert [(e.issuer_id, text[e.start_char:e.end_char]) for e in ents] == [("npcsc", "全國人民代表大會常務委員會")]
    assert [e.issuer_id for e in reported] == ["npcsc"]


@pytest.mark.parametrize("line, fields", [
    ("科技视界 |  2031-04-07 09:00:00", {"posted": "2031-04-07"}),
    ("新闻来源: 示例日报 浏览次数:时间:2031-03-17", {"posted": "2031-03-17", "source": "示例日报"}),
    ("2031-01-15新闻资讯", {"posted": "2031-01-15"}),
    ("Share this page", {}),
])
def test_an_attribution_line_no_grammar_reads_still_gives_its_date_and_outlet(line, fields):
    assert line_fields(line) == fields


# A made-up news page whose date stands on a line of its own that no grammar reads: whether the
# line model takes it for attribution or for furniture, it dates the page.
DATED_HEADER_PAGE = """示例市发布人工智能产业扶持办法
首页 > 新闻中心 > 政务要闻
科技视界 |  2031-04-07 09:00:00
示例市人民政府近日印发《示例市人工智能产业扶持办法》，提出到2033年建成一批应用场景。
办法明确，对符合条件的企业给予研发补助。
办法还要求各区建立工作协调机制。
责任编辑：王某
"""


def test_a_date_line_the_line_model_takes_for_attribution_dates_the_page(cleaner):
    attributions, cleaned = page(cleaner, DATED_HEADER_PAGE)
    assert all("2031-04-07" not in p.text for p in cleaned.passages)
    assert attributions and all(a["posted"] == "2031-04-07" and a["date"] == "2031-04-07" for a in attributions)


def test_a_dated_header_line_removed_as_furniture_still_dates_the_page():
    hand_rules = Cleaner(line_model=None)  # the share button makes the whole line furniture
    attributions, cleaned = page(hand_rules, DATED_HEADER_PAGE.replace("科技视界 |  2031-04-07 09:00:00",
                                                                       "2031-04-07 09:00 | 分享到微信"))
    assert [r.kind for r in cleaned.removals if "2031-04-07" in r.text] == ["boilerplate"]
    assert attributions and all(a["posted"] == "2031-04-07" for a in attributions)


def test_a_date_line_at_the_foot_of_the_page_dates_it(cleaner):
    attributions, _ = page(cleaner, (
        "Freedonia sets out rules for public-sector algorithms\n"
        "Home > News > Technology\n"
        "The Freedonia Office for Digital Services published the Freedonia Algorithm Register Guidelines.\n"
        "The guidelines ask every agency to list the automated systems it uses.\n"
        "Agencies must also publish an impact assessment for each system.\n"
        "03/14/2031\n"
        "Related content\n"))
    assert attributions and all(a["posted"] == "2031-03-14" for a in attributions)


def test_a_page_date_given_by_an_attribution_line_wins_over_furniture(cleaner):
    attributions, _ = page(cleaner, (
        "首页 > 新闻中心 > 2030-12-30 专题\n"
        "发布时间:2031-02-03 来源:示例日报\n"
        "示例省科技厅印发《示例省人工智能伦理指引》。\n"
        "指引要求研发机构设立伦理委员会。\n"))
    assert attributions and all(a["posted"] == "2031-02-03" for a in attributions)


def test_a_dateline_alone_is_the_pages_date(cleaner):
    attributions, _ = page(cleaner, "示例社北京3月9日电 示例省数据局近日发布《示例数据安全指引》。\n"
                                    "发布时间:2031-03-10 来源:示例日报\n"
                                    "指引要求平台每年开展一次安全评估。\n")
    first = attributions[0]
    assert first["posted"] == "2031-03-09" and first["date"] == "2031-03-09"


@pytest.mark.parametrize("text, iso", [
    # a date opening the lead sentence, far from its verb; a later sentence cites an older text
    ("On 25 June 2031, the 90th Session of the Freedonia General Assembly of Provinces adopted a resolution on "
     "machine learning.\nIt follows another one, adopted on 21 March 2031.\n", "2031-06-25"),
    # a date closing the sentence of the verb; a bullet before it names a later hearing
    ("- Public hearings will be held on December 7\nThe Freedonia Ministry of Digital Affairs announced the draft "
     "of the national guidelines for trustworthy machine learning systems, on November 27, 2030.\n", "2030-11-27"),
    # the page's first line opens with the day of the event, with no reporting verb
    ("当地时间7月18日，示例理事会举行主题为人工智能与和平的高级别公开会。\n会议由示例国主持。\n", "2031-07-18"),
])
def test_the_date_of_a_reports_lead_is_the_statements_date(cleaner, text, iso):
    attributions, _ = page(cleaner, "发布时间:2031年07月30日 来源:示例新闻网\n" + text)
    assert attributions[0]["date"] == iso and attributions[0]["posted"] == "2031-07-30"


def test_a_date_something_takes_effect_is_not_the_statements_date(cleaner):
    attributions, _ = page(cleaner, "Posted: March 3, 2031\n"
                                    "The Freedonia Data Office published rules that take effect from January 1, 2032.\n"
                                    "Providers must register their systems.\n")
    assert attributions[0]["date"] == "2031-03-03"


def test_an_attribution_line_whose_rule_does_not_read_its_date_still_gives_it(cleaner):
    attributions, _ = page(cleaner, "作者:佚名 日期:2031年04月13日 来源:示例日报\n"
                                    "示例省网信办日前公布《示例服务管理办法》。\n办法要求服务提供者标注生成内容。\n")
    assert attributions[0]["posted"] == "2031-04-13"


def test_a_news_dateline_gives_its_month_day_with_the_year_named_before_it(cleaner):
    attributions, _ = page(cleaner, "示例财经5月12日讯(编辑某某) 2031年示例峰会5月10日至11日在示例市举行，"
                                    "与会方发表《示例宣言》。\n宣言提出，2029年以前各方应当加强合作。\n")
    assert attributions[0]["posted"] == "2031-05-12"
    assert attributions[0]["date"] == "2031-05-10"


@pytest.mark.parametrize("texts, year", [
    (["2031年示例峰会8月31日在示例市举行"], 2031),  # a bare year before the month-day
    (["8月31日，示例大会开幕。2017年以来，示例学会发布了多份报告"], None),  # a year after it is another's
    (["2031", "示例规定自2032年1月20日起施行"], 2032),  # a year with its month wins over a bare one
])
def test_the_year_of_a_page(texts, year):
    assert page_year(texts) == year


def test_a_range_of_days_reads_as_its_first_day():
    value = parse_date("11月29-30日，示例大会在示例市举行", 2031)
    assert value.iso == "2031-11-29" and value.text == "11月29-30日"


FILLER = ("Experts say the guidance matters for hospitals and schools across the region, and for the many "
          "small firms that build software for them. ")


def test_without_a_reporting_phrase_the_institution_of_the_lead_is_taken(cleaner):
    attributions, _ = page(cleaner, "The Freedonia Data Protection Authority set out guidance for chatbots on Tuesday.\n"
                                    + FILLER + "\n")
    assert attributions[0]["issuer"] == "Freedonia Data Protection Authority"


def test_an_institution_named_only_after_the_lead_is_not_taken_for_the_issuer(cleaner):
    attributions, _ = page(cleaner, "Guidance for chatbots in public services takes shape.\n" + FILLER
                                    + "The Freedonia Ministry of Ports hosted a meeting on the topic.\n")
    assert attributions[0]["issuer"] is None


def test_a_state_in_the_lead_is_not_taken_when_an_institution_is_named_further_on(cleaner):
    attributions, _ = page(cleaner, "France welcomed a new set of rules for chatbots in public services.\n" + FILLER
                                    + "The Freedonia Ministry of Ports hosted a meeting on the topic.\n")
    assert attributions[0]["issuer"] is None
    attributions, _ = page(cleaner, "France welcomed a new set of rules for chatbots in public services.\n" + FILLER)
    assert attributions[0]["issuer"] == "France"


def test_a_headline_institution_the_text_never_names_is_not_taken(cleaner):
    attributions, _ = page(cleaner, "Freedonia Council for Ports Discusses Chatbot Rules\n\n"
                                    "Guidance for chatbots in public services takes shape.\n" + FILLER + "\n")
    assert attributions[0]["issuer"] is None


def test_a_title_named_only_after_the_lead_without_a_reporting_verb_is_not_the_document(cleaner):
    cited = "The guidance follows the Freedonia Charter on Machine Ethics and asks for human review.\n"
    attributions, _ = page(cleaner, "Guidance for chatbots in public services takes shape.\n" + FILLER + FILLER + cited)
    assert attributions[0]["document"] is None
    attributions, _ = page(cleaner, cited + FILLER + FILLER)  # the same title in the lead
    assert attributions[0]["document"] == "Freedonia Charter on Machine Ethics"


def test_a_headline_title_the_text_never_names_gives_way_to_the_texts(cleaner):
    body = ("The Freedonia Robotics Board set out the Freedonia Charter for Safe Service Robots on Monday.\n"
            "The charter asks makers to test every robot before sale.\n")
    attributions, _ = page(cleaner, "Robot Safety Charter Takes Shape in Freedonia\n\n" + body)
    assert attributions[0]["document"] == "Freedonia Charter for Safe Service Robots"
    attributions, _ = page(cleaner, "Freedonia Charter for Safe Service Robots Takes Shape\n\n" + body)
    assert attributions[0]["document"] == "Freedonia Charter for Safe Service Robots"


@pytest.mark.parametrize("text, issuer", [
    ("示例市数据局近日发布《示例数据指引》。", "示例市数据局"),
    ("会上，一个新的测试平台公司发布了示例工具。", None),  # a count before the words: not a name
    ("示例议员表示，建议特区政府制定示例规划。", None),  # a verb before the words: not a name
    ("会议指出，市政府发布示例方案。", None),  # a bare generic name: which government is not said
])
def test_unknown_chinese_issuers_are_names_not_phrases(text, issuer):
    found = Attributor().reported_issuer(text) or Attributor().first_issuer(text)
    assert (found.text if found else None) == issuer


def test_a_title_a_reporting_verb_introduces_after_the_lead_is_a_recalled_one(cleaner):
    recalled = "早在三年前，示例部就曾发布《示例数据安全管理办法》。\n"
    lead = "示例大会近日在示例市举行，与会者围绕人工智能安全展开讨论。" * 12 + "\n"
    attributions, _ = page(cleaner, lead + recalled)
    assert attributions[0]["document"] is None
    attributions, _ = page(cleaner, recalled + lead)
    assert attributions[0]["document"] == "示例数据安全管理办法"


def test_a_headline_issuer_must_be_named_in_the_text_as_a_whole_word():
    attributor = Attributor()
    un = attributor.first_issuer("UN agency warns on algorithms")
    assert [i.id for i in un.issuers] == ["un"]
    assert not attributor._named_in(un, "The ministers met under the new rules.")  # 'un' of 'under'
    assert attributor._named_in(un, "The ministers met at the UN to adopt the rules.")
