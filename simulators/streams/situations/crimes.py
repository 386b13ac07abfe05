"""Builders for violent_crime, property_crime, fraud and public_order incidents."""

from __future__ import annotations

import random

from simulators.streams.grammar import cn_number, expand, number
from simulators.streams.lexicon import APPS, CAR_BRANDS, ago, appearance, plate
from simulators.streams.situations.incident import NIGHT, Draft, Incident, builder

WEAPONS = ("刀", "菜刀", "水果刀", "匕首", "砍刀", "棍子", "铁棍", "钢管", "啤酒瓶子", "砖头", "镐把")
BLADES = ("刀", "菜刀", "水果刀", "匕首", "砍刀", "西瓜刀")
RELATIVES = ("我老公", "我媳妇", "我爸", "我儿子", "我哥", "我前夫", "我对象", "她老公", "隔壁家男的")


@builder("violent_crime", 3)
def knife_attack(rng: random.Random, hour: int) -> Incident:
    """Someone attacks with a knife, club or bottle, now or minutes ago."""
    d = Draft(rng, "violent_crime", "knife_attack")
    w = rng.choice(WEAPONS)
    blade = w in BLADES
    act = "[砍人|追着人砍|捅人|乱挥]" if blade else "[打人|追着人打|往人头上抡|砸人]"
    now = rng.random() < 0.7
    d.headline = expand(rng, "[持{w}伤人|有人拿{w}伤人|持械伤人]", {"w": w})
    if now:
        d.say("[有个男的|一个人|两个人|有人|几个人][拿着|提着|手里拿][{w}|把{w}][在|正在]" + act + "[呢|了|]",
              "weapon", "in_progress", w=w)
    else:
        d.minutes_ago = rng.randrange(3, 25)
        d.say("{t}[有人|一个男的|几个人]拿{w}把人" + ("[砍了|捅了|砍伤了]" if blade else "[打了|打伤了|打破头了]"),
              "weapon", w=w, t=ago(rng, d.minutes_ago))
    if rng.random() < 0.75:
        d.say(rng.choice(("地上有人在流血", "受伤的人胳膊上全是血", "有人倒地上起不来了", "头上一直在流血",
                          "流了好多血，快叫救护车") + (("那人肚子上挨了一刀",) if blade else ())), "injury")
    if rng.random() < 0.4:
        d.say("[动手的|那个男的|行凶的][往|朝][北|南|东|西][边|面]跑了，{p}", p=appearance(rng, female=False))
    if rng.random() < 0.15:
        d.say(rng.choice(("被砍的是个小孩", "受伤的是个初中生", "旁边还有个孩子吓哭了")), "minor")
    return d.done("P1" if now or "injury" in d.flags else "P2")


@builder("violent_crime", 3)
def robbery(rng: random.Random, hour: int) -> Incident:
    """A robbery or snatch theft that just happened."""
    d = Draft(rng, "violent_crime", "robbery")
    d.minutes_ago = rng.randrange(1, 40)
    how = rng.choice((
        "[骑摩托车的|骑电动车的|两个骑车的]把我[包|手机|金项链]抢了", "有人[拿刀|拿着刀]逼着我把钱[拿出来|转给他]",
        "[一个男的|几个小伙子]把我堵住[抢了我|抢走了][手机|钱包|{n}块钱]", "[我妈|我爸|一个老太太]的包在路上被人抢了",
        "有人从后面把我[按倒|推倒]抢了我的[包|手机]"))
    d.headline = rng.choice(("抢劫", "被抢", "飞车抢夺", "抢包"))
    d.say(expand(rng, "{t}" + how, {"t": ago(rng, d.minutes_ago), "n": number(rng, rng.randrange(200, 5000))}))
    if "刀" in d.clauses[-1]:
        d.flags.add("weapon")
    if "我妈" in d.clauses[-1] or "老太太" in d.clauses[-1] or "我爸" in d.clauses[-1]:
        d.say(rng.choice(("老人七十多了", "老人家七十好几了", "老人吓坏了")), "elderly")
    if rng.random() < 0.35:
        d.say(rng.choice(("我手被划破了", "胳膊擦破了在流血", "摔了一跤腿受伤了", "脸上被打肿了")), "injury")
    if rng.random() < 0.5:
        d.say("[抢东西的|那个人|那俩人][往|朝]{dir}[跑了|骑走了]，{p}".replace("{p}", appearance(rng))
              .replace("{dir}", rng.choice(("北", "南", "东", "西", "小区里", "大街上"))))
    return d.done("P1" if d.minutes_ago <= 3 and "weapon" in d.flags else "P2")


@builder("violent_crime", 2)
def assault(rng: random.Random, hour: int) -> Incident:
    """A beating with injury, in progress or just over."""
    d = Draft(rng, "violent_crime", "assault")
    now = rng.random() < 0.5
    d.headline = rng.choice(("殴打致伤", "被人打伤", "故意伤害"))
    if now:
        d.say(expand(rng, "[几个人|三四个人|一伙人][围着|按着][一个人|一个小伙子|一个女的][往死里打|打|踢][呢|，打得很厉害|]"),
              "in_progress")
    else:
        d.minutes_ago = rng.randrange(5, 60)
        d.say(expand(rng, "{t}我[被人|让人][打了|打伤了|揍了一顿]，[对方|打我的人][跑了|还在|就在楼下]",
                     {"t": ago(rng, d.minutes_ago)}))
    d.say(rng.choice(("鼻子一直流血", "头破了", "牙被打掉了", "眼睛睁不开了", "人躺地上不动了", "肋骨疼得厉害")), "injury")
    return d.done("P1" if now else "P2")


@builder("violent_crime", 2)
def domestic_threat(rng: random.Random, hour: int) -> Incident:
    """A family member threatens the caller with a blade."""
    d = Draft(rng, "violent_crime", "domestic_threat")
    rel = rng.choice(RELATIVES[:6])
    blade = rng.choice(BLADES)
    d.headline = "家暴持刀威胁"
    d.say(expand(rng, "{r}[喝多了|又喝酒了|发疯了|跟疯了一样][拿着|提着|举着]{w}[要砍我|说要杀了我|在砸门|追着我打]",
                 {"r": rel, "w": blade}), "weapon", "domestic_violence", "in_progress")
    if rng.random() < 0.5:
        d.say(rng.choice(("我躲在卫生间里", "我跑到邻居家了", "孩子也在家", "我脸上被打出血了")))
        if "孩子" in d.clauses[-1]:
            d.flags.add("minor")
        if "出血" in d.clauses[-1]:
            d.flags.add("injury")
    return d.done("P1")


@builder("violent_crime", 2)
def domestic_assault(rng: random.Random, hour: int) -> Incident:
    """A partner or relative beats the caller (domestic violence)."""
    d = Draft(rng, "violent_crime", "domestic_assault")
    d.headline = rng.choice(("家暴", "家庭暴力", "被家人殴打"))
    now = rng.random() < 0.5
    who = rng.choice(("我老公", "我对象", "我前夫", "我儿子", "孩子他爸"))
    if now:
        d.say(who + "[又在打我|喝完酒在家里打人|把我按在地上打][，我跑到楼道里了|，还在砸东西|]",
              "domestic_violence", "in_progress")
    else:
        d.minutes_ago = rng.randrange(10, 120)
        d.say("{t}" + who + "[把我打了|动手打了我|又打我了][，这不是第一次了|，他现在出去了|]", "domestic_violence",
              t=ago(rng, d.minutes_ago))
    if rng.random() < 0.6:
        d.say("[头被打破了|脸上全是血|胳膊青了一大片|鼻子一直流血]", "injury")
    if rng.random() < 0.25:
        d.say("[孩子也挨了两下|孩子吓得直哭，他连孩子也打]", "minor")
    return d.done("P1" if now else "P2")


@builder("violent_crime", 1)
def forced_into_car(rng: random.Random, hour: int) -> Incident:
    """Someone is dragged into a vehicle (possible kidnapping)."""
    d = Draft(rng, "violent_crime", "forced_into_car")
    d.headline = "疑似绑架"
    child = rng.random() < 0.5
    who = "一个[小女孩|小男孩|学生]" if child else "一个[女的|年轻女孩]"
    d.say(expand(rng, "[我看见|刚才看见|亲眼看见]两个男的把" + who + "[硬拽上|拖上|塞进]了一辆{b}{t}，[她|那孩子|那人]一直在喊救命",
                 {"b": rng.choice(CAR_BRANDS), "t": rng.choice(("面包车", "轿车", "SUV"))}), "in_progress")
    if child:
        d.flags.add("minor")
    d.say(expand(rng, "车牌{p}，[往|朝][东|西|南|北][开走了|跑了]", {"p": plate(rng)}))
    return d.done("P1")


@builder("violent_crime", 1)
def indecent_assault(rng: random.Random, hour: int) -> Incident:
    """Indecent assault on the caller or their daughter."""
    d = Draft(rng, "violent_crime", "indecent_assault")
    d.minutes_ago = rng.randrange(5, 50)
    d.headline = "猥亵"
    d.say(expand(rng, "{t}[有个男的|一个陌生男的][在楼道里|在公交车上|在电梯里][对我|对我女儿][动手动脚|猥亵|摸]",
                 {"t": ago(rng, d.minutes_ago)}))
    if "女儿" in d.clauses[-1]:
        d.say(expand(rng, "[孩子|她][才|今年]{n}岁", {"n": number(rng, rng.randrange(8, 16))}), "minor")
    d.say("[那人是个|看着是个|对方是个]" + appearance(rng, female=False))
    return d.done("P2")


@builder("property_crime", 4)
def ebike_theft(rng: random.Random, hour: int) -> Incident:
    """An e-bike, battery, bicycle or motorbike is stolen (or being stolen)."""
    d = Draft(rng, "property_crime", "ebike_theft")
    thing = rng.choice(("电动车", "电瓶车", "电动车的电瓶", "电瓶", "自行车", "摩托车", "三轮车"))
    d.headline = f"{thing}被盗"
    if rng.random() < 0.2:
        d.say(expand(rng, "[有个人|两个人][正在|在][撬|剪][锁|车锁]，[好像要偷{x}|看着像偷车的]", {"x": thing}), "in_progress")
        return d.done("P2")
    d.minutes_ago = rng.randrange(30, 900)
    d.say(expand(rng, "[我|我家]{x}[让人偷了|被偷了|丢了|没了][，停在楼下的|，锁着也没用|]", {"x": thing}))
    d.say(expand(rng, "[{t}停的|{t}还在|昨天晚上放的|早上起来就没了]", {"t": ago(rng, d.minutes_ago)}))
    if rng.random() < 0.4:
        d.say(rng.choice(("车是[新买的|去年买的]，[三千多|两千来|四千多]块", "[楼道|小区门口]有监控", "已经是第二次了")))
    return d.done("P3")


@builder("property_crime", 3)
def burglary(rng: random.Random, hour: int) -> Incident:
    """A home was broken into."""
    d = Draft(rng, "property_crime", "burglary")
    d.headline = rng.choice(("入室盗窃", "家中被盗", "门被撬"))
    d.minutes_ago = rng.randrange(30, 1440)
    d.say(expand(rng, "[回家发现|下班回来|今天早上起来][门锁被撬了|门被撬开了|窗户被人撬了|家里被翻得乱七八糟]"))
    d.say(expand(rng, "[丢了|少了|被偷了][{n}块现金|金镯子和现金|一台笔记本电脑|首饰|好几条烟和酒]",
                 {"n": number(rng, rng.randrange(1000, 20000))}))
    if rng.random() < 0.2:
        d.say("[好像|感觉]人还在[屋里|楼道里]没走", "in_progress")
        return d.done("P2")
    return d.done("P3")


@builder("property_crime", 3)
def pickpocket(rng: random.Random, hour: int) -> Incident:
    """A phone or wallet was picked on a bus, in a market or at a station."""
    d = Draft(rng, "property_crime", "pickpocket")
    d.minutes_ago = rng.randrange(2, 120)
    d.headline = rng.choice(("手机被偷", "钱包被扒", "被扒窃"))
    d.say(expand(rng, "{t}[在公交车上|在菜市场|在超市排队的时候|坐公交的时候|在火车站][手机被偷了|钱包让人摸走了|包被划了个口子，手机没了]",
                 {"t": "" if rng.random() < 0.5 else ago(rng, d.minutes_ago)}))
    if rng.random() < 0.3:
        d.say("[怀疑是旁边一个人偷的|当时有个人一直往我身上挤]，{p}", p=appearance(rng))
    return d.done("P2" if d.minutes_ago < 15 else "P3")


@builder("property_crime", 2)
def car_break_in(rng: random.Random, hour: int) -> Incident:
    """A car window was smashed or the car scratched."""
    d = Draft(rng, "property_crime", "car_break_in")
    d.minutes_ago = rng.randrange(60, 720)
    d.headline = rng.choice(("车窗被砸", "车内财物被盗", "车辆被划"))
    d.say(expand(rng, "[我的车|我停路边的{b}][车窗让人砸了|玻璃被砸了|被人划了一长道|轮胎被扎了]", {"b": rng.choice(CAR_BRANDS)}))
    if rng.random() < 0.6:
        d.say(rng.choice(("车里的包没了", "放车里的现金被拿走了", "中控台被翻乱了", "没丢东西，就是车被砸了")))
    return d.done("P3")


@builder("property_crime", 1)
def shoplifter_caught(rng: random.Random, hour: int) -> Incident:
    """A shop holds a thief it caught."""
    d = Draft(rng, "property_crime", "shoplifter_caught")
    d.headline = "抓获小偷"
    d.say(expand(rng, "[我们超市|我们店里|商场里]抓到一个偷东西的，[偷了好几瓶酒|偷了化妆品|往兜里装东西被看见了]"))
    d.say("[人现在|人]被[保安|我们]扣着[呢|，在办公室|]", "in_progress")
    return d.done("P2")


def _fraud_victim(rng: random.Random) -> tuple[str, bool]:
    who = rng.choice(("我", "我", "我", "我妈", "我爸", "我爷爷", "我奶奶", "我媳妇"))
    return who, who in ("我妈", "我爸", "我爷爷", "我奶奶")


@builder("fraud", 4)
def impersonation(rng: random.Random, hour: int) -> Incident:
    """Fake police, customer service or bank staff talk someone into paying."""
    d = Draft(rng, "fraud", "impersonation")
    who, old = _fraud_victim(rng)
    d.headline = rng.choice(("冒充公检法诈骗", "冒充客服诈骗", "电信诈骗"))
    actor = rng.choice(("说是公安局的", "自称检察院的", "说是[淘宝|京东|快递]客服", "冒充[银行|医保局]的",
                        "说是[抖音|支付宝]的工作人员", "说他是我领导"))
    d.say(expand(rng, "{w}接了个电话，对方" + actor + "，说[涉嫌洗钱|账户异常|要退款|百万保障要关闭|医保卡被冻结]",
                 {"w": who}))
    if old:
        d.flags.add("elderly")
    if rng.random() < 0.3:
        d.say(expand(rng, "[对方|骗子][现在还在|正在][跟{w}打电话|让{w}开视频|让{w}去银行转钱]", {"w": who}),
              "in_progress")
        return d.done("P2")
    d.minutes_ago = rng.randrange(10, 600)
    amount = rng.choice((3000, 8800, 12000, 26000, 49800, 150000, 68000))
    d.say(expand(rng, "[让|叫]{w}[转到安全账户|下载了个APP共享屏幕|把钱转过去][，一共转了|，前后转了|，转了]{n}[块|元]",
                 {"w": who if who != "我" else "我", "n": number(rng, amount, chinese_share=0.2)}))
    d.say(expand(rng, "[{t}转的|最后一笔是{t}转的|转完才反应过来]", {"t": ago(rng, d.minutes_ago)}))
    return d.done("P2" if d.minutes_ago <= 60 else "P3")


@builder("fraud", 3)
def task_scam(rng: random.Random, hour: int) -> Incident:
    """A click-farming, investment or loan app swallowed deposits."""
    d = Draft(rng, "fraud", "task_scam")
    d.headline = rng.choice(("刷单返利诈骗", "网络兼职诈骗", "投资理财诈骗", "贷款诈骗"))
    app = rng.choice(APPS)
    d.say(expand(rng, "[在网上|在抖音上|在QQ群里|朋友圈]看到[刷单返利|兼职点赞|炒币投资|低息贷款]，[下了|装了]一个叫“{a}”的APP",
                 {"a": app}))
    d.minutes_ago = rng.randrange(60, 4000)
    d.say(expand(rng, "[前面返了几十块|一开始给返钱了]，后来[让我充钱|说要交解冻费|说流水不够]，一共[被骗了|充进去]{n}[块|元|块钱]",
                 {"n": number(rng, rng.choice((5000, 13600, 32000, 81000, 200000)), chinese_share=0.2)}))
    d.say(rng.choice(("现在提不了现", "客服把我拉黑了", "APP打不开了", "群也解散了")))
    return d.done("P3")


@builder("fraud", 1)
def romance_scam(rng: random.Random, hour: int) -> Incident:
    """An online partner borrowed or "invested" the caller's money."""
    d = Draft(rng, "fraud", "romance_scam")
    d.headline = "网恋诈骗"
    d.minutes_ago = rng.randrange(600, 20000)
    female = rng.random() < 0.6
    d.say(("[在交友软件上认识个女的|网上认识了一个女的]" if female else "[游戏里认识个男的|网上认识了一个男的]")
          + "，处了[两个月|半年|一个多月]，[带我投资|说家里出事要借钱|让我给{x}买礼物]", x="她" if female else "他")
    d.say("[前前后后|一共]给了{x}[{n}万|{m}块]", x="她" if female else "他", n=number(rng, rng.randrange(2, 40)),
          m=number(rng, rng.randrange(30, 300) * 100, chinese_share=0.2))
    return d.done("P3")


@builder("public_order", 4)
def fight(rng: random.Random, hour: int) -> Incident:
    """A fight without weapons at a barbecue stall, KTV or market."""
    d = Draft(rng, "public_order", "fight")
    d.headline = rng.choice(("打架", "斗殴", "有人打架"))
    place = rng.choice(("烧烤摊", "KTV门口", "饭店门口", "网吧里", "小区门口", "菜市场", "广场上"))
    d.say(expand(rng, "{p}[有人打架|好几个人打起来了|两伙人打起来了|几个喝多的在打架][呢|了|]", {"p": place}), "in_progress")
    if rng.random() < 0.3:
        d.say(rng.choice(("有人鼻子出血了", "有个人脸上挂彩了", "有人被打破了头")), "injury")
    if rng.random() < 0.1:
        d.say("[围了|聚了][一二十个人|好多人|几十号人][，有人在拍视频|，场面挺乱|]", "sensitive")
    return d.done("P2")


@builder("public_order", 4)
def noise(rng: random.Random, hour: int) -> Incident:
    """Neighbours or a restaurant make noise (late at night or all day)."""
    d = Draft(rng, "public_order", "noise")
    d.headline = rng.choice(("噪音扰民", "深夜扰民"))
    when = "[大半夜的|这都几点了|都[十二|一|两]点了]" if hour in NIGHT else "[一天了|从早上到现在|中午]"
    d.say(expand(rng, when + "[楼上|隔壁|对门|楼下饭店][还在|一直][唱歌|放音乐|喝酒划拳|装修砸墙|打麻将][，吵得睡不了觉|，孩子明天还上学|]"), "in_progress")
    if rng.random() < 0.4:
        d.say(rng.choice(("敲门也不开", "跟物业说了没用", "已经不是第一次了", "去说了还骂人")))
    return d.done("P3")


@builder("public_order", 2)
def gambling(rng: random.Random, hour: int) -> Incident:
    """A tip-off about gambling or drug use."""
    d = Draft(rng, "public_order", "gambling")
    d.headline = rng.choice(("聚众赌博", "赌博举报", "涉毒举报"))
    if rng.random() < 0.7:
        d.say(expand(rng, "[举报|我要举报]{p}有人[聚众赌博|开赌场|打大牌|玩老虎机][，天天晚上都有|，输赢挺大|，进进出出好多人]",
                     {"p": rng.choice(("楼下棋牌室", "小区地下室", "一个平房院里", "麻将馆"))}))
    else:
        d.say(expand(rng, "[怀疑|感觉]{p}有人[吸毒|溜冰|吸那个东西][，味儿很怪|，经常半夜来人|]",
                     {"p": rng.choice(("对门", "楼上出租屋", "宾馆隔壁房间"))}))
    return d.done("P3")


@builder("public_order", 2)
def drunk(rng: random.Random, hour: int) -> Incident:
    """A drunk person makes trouble or lies in a stairwell."""
    d = Draft(rng, "public_order", "drunk")
    d.headline = rng.choice(("醉酒滋事", "酒后闹事"))
    d.say(expand(rng, "[有个喝醉的|一个醉汉|一个喝多的男的][在|躺在|坐在][马路边|楼道里|饭店门口|公交站][骂人|砸东西|睡着了叫不醒|闹事]"),
          "in_progress")
    return d.done("P3")


@builder("public_order", 2)
def harassment(rng: random.Random, hour: int) -> Incident:
    """Someone follows, pesters or threatens the caller."""
    d = Draft(rng, "public_order", "harassment")
    d.headline = rng.choice(("骚扰", "被跟踪", "被人纠缠"))
    d.say(expand(rng, "[有个人|一个男的|前男友][一直|天天][跟着我|给我打电话骂人|在我家门口堵我|往我门上泼东西]"))
    d.say("[那人是个|对方是个]" + appearance(rng, female=False))
    return d.done("P3")


@builder("public_order", 1)
def gathering(rng: random.Random, hour: int) -> Incident:
    """A crowd gathers to demand wages or redress (sensitive)."""
    d = Draft(rng, "public_order", "gathering")
    d.headline = rng.choice(("聚集", "群体聚集", "堵门"))
    n = rng.choice((20, 30, 40, 50, 80, 100))
    d.say(expand(rng, "[有|来了][{n}多个人|{n}来号人|好多人][聚在|堵在|围在][售楼处|工地门口|政府门口|公司门口][讨说法|要工钱|拉横幅]",
                 {"n": cn_number(n) if rng.random() < 0.5 else str(n)}), "sensitive", "in_progress")
    if rng.random() < 0.5:
        d.say(rng.choice(("有人在直播", "把路都堵了", "情绪挺激动的", "有人说要爬楼")))
    return d.done("P2")
