"""Builders for dispute, assistance, consultation and non_police incidents."""

from __future__ import annotations

import random

from simulators.streams.grammar import number
from simulators.streams.lexicon import CAR_BRANDS, plate
from simulators.streams.situations.incident import Draft, Incident, builder


@builder("dispute", 3)
def neighbour(rng: random.Random, hour: int) -> Incident:
    """A quarrel with neighbours over leaks, parking or noise."""
    d = Draft(rng, "dispute", "neighbour")
    d.headline = rng.choice(("邻里纠纷", "邻居吵架", "楼道占用纠纷"))
    d.say("[跟|和][楼上|对门|隔壁|楼下]邻居因为[漏水|停车|楼道堆东西|装修|养狗|晾衣服][吵起来了|闹矛盾了|起了纠纷]")
    d.say("[对方不讲理|说了好几次都不改|物业也管不了|现在两家在楼道里吵呢][，没动手|，还没打起来|]")
    return d.done("P3")


@builder("dispute", 2)
def family(rng: random.Random, hour: int) -> Incident:
    """A family quarrel without violence."""
    d = Draft(rng, "dispute", "family")
    d.headline = rng.choice(("家庭纠纷", "夫妻吵架", "家庭矛盾"))
    d.say("[我跟我老公|我和我媳妇|我跟我儿子|我们家兄弟几个][因为[钱|房子|孩子|老人养老]的事]吵起来了[，吵得挺凶|，他要把我撵出去|]")
    d.say("[没动手|就是吵|没打人][，想让警察来调解一下|，让你们来给评评理|]")
    return d.done("P3")


@builder("dispute", 2)
def wages(rng: random.Random, hour: int) -> Incident:
    """Unpaid wages."""
    d = Draft(rng, "dispute", "wages")
    d.headline = rng.choice(("拖欠工资", "讨要工钱", "劳资纠纷"))
    d.say("[老板|包工头|公司][欠了我们|拖了我们|一直不给][{m}个月工资|{n}块钱工钱|半年的工钱][，人找不着了|，电话也不接|]",
          m=number(rng, rng.randrange(2, 8)), n=number(rng, rng.choice((8000, 15000, 32000, 60000)), chinese_share=0.3))
    return d.done("P3")


@builder("dispute", 2)
def consumer(rng: random.Random, hour: int) -> Incident:
    """A dispute with a shop, landlord, agent or driver."""
    d = Draft(rng, "dispute", "consumer")
    d.headline = rng.choice(("消费纠纷", "租房纠纷", "打车纠纷"))
    d.say(rng.choice((
        "[在饭店吃饭|买东西|办了张卡]跟[老板|店家|商家]起了纠纷，[他们多收钱|不给退|东西有问题]",
        "[房东|中介][不退押金|把我东西扔出来了|把门锁换了][，合同还没到期|]",
        "[出租车|网约车][司机|师傅][绕路|多收钱|不让下车][，跟他吵起来了|]",
        "跟人[剐了一下车|借钱不还|合伙做生意]闹纠纷了，[对方不认|想让你们来处理一下]")))
    return d.done("P3")


@builder("dispute", 1)
def land(rng: random.Random, hour: int) -> Incident:
    """A land, boundary or homestead dispute in a village."""
    d = Draft(rng, "dispute", "land")
    d.headline = rng.choice(("土地纠纷", "地界纠纷"))
    d.say("[跟邻村的|和邻居家][因为地界|因为浇地|因为羊吃了庄稼|宅基地的事][吵起来了|有矛盾][，对方叫了好几个人来|，想让派出所来个人|]")
    return d.done("P3")


@builder("assistance", 3)
def locked_out(rng: random.Random, hour: int) -> Incident:
    """Locked out, or a child locked in a room or car."""
    d = Draft(rng, "assistance", "locked_out")
    d.headline = rng.choice(("被锁门外", "求助开锁", "孩子反锁在屋"))
    if rng.random() < 0.3:
        d.say("[孩子|我家小孩][把自己反锁在[屋里|车里]了|在屋里出不来了]，[才|今年]{n}岁[，一直在哭|]",
              "minor", n=number(rng, rng.randrange(2, 7)))
        return d.done("P2")
    d.say("[钥匙锁屋里了|门打不开了|钥匙丢了进不去家][，家里煤气还开着|，大冬天的进不去|]")
    return d.done("P3")


@builder("assistance", 3)
def lost_item(rng: random.Random, hour: int) -> Incident:
    """Something lost or found."""
    d = Draft(rng, "assistance", "lost_item")
    d.headline = rng.choice(("物品遗失", "捡到物品", "证件丢失"))
    if rng.random() < 0.4:
        d.say("[捡到一个钱包|捡到一部手机|捡到一个包][，里面有身份证|，想交给警察|，失主找不到]")
    else:
        d.say("[把包|手机|钱包|身份证和银行卡|孩子的书包][落在[出租车|公交车|网约车]上了|丢了|找不着了][，车牌{p}|，里面有{n}块钱|]",
              p=plate(rng), n=number(rng, rng.randrange(200, 3000)))
    return d.done("P3")


@builder("assistance", 2)
def helpless_person(rng: random.Random, hour: int) -> Incident:
    """Someone collapsed outside, or stranded without money."""
    d = Draft(rng, "assistance", "helpless_person")
    d.headline = rng.choice(("救助", "有人需要帮助"))
    if rng.random() < 0.5:
        d.say("[路边躺着一个人|有个老人摔倒了起不来|公交站有个人晕倒了|有个喝醉的躺雪地里][，天这么冷|，叫也叫不醒|]", "in_progress")
        if "老人" in d.clauses[-1]:
            d.flags.add("elderly")
        return d.done("P2")
    d.say("[有个外地人|一个流浪的|有个小伙子][身上没钱回不了家|手机丢了联系不上家里|在车站待了两天了]")
    return d.done("P3")


@builder("assistance", 2)
def animal(rng: random.Random, hour: int) -> Incident:
    """An animal trapped or loose on the road."""
    d = Draft(rng, "assistance", "animal")
    d.headline = rng.choice(("动物救助", "动物伤人风险"))
    d.say("[一只狗|一只猫|一条大狗|一只羊][掉到[井里|河里|下水道里]了|卡在[车底下|栏杆里]了|在马路上乱跑][，出不来|，挺危险的|]")
    return d.done("P3")


@builder("assistance", 1)
def escort(rng: random.Random, hour: int) -> Incident:
    """A request for a lift to hospital."""
    d = Draft(rng, "assistance", "escort")
    d.headline = rng.choice(("护送求助", "就医求助"))
    d.say("[我媳妇要生了|家里老人发烧了|孩子病了][，车打不着火|，打不着车|，叫了半天120没来][，能不能帮忙送一下医院|]")
    return d.done("P2")


@builder("consultation", 3)
def hukou(rng: random.Random, hour: int) -> Incident:
    """Questions about household registration and ID cards."""
    d = Draft(rng, "consultation", "hukou")
    d.headline = rng.choice(("户籍咨询", "身份证办理咨询", "落户咨询"))
    d.say("[想问一下|请问|咨询一下][孩子上户口|办身份证|补办身份证|迁户口|开无犯罪证明|临时身份证][需要带啥材料|去哪儿办|要多长时间|周末能办吗]")
    return d.done("P4", "info")


@builder("consultation", 2)
def exit_entry(rng: random.Random, hour: int) -> Incident:
    """Questions about passports and travel permits."""
    d = Draft(rng, "consultation", "exit_entry")
    d.headline = rng.choice(("出入境咨询", "护照办理咨询"))
    d.say("[问一下|我想咨询][办护照|办港澳通行证|签注|台湾通行证][在哪个地方办|要不要预约|多少钱|能加急吗]")
    return d.done("P4", "info")


@builder("consultation", 2)
def vehicle_admin(rng: random.Random, hour: int) -> Incident:
    """Questions about licences, fines and towed cars."""
    d = Draft(rng, "consultation", "vehicle_admin")
    d.headline = rng.choice(("车管业务咨询", "违章处理咨询"))
    d.say("[问一下|咨询一下][驾驶证到期了怎么换|违章在哪儿处理|电动车上牌去哪儿|车被拖走了去哪儿找|{b}车年检要带啥]",
          b=rng.choice(CAR_BRANDS))
    return d.done("P4", "info")


@builder("consultation", 1)
def procedure(rng: random.Random, hour: int) -> Incident:
    """Asking how an earlier case is going."""
    d = Draft(rng, "consultation", "procedure")
    d.headline = rng.choice(("办案进度咨询", "报案流程咨询"))
    d.say("[我之前报的案|上个月报的那个案子|前几天报的警][现在啥进度了|找谁问|有回复了吗]")
    return d.done("P4", "info")


@builder("non_police", 4)
def utilities(rng: random.Random, hour: int) -> Incident:
    """Water, power, heating or gas outages."""
    d = Draft(rng, "non_police", "utilities")
    d.headline = rng.choice(("停水停电", "供暖不热", "路灯不亮"))
    d.say("[我们小区|我们楼|这一片][停水了|停电了|暖气不热|暖气一直不来|没有天然气了][，也没通知|，都两天了|，问物业物业也不管]")
    return d.done("P4", "info")


@builder("non_police", 3)
def streets(rng: random.Random, hour: int) -> Incident:
    """Potholes, missing manhole covers, dark street lamps, rubbish."""
    d = Draft(rng, "non_police", "streets")
    d.headline = rng.choice(("井盖丢失", "路面坑洼", "路灯损坏"))
    d.say("[路上有个大坑|井盖没了|路灯不亮好几天了|垃圾好几天没人收|下水道堵了往外冒水][，晚上挺危险的|，希望有人管管|]")
    return d.done("P4", "info")


@builder("non_police", 2)
def pets_property(rng: random.Random, hour: int) -> Incident:
    """Property management, barking dogs, illegal building."""
    d = Draft(rng, "non_police", "pets_property")
    d.headline = rng.choice(("物业问题", "宠物扰民", "违章搭建"))
    d.say("[物业乱收费|楼下有人私搭乱建|楼上养的狗天天叫|小区电梯老坏|邻居在楼道里养鸽子][，找谁管|，能不能处理一下]")
    return d.done("P4", "info")


@builder("non_police", 1)
def policy(rng: random.Random, hour: int) -> Incident:
    """Social-insurance, benefits or compensation questions."""
    d = Draft(rng, "non_police", "policy")
    d.headline = rng.choice(("政策咨询", "社保咨询"))
    d.say("[问一下|想咨询][社保怎么交|医保报销|低保怎么申请|公积金提取|拆迁补偿标准]")
    return d.done("P4", "info")
