"""The person at risk: ages, gender, height, clothing, distinguishing features and
health conditions, as the missing-person workflow reads them.

Every extractor reads folded text (same length as the original) and returns plain
JSON-ready values. The reporter is not the person at risk: ``我是他奶奶`` does not make
the missing child elderly or female.
"""

from __future__ import annotations

import re
from typing import Any

from triage.appearance import feature_phrases, vocabulary
from triage.normalize import clause_bounds
from triage.numerals import NUMERAL_CHARS, parse_number

_VOCAB = vocabulary()
_NUM = rf"(?:\d+(?:\.\d+)?|[{NUMERAL_CHARS}]+)"

_AGE = re.compile(
    rf"(?<![老第])(?P<a>{_NUM})(?:(?P<sep>[到至~\-—])(?P<b>{_NUM}))?(?P<more>多|来|出头)?(?:岁|周岁)"
    rf"(?P<about>左右|上下|多)?|(?P<dec>[一二三四五六七八九]十|[1-9]0)(?:多岁|来岁|出头|多了|好几)"
)
_AGE_WORDS: tuple[tuple[str, int, int], ...] = (
    ("婴儿", 0, 1),
    ("宝宝", 0, 3),
    ("幼儿", 1, 6),
    ("小朋友", 3, 12),
    ("小学生", 6, 12),
    ("初中生", 12, 15),
    ("中学生", 12, 18),
    ("高中生", 15, 18),
    ("未成年", 0, 17),
    ("小男孩", 3, 12),
    ("小女孩", 3, 12),
    ("小孩", 0, 14),
    ("儿童", 0, 14),
    ("老人", 60, 100),
    ("老太太", 65, 100),
    ("老大爷", 60, 100),
    ("老爷子", 65, 100),
    ("老奶奶", 65, 100),
    ("老爷爷", 65, 100),
    ("老头", 60, 100),
    ("老太", 65, 100),
)
# The vocabulary's words for people (老汉, 后生, 小姑娘 …) add their age ranges.
_AGE_WORDS = _AGE_WORDS + tuple((p.word, p.min_age, p.max_age) for p in _VOCAB.people
                                if p.word not in {w for w, _, _ in _AGE_WORDS})
_WORDS = frozenset(word for word, _, _ in _AGE_WORDS)
_AGE_RANGE = {word: (low, high) for word, low, high in _AGE_WORDS}
_AGE_WORD = re.compile("|".join(sorted(_WORDS, key=len, reverse=True)))
_REPORTER = re.compile(r"我是(?:他|她|孩子|老人|[\u4e00-\u9fff]{2,4})?的?$|本人是$")
# The caller's own relative (我爸七十八了, 俺家老汉): in a family's report, the person.
_RELATIVE = re.compile(
    r"(?:我|俺|咱)(?:们)?(?:家)?(?:的)?(?P<who>"
    # in-laws and the wider family first: 姐夫 is not 姐, 儿媳妇 not 儿子
    r"老丈人|丈母娘|岳父|岳母|公公|婆婆|丈人|大伯|伯伯|伯母|叔叔|婶婶|婶子|舅舅|舅妈|姑父|姑姑|"
    r"姨夫|小姨|大姨|继父|后爸|继母|后妈|姐夫|妹夫|女婿|嫂子|弟媳|儿媳妇|儿媳|表哥|表弟|表姐|"
    r"表妹|侄子|侄女|外甥女|外甥|大娘|爸爸|爸|父亲|老父亲|妈妈|妈|母亲|老母亲|儿子|女儿|闺女|"
    r"爷爷|奶奶|姥姥|姥爷|外公|外婆|老伴|丈夫|老公|妻子|老婆|媳妇|哥哥|哥|姐姐|姐|弟弟|弟|"
    r"妹妹|妹|孙子|孙女|外孙女|外孙|老汉|婆姨)")
_RECORD_RELATIVE = re.compile(
    r"其(?P<who>父亲|父|母亲|母|儿子|女儿|丈夫|妻子|祖父|祖母|外公|外婆|孙子|孙女|弟弟|哥哥|姐姐|妹妹)"
    r"(?![亲]?报)")
_RECORD_MALE = frozenset(["父亲", "父", "儿子", "丈夫", "祖父", "外公", "孙子", "弟弟", "哥哥"])
_REPORTED_IT = re.compile(r"(?:已经|早上|上午|下午|刚才)?(?:已经)?报(?:过)?(?:了)?警")  # 我妈已经报过警了
_BARE_AGE = re.compile(r"(?:今年)?[一二三四五六七八九十两]{2,3}(?:了|，|,|。|岁)|(?:今年)?\d{1,2}(?:了|，|,|。|岁)")
_RELATIVE_MALE = frozenset(["老丈人", "岳父", "公公", "丈人", "大伯", "伯伯", "叔叔", "舅舅", "姑父",
                            "姨夫", "继父", "后爸", "姐夫", "妹夫", "女婿", "表哥", "表弟", "侄子",
                            "外甥", "爸爸", "爸", "父亲", "老父亲", "儿子", "爷爷", "姥爷", "外公", "丈夫", "老公", "哥哥", "哥", "弟弟", "弟", "孙子", "外孙", "老汉"])
_RELATIVE_FEMALE = frozenset(
    ["丈母娘", "岳母", "婆婆", "伯母", "婶婶", "婶子", "舅妈", "姑姑", "小姨", "大姨", "继母", "后妈",
     "嫂子", "弟媳", "儿媳妇", "儿媳", "表姐", "表妹", "侄女", "外甥女", "大娘", "妈妈", "妈", "母亲", "老母亲", "女儿", "闺女", "奶奶", "姥姥", "外婆", "妻子", "老婆", "媳妇", "姐姐", "姐", "妹妹", "妹", "孙女", "外孙女", "婆姨"])
# A name the person gives or the caller says (他说他姓刘, 叫王秀英): a surname that differs
# from the case's is another person.
_SURNAME = re.compile(
    r"(?:说|自称|告诉我)?(?:他|她)?(?:说)?(?:姓|名叫|叫做|自称叫)(?P<s>[\u4e00-\u9fff])|"
    # 她叫王秀英 (a full name: its first character), not a nickname like 朵朵
    r"(?:他|她)叫(?P<f>[\u4e00-\u9fff])(?P<g>[\u4e00-\u9fff])(?P<h>[\u4e00-\u9fff])?")
_NOT_SURNAMES = frozenset("什么啥不醒名谁了着")
# Common surnames: a name said as 她叫X… counts only when X is one (叫声, 叫喊 are not names).
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
    "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴"
    "盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况"
    "那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")
# The person is accounted for: with family, knows where home is, the caller says it is
# someone else (他妈就在旁边呢, 等她老公开车来接, 应该不是).
_ACCOUNTED = re.compile(
    r"(?:他|她)?(?:妈|爸|父亲|母亲|家人|家长|家属|老公|老婆|儿子|女儿|闺女|老伴|丈夫|妻子|媳妇|孙子|孙女|朋友|同伴|同学|工友|同事|孩子)"
    r"[^，。,]{0,6}在(?:旁|旁边|身边|边上|跟前)|"
    r"跟(?:两个|几个|一帮|一群)?(?:朋友|家人|同学|同事|工友)(?:一块|一起|一道)|"
    r"(?:等|在等)(?:她|他)(?:老公|老婆|家人|儿子|女儿|孩子|朋友)(?:开车)?来接|"
    r"(?:能|可以)?(?:说|报)(?:得)?出(?:来)?(?:家|住址|地址|电话)|儿子电话也能报|"
    r"就住(?:在)?[^，。,]{0,6}(?:附近|旁边|后头|后面|对面|这儿|这边|小区里|村里|楼里|院里)|"
    r"说话(?:挺|很|都|也)?(?:利索|利利索索|清楚|清清楚楚|正常|有条理)|"
    r"(?:说是|说他|说她|他说|她说)[^，。,]{0,10}(?:看|找|接|送)(?:闺女|女儿|儿子|孙子|孙女|亲戚|朋友|老伴)|"

    r"(?:家人|儿媳妇|媳妇|儿子|女儿|闺女|老伴|老公|老婆)[^，。,]{0,6}(?:把(?:她|他))?接走了|"
    r"应该不是|不是(?:他|她|那个人)|(?:他|她)?(?:家里人|家人)(?:已经)?(?:来|接)(?:了|走)|"
    r"家就在(?:旁边|附近|这|对面|楼上)|(?:用|拿|刷)(?:的是)?(?:他|她)自己的身份证|(?:网管|店员|老板)说(?:他|她)常来|"
    # family with the person (她儿子扶着, 他妈领着他, 由其丈夫陪同, 跟她爸妈一起吃饭)
    r"(?:她|他)?(?:的)?(?:儿子|闺女|女儿|丈夫|老公|老婆|妻子|老伴|媳妇|妈|爸|奶奶|爷爷|姥姥|姥爷|家人|家长|爸妈|父母)"
    r"(?:就|赶紧|马上)?(?:过去|下来|过来)?(?:扶着|领着|陪着|带着|搀着|挽着|拉着|牵着|跟着|抱起|抱着|开车来接|来接|"
    r"从楼上下来|把(?:他|她)(?:拽|拉|领|接|带|扶)(?:回|上|走|进))|"
    r"随(?:其)?(?:父亲|母亲|家人|家属|丈夫|妻子|儿子|女儿)(?:一起)?(?:离开|回家|走了)|"
    r"不是(?:你们)?(?:要)?找的(?:那个)?|天天这个点|"
    r"(?:工友|同事|朋友|家人|家属|亲属)(?:在旁|在旁边)?陪同|"
    # someone the caller knows, or a regular of the place (是我们楼下的王奶奶, 长期在此乞讨)
    r"(?<!不)是我们(?:楼下|楼上|对门|隔壁|小区|村)的|长期在(?:此|这)|(?:已经)?在(?:此|这)(?:处)?待了好几年|天天(?:都)?(?:来|在这)|"
    r"(?:由|被)其?(?:丈夫|妻子|家人|家属|儿子|女儿|母亲|父亲|亲属)(?:陪同|领回|接回|带回)|"
    r"(?:跟|和)(?:她|他)?(?:的)?(?:爸妈|父母|家人|爸爸妈妈|爸爸|妈妈|奶奶|爷爷|老伴)(?:一起|一块|一道)|"
    r"一家(?:三口|四口|人)(?:一起|在)?|(?:领着|陪着|带着|扶着)(?:他|她)(?:在|买|逛|溜达|转)|"
    r"系本?(?:小区|村|社区)?(?:居民|住户)|(?:二人|两人|俩人)(?:已)?(?:一同|一起)回家|"
    # known to the caller or to the people around (我认识，是对面饭店的老板; 门卫说是保洁)
    r"我认识(?:他|她)?[，,。]?(?:是|他是|她是)|认识(?:好|很)?(?:多|几)年|"
    r"(?<!不)是(?:我们)?(?:这)?(?:隔壁|对门|对面|楼下|楼上|单元|小区|村|街上|这条街|附近|院里)[^，。,]{0,10}的|"
    r"(?:门卫|保安|店员|老板|邻居|物业)说(?:是|他是|她是)|在(?:我们|俺们)(?:这|店里|厂里|这儿)?(?:干|上班|打工)(?:了)?|"
    # family came for them or is with them (后来他妈妈过来了, 她爸妈拎着行李一直跟着)
    r"(?:后来|随后|已经|刚|这时|他|她)(?:他|她)?(?:的)?(?:妈妈|妈|爸爸|爸|家长|家人|家里人|奶奶|爷爷|爸妈|父母)"
    r"(?:就|后来)?(?:过来|赶过来|找过来|来)了|"
    r"(?:爸妈|父母|家人|家长|儿子|女儿|老伴)[^，。,]{0,8}(?:一直)?(?:跟着|陪着)|陪(?:她|他)(?:去|来|回)|"
    r"跟(?:两个|几个|一帮|一群)?(?:钓友|驴友|球友|牌友|战友|老乡|伙伴)|"
    # the caller says it was someone else after all
    r"不是的[，,]|"
    r"(?:别|不用)(?:出警|管了|转了|来了)|看错了|是个?误会|不是(?:走丢|丢)的(?:那个)?|"
    r"以为是(?:走丢|丢)的[^。]{0,24}(?:结果|其实|原来|不是)"
)

_MALE: tuple[str, ...] = (
    "男孩",
    "男童",
    "男子",
    "男性",
    "男的",
    "小伙",
    "儿子",
    "老头",
    "大爷",
    "爷爷",
    "姥爷",
    "外公",
    "丈夫",
    "老公",
    "我爸",
    "父亲",
    "老爷子",
    "男人",
    "弟弟",
    "哥哥",
    "男生",
    "大叔",
    "孙子",
)
_FEMALE: tuple[str, ...] = (
    "女孩",
    "女童",
    "女子",
    "女性",
    "女的",
    "姑娘",
    "女儿",
    "老太",
    "大妈",
    "奶奶",
    "姥姥",
    "外婆",
    "妻子",
    "老婆",
    "媳妇",
    "我妈",
    "母亲",
    "女人",
    "妹妹",
    "姐姐",
    "女生",
    "大娘",
    "孙女",
    "闺女",
    "阿姨",
)
_MALE = _MALE + tuple(p.word for p in _VOCAB.people if p.gender == "male" and p.word not in _MALE)
_FEMALE = _FEMALE + tuple(p.word for p in _VOCAB.people
                          if p.gender == "female" and p.word not in _FEMALE)
_GENDER = re.compile("|".join(sorted(_MALE + _FEMALE, key=len, reverse=True)))

_HEIGHT = re.compile(
    rf"(?:身高|个子|个头|大约|大概|约)?(?:(?P<m>[一1])(?:米|m)(?P<cm>[{NUMERAL_CHARS}\d]{{1,2}})?"
    rf"|(?P<dec>1\.\d{{1,2}})(?:米|m)|(?P<abs>1\d\d)(?:厘米|公分|cm))(?:左右|上下)?"
)
# Colours and garments come from the one description vocabulary (data/appearance.toml)
# that the missing-person case parser reads families' descriptions with.
_COLOURS = tuple(w for w, _ in _VOCAB.colour_words if not w.isascii())
_ITEMS = tuple(w for w, _ in _VOCAB.garment_words if not w.isascii())
_CLOTHING = re.compile(
    rf"(?P<colour>{'|'.join(map(re.escape, _COLOURS))})色?(?:的|色的)?(?:[\u4e00-\u9fff]{{0,4}}?)"
    rf"(?P<item>{'|'.join(map(re.escape, _ITEMS))})"
)
# A garment said without a colour (就穿毛衣棉马甲, 狐狸皮帽子, 马靴): words of two characters
# or more only (包 of 包头, 帽 of 帽儿胡同 are not garments), after a wearing verb or in a
# list beside a coloured one.
_PLAIN_ITEMS = tuple(sorted((w for w in _ITEMS if len(w) >= 2), key=len, reverse=True))
_PLAIN_ITEM = re.compile("|".join(map(re.escape, _PLAIN_ITEMS)))
_WEARING = re.compile(r"穿|戴|披|套|裹|围|系|蹬|踩|脚上|头上|身上")
_NEGATED_WEAR = re.compile(r"[没不未无](?:有)?(?:穿|戴|披|围|系|套)?$")
# Between a colour and a garment: a negation or a body part means they are not one
# garment (白头发没戴头巾 is white hair, no headscarf).
_NOT_WORN = re.compile(r"[没不未无]|发|脸|眼|手|脚(?!上)")
_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        (
            "老年痴呆|痴呆|阿尔茨海默|老糊涂|认不得人|认不出人|失智|记忆力不好|记性不好|"
            "脑子不清楚|糊涂了|脑萎缩|认知障碍|脑子有点糊涂|有点糊涂|脑子糊涂|脑子不好使"
        ),
        "dementia",
    ),
    ("精神病|精神疾病|精神分裂|精神不正常|精神有问题|躁狂|精神障碍|双相|神经病", "mental_illness"),
    ("抑郁", "depression"),
    (
        (
            "吃药|服药|降压药|胰岛素|没带药|断药|药没带|心脏病|糖尿病|高血压|癫痫|手术|刚出院|"
            "病重|身体不好"
        ),
        "medication",
    ),
    ("自杀|轻生|不想活|想死|跳楼|遗书|寻死|割腕|想不开|活着没意思|结束生命", "suicidal"),
    (
        (
            "残疾|聋哑|智力障碍|智障|智力低下|自闭症|脑瘫|坐轮椅|盲人|看不见|听不见|不会说话|"
            "腿脚不好|走路不稳|走路都不太稳|行动不便|拄拐"
        ),
        "disability",
    ),
)
_CONDITION_RES = tuple((re.compile(p), code) for p, code in _CONDITIONS)
_CONDITION_NEGATED = re.compile(r"(?:无|没有|没|否认|不是)[^，。,]{0,2}$")


def reporter_at(text: str, start: int) -> bool:
    """Return True when the word at ``start`` describes the reporter (``我是他奶奶``)."""
    return _REPORTER.search(text[max(0, start - 6) : start]) is not None


def extract_ages(text: str) -> list[dict[str, Any]]:
    """Ages like ``8岁``, ``七十多岁``, ``十二三岁``, ``六十来岁`` and words like ``老人``.

    Numeric ages come first, then age words (``老人`` = 60-100), each in text order; the
    reporter's own role (``我是他奶奶``) is skipped.
    """
    found: list[tuple[int, dict[str, Any]]] = []
    numeric = "岁" in text or "多了" in text or "好几" in text or "出头" in text
    for m in _AGE.finditer(text) if numeric else ():
        if reporter_at(text, m.start()):
            continue
        if m.group("dec"):
            low = parse_number(m.group("dec"))
            if low is not None:
                top = int(low) + (4 if m.group(0).endswith("出头") else 9)  # 二十出头: 20-24
                found.append((m.start(), {"text": m.group(0), "min": int(low), "max": top}))
            continue
        pair = _numeral_range(m.group("a"))
        if pair is not None:
            found.append((m.start(), {"text": m.group(0), "min": pair[0], "max": pair[1]}))
            continue
        a = parse_number(m.group("a"))
        if a is None or a > 120:
            continue
        b = parse_number(m.group("b")) if m.group("b") else None
        low, high = int(a), int(b if b is not None else a)
        if m.group("more") or m.group("about") == "多":
            high = low + (9 if low % 10 == 0 and low >= 10 else 1)
        elif m.group("about"):
            low, high = max(0, low - 2), high + 2
        found.append((m.start(), {"text": m.group(0), "min": low, "max": max(low, high)}))
    for m in [*_HEDGED_AGE.finditer(text), *_SUBJECT_AGE.finditer(text)]:
        token = m.group("n")
        pair = _numeral_range(token)
        value = parse_number(token) if pair is None else None
        if pair is None and (value is None or not 1 <= value <= 110):
            continue
        low, high = pair if pair is not None else (int(value), int(value))  # type: ignore[arg-type]
        if not any(a["min"] <= low <= a["max"] for _, a in found):
            found.append((m.start(), {"text": m.group(0), "min": low, "max": high}))
    seen: set[str] = set()
    for m in _AGE_WORD.finditer(text):
        word = m.group(0)
        if word in seen or reporter_at(text, m.start()):
            continue
        seen.add(word)
        low, high = _AGE_RANGE[word]
        found.append((m.start(), {"text": word, "min": low, "max": high}))
    # Numbers first (the subject's age is usually the number), then words, each in text order.
    return [age for _, age in sorted(found, key=lambda pair: (pair[1]["text"] in _WORDS, pair[0]))]


# An age said without 岁 after a hedge (顶多十五六, 看着也就七八): the observer's guess.
_SUBJECT_AGE = re.compile(
    r"(?:孩子|他|她|闺女|儿子|女儿|老人|我爸|我妈|其父|其母|男孩|女孩|小伙子?|姑娘|后生|学生|小子|女女|女子|男娃|女娃)(?:子)?[，,]?(?:今年)?(?:也就|大概|约|才|刚|刚满|才满)?(?P<n>[一二三四五六七八九十两]{2,3}|\d{1,2})(?=了|，|,|。|岁)")
_HEDGED_AGE = re.compile(
    r"(?:顶多|也就|最多|大概|大约|看着|看上去|估计|约莫|差不多|得有)(?:有|得有)?(?:个)?(?P<n>[一二三四五六七八九十两]{1,4}|\d{1,2})(?![0-9一二三四五六七八九十两]|点|号|楼|块|分|米|个|次|天|年|斤)")
_PAIR_TENS = re.compile(r"^([一二三四五六七八九])([一二三四五六七八九])十$")
_PAIR_UNITS = re.compile(
    r"^((?:[二三四五六七八九]?十)?)([一二两三四五六七八九])([一二三四五六七八九])$"
)
_CN_DIGIT = "一二三四五六七八九"


def _digit(ch: str) -> int:
    """一 … 九 (and 两, as in 两三岁) as 1 … 9."""
    return 2 if ch == "两" else _CN_DIGIT.index(ch) + 1


def _numeral_range(token: str) -> tuple[int, int] | None:
    """Approximate ages written as two adjacent numerals: 七八十 -> 70-89, 十二三 -> 12-13."""
    m = _PAIR_TENS.match(token)
    if m:
        a, b = _CN_DIGIT.index(m.group(1)) + 1, _CN_DIGIT.index(m.group(2)) + 1
        return (a * 10, b * 10 + 9) if b == a + 1 else None
    m = _PAIR_UNITS.match(token)
    if m:
        a, b = _digit(m.group(2)), _digit(m.group(3))
        base = int(parse_number(m.group(1)) or 0) if m.group(1) else 0
        return (base + a, base + b) if b == a + 1 else None
    return None


def extract_gender(text: str) -> str | None:
    """``"male"``/``"female"`` for the person at risk, else ``None``.

    In a family's report the person is the caller's relative given an age or a condition
    (我哥早上报过警了……我爸七十八了: the father); otherwise the first person mentioned
    who is not the reporter (我是王福贵的女儿 is the reporter)."""
    record = _RECORD_RELATIVE.search(text)  # 来电人称其父刘建军（45岁）…
    if record is not None:
        return "male" if record.group("who") in _RECORD_MALE else "female"
    relatives = [m for m in _RELATIVE.finditer(text) if not reporter_at(text, m.start())
                 and not _REPORTED_IT.match(text, m.end())]
    described = [m for m in relatives if _AGE.search(text[m.end():m.end() + 10]) or
                 _BARE_AGE.match(text, m.end()) or
                 re.match(r"[^，。,]{0,6}(?:有|得了|患)", text[m.end():])]
    for m in described[:1] or relatives[:1]:
        who = m.group("who")
        if who in _RELATIVE_MALE:
            return "male"
        if who in _RELATIVE_FEMALE:
            return "female"
        # 我老伴儿…没回来，她八十了: a relative word of either gender, then the pronoun
        pronoun = _PRONOUN.search(text, m.end())
        if pronoun is not None:
            return "female" if pronoun.group(0) == "她" else "male"
    for m in _GENDER.finditer(text):
        if reporter_at(text, m.start()) or _CALLS_FOR.search(text, max(0, m.start() - 4), m.start()):
            continue
        return "male" if m.group(0) in _MALE else "female"
    return None


_PRONOUN = re.compile(r"[他她](?!们)")
# The one a lost child cries for is not the child (一直喊奶奶, 哭着找妈妈).
_CALLS_FOR = re.compile(r"(?:喊|叫|找|要|想|问)(?:着)?(?:他|她|俺|我)?(?:的)?$")


def extract_surname(text: str) -> str | None:
    """The surname the person gives or the caller names (他说他姓刘 → 刘), else None."""
    for m in _SURNAME.finditer(text):
        if reporter_at(text, m.start()):
            continue
        if m.group("s"):
            if m.group("s") not in _NOT_SURNAMES:
                return m.group("s")
            continue
        first, second = m.group("f"), m.group("g")
        if first != second and first not in _NOT_SURNAMES and first in _SURNAMES:
            return first
    return None


def is_accounted_for(text: str) -> bool:
    """Whether the caller says the person is with family, knows their home, or is someone
    else after all (他妈就在旁边呢, 应该不是): not to be linked to a case without a person."""
    return _ACCOUNTED.search(text) is not None


def extract_height(text: str) -> dict[str, int] | None:
    """Height such as ``一米七``, ``1米75``, ``1.7米``, ``170厘米`` as ``{min, max}`` cm."""
    m = _HEIGHT.search(text) if ("米" in text or "cm" in text or "公分" in text) else None
    if m is None:
        return None
    if m.group("abs"):
        cm = int(m.group("abs"))
    elif m.group("dec"):
        cm = round(float(m.group("dec")) * 100)
    else:
        rest = m.group("cm")
        extra = parse_number(rest) if rest else 0.0
        if extra is None:
            return None
        cm = 100 + int(extra * 10 if extra < 10 and rest and len(rest) == 1 else extra)
    if not 50 <= cm <= 230:
        return None
    if "左右" in m.group(0) or "上下" in m.group(0):
        return {"min": cm - 3, "max": cm + 3}
    return {"min": cm, "max": cm}


def extract_clothing(text: str) -> list[dict[str, str | None]]:
    """Colour + item pairs (``红色羽绒服`` -> ``{"text", "colour": "红", "item": "羽绒服"}``),
    then garments without a colour said as worn or listed beside one (``colour`` None)."""
    coloured = [m for m in _CLOTHING.finditer(text) if not _NOT_WORN.search(
        text[m.end("colour"):m.start("item")]) and not _NEGATED_WEAR.search(
        text[max(0, m.start() - 3):m.start()])]
    out: list[dict[str, str | None]] = [
        {"text": m.group(0), "colour": m.group("colour"), "item": m.group("item")}
        for m in coloured]
    taken = [(m.start(), m.end()) for m in coloured]
    for m in _PLAIN_ITEM.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if _NEGATED_WEAR.search(text[max(0, m.start() - 3):m.start()]):
            continue  # 没戴头巾, 不穿外套: what the person is not wearing
        start, _ = clause_bounds(text, m.start())
        before = text[max(start, m.start() - 8):m.start()]
        near_coloured = any(0 <= m.start() - e <= 3 or 0 <= s - m.end() <= 3 for s, e in taken)
        if _WEARING.search(before) or near_coloured:
            out.append({"text": m.group(0), "colour": None, "item": m.group(0)})
            taken.append((m.start(), m.end()))
    return out


def extract_features(text: str) -> list[str]:
    """Distinguishing features (glasses, scars, walking stick …) in text order, unique:
    the phrases of the shared vocabulary, as said (手里拄个棍儿 → 拄个棍)."""
    return feature_phrases(text)


def extract_conditions(text: str) -> list[str]:
    """Condition codes among dementia, mental_illness, depression, medication, suicidal,
    disability."""
    codes: list[str] = []
    for pattern, code in _CONDITION_RES:
        for m in pattern.finditer(text):
            if not _CONDITION_NEGATED.search(text[max(0, m.start() - 4) : m.start()]):
                codes.append(code)
                break
    return codes
