"""The named scenarios' stories (registered into :mod:`simulators.streams.scenarios.stage`).

Times are minutes after the scenario start. Each story draws its wording from the
same grammar as background traffic, so two seeds tell the same story differently.
"""

from __future__ import annotations

from simulators.streams.lexicon import APPS, appearance, phone
from simulators.streams.places import (
    gazetteer,
    is_in_baotou,
    nearest_anchor,
    offset,
    pick_anchor,
    pick_district,
    scatter,
)
from simulators.streams.scenarios.stage import Stage, home_point, scenario, urban_community
from simulators.streams.situations.emergencies import missing_report
from simulators.streams.situations.incident import Draft

WANDERER_DISTANCE_M = 1200.0
WANDERER_SIGHTING_MIN = 40.0


def _away(stage: Stage, point: tuple[float, float], metres: float) -> tuple[float, float]:
    for _ in range(50):
        lat, lon = offset(point[0], point[1], metres, stage.rng.uniform(0, 360))
        if is_in_baotou(lat, lon):
            return round(lat, 6), round(lon, 6)
    return point  # only for anchors on the city edge; urban anchors always find one


@scenario("elderly-wanderer", "老人走失：家属报警后约40分钟，路人报告约1.2公里外有老人在马路中间行走，与走失案特征吻合（目标：17分钟内送回家）", clock=(16, 20))
def elderly_wanderer(stage: Stage) -> None:
    """A family reports a man with dementia missing; 40 min later a passer-by sees him."""
    rng = stage.rng
    home = urban_community(rng)
    home_pt = home_point(rng, home)
    person = appearance(rng, elderly=True, female=False)
    case = stage.ident("case")
    report = missing_report(rng, stage.hour, who="elderly", person=person,
                            minutes_ago=rng.randrange(40, 70), minute=stage.start.minute)
    stage.emit(0, "call", report, stage.where("call", home, home_pt, "address"),
               event="missing", case=case)
    seen = _away(stage, home_pt, WANDERER_DISTANCE_M)
    d = Draft(rng, "missing_person", "sighting_elderly")
    d.say("[有个老大爷|一个老爷子|有个老人][在马路中间走|顺着马路中间走|在机动车道中间慢慢走][，车都在绕着他|，差点被车撞了|]",
          "elderly", "in_progress")
    d.say("[看着|大概]{p}", p="，".join(person.split("，")[:3]))
    d.say("[问他家在哪他说不清楚|叫他也不理人|看着有点糊涂][，我先把他拉到路边了|，我在旁边看着|]")
    group = stage.ident("dup")
    near = nearest_anchor(*seen, exclude=home)
    stage.emit(WANDERER_SIGHTING_MIN, "call", d.done("P2"), stage.where("call", near, seen, "both"),
               event="sighting", case=case, group=group, register="transcript")
    d2 = Draft(rng, "missing_person", "sighting_elderly")
    d2.say("[开车路过|刚开车过去][看见|发现]一个老人在路中间走[，特别危险|，穿得挺少|]", "elderly", "in_progress")
    stage.emit(WANDERER_SIGHTING_MIN + rng.uniform(1.5, 4), "call", d2.done("P2"),
               stage.where("call", near, seen, "coords"), event="sighting", case=case, group=group,
               register="record")


@scenario("forum-crisis-out-of-province", "论坛危机：网友深夜发帖流露轻生念头，IP属地江苏、线索指向张家港（辖区外），随后网友跟帖、家属报警（目标：2小时内定位）", clock=(22, 50))
def forum_crisis(stage: Stage) -> None:
    """A farewell post from a Baotou native working in Zhangjiagang, then a reply and a call."""
    rng = stage.rng
    # The real story this follows: a Baotou native posting from 张家港 (Jiangsu).
    place = next(p for p in gazetteer().outside if p.name == "张家港市")
    point = scatter(rng, place)
    group = stage.ident("dup")
    d = Draft(rng, "self_harm", "forum_farewell")
    d.headline = rng.choice(("活着太累了", "最后一次发帖", "对不起所有人", "再见了"))
    d.say("[我是包头人|老家固阳的|从小在昆区长大]，[现在在{c}打工|一个人在{c}上班|来{c}三年了]", c=place.name)
    d.say("[欠了网贷还不上|工作丢了|跟家里闹翻了]，[这边一个认识的人都没有|每天晚上都睡不着|觉得撑不下去了]")
    d.say("[今晚就去江边|药已经买好了|想去长江边走走，不回来了]，[谢谢大家|对不起我妈|别找我]")
    stage.emit(0, "forum", d.done("P1"), stage.where("forum", place, point, "vague", silent=True),
               event="crisis", group=group, region_hint="江苏")
    d2 = Draft(rng, "self_harm", "forum_reply")
    d2.headline = "求助：有网友发帖要轻生"
    d2.say("[刚刷到一个帖子|看到论坛里有个帖子]，[发帖的人说要去江边|楼主说今晚就不活了]，IP是江苏的，[好像在{c}|说在{c}打工]",
           c=place.name)
    d2.say("[警察同志快看看|能不能联系一下|求扩散]")
    stage.emit(rng.uniform(8, 15), "forum", d2.done("P1"),
               stage.where("forum", place, point, "vague", silent=True),
               event="crisis", group=group, region_hint="内蒙古")
    d3 = Draft(rng, "self_harm", "relative_call")
    d3.say("[我儿子|我弟弟|我家孩子]在江苏{c}打工，[刚在网上发了要寻死的话|给我发消息说对不起]，[电话打不通|关机了]",
           c=place.name)
    d3.say("[他手机号是{p}|号码{p}]，[求求你们帮忙找找|能不能联系那边警察]", p=phone(rng))
    stage.emit(rng.uniform(22, 30), "call", d3.done("P1"),
               stage.where("call", place, point, "address", silent=True),
               event="crisis", group=group, register="transcript")


@scenario("fire-surge", "火灾激增：居民楼高层夜间起火，5分钟内40个电话从不同角度报警，随后有论坛帖子和一条12345转办", clock=(21, 15))
def fire_surge(stage: Stage) -> None:
    """40 calls in 5 minutes about one high-rise fire, then posts and a hand-over."""
    rng = stage.rng
    place = urban_community(rng)
    point = home_point(rng, place)
    floor = rng.randrange(9, 27)
    group = stage.ident("dup")
    offsets = sorted([0.0] + [rng.uniform(0, 5) for _ in range(39)])
    for minutes in offsets:
        d = Draft(rng, "fire_disaster", "fire")
        d.headline = "居民楼起火"
        d.say("[{f}楼|{f}层|高层上面|对面楼上|我们楼上|{f}楼那家|上面好几层][着火了|冒黑烟了|火苗子都窜出来了|烧起来了|往外冒烟]",
              "in_progress", f=str(floor) if rng.random() < 0.6 else "十几")
        priority = "P2"
        roll = rng.random()
        if roll < 0.35:
            d.say("[窗户那儿有人在喊救命|里面还有人没出来|楼道全是烟下不去|有人在阳台上挥手]")
            priority = "P1"
        elif roll < 0.45:
            d.say("[有个老人还在屋里|听说屋里有个老太太]", "elderly")
            priority = "P1"
        elif roll < 0.5:
            d.say("[有人被烟呛晕了|有人从楼上下来烧伤了]", "injury")
            priority = "P1"
        if rng.random() < 0.3:
            d.say("[119打不进去|119也打了|让消防快来]")
        where = stage.where("call", place, point, rng.choice(("both", "address", "coords", "vague")))
        stage.emit(minutes, "call", d.done(priority), where, event="fire", group=group)
    for minutes in (rng.uniform(12, 20), rng.uniform(20, 35)):
        d = Draft(rng, "fire_disaster", "fire_post")
        d.headline = rng.choice(("小区着火了", "居民楼起火", "好大的烟"))
        d.say("[{p}这边|我们小区][一栋楼着火了|高层起火了]，[烟特别大|消防车来了好几辆|楼下全是人]", "in_progress", p=place.short)
        stage.emit(minutes, "forum", d.done("P2"), stage.where("forum", place, point, "address"),
                   event="fire", group=group)
    d = Draft(rng, "fire_disaster", "fire_handover")
    d.say("[{p}{f}楼起火|{p}一栋高层着火]，[市民担心楼内还有人|楼道堵塞消防车进不来]", "in_progress", p=place.short, f=str(floor))
    stage.emit(rng.uniform(8, 15), "transfer_12345", d.done("P2"),
               stage.where("transfer_12345", place, point, "address"), event="fire", group=group)


@scenario("telecom-fraud-wave", "电诈波次：3小时内全市约24名受害人报告同一“客服退款”话术和同一APP，另有论坛预警帖和12345转办", clock=(9, 30), hours=3.5)
def fraud_wave(stage: Stage) -> None:
    """Many victims of one scam script across the city within three hours."""
    rng = stage.rng
    app = rng.choice(APPS)
    number = f"400-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}"
    t = 0.0
    k = 0
    while t < 180:
        k += 1
        who = rng.choice(("我", "我", "我妈", "我爸", "我媳妇", "我"))
        old = who in ("我妈", "我爸")
        d = Draft(rng, "fraud", "refund_scam")
        d.headline = "冒充客服退款诈骗"
        d.say("{w}接到一个[自称快递客服|说是淘宝客服|说是理赔专员]的电话，号码是{n}，说[快递丢了要理赔|买的东西有质量问题要退款]",
              w=who, n=number)
        if old:
            d.flags.add("elderly")
        d.say("让{w}下了个叫“{a}”的APP，[开了屏幕共享|输了验证码|按他说的操作]", w=who, a=app)
        amount = rng.choice((2000, 4800, 9900, 15000, 36000, 52000))
        inprog = rng.random() < 0.25
        if inprog:
            d.say("[现在对方还在电话里指挥|人还在银行柜台这儿|还在转账]", "in_progress")
        else:
            d.say("[卡里{m}块没了|被转走了{m}元|一共转过去{m}]", m=str(amount))
        channel = "call" if rng.random() < 0.85 else "transfer_12345"
        district = pick_district(rng, stage.config.district_population)
        place = pick_anchor(rng, district)
        stage.emit(t, channel, d.done("P2"), stage.where(channel, place, scatter(rng, place),
                                                            rng.choice(("address", "both", "address"))),
                   event=f"victim{k}")
        t += rng.expovariate(8 / 60)
    for minutes in (rng.uniform(40, 90), rng.uniform(100, 170)):
        d = Draft(rng, "fraud", "fraud_warning")
        d.headline = rng.choice(("警惕！客服退款诈骗", "大家注意这个APP"))
        d.say("[今天|刚才][我|我们单位好几个人]接到{n}打来的电话，[说退款|说理赔]，让下“{a}”，[千万别信|已经有人被骗了]",
              n=number, a=app)
        place = pick_anchor(rng, pick_district(rng, stage.config.district_population))
        stage.emit(minutes, "forum", d.done("P3"), stage.where("forum", place, scatter(rng, place), "vague"),
                   event="warning")


@scenario("missing-child-market", "儿童走失：下午人多的市场里6岁孩子走失，母亲报警、网友转发，约30分钟后商户报告有小孩在哭", clock=(15, 10))
def missing_child(stage: Stage) -> None:
    """A lost child at a market, a forum repost, then a shopkeeper's sighting."""
    rng = stage.rng
    place = urban_community(rng)
    point = home_point(rng, place)
    female = rng.random() < 0.5
    person = appearance(rng, child=True, female=female)
    case = stage.ident("case")
    report = missing_report(rng, stage.hour, who="child", person=person,
                            minutes_ago=rng.randrange(10, 25), minute=stage.start.minute)
    stage.emit(0, "call", report, stage.where("call", place, point, "both"), event="missing", case=case)
    d = Draft(rng, "missing_person", "missing_repost")
    d.headline = "寻人！孩子在市场走丢了"
    d.say("[帮朋友转|求扩散]，{p}附近[菜市场|商场]走丢一个孩子，{x}", "minor", p=place.short, x=person)
    stage.emit(rng.uniform(10, 20), "forum", d.done("P1"),
               stage.where("forum", place, point, "address", silent=True),
               event="missing", case=case)
    seen = _away(stage, point, rng.uniform(300, 700))
    d = Draft(rng, "missing_person", "sighting_child")
    d.say("[我们店门口|摊位旁边]有个[小女孩|孩子]" if female else "[我们店门口|摊位旁边]有个[小男孩|孩子]")
    d.say("[一直在哭|说找不到妈妈了|一个人待了好一会儿了]，{x}", "minor", "in_progress",
          x="，".join(person.split("，")[:2]))
    stage.emit(rng.uniform(28, 34), "call", d.done("P2"),
               stage.where("call", nearest_anchor(*seen, exclude=place), seen, "both"),
               event="sighting", case=case, register="transcript")


@scenario("night-brawl", "深夜斗殴：凌晨烧烤店外群殴，10分钟内8个电话，部分提到持刀和有人受伤，围观人数增加（敏感）", clock=(1, 20), hours=0.5)
def night_brawl(stage: Stage) -> None:
    """A brawl outside a barbecue place after midnight, told by eight callers."""
    rng = stage.rng
    place = urban_community(rng, ("昆都仑区", "青山区", "东河区", "九原区"))
    point = home_point(rng, place)
    group = stage.ident("dup")
    for k, minutes in enumerate(sorted(rng.uniform(0, 10) for _ in range(8))):
        d = Draft(rng, "public_order", "brawl")
        d.headline = "烧烤店外群殴"
        d.say("[烧烤店门口|烧烤摊那儿|夜市这边][十几个人|两伙人|一帮喝多的][打起来了|打成一片|在互殴]", "in_progress")
        flags_roll = rng.random()
        if flags_roll < 0.5 or k == 0:
            d.say("[有人拿着刀|有人抄起了酒瓶子和棍子|有人拿砍刀]", "weapon")
        if rng.random() < 0.5:
            d.say("[有人头破了在流血|地上躺着一个人|有人被捅了]", "injury")
        if rng.random() < 0.4 or k >= 5:
            d.say("[围观的人越来越多|好多人在拍视频发抖音|路都堵了]", "sensitive")
        if d.flags & {"weapon", "injury"}:
            # taxonomy: a weapon or an injury makes a brawl violent_crime, in progress = P1
            d.category, priority = "violent_crime", "P1"
        else:
            priority = "P2"
        where = stage.where("call", place, point, rng.choice(("both", "address", "vague", "coords")))
        stage.emit(minutes, "call", d.done(priority), where, event="brawl", group=group)


@scenario("snowstorm-pileup", "雪天连环撞：大雪中110国道城区段多车追尾，20分钟内15个电话，随后两小时全市零星剐蹭报警增多", clock=(7, 40), hours=2.5)
def snowstorm(stage: Stage) -> None:
    """A chain collision in snow, then scattered minor collisions across the city."""
    rng = stage.rng
    place = urban_community(rng, ("昆都仑区", "青山区", "东河区"))
    point = home_point(rng, place)
    group = stage.ident("dup")
    for minutes in sorted(rng.uniform(0, 20) for _ in range(15)):
        d = Draft(rng, "traffic", "pileup")
        d.headline = "多车追尾"
        d.say("[110国道|国道上|路上][雪太大|路面结冰][，好几辆车追尾了|，七八辆车撞一块了|，连环追尾了]")
        priority = "P3"
        if rng.random() < 0.4:
            d.say("[有人受伤了|有个司机卡在车里|有人头磕破了]", "injury")
            priority = "P2"
        d.say("[后面车还在往上撞|路全堵死了|需要交警和清障车]")
        stage.emit(minutes, "call", d.done(priority), stage.where("call", place, point, rng.choice(("both", "vague", "coords"))),
                   event="pileup", group=group)
    t = 25.0
    k = 0
    while t < 140:
        k += 1
        d = Draft(rng, "traffic", "snow_collision")
        d.say("[雪天路滑|地上太滑][跟前车追尾了|车溜了撞上了|刹不住剐了一下][，人没事|，没人受伤][，等交警定责|，对方要私了|]")
        p = pick_anchor(rng, pick_district(rng, stage.config.district_population))
        stage.emit(t, "call", d.done("P3"), stage.where("call", p, scatter(rng, p), "address"), event=f"minor{k}")
        t += rng.expovariate(12 / 60)
