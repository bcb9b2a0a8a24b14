"""The cleaner's knowledge of page furniture, as data: what is boilerplate, what is attribution.

Each rule is a compiled regular expression with the reason the cleaner reports when it fires.
Extend a list here (or pass extra rules to :class:`pipeline.clean.Cleaner`) to teach the cleaner
a new site; the rules follow ANNOTATION.md §1 and the gold files of the statements corpus.

The patterns the cleaner shares with other steps are here too: :data:`LIST_MARKER` (the
segmenter trims it from clauses), :data:`PINYIN_GLOSS` (repair removes it, the features'
``fold`` too) and :data:`CJK_CHAR`.
"""

from __future__ import annotations

import re

CJK = r"\u3400-\u9fff\uf900-\ufaff"
#: One Chinese character.
CJK_CHAR = re.compile(f"[{CJK}]")
#: An enumeration label at the start of a line: bullets, ``1.``, ``5.1.``, ``a.``, ``(i)``,
#: ``d)``, ``IV.``, ``一、``, ``（一）``, ``①``.
LIST_MARKER = re.compile(
    r"^(?:(?:[•·●□▪◆■\-–*ㅇ]|——)\s*)?"
    r"(?:\d{1,2}(?:\.\d{1,2})*(?:\.|\)|、|\s(?=[A-Z\u3400-\u9fff]))|\d{1,2}(?=[A-Z][a-z]{2})|\(\d{1,2}\)|（\d{1,2}）"
    r"|[a-zA-Z][.)](?=\s)|\([a-zA-Z]\)|\([ivxIVX]{1,5}\)|[IVX]{1,5}\.(?=\s)"
    r"|[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|[①-⑳]"
    r"|[•·●□▪◆■\-–*ㅇ](?=\s)|——)\s*"
)
#: A pinyin syllable with at least one tone mark, as some converters insert after a character:
#: ``聯(lián)`` -> ``聯``. Toneless syllables (``(xià)`` has one) are too ambiguous without a mark.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_GLOSS = re.compile(
    r"(?<=[\u3400-\u9fff])\((?=[a-zü]*[" + _TONED + r"])[a-zü" + _TONED + r"]{1,7}\)"
)
MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
)
#: A date as attribution lines write it: ``May 7, 2024``, ``2024-05-08``, ``2024年5月6日``.
DATE = (
    rf"(?:{MONTH}\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?,?\s+\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    r"|\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{4}|\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{4})"
)


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


#: Whole lines that are boilerplate: (reason, pattern searched in the stripped line). A rule
#: fires only on lines no longer than LONG_LINE characters (page furniture is short; content
#: that happens to say "share" or "WeChat" is not), except the rules in ANY_LENGTH.
LONG_LINE = 100
ANY_LENGTH = {"copyright notice", "contact line", "markup debris", "call to action", "cookie notice", "disclaimer"}
#: Copyright is also a topic of AI statements: lines that only mention it ("copyright mention")
#: are furniture when short, never when long.
BOILERPLATE_LINES: list[tuple[str, re.Pattern]] = [
    ("site section", _rx(r"^(related principles|相关原则|相關原則|相关文章|相關文章|頻道推薦|频道推荐|"
                         r"阅读排行|閱讀排行|最新信息|推薦展會|推荐展会|企業直播|企业直播|热门推荐|熱門推薦|"
                         r"read more|more|更多|advertisement|press releases|summary:?|brief|摘要|"
                         r"original source|support centre|基本介紹|基本介绍|政策全文|全文如下.*|"
                         r"以下是.{0,30}全(文)?|专栏:.*|專欄:.*|tags:.*|国际|國際|科技|法律|宣言|"
                         r"(\w+\s)?更多|現代英語:?|现代英语:?|移動端|移动端)$")),
    ("breadcrumb", _rx(r"^(home|首页|首頁)\s*(>|>>|»|›)")),
    ("breadcrumb", _rx(r"^(\S.{0,30}\s*(>|>>|»|›)\s*){2,}.{0,30}$")),
    ("breadcrumb", _rx(r"^\s*(>|>>)\s*\S")),
    ("editor line", _rx(r"^[(（【\[]?\s*(责任编辑|責任編輯|编辑|編輯|责编|責編|制作|發布者|发布者|编审|審核|审核)\s*[:：\s]")),
    ("editor line", _rx(r"^[(（]\s*(jq|完|end)\s*[)）]$")),
    #: a reprint prohibition or request (``未经许可,禁止转载``, ``如需转载…``); not any sentence saying 未经授权
    #: (``未經授權而下載他人之著作…`` argues about copyright)
    ("copyright notice", _rx(r"(?:未经|未經).{0,12}(?:不得|禁止|严禁|嚴禁|请勿|請勿).{0,10}(?:转载|轉載|复制|複製|摘编|摘編)"
                             r"|如(?:需|要|欲|有意愿|有意願).{0,2}(?:转载|轉載)")),
    ("disclaimer", _rx(r"(?:不构成|不構成|概不構成|不应视为|不應視為).{0,12}(?:投资|投資|财务|財務|法律).{0,4}(?:建议|建議|意见|意見)"
                       r"|免责声明|免責聲明|does not constitute (?:legal|investment|financial|professional) advice"
                       r"|not (?:be )?(?:construed|considered|treated) as (?:legal|investment|financial) advice")),
    ("app or social promotion", _rx(r"^(关注|關注)|搜\s*索")),
    ("paywall", _rx(r"free articles? left")),
    ("full-text announcement", _rx(r"^here is (an? )?english translation of")),
    ("site section", _rx(r"^(政策全文|內容解讀|内容解读)[,，]")),
    ("page counter", _rx(r"^(\d[\d,]*\s*(篇|次浏览|次瀏覽|人阅读|人閱讀)|(浏览量|瀏覽量|浏覽量|阅读量|閱讀量|浏览|瀏覽)[:：]?\s*\d*.*)$")),
    ("page counter", _rx(r"^(更新时间|更新時間)[:：]?\s*$")),
    ("comment widget", _rx(r"(^评论|已有\s*\d+\s*条评论)")),
    ("link", _rx(r"^(\S{0,20}https?://\S+|www\.\S+|!\[\]\(.*\)|详细→.*)$")),
    ("link", _rx(r"^(下一篇|上一篇|上一條|下一條|关键词|關鍵詞)[:：]")),
    ("markup debris", _rx(r"(<\s*/?\s*(strike|bdo|sup|center|input|menu|span|div|a)\b[^>]*>|\{!!.*!!\})")),
    ("page break", re.compile(r"^(?:[-–—]\s*\d{1,4}\s*[-–—]|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
                              r"|第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?|\d{1,4}\s*/\s*\d{1,4})$", re.IGNORECASE)),
    ("table of contents", re.compile(r"(…{3,}|\.{6,}|-\s\d+\s-)")),
    ("language menu", re.compile(
        r"^(?:(?:English|中文|简体中文|簡體中文|繁體中文|繁体中文|简体|簡體|繁體|繁体|Français|Español|Deutsch|Русский|العربية|日本語|한국어|"
        r"Português|Italiano|EN|ZH|FR|ES|DE|RU|AR|JA|KO|PT|CN|TC|SC)\s*(?:[|/·•,，]\s*|\s+|$)){2,}$")),
    ("related link", _rx(r"^[\[【(（]?\s*(also read|read also|see also|related( articles?| stories| news| posts?| links?)?\s*[:：]|"
                         r"recommended( reading)?\s*[:：]|you may also like|more from|延伸阅读|延伸閱讀|相关阅读|相關閱讀|"
                         r"推荐阅读|推薦閱讀|相关新闻|相關新聞|相关链接|相關鏈接|相關連結)")),
    ("photo caption", _rx(r"^[\[【(（]?\s*(photo|photograph|image|picture|pic|credit|illustration|图片|圖片|图为|圖為|"
                          r"摄影|攝影|图/|圖/|图：|圖：|图:|圖:)\s*(by\b|credits?\b|[:：/|]|来源|來源|source)")),
    ("symbols only", re.compile(rf"^[^\w{CJK}]{{1,12}}$")),
    #: the page inviting its reader to act (follow, subscribe, sign up, click, visit, learn more): a statement
    #: addresses its subjects, not the reader of a web page
    ("call to action", _rx(r"^[\[【(（]?\s*(?:please\s+)?(?:follow us|follow our (?:series|blog|page|channel|updates|news|"
                           r"coverage|podcast|newsletter|social)|subscribe (?:now|here|for\b|to\b.{0,40}\b(?:newsletters?|"
                           r"updates|alerts|mailing list|channel|podcast|blog|feed|events))|sign up|"
                           r"register (?:now|here|today)|click (?:here|to)|visit (?:our|us)|join (?:now|our (?:newsletter|"
                           r"mailing list|community|network|webinars?|events?))|learn more|"
                           r"read more|find out more|keep following|stay (?:tuned|up to date|informed)|contact us|"
                           r"book a demo|want to (?:learn|know|read) more|to (?:view|read|see) more|"
                           r"for more (?:details|information|news|updates),? (?:click|visit|go to))\b"
                           r"|\b(?:click here|book a demo|subscribe to our|follow us on|sign up for (?:our|the) (?:newsletter|updates)"
                           r"|please click|please (?:consider )?(?:enrol\w*|register\w*|subscrib\w*|sign\w* up) (?:now|here|today|"
                           r"below|for (?:a |an |our |the )?(?:free |new )?(?:account|newsletter|trial|updates|membership)))\b"
                           r"|请点击|請點擊|点击(?:阅读原文|下方|这里|此处|进入)|點擊(?:閱讀原文|下方|這裡|此處|進入)|欢迎关注|歡迎關注"
                           r"|扫描二维码|掃描二維碼|长按(?:识别|二维码)|長按(?:識別|二維碼)")),
    ("cookie notice", _rx(r"\b(?:we|this (?:web)?site|our (?:web)?site|site)\b[^.]{0,60}\buses? cookies\b"
                          r"|\b(?:our|this site's|the site's) cookies? (?:policy|settings|preferences|notice)\b"
                          r"|^\W*cookies? (?:policy|settings|preferences)\W*$|\baccept (?:all )?cookies\b")),
]

#: Lines holding any of these words (matched in the lower-cased line) are boilerplate. Plain
#: substring tests: much faster than the same words as a regular expression.
BOILERPLATE_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("breadcrumb", ("当前位置", "當前位置", "当前的位置", "當前的位置", "您的位置", "現在的位置", "现在的位置",
                    "正在阅读", "正在閱讀")),
    ("copyright notice", ("©", "all rights reserved", "版权所有", "版權所有", "郑重声明", "鄭重聲明", "如有侵权",
                          "如有侵權", "转载请", "轉載請", "如需转载", "如需轉載")),
    ("copyright mention", ("copyright", "版权声明", "版權聲明", "圖片版權", "图片版权", "版权归", "版權歸")),
    ("contact line", ("联系电话", "聯系電話", "聯繫電話", "联系邮箱", "聯系郵箱", "投稿邮箱", "投稿郵箱", "联系我们",
                      "聯系我們", "icp备", "icp備", "公网安备", "公網安備", "网站标识码", "網站標識碼", "主办单位",
                      "主辦單位", "技术支持", "上海网警")),
    ("app or social promotion", ("微信", "微博", "客户端", "客戶端", "扫码", "掃碼", "朋友圈", "分享", "qzone", "抖音",
                                 "app下载", "下载app", "官方微博", "关注@", "關注@", "share this", "follow us",
                                 "subscribe")),
    ("paywall", ("free trial", "start trial", "signup for a trial", "free member", "limited articles",
                 "unlimited access", "create an account", "continue reading")),
    ("full-text announcement", ("attaches the full text of",)),
    ("archive banner", ("you are viewing an archived web page", "loading media information",
                        "building peace in the minds", "all menu close")),
    ("comment widget", ("网友评论", "網友評論", "评论内容", "評論內容")),
]
ANY_LENGTH_WORDS = [(reason, words) for reason, words in BOILERPLATE_WORDS if reason in ANY_LENGTH]
ANY_LENGTH_LINES = [(reason, rule) for reason, rule in BOILERPLATE_LINES if reason in ANY_LENGTH]


#: Words of the spam link farms that some Chinese pages carry; two or more make a line spam.
SPAM_WORDS = re.compile(
    r"(国产|國產|精品|一区|二区|三区|無碼|无码|久久|日韩|日韓|欧美|歐美|黄色|黃色|成人|毛片|在线观看|"
    r"在線觀看|视频网站|(?<![A-Za-z])av(?![A-Za-z])|少妇|人妻|蜜臀|激情|裸体|黑丝|内射|福利网站|色窝|一级|三级|青娱乐|"
    r"(?<!\d)91(?!\d))", re.IGNORECASE
)

#: Attribution lines, with the named groups ``document``, ``issuer``, ``date``, ``source``.
#: ``after`` rules describe the passages before them (LAIP pages); ``before`` rules the
#: passages after them (news pages). Matched against the stripped, repaired line.
ATTRIBUTION_AFTER: list[re.Pattern] = [
    _rx(rf"^Principle:\s*(?P<document>.+?),\s*(?P<date>{DATE})(\s*\(unconfirmed\))?\s*$"),
    _rx(rf"^Published by\s+(?P<issuer>.+?)\s+in\s+(?P<document>.+?),\s*(?P<date>{DATE})\s*$"),
    _rx(r"^Published by\s+(?P<issuer>.+)$"),
    _rx(r"^Publisher:\s*(?P<issuer>.+)$"),
    _rx(rf"^原则\s*[:：]\s*(?P<document>.+?),\s*(?P<date>{DATE})\s*$"),
    _rx(rf"^原則\s*[:：]\s*(?P<document>.+?),\s*(?P<date>{DATE})\s*$"),
    _rx(rf"^由\s*(?P<issuer>.+?)\s+在\s+(?P<document>.+?)\s*(发表|發表)\s*,\s*(?P<date>{DATE})\s*$"),
    _rx(r"^作者\s*[:：]\s*(?P<issuer>[A-Za-z].+)$"),
]
ATTRIBUTION_BEFORE: list[re.Pattern] = [
    _rx(r'^The principle\s+["“](?P<document>.+?)["”]\s+has mentioned the topic\s+["“].+?["”]\s+in the following places:?$'),
    _rx(rf"^(发布时间|發布時間|發布時間|发布日期|發布日期|发布于|發布於|时间|時間|日期|date)\s*[:：]?\s*(?P<date>{DATE})"
        r"(?:[^来來\u3400-\u9fff]|星期.|周.|週.){0,40}?((来源|來源)\s*[:：]\s*(?P<source>.+?))?\s*$"),
    _rx(rf"^(?P<date>{DATE})\s*[\d:\s]*((来源|來源)\s*[:：]\s*(?P<source>.+?))?(\s+作者[:：].*)?\s*$"),
    _rx(r"^(来源|來源|来源于|來源於)\s*[:：]\s*(?P<source>.+)$"),
    _rx(r"^(作者|原标题|原標題|本文转自|本文轉自|網址|网址)\s*[:：].*$"),
    _rx(rf"^\((?P<source>Xinhua|AP|Reuters|AFP)\)\s*[\d:]+,\s*(?P<date>{DATE})$"),
    _rx(rf"^(ISSUED ON|Published|Updated|Last updated|Posted|Release date)\s*:?\s*(?P<date>(?:[\d:]+\s*,?\s*)?"
        rf"(?:{DATE}|\d\d/\d\d/\d{{4}})(?:\s*[-–|,]?\s*\d{{1,2}}:\d\d(?::\d\d)?(?:\s*[AP]M)?)?(?:\s*\(?[A-Z]{{2,4}}\)?)?)\s*$"),
    #: an outlet and a time stamp: ``人民日报2023-10-28 10:31``
    _rx(r"^(?P<source>[^\d\s:：,，。]{2,16}?)\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})\s+\d{1,2}:\d\d(?::\d\d)?$"),
    #: a byline: ``By Yang Han in Hong Kong``, ``By Jane Doe and John Roe | China Daily``
    re.compile(r"^By\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:and|&|,)\s*(?:[A-Z][\w.'’-]*\s*){1,4})*"
               r"(?:\s*(?:in|from)\s+[A-Z][\w .'’-]{1,30})?(?:\s*[|,]\s*[^|]{1,40})?$"),
    #: a photo credit: ``Photo: …``, ``(Photo/Xinhua)``, ``图片来源:…``
    _rx(r"^[(（]?\s*(?:photo|photograph|image|picture|credit|photo credit|图片来源|圖片來源|图源|圖源|摄影|攝影|"
        r"图\s*/|圖\s*/)\s*[:：/]?.{0,60}[)）]?$"),
    _rx(rf"^date\s+(?P<date>{DATE})[\d/:\s]*$"),
    _rx(r"^.{0,20}[〔\[]\d{4}[〕\]]\s*\d+\s*[号號]$"),
    _rx(r"^[(（]此件.{0,6}公開發布|此件.{0,6}公开发布|此件主動公開|此件主动公开[)）]$"),
    _rx(r"^[(（](此件.{0,8})[)）]$"),
    _rx(r"^(中文名|發布機構|发布机构|發布日期|发布日期|實施日期|实施日期)\s*[:：].*$"),
    _rx(r"^《\s*人民日[报報]\s*》.*版\s*[)）]?$"),
    _rx(r"^(Embassy Spokesperson|Spokesperson)\s*:?$"),
    _rx(rf"^Adopted\s+(?P<date>{DATE}|{MONTH}\s+\d{{4}})$"),
]
#: Attribution at the start of a content line: a dateline (``PARIS --``,
#: ``SHANGHAI, July 4 (Xinhua) --``, ``新华社北京12月27日电``, ``本报北京7月13日电(记者金歆)``).
DATELINE = re.compile(
    r"^(?:date\s+(?P<ddate>\d{4}-\d{1,2}-\d{1,2})[\d/:\s]*(?=[A-Z\u3400-\u9fff])|(?P<place>[A-Z][A-Z .'-]{2,40})(?:,\s*(?P<date>" + MONTH + r"\s+\d{1,2}))?"
    r"(?:\s*\((?P<source>Xinhua|AP|Reuters|AFP)\))?\s*(?:--|—|–)\s*"
    r"|(?P<zsource>[^\s,,。]{0,24}?)[\u3400-\u9fff]{0,6}(?P<zdate>\d{1,2}月\d{1,2}日)[电電]\s*"
    r"(?:[(（][^)）]{0,40}[)）])?\s*"
    r"|(?P<news>[^\s,，。:：]{1,12}?\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:消息|讯|訊)(?:[(（][^)）]{0,20}[)）])?\s*[,，:：]?"
    r"|[(（][\u3400-\u9fff]{1,8}\d{1,2}日(?:讯|訊|电|電)[)）]|[\u3400-\u9fff]{1,6}(?:网|網)?消息\s*[:：]"
    r"|[\u3400-\u9fff]{2,5}[讯訊](?=\s)"
    r"|[A-Z][A-Z .'-]{2,40}\s*\([A-Za-z][\w .-]{1,20}\)\s*-)\s*)"
)
#: A news-style closing or opening byline inside a line: ``(记者金歆)``, ``(光明日报全媒体记者王金虎)来源:光明日报``.
BYLINE_LINE = re.compile(r"^[(（][^)）]{0,30}记者[^)）]{0,20}[)）](来源[:：].*)?$")
#: Inline reprint stamps and link titles at the end of a paragraph.
TRAILING_BOILERPLATE = re.compile(
    r"\s*(Read more|文章源自\S+|详细→\S*|\|\s*\S*(一区|二区|一码|二码|精华液|国产|精品)\S*|[(（](相關資料圖|相关资料图|完|jq|制作\s*\S{1,6})[)）])\s*$", re.IGNORECASE)
#: A speaker or section label before the text on the same line (``Question:``, ``导读:``).
LEADING_LABEL = re.compile(
    r"^((Question|Answer|Q|A|Embassy Spokesperson|Spokesperson|导读|導讀|摘要|核心提示)\s*[:：]"
    r"|【[^】]{1,40}】(#[^#]{1,40}#)?)\s*(?=\S)")
