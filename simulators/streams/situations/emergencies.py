"""Builders for traffic, fire_disaster, missing_person and self_harm incidents.

``missing_report`` and ``sighting`` are also used directly by the stream (a sighting
answers an open missing-person case) and by the named scenarios.
"""

from __future__ import annotations

import random

from simulators.streams.grammar import number
from simulators.streams.lexicon import CAR_BRANDS, CAR_TYPES, ago, appearance, clock_phrase, plate
from simulators.streams.situations.incident import Draft, Incident, builder

_FEMALE_WORDS = ("老太太", "老大娘", "老奶奶", "女孩", "闺女", "女的", "女子", "姑娘")
_FEMALE_RELATIONS = ("我妈", "我姥姥", "我奶奶", "我闺女", "我媳妇", "我姐")
ROAD_SPOTS = ("十字路口", "路口", "红绿灯那儿", "环岛", "桥上", "高架下面", "公交站旁边", "加油站门口", "学校门口")


@builder("traffic", 5)
def collision(rng: random.Random, hour: int) -> Incident:
    """A collision at a junction, with or without injuries."""
    d = Draft(rng, "traffic", "collision")
    a, b = rng.choice(CAR_TYPES), rng.choice(CAR_TYPES)
    d.headline = rng.choice(("交通事故", "两车相撞", "车祸", "追尾"))
    hurt = rng.random() < 0.35
    crash = "[一辆{a}和一辆{b}撞了|{a}跟{b}撞一块了|{a}把{b}撞翻了|出车祸了|撞得挺厉害]"
    scrape = "[一辆{a}和一辆{b}撞了|{a}跟{b}撞一块了|{a}追尾了|{a}把{b}给刮了|剐蹭了]"
    d.say("{spot}" + (crash if hurt else scrape), spot=rng.choice(ROAD_SPOTS),
          a=rng.choice(CAR_BRANDS) + a if rng.random() < 0.4 else a, b=b)
    if hurt:
        d.say("[有人受伤了|司机头上流血了|骑电动车的人躺地上起不来|有个人腿压住了|人卡在车里出不来]", "injury")
        if rng.random() < 0.25:
            d.say("[受伤的是个老人|伤的是个老大爷|被撞的是个老太太]", "elderly")
        if rng.random() < 0.1:
            d.say("[撞了个小孩|被撞的是个上学的孩子]", "minor")
    else:
        d.say("[人没事|没人受伤|就是车刮了|双方都没受伤][，就是堵着路|，对方不认账|，需要交警来定责|]")
    if rng.random() < 0.2:
        d.say("[后面堵了好长一溜|把路堵死了|车横在路中间]")
    return d.done("P2" if hurt else "P3")


@builder("traffic", 2)
def hit_and_run(rng: random.Random, hour: int) -> Incident:
    """A driver hit a person or car and fled; plate given."""
    d = Draft(rng, "traffic", "hit_and_run")
    d.minutes_ago = rng.randrange(1, 30)
    d.headline = "肇事逃逸"
    d.say("{t}[一辆{c}把人撞了|一辆{c}撞了我的车|我被一辆{c}刮倒了][就跑了|没停直接开走了|逃逸了]",
          t=ago(rng, d.minutes_ago), c=rng.choice(CAR_BRANDS) + rng.choice(("轿车", "SUV", "面包车", "货车")))
    d.say("车牌[号|]{p}", p=plate(rng))
    if rng.random() < 0.6:
        d.say("[被撞的人|我腿|那人][在流血|起不来了|伤得不轻]", "injury")
    return d.done("P2")


@builder("traffic", 2)
def drunk_driving(rng: random.Random, hour: int) -> Incident:
    """A car weaves, speeds or drives against traffic."""
    d = Draft(rng, "traffic", "drunk_driving")
    d.headline = rng.choice(("疑似酒驾", "危险驾驶"))
    d.say("[前面|有]一辆{c}[开得歪歪扭扭的|一直在画龙|逆行|在路上飙车|闯了好几个红灯][，司机像是喝多了|，估计是酒驾|]",
          "in_progress", c=rng.choice(CAR_BRANDS) + rng.choice(("轿车", "SUV", "出租车", "面包车")))
    d.say("车牌{p}，[往|朝][东|西|南|北][开|走]了", p=plate(rng))
    return d.done("P2")


@builder("traffic", 2)
def blockage(rng: random.Random, hour: int) -> Incident:
    """A broken-down or badly parked vehicle blocks the road."""
    d = Draft(rng, "traffic", "blockage")
    d.headline = rng.choice(("道路堵塞", "车辆抛锚", "占道"))
    d.say("[有辆车|一辆货车|一辆大车|一辆私家车][坏在|抛锚在|停在|横在][路中间|快车道上|路口][了|，打不着火|，没放三角牌|]",
          "in_progress")
    d.say("[后面全堵了|特别危险|天黑看不清|已经差点追尾了|挡着我的车出不去]")
    return d.done("P3")


@builder("fire_disaster", 4)
def fire(rng: random.Random, hour: int) -> Incident:
    """Fire or smoke in a flat, shop, garage or car; sometimes people inside."""
    d = Draft(rng, "fire_disaster", "fire")
    d.headline = rng.choice(("火灾", "着火", "冒烟"))
    where = rng.choice(("楼上", "对面楼", "[{n}楼|{n}层]", "一楼门市", "小区锅炉房", "平房区", "车库", "饭店后厨",
                        "一辆车", "垃圾站"))
    d.say(where + "[着火了|冒黑烟了|起火了|烧起来了][，火挺大的|，烟特别大|，能看见明火|]", "in_progress",
          n=number(rng, rng.randrange(2, 26)))
    trapped = rng.random() < 0.3
    if trapped:
        d.say("[里面还有人|有人被困在里面|窗户那儿有人在喊救命|屋里好像还有老人|有个孩子在阳台上哭]")
        if "老人" in d.clauses[-1]:
            d.flags.add("elderly")
        if "孩子" in d.clauses[-1]:
            d.flags.add("minor")
    if rng.random() < 0.2:
        d.say("[有人被烧伤了|有人吸了烟晕倒了]", "injury")
    if rng.random() < 0.4:
        d.say("[119打了没|119我也打了|叫消防车|让消防快来]")
    return d.done("P1" if trapped or "injury" in d.flags else "P2")


@builder("fire_disaster", 2)
def gas_leak(rng: random.Random, hour: int) -> Incident:
    """A smell of gas, or carbon-monoxide poisoning."""
    d = Draft(rng, "fire_disaster", "gas_leak")
    d.headline = rng.choice(("燃气泄漏", "煤气味", "一氧化碳中毒"))
    if rng.random() < 0.35:
        d.say("[我家|邻居家][有人|两口子|老两口]好像[煤气中毒|一氧化碳中毒|中毒]了，[叫不醒|人晕过去了]", "injury")
        if "老两口" in d.clauses[-1]:
            d.flags.add("elderly")
        return d.done("P1")
    d.say("[楼道里|单元里|饭店里][一股煤气味|煤气味特别大|天然气味儿很重][，不知道哪家漏了|，敲门没人开|]", "in_progress")
    return d.done("P2")


@builder("fire_disaster", 1)
def explosion(rng: random.Random, hour: int) -> Incident:
    """A bang, likely a gas explosion, sometimes with injuries."""
    d = Draft(rng, "fire_disaster", "explosion")
    d.headline = rng.choice(("爆炸", "疑似燃气爆炸"))
    d.say("[饭店里|一个门市里|楼上谁家|小区锅炉房]刚才[嘭的一声|一声巨响|炸了一下][，好像是煤气罐爆炸了|，像是燃气炸了|][，玻璃都震碎了|，现在在冒烟|]",
          "in_progress")
    if rng.random() < 0.5:
        d.say("[有人被炸伤了|有人满脸是血跑出来|里面有人在喊]", "injury")
        return d.done("P1")
    return d.done("P2")


@builder("fire_disaster", 1)
def collapse_flood(rng: random.Random, hour: int) -> Incident:
    """A collapse, a fallen structure or a flooded underpass."""
    d = Draft(rng, "fire_disaster", "collapse_flood")
    d.headline = rng.choice(("房屋坍塌", "积水", "水管爆裂"))
    if rng.random() < 0.5:
        d.say("[一个平房|老房子的墙|工地的围挡|广告牌][塌了|倒了|被风刮倒了]，[好像压着人了|砸着一辆车|没看见有人]")
        if "压着人" in d.clauses[-1]:
            d.flags.add("injury")
            return d.done("P1")
        return d.done("P2")
    d.say("[桥洞下面|地下通道|小区门口][积水特别深|水都淹到膝盖了][，有辆车熄火在里面|，有人困在车里|]", "in_progress")
    return d.done("P1" if "困在" in d.clauses[-1] else "P2")


def missing_report(rng: random.Random, hour: int, *, who: str | None = None,
                   person: str | None = None, minutes_ago: int | None = None,
                   minute: int | None = None) -> Incident:
    """A relative reports someone missing (elderly with dementia, child, adult).

    Args:
        rng: Random source.
        hour: Local hour of the report.
        who: ``elderly``, ``child`` or ``adult`` (drawn if None).
        person: A ready appearance description (drawn if None).
        minutes_ago: How long the person has been gone (drawn if None).
        minute: Minute of the report; with it the text names the clock time the
            person left, without it the text says how long ago.

    Returns:
        A ``missing_person`` incident whose ``person`` holds the description.
    """
    who = who or rng.choices(("elderly", "child", "adult"), weights=(5, 3, 2))[0]
    d = Draft(rng, "missing_person", f"missing_{who}")
    d.minutes_ago = minutes_ago if minutes_ago is not None else rng.randrange(30, 300)
    relations = {
        "elderly": ("我爸", "我妈", "我家老爷子", "我姥姥", "我爷爷", "我奶奶", "我姥爷"),
        "child": ("我儿子", "我闺女", "我家孩子", "我孩子"),
        "adult": ("我老公", "我媳妇", "我弟弟", "我儿子", "我姐"),
    }[who]
    if person is not None:  # the relation must fit the given description's sex
        is_female = any(w in person for w in _FEMALE_WORDS)
        relations = tuple(r for r in relations if (r in _FEMALE_RELATIONS) == is_female
                          or r in ("我家孩子", "我孩子"))
    relation = rng.choice(relations)
    female: bool | None = relation in _FEMALE_RELATIONS
    if relation in ("我家孩子", "我孩子"):
        female = None
    d.person = person or appearance(rng, elderly=who == "elderly", child=who == "child", female=female)
    if minute is None:
        left = ago(rng, d.minutes_ago)
    else:
        gone = (hour * 60 + minute - d.minutes_ago) % 1440
        left = clock_phrase(rng, gone // 60, gone % 60)
    if who == "elderly":
        d.headline = rng.choice(("老人走失", "寻找走失老人", "老人找不到了"))
        d.say(relation + "[有老年痴呆|有阿尔茨海默|脑子有点糊涂|记性不好]，{l}[自己出门|下楼遛弯|出去买菜][到现在没回来|就找不着了|人就不见了]",
              "elderly", l=left)
        d.say("[手机没带|身上没带手机|兜里没钱]，[周围都找遍了|找了一圈没找着|家里人都出去找了]")
        priority = "P1"
    elif who == "child":
        d.headline = rng.choice(("孩子走失", "孩子找不到了", "寻找走失儿童"))
        d.say(relation + "[找不着了|不见了|跑丢了]，{l}还在[楼下玩|小区里|超市里|学校门口]", "minor", l=left)
        priority = "P1"
    else:
        d.headline = rng.choice(("人员失联", "联系不上家人"))
        d.say(relation + "[从{l}就联系不上了|电话一直关机|出门到现在没消息][，平时不这样|，以前没有过]", l=left)
        priority = "P2" if rng.random() < 0.5 else "P3"
        if rng.random() < 0.3:
            d.say("[走之前说了些丧气话|最近情绪不好|他有抑郁症]")
            priority = "P2"
    d.say("[走的时候|出门时|当时]" + d.person)
    return d.done(priority)


def sighting(rng: random.Random, hour: int, *, who: str = "elderly", person: str | None = None) -> Incident:
    """A passer-by reports a person who may be someone's missing relative.

    Args:
        rng: Random source.
        hour: Local hour of the report.
        who: ``elderly``, ``child`` or ``adult``.
        person: The description to echo (a sighting repeats some of the case's details).

    Returns:
        A ``missing_person`` incident (P2 for an elderly or child, else P3).
    """
    d = Draft(rng, "missing_person", f"sighting_{who}")
    d.person = person or appearance(rng, elderly=who == "elderly", child=who == "child")
    female = any(w in d.person for w in _FEMALE_WORDS)
    details = "，".join(rng.sample(d.person.split("，"), k=min(3, len(d.person.split("，")))))
    if who == "elderly":
        d.headline = rng.choice(("发现疑似走失老人", "老人在路上乱走", "迷路老人"))
        d.say(("[有个老人|一个老太太|一个老奶奶]" if female else "[有个老人|一个老大爷|一个老爷子]") + "[在马路中间走|在路中间晃悠|在路边转悠半天了|问他家在哪说不清楚|一个人坐在路边]",
              "elderly", "in_progress")
        priority = "P2"
    elif who == "child":
        d.headline = "发现走失儿童"
        d.say(("[有个小孩|一个小女孩]" if female else "[有个小孩|一个小男孩]") + "[一个人在哭|找不着大人了|说找不到妈妈了]", "minor", "in_progress")
        priority = "P2"
    else:
        d.headline = "发现疑似失联人员"
        d.say("[看见一个人|有个人][好像是|跟]寻人启事上[那个人|说的那个][挺像的|]")
        priority = "P3"
    d.say("[看着|大概|]" + details)
    if rng.random() < 0.5:
        d.say("[我先陪着{p}|我在旁边看着呢|人还在这儿|车太多了很危险]", p="她" if female else "他")
    return d.done(priority)


@builder("missing_person", 3)
def missing(rng: random.Random, hour: int) -> Incident:
    """A relative reports an elderly person, a child or an adult missing."""
    return missing_report(rng, hour)


@builder("missing_person", 1)
def found_wandering(rng: random.Random, hour: int) -> Incident:
    """A passer-by finds an old person or a child alone."""
    return sighting(rng, hour, who=rng.choice(("elderly", "elderly", "child")))


@builder("self_harm", 3)
def jumper(rng: random.Random, hour: int) -> Incident:
    """Someone on a roof, a bridge rail or a window ledge."""
    d = Draft(rng, "self_harm", "jumper")
    d.headline = rng.choice(("有人要跳楼", "轻生", "站在楼顶"))
    d.say("[有个人|一个女的|一个小伙子|一个学生][站在|坐在|爬到][楼顶|天台边上|桥栏杆外面|窗台上][要往下跳|不下来|在哭]",
          "in_progress")
    if "学生" in d.clauses[-1]:
        d.flags.add("minor")
    d.say("[底下围了好多人|我们在底下喊他也不理|已经站了好一会儿了|人喝了酒]")
    return d.done("P1")


@builder("self_harm", 3)
def farewell(rng: random.Random, hour: int) -> Incident:
    """A friend or relative sent a farewell message."""
    d = Draft(rng, "self_harm", "farewell")
    d.headline = rng.choice(("疑似轻生", "发告别信息", "扬言自杀"))
    rel = rng.choice(("我朋友", "我同学", "我弟弟", "我女儿", "我妈", "我对象"))
    d.say(rel + "[刚才|{t}]给我发[微信|消息|短信]说[活着没意思|对不起大家|以后照顾好自己|要去另一个世界]，[电话不接|然后就关机了|定位在家]",
          t=ago(rng, rng.randrange(5, 40)))
    if rel == "我女儿":
        d.say("[她才|孩子]{n}岁", "minor", n=number(rng, rng.randrange(13, 18)))
    if rng.random() < 0.4:
        d.say("[说买了安眠药|说已经吃了药|说在河边|说要烧炭]")
        return d.done("P1")
    return d.done("P1" if rng.random() < 0.5 else "P2")


@builder("self_harm", 2)
def despair(rng: random.Random, hour: int) -> Incident:
    """The person themself says they want to die (calls and forum crisis posts)."""
    d = Draft(rng, "self_harm", "despair")
    d.headline = rng.choice(("不想活了", "活着太累了", "撑不下去了", "最后说几句"))
    d.say("[我不想活了|活着真没意思|我真的撑不下去了|我想结束这一切][，[欠的钱还不上|离婚了孩子也不让见|工作没了|身体的病治不好了|谁都不理解我]|]")
    roll = rng.random()
    if roll < 0.3:  # at the edge now
        d.say("[我现在就在楼顶上|我站在黄河边上|我在桥上，往下看挺高的|刀就在手边]", "in_progress")
        if "刀" in d.clauses[-1]:
            d.flags.add("weapon")
        return d.done("P1")
    if roll < 0.55:  # a plan with the means at hand
        d.say("[药我已经攒好了|炭已经买好了|遗书都写好了]，[就今天晚上|等天黑了就走|不想再拖了]")
        return d.done("P1")
    d.say("[就想找个人说说|不知道还能跟谁说|晚上一直睡不着]")
    return d.done("P2")


@builder("self_harm", 1)
def self_injury(rng: random.Random, hour: int) -> Incident:
    """Someone is cutting themself or took an overdose."""
    d = Draft(rng, "self_harm", "self_injury")
    d.headline = "自伤"
    d.say("[我室友|我儿子|家里人][在卫生间里用刀割手腕|把自己锁屋里拿刀划自己|吃了一瓶药]，[流了好多血|人有点迷糊了]",
          "injury", "in_progress")
    if "刀" in d.clauses[-1]:
        d.flags.add("weapon")
    return d.done("P1")
