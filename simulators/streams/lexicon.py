"""Shared vocabulary: people, clothing, vehicles, times, names.

Kept apart from the situation grammars so that every category describes a person,
a car or a moment in the same many ways.
"""

from __future__ import annotations

import random
from typing import Final

from simulators.streams.grammar import cn_number, expand, number

SURNAMES: Final = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
                   "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "韩", "冯", "白",
                   "乌", "包", "云", "其其格", "巴特尔", "苏")
GIVEN: Final = ("建国", "秀英", "桂兰", "志强", "海燕", "丽娜", "俊杰", "晓东", "玉梅", "文华", "国庆",
                "淑芬", "春花", "宝柱", "金山", "娜仁", "敖日格乐", "晨阳", "子涵", "雨桐", "浩然", "欣怡")
COLOURS: Final = ("黑", "白", "灰", "深蓝", "蓝", "红", "酒红", "军绿", "咖啡色", "米色", "藏青", "黄", "紫", "粉")
TOPS: Final = ("羽绒服", "棉袄", "夹克", "冲锋衣", "毛衣", "卫衣", "外套", "大衣", "棉服", "工作服",
               "短袖", "衬衫", "马甲", "校服")
BOTTOMS: Final = ("牛仔裤", "运动裤", "棉裤", "西裤", "裤子", "裙子", "休闲裤")
SHOES: Final = ("运动鞋", "棉鞋", "布鞋", "皮鞋", "拖鞋", "雪地靴")
HATS: Final = ("毛线帽", "鸭舌帽", "棉帽子", "雷锋帽", "渔夫帽")
BUILDS: Final = ("偏瘦", "偏胖", "中等身材", "挺壮的", "瘦高个", "矮胖")
CAR_BRANDS: Final = ("大众", "丰田", "别克", "哈弗", "五菱", "比亚迪", "本田", "吉利", "长安", "奥迪",
                     "宝马", "现代", "日产", "红旗", "特斯拉")
CAR_TYPES: Final = ("轿车", "SUV", "面包车", "越野车", "出租车", "网约车", "货车", "半挂车", "皮卡",
                    "公交车", "电动三轮", "摩托车", "电动车")
PLATE_LETTERS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ"
APPS: Final = ("某某金融", "惠民贷", "安心投", "优品返利", "星辰娱乐", "云联客服", "快易借")


def person_name(rng: random.Random) -> str:
    """A plausible full name."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def honorific(rng: random.Random) -> str:
    """How a caller names themself: 王女士, 李先生, or a full name."""
    if rng.random() < 0.6:
        return rng.choice(SURNAMES[:28]) + rng.choice(("女士", "先生"))
    return person_name(rng)


def phone(rng: random.Random) -> str:
    """An 11-digit mobile number (mainland prefixes)."""
    prefix = rng.choice(("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                         "151", "152", "155", "156", "158", "159", "166", "177", "180", "181",
                         "183", "186", "187", "189", "191", "199"))
    return prefix + "".join(str(rng.randrange(10)) for _ in range(8))


def plate(rng: random.Random) -> str:
    """A Baotou plate (蒙B) written as people say it, sometimes partially."""
    tail = "".join(rng.choice("0123456789" + PLATE_LETTERS[:10]) for _ in range(5))
    full = f"蒙B{tail}" if rng.random() < 0.85 else f"蒙{rng.choice('AKL')}{tail}"
    return full if rng.random() < 0.6 else expand(rng, "[尾号{t}|后几位是{t}|号牌{p}没看全]",
                                                   {"t": tail[-3:], "p": full[:4]})


def clothing(rng: random.Random, *, female: bool | None = None) -> str:
    """A clothing description (上身…下身…), varied in order and detail."""
    colour = rng.choice(COLOURS)
    top = colour + ("色" if rng.random() < 0.5 and not colour.endswith("色") else "") + rng.choice(TOPS)
    parts = [expand(rng, "[上身穿|穿着|穿了件|上面是]{top}", {"top": top})]
    if rng.random() < 0.6:
        bottoms = [b for b in BOTTOMS if female or b != "裙子"]
        parts.append(expand(rng, "[下身|下面|]{b}", {"b": rng.choice(COLOURS) + rng.choice(bottoms)}))
    if rng.random() < 0.35:
        parts.append(expand(rng, "[戴着|戴个|戴了顶]{c}{h}", {"c": rng.choice(COLOURS), "h": rng.choice(HATS)}))
    if rng.random() < 0.25:
        parts.append(expand(rng, "[脚上|穿]{c}{s}", {"c": rng.choice(COLOURS), "s": rng.choice(SHOES)}))
    return "，".join(parts)


def height(rng: random.Random, lo: int = 150, hi: int = 186) -> str:
    """A height phrase: 一米七左右 / 175左右 / 个子不高 (``lo``–``hi`` cm)."""
    cm = rng.randrange(lo, hi)
    if cm < 110:
        return rng.choice((f"[大概|]{cm}[公分|厘米][左右|]", "[个子小小的|不到一米一]"))
    return rng.choice((
        f"一米{cn_number(cm - 100)}[左右|上下|的样子]", f"{cm}[左右|上下|cm]", "[个子不高|个子挺高|个儿不高]",
        f"1米{cm - 100}[左右|]"))


def appearance(rng: random.Random, *, elderly: bool = False, child: bool = False,
               female: bool | None = None) -> str:
    """Age, build, hair and clothing of a person, in 2–4 clauses.

    Args:
        rng: Random source.
        elderly: Describe an old person.
        child: Describe a child.
        female: The person's sex if the caller knows it (drawn if None).
    """
    female = rng.random() < 0.5 if female is None else female
    if child:
        age = rng.randrange(3, 13)
        noun = "[小女孩|女孩|闺女]" if female else "[小男孩|男孩|小子]"
        head = expand(rng, "[{n}岁|{n}岁左右|{n}周岁]的" + noun, {"n": number(rng, age)})
    elif elderly:
        age = rng.randrange(68, 92)
        noun = "[老太太|老大娘|老奶奶]" if female else "[老爷子|大爷|老头|老人]"
        head = expand(rng, "[{n}岁|{d}多岁|七八十岁|八十来岁|快{m}了]的" + noun,
                      {"n": number(rng, age), "d": cn_number(age // 10 * 10),
                       "m": cn_number(age // 10 * 10 + 10)})
    else:
        noun = "[女的|女子|姑娘]" if female else "[男的|男子|小伙子]"
        head = expand(rng, "[二十来岁|三十多岁|四十岁左右|三四十岁|五十多岁|挺年轻]的" + noun)
    lo, hi = (95, 150) if child else (150, 175) if elderly else (150, 186)
    bits = [head, expand(rng, height(rng, lo, hi)), rng.choice(BUILDS), clothing(rng, female=female)]
    if elderly:
        bits.append(rng.choice(("白头发", "头发花白", "拄着拐棍", "走路有点晃", "说话不太清楚", "背有点驼")))
    if not child and rng.random() < 0.3:
        extras = ("戴眼镜", "脸上有块疤", "外地口音", "背个双肩包", "染黄头发")
        bits.append(rng.choice(extras + (() if female else ("留着胡子", "光头"))))
    keep = [bits[0]] + rng.sample(bits[1:], k=min(len(bits) - 1, rng.randrange(2, 5)))
    return "，".join(keep)


def ago(rng: random.Random, minutes: int) -> str:
    """How long ago, phrased loosely (``刚才`` / ``十来分钟前`` / ``半个小时前``)."""
    if minutes <= 3:
        return rng.choice(("刚才", "就刚刚", "刚刚", "就现在", "这会儿"))
    if minutes <= 20:
        return expand(rng, "[{n}分钟前|{n}分钟之前|十来分钟前|几分钟前|刚才]", {"n": number(rng, minutes)})
    if minutes <= 90:
        return rng.choice(("半个小时前", "半小时之前", "一个小时前", "一个来小时了", "个把小时前"))
    hours = max(2, minutes // 60)
    return expand(rng, "[{h}个小时前|{h}个多小时了|今天早上|昨天晚上|上午]", {"h": cn_number(hours)})


def clock_phrase(rng: random.Random, hour: int, minute: int) -> str:
    """A time of day as said (``晚上八点多``) or typed (``20:15``)."""
    if rng.random() < 0.35:
        return f"{hour:02d}:{minute:02d}[左右|许|]"
    part = ("凌晨" if hour < 6 else "早上" if hour < 9 else "上午" if hour < 12 else "中午" if hour < 14
            else "下午" if hour < 18 else "晚上")
    h12 = hour if hour <= 12 else hour - 12
    tail = "[多|左右|]" if minute < 25 else "半[左右|]" if minute < 45 else "多[快{n}点了|]"
    return expand(rng, f"{part}{cn_number(h12) if h12 != 2 else '两'}点{tail}", {"n": cn_number(h12 % 12 + 1)})
