"""The life-risk net, one danger kind at a time: what fires it, what must not, and what it
does to the decision."""

from __future__ import annotations

import pytest

from triage import classify
from triage.errors import ArtifactError
from triage.lifenet import assess, build_net, load_net
from triage.normalize import fold


def kinds(text: str) -> dict[str, str]:
    return {d.kind: d.level for d in assess(fold(text))}


@pytest.mark.parametrize(("kind", "text"), [
    ("trapped", "地下车库进水了，我爸下去挪车半小时了还没上来"),
    ("dam_breach", "村上面那个小水库坝上漫水了，坝子中间有条缝往外冒浑水"),
    ("welfare_check", "住户男81岁独居，已连续三天未见出门，门口报纸堆积，敲门无应答"),
    ("missing_farewell", "我儿子三天联系不上了，电话关机，他最后一条朋友圈是一张黄河的照片，就配了两个字累了"),
    ("unconscious", "他吃了很多的药，我叫他，拍他，他不醒，呼吸很慢"),
    ("violence_cries", "那个男的喊你今天别想活着出这个门，然后砰的一声，女的就不出声了"),
    ("exposure", "喝多了起不来，坐在马路牙子上，腿没感觉了，冷……太冷了"),
    ("fallen_alone", "我妈夜里上厕所摔了，在地上躺了一宿起不来"),
    ("fallen_alone", "老汉在院里滑倒了，躺着起不来，说话有气无力的"),
    ("water_ice", "河心滩上还有俩人，水涨得可快，滩子越来越小"),
    ("person_in_traffic", "有个人躺在路当中，黑灯瞎火的，后头还有拉矿的大车"),
    ("violence_cries", "楼上女的哭着喊别打了，咚的一声，现在没动静了"),
    ("vulnerable_missing", "我婆婆有阿尔茨海默症，一不留神她就出门了，到现在三个钟头了"),
    ("trapped", "孩子困电梯里了，卡在十二楼不动"),
    ("trapped", "一个骑车的连人带车掉下去了，那个井挺深"),
    ("trapped", "三轮车翻了，人压在车底下出不来"),
    ("unconscious", "我妈倒在厨房，叫她也不答应，嘴唇发紫"),
    ("unconscious", "公交站有人一头栽下去了，现在不动弹"),
    ("bleeding", "他肚子上被扎了一刀，血止不住"),
    ("bleeding", "摔了一跤，耳朵里往外淌血"),
    ("fire_people", "楼道里全是烟，我们在九楼"),
    ("fire_people", "对门屋里着火了，里面还住着个老太太"),
    ("gas", "家里烧着煤炉子，一家人早上起来都头疼想吐"),
    ("gas", "宿舍锅炉房冒黄烟，好几个人倒门口了"),
    ("gas_leak", "单元门口的燃气管子被挖断了，嘶嘶往外冒气"),
    ("water_ice", "有个小孩在冰面上玩，冰裂开了"),
    ("water_ice", "河里有人在扑腾，喊救命"),
    ("weapon", "他拿着菜刀在楼下追着人砍"),
    ("weapon", "邻居扬言要泼汽油把我家点了"),
    ("child_alone", "停车场一辆车里锁着个小孩，两三岁，车窗关着"),
    ("child_alone", "对面楼有个小孩一个人爬到窗台上了"),
    ("self_harm", "我觉得自己就是家里的累赘，不知道还能撑多久"),
    ("self_harm", "他把银行卡密码都发给他妈了，说以后你们好好的"),
    ("self_harm", "她站在天台边上，说不想活了"),
    ("self_harm", "我吃了 一整瓶安眠药"),
    ("exposure", "路边雪堆里趴着个人，零下二十度，扶他站不起来"),
    ("vulnerable_missing", "我爷爷有老年痴呆，早上出门到现在没回来"),
    ("vulnerable_missing", "我家孩子五岁，在超市门口走丢了"),
    ("mass_casualty", "公交车和货车撞了，好多人受伤流血"),
    ("abduction", "有个男的在超市门口拽着我往他车上拉"),
    ("person_in_traffic", "有个老人顺着马路中间走，车都在绕着他"),
    ("abduction", "一个人拿着刀挟持了收银员"),
    ("child_abuse", "隔壁一直在打孩子，孩子哭着喊爸爸别打了"),
    ("weapon", "那人从后备箱拿个扳子照着他脑袋就抡上了"),
    ("gas", "隔壁老两口平时早上倒炉灰，今天敲门没人应"),
    ("gas", "我爸下楼去车库拿东西一个多小时没上来，卷帘门关着，里面车还响着"),
    ("gas_unanswered", "楼道里一股子煤气味儿，特别冲，是从401出来的。我敲半天门没人应，他家大哥上夜班白天在家睡觉"),
    ("trapped", "沟帮子一下子塌下来了，老李就剩个脑袋露在外头"),
    ("trapped", "孩子卡防盗窗外头了 五楼 快"),
    ("trapped", "暖气管道爆了热水哗哗往下流，有个老太太还在里头没出来"),
    ("fire_people", "仓库着伙了，冒黑眼特别大，里面还有两个看门的老汉没出来"),
    ("trapped", "电褥子冒烟了，我老头子瘫在床上我挪不动他"),
    ("child_alone", "停车场一辆车后座上有个两岁的娃娃一个人在哭，脑门上全是汗，今天三十四度"),
    ("self_harm", "查分后情绪崩溃，称没脸活了，把自己反锁在卫生间"),
    ("self_harm", "发了一句“这个世界没什么好留恋的”，今晚就去找奶奶了"),
    ("self_harm", "他发微信说“妈，对不起，我太没用了”"),
    ("self_harm", "钥匙给楼下王姐了。猫粮和猫砂我买够了一个月的。水电费也交了。就这样"),
    ("self_harm", "她把存折和金镯子硬塞给我，让我转交她闺女，还说“我不想拖累孩子了”"),
    ("self_harm", "把煤气阀门打开了，坐那儿等着，后来又害怕，又给关上了"),
    ("self_harm", "我朋友在抖音上直播，拿着刀片往手腕上比划"),
    ("self_harm", "她站窗台上了 抱着孩子 十八楼"),
    ("on_edge", "楼顶边上站着个人，在那来回走"),
    ("welfare_check", "楼下独居的老爷子八十多了，三天报纸没拿，敲门不应，电话在屋里响着没人接"),
    ("vulnerable_missing", "俺家老汉前半晌赶着羊出去咧，白毛风刮起来，天都黑咧还没回来，他七十一了"),
    ("wandering", "公交站有个老大爷站了一下午，车来了一趟又一趟也不上，问他去哪就笑，脚上趿拉着拖鞋"),
    ("wrong_way", "京藏高速上有辆车逆行，在超车道上迎着我们开过来"),
    ("violence_cries", "楼上住户男的骂老婆，女的一直哭喊“别打了、救命”，现在还在喊"),
    ("violence_cries", "楼上两口子又吵起来了，摔东西，刚才还喊了一声救命，然后咣的一声就没动静了"),
    ("abduction", "女儿哭着说被几个人关在宾馆里不让走，话没说完电话就断了"),
    ("abduction", "一个女的被俩男的硬往白色面包车里塞"),
    ("welfare_check", "我爸一个人住，三天了，打电话都不接"),
    ("welfare_check", "对门独居的老太太家灯从前天就亮着，敲门没人应"),
    ("confined_space", "污水池里一个工人下去掏泥，喊了一声就没动静了"),
    ("confined_space", "菜窖里我叔下去取菜，半天没上来，叫也叫不应"),
    ("stranded_in_lane", "车在包茂高速中间车道熄火了，我和老人都在车里，后面车很快"),
    ("person_in_traffic", "有个人在铁道上来回溜达，喊他不理"),
    ("lost_outdoors", "我们在草原上露营，一个同伴出去拍照到现在没回来，天黑了"),
    ("violence_cries", "隔壁一直在摔东西，女的哭着喊，刚才突然一点动静都没了"),
    ("vulnerable_missing", "我哥有抑郁症吃着药，三天前出去就再也没回来，手机关机"),
    ("self_harm", "她在群里发了一张照片，是一堆空药盒，配了两个字“再见”"),
    ("self_harm", "男友在酒店房间里，屋里放着一个烧着的炭盆，窗户都用胶带封上了"),
    ("self_harm", "他把最喜欢的手办和球鞋都送给同学了，朋友圈发了一句“晚安，这次是永远”"),
    ("fire_people", "门面房往外冒浓烟，能看见里头有火光，旁边的人都跑出来了，不知道店里还有没有人"),
    ("lost_outdoors", "爬山跟朋友走散了，迷路了，手机就剩百分之八的电，天马上黑了，冷得不行"),
    ("water_ice", "冰面上有个人在走，往河中间走呢，我喊他他也不理，冰都开始化了"),
    ("drunk_driver", "我朋友喝了一斤多白酒了，非要自己开车回固阳，我们拦不住"),
    ("elder_missing", "来电人称其母亲72岁，今日早上外出买菜至今未归，无手机"),
    ("gas", "我 聋人 发短信 楼道 煤气味 很大 邻居 倒地 不动"),
    ("gas", "我爸我妈在里屋睡着咧，咋叫也叫不醒，屋里一股子煤烟味，我头也晕嘞，炉子夜来封的火"),
    ("self_harm", "我老婆生完孩子以后一直不对劲，今天她说想抱着孩子一起走，现在把自己和孩子锁在卫生间里了"),
    ("unconscious", "摩托车撞到路边电线杆上了，人躺着不动，头盔都飞出去了"),
    ("trapped", "采矿场边帮塌方了，两个工人连人带车埋进去了"),
    ("person_in_traffic", "包兰线靠东站那段，有个男的在铁轨中间晃晃悠悠地走，远处好像有火车要过来了"),
    ("abduction", "我男朋友把我锁屋里了，手机也抢了，刚才又打我"),
    ("vulnerable_missing", "接警员：您好，110。报警人：我们家老汉夜来后晌骑摩托出去找羊，到现在没回来，手机打不通。"),
    ("unconscious", "公交站一名中年男子突然倒地，面色发青，无呼吸，路人正在做心肺复苏"),
    ("unconscious", "我娃娃卡住了！吃果冻卡住了，脸憋红了说不出话，拍背拍不出来"),
    ("electrocution", "电着了电着了！我老公在院里接电线，手粘在上面下不来了，人在抖"),
    ("electrocution", "一个小孩摸了充电桩倒了不动"),
    ("fall_from_height", "炼铁厂那边，有人从平台上掉下去了，十几米，人还有气"),
    ("caught_in_machine", "一女工头发被卷入传送带，头皮撕裂大量出血"),
    ("struck_by_train", "火车撞人了！一个骑电动车的没停，让火车给带出去老远"),
    ("crowd_crush", "人太多往一块挤，有人摔倒了后面还在往前涌，踩上去了，小孩在底下"),
    ("swallowed", "我孙子把我的降压药当糖豆吃了，三岁，现在想睡觉叫不太醒"),
    ("self_harm", "母亲电话中称已喝下百草枯，现说话含糊"),
    ("self_harm", "我老公把卫生间门反锁了，门缝底下往外冒烟，他好像点了炭，我喊他他不理我"),
    ("trapped", "煤矿井下发生冒顶，其丈夫所在班组5人未升井"),
    ("trapped", "我车在桥洞底下熄火了，水已经到窗户了，门推不开"),
    ("mass_casualty", "公交车与大货车相撞，多名乘客受伤倒地"),
    ("gas_uncontrolled", "饭店后厨液化气罐阀门坏了，一直往外嗤嗤漏气，味特别大，关不上，楼上是住户"),
    ("gas_uncontrolled", "我刚下班回家，一开门屋里全是煤气味，特别冲，我没敢开灯"),
    ("child_alone", "我就下楼扔个垃圾，门让风给带上了，我闺女才8个月在床上呢，钥匙在屋里，灶上还烧着水呢"),
    ("dangerous_driver", "前面一辆白色轿车在路上左右乱晃，还跑到对向车道上去了，怀疑司机喝多了"),
    ("childbirth", "其妻子要生了，羊水已经破了，在山路上，雪太大车打滑走不了"),
    ("abduction", "司机现在一直往九原那边开，都快出城了，车门锁着，我让他停他不停"),
    ("violence_cries", "（女，哭腔，极小声）他又打我了……（通话中断）"),
    ("violence_cries", "她男人又喝多了，说今晚要弄死她"),
    ("hiding_from_attacker", "我继父又喝酒了，他刚才进我房间摸我，我跑出来锁了厕所门，他在外面拧门把手"),
    ("intruder", "快来！有人在撬我家门，我一个人在家，凌晨四点了"),
    ("self_harm", "工作丢了，家里人也不理我。药我已经攒够了。就这样吧。"),
    ("self_harm", "老婆儿前年没了，绳子我都拴好在门框上了，就想跟人说句话"),
    ("exposure", "她突然光着脚穿着睡衣跑出去了，现在零下十几度"),
    ("unconscious", "接警员：小朋友别着急，慢慢说。报警人（男孩，哭）：我奶奶刚才上厕所摔倒了，叫她不答应，眼睛闭着"),
    ("self_harm", "女友发微信说在宾馆开了房，烧了炭，还拍了照片发过来，电话不接"),
    ("followed_now", "下班路上有个人一路跟着我，我现在躲进药店里了，他在外面站着不走"),
    ("drunk_missing", "我爸晚上出去喝酒了，到现在没回家，手机关机，外面零下二十度"),
    ("stranded_cold", "车在山路上抛锚了，打不着火，车上有两个孩子，没暖风了"),
    ("abduction", "我想叫个外卖……他就在旁边，不让我出门，我偷偷打的"),
    ("fire_people", "烟花摊着火了，有个小孩被炸伤了"),
    ("violence_cries", "楼下那家刚才又摔东西，女的喊了声救命，现在一点声都没了"),
    ("drunk_driver", "那人喝得东倒西歪的，上了辆白色轿车开走了"),
    ("self_harm", "跟你说一声，燃气阀我拧开了，门窗都关好了，别让孩子回来"),
    ("self_harm", "黄河大桥上有一双鞋摆得整整齐齐，旁边放着个手机，周围没人"),
    ("child_near_water", "河滩上俩小孩在水里玩，越走越远，家长在岸上喝多了睡着了"),
    ("fast_road_hazard", "京藏高速上有一群牛在车道上乱跑，车都在躲"),
    ("hiding_from_attacker", "那男的跟了我两条街，刚才抓住我胳膊，我跑进药店了，他就在门口站着"),
    ("followed_now", "有个人跟了我好几站，我现在躲进超市了，他还在外面"),
    ("abduction", "你好，我想点个外卖，送到青山区幸福路…他就在旁边，别打回来"),
    ("lost_outdoors", "车陷雪窝里了，白毛风刮得看不见路，车上还有老人"),
    ("intruder", "我一个人在家，外面有人一直拧我家门锁"),
    ("held_by_scheme", "我弟在外地被传销的控制了，手机收走了，不让他回家"),
    ("sleeping_out_cold", "桥洞底下天天睡着个流浪的老头，这么冷的天"),
    # Buried, stranded by rising water, a voice fading, a silent collapse, a live wire.
    ("trapped", "搅拌站有个工人被沙子埋到腰了，自己出不来"),
    ("trapped", "河滩上涨水了，我们几个爬到一块大石头上，水还在涨"),
    ("unconscious", "我妈在卫生间摔倒了，喊她声音越来越弱"),
    ("unconscious", "地里干活的老汉倒下了，叫他也不吭气"),
    ("electrocution", "村头电线断了耷拉在地上，有个人过去一碰就倒了"),
    ("welfare_check", "对门就一个老头住，这几天没见着人，门口的报纸也没拿"),
    ("road_cut", "山水把县道冲断了一截，后面的车还在往前开"),
    ("self_harm", "反正也没人在意我，我想一个人走到冰面中间去"),
    ("bleeding", "头磕破了拿毛巾捂着，捂了半天还一直往外渗，毛巾都湿透了"),
    ("stroke", "我爸吃着饭突然说话不清了，嘴有点歪，人从凳子上出溜下去了"),
    ("stopped_in_lane", "一辆大货车坏在快车道上了，没开双闪，后面的车都急刹"),
    ("followed_now", "报警人称一男子从地铁口一直跟到现在，她躲进了一家药店"),
    ("self_harm", "他发语音说我喝了，别管我了，照顾好咱妈，家里有农药"),
    ("self_harm", "妈妈吃了好多白色的药片睡着了，睡前说要去很远的地方"),
    ("welfare_check", "我姑姑独居，三天没接电话，敲门无人应"),
    ("abduction", "我要订一份外卖，送到三单元，越快越好，上次他把我手机摔了"),
    ("diabetic_emergency", "车上一个大爷浑身冒汗、手抖，问话答不上来，手腕上写着糖尿病"),
    ("drunk_down", "店门口躺着个喝醉的人，叫他就哼哼，旁边就是马路"),
    ("stroke", "我老伴睡着叫不醒，嘴角往一边歪着，口水流了一身"),
    ("followed_now", "公交上有个男的一直往我身上蹭，我下车了他也跟着下来了"),
    ("unconscious", "视频的时候我妈摔倒了，头上出血，之后就不再应答了"),
    ("unconscious", "朋友哮喘犯了，药落在宾馆了，喘得说不出话"),
])
def test_each_kind_fires_on_what_callers_say(kind: str, text: str) -> None:
    assert kind in kinds(text), (text, kinds(text))


@pytest.mark.parametrize("text", [
    "想问一下身份证过期了怎么补办",
    "笑死我了，这个视频",
    "房东押金不退，气得我想死的心都有了",
    "楼道里堆满了纸箱，存在火灾隐患，建议物业清理",
    "想问下要是楼道里着火了，是往楼顶跑还是往下跑？",
    "烧烤店的烟道天天冲着我们家窗户，满屋子烟味",
    "我奶奶的钥匙找不着了，想问问能不能开锁",
    "楼下路灯坏了好几天了",
    "我家狗掉到暗渠里了，叫唤了一早上",
    "我表妹15岁，跟她妈吵架了，想问问怎么办",
    "看见有人在路边烧纸，火挺大，烧完了",
    "有两个人拿着螺丝刀在撬电动车电瓶",
    # Words that sit near farewells in ordinary reports.
    "我儿子跑长途，四天联系不上，手机关机，最后一次通话说往新疆方向走",
    "我还以为哪儿着火了，下楼一看是路口好几个人在烧纸，今天寒衣节",
    "离婚以后前夫一直不给抚养费，电话也不接",
    "好的，谢谢大家帮忙转发，再见",
    "下雪后路面结冰两天，一直没人撒融雪剂，已有多人滑倒",
    "救命啊！！小区楼下一只流浪猫困在树上一天一夜了，叫得人心都碎了",
    "我家二哈掉进小区的排水沟里了，卡在里面出不来，一直在叫，快来啊",
    "哎我问一下，抖音上刷着个视频，说哪个路口撞死人了，还说是酒驾，这是真的假的",
    "村里两家打起来了，那家的后生已经把一个人的胳膊划开了",
    "暖气不热！！冻死人了！！家里老人孩子都冻感冒了，供热公司电话打不通",
    "这个饭店太黑了，我不给钱他们就不让走，几个服务员堵着门口",
    "村旁一家企业每到夜间即排放黑烟，气味刺鼻，村民晚上不敢开窗",
    "我车钥匙掉进雨水井里了，能帮忙弄一下吗",
    # The caller takes the alarm back.
    "包头东站往东那段铁轨上有个像人一样的东西躺着，我走近看了是个塑料模特",
    "刚才看见对面七楼窗台上坐着个小孩，拿手机拉近一看是个毛绒娃娃，没事了",
    "男的把女的拽上车，我还以为是绑架，跟了一段看他们又和好了在买奶茶",
    "其女儿洗澡后一直不接电话，后女儿回电称手机静音在睡觉，人无异常，报警人要求撤销",
    "我们家平房冬天烧炉子，想问问怎么防煤烟中毒，社区说可以装报警器，哪儿能领？",
    "我一个人住18楼，腿脚不好，要是楼里着火了我该咋办？",
    "【12345转办】市民反映河边夏季常有儿童下水游泳，建议水务部门设置防溺水标识及护栏",
    "某路段坑洼严重，雨后积水很深，车辆通行困难，要求修路",
    "女生宿舍楼一楼窗外有一陌生男子，被发现后未离开，在窗外来回走动",
    # Twins of the newer kinds.
    "我在铁路上班，想问问单位的户口能不能迁出来",
    "车在高速上爆胎了，人都撤到护栏外了，等拖车",
    "小区化粪池满了，味道很大，物业一直不来抽",
    "想问一下，孩子爸联系不上了，我一个人能给孩子上户口吗？需要啥材料？",
    # A ground-floor window is no height; prevention asked about is no danger.
    "小孩踢球把我家一楼窗户踢碎了，家长不认",
    "请问冬天怎么预防一氧化碳中毒？",
    "喝完酒没回家，在朋友家睡了，跟你们说一声",
    # A likeness and a first belief are not the event.
    "楼下放鞭炮放了一早上，跟爆炸似的，吵死了",
    "闻着一股烟味我还以为着火了，下楼一看是有人烧烤",
    "楼下火苗子窜得老高，我差点报火警，看错了，是几个人支了个炉子烤串",
    # An animal stuck somewhere, a habit, a pothole, an attacker already gone.
    "车里钻进去一只猫，叫得可怜，出不来",
    "楼顶管道里卡着只猫，叫了好几天了，声音越来越小",
    "夜市那个人几乎每晚喝完酒都自己开车回家，希望交警查查",
    "小区门口路面塌了个坑，希望修一下",
    "他在KTV门口被人用酒瓶砸了一下，对方已经开车离开了",
    "车在应急车道上坏了，双闪开着，三角牌也放了",
    "谢谢大家帮忙转发，孩子找到了",
    "我老伴打呼噜打得可响了，孩子们都在外地",
    "杀人啦！……我是说楼下那家肉铺天天凌晨剁排骨，吵得睡不着",
])
def test_it_stays_quiet_on_what_is_not_a_danger_to_life(text: str) -> None:
    assert not kinds(text), (text, kinds(text))


def test_similes_screens_and_an_alarm_answered_at_once_are_not_dangers() -> None:
    # Firecrackers "like gunfire", a war drama at full volume, "a fire? no, stubble".
    for text in ("婚事放鞭炮放到半夜，声响跟打枪似的，孩子都吓醒了",
                 "听着隔壁喊杀人了救命啊，开门一看是个老爷子在看抗日剧",
                 "着火了？没有，是地里烧秸秆，满村子烟",
                 "每天早上学校门口家长把车停在路中间，孩子们从车缝里钻",
                 "楼下广场好几个人拿着枪，还有人躺地上，旁边架着摄像机，还有人举着反光板",
                 "有个人站在楼顶边上……哦，不对，他身上挂着绳子，是在挂广告牌的工人"):
        result = classify(text, "call")
        assert result.priority != "P1" and not result.life_risk, (text, result.priority)


def test_a_danger_that_is_over_is_no_longer_immediate() -> None:
    assert kinds("同事刚才说要从楼上跳下去，被我们拉回来了，大家陪着他") == {"self_harm": "P2"}
    # Everyone out and safe: the fire is no danger to life any more.
    assert "fire_people" not in kinds("楼下饭店着火了，人都跑出来了，谁也没受伤")
    # Dated in the past, nothing live: a floor of P2, not P1.
    assert set(kinds("昨天晚上有人拿刀砍了我弟弟").values()) == {"P2"}


def test_a_past_date_lowers_only_the_sentence_it_dates() -> None:
    # The grief is dated (去年); the pills by the pillow are now.
    text = "老伴儿去年走了，儿子在北京。我攒了一瓶子安眠药了，就放在枕头边上，觉得活够了"
    assert kinds(text)["self_harm"] == "P1"
    assert kinds("我室友上礼拜把相机衣服都送人了。她把自己锁卫生间里一个小时了，叫她也不吭声")[
        "unconscious"] == "P1"


def test_an_animal_in_trouble_is_blanked_but_a_person_beside_it_is_not() -> None:
    assert "trapped" in kinds("我家狗掉井里了，孩子去捞也掉进井里了，在底下哭")


def test_an_alarm_taken_back_is_routine_but_not_when_someone_is_hurt() -> None:
    taken_back = classify("你们别紧张，刚才湖那边是冬泳队的在下水，有人看见以为跳湖了打了电话，人都好好的上岸了")
    assert taken_back.priority == "P3"
    hurt = classify("刚才以为是放炮，结果真的炸了，有人受伤流血了")
    assert hurt.priority == "P1"


def test_cries_from_a_screen_or_a_film_crew_are_routine() -> None:
    tv = classify("隔壁电视开得震天响，里面一会儿喊“救命”一会儿打枪，一听就是电视剧，吵得睡不着")
    assert tv.priority == "P3"
    crew = classify("楼下几个人拿着刀在打，有人倒地上了，后来看见旁边架着摄像机有人喊“咔”，可能是拍短视频的")
    assert crew.priority == "P3"


def test_errands_places_and_engines_are_not_scenes() -> None:
    # 在烧烤店 is where it happened last week, not a fire or a fight going on.
    old = classify("上周在烧烤店吃饭让人打了，想问还能报案吗")
    assert old.priority in ("P3", "P4") and "in_progress" not in old.flags
    # An engine that will not start is no fire.
    engine = classify("车打不着火了，在小区门口，叫不到拖车")
    assert engine.category != "fire_disaster" and "in_progress" not in engine.flags
    # A drill announced ahead is no alarm: nobody is sent at once.
    drill = classify("明天上午小区搞消防演练，会拉警报，有人喊着火了，提前跟你们报备一下，别当真")
    assert drill.priority in ("P3", "P4")


def test_a_child_alone_with_the_stove_on_is_not_a_fire() -> None:
    assert "fire_people" not in kinds("风把门带上了，我两岁的娃娃一个人在家，灶上还炖着东西开着火咧")


def test_the_most_telling_danger_names_the_category() -> None:
    # A cause before a symptom: the poison, not the lost consciousness.
    assert classify("俺家掌柜的喝了药咧，敌敌畏，满嘴冒白沫子，叫也叫不应").category == "self_harm"
    # A small child on a ledge is a helpless child, not a crisis of intent.
    assert classify("一名约3岁幼童独自站在空调外机平台上，家中似无大人").category == "assistance"
    # A crash with smoke stays a traffic matter.
    assert classify("两个车撞了，一个小车翻沟里了，里面的人卡着出不来，车头在冒烟").category == "traffic"
    # A person found wandering is missing_person even below P1 (taxonomy).
    found = classify("公交站有个老大爷站了一下午，车来了也不上，问他去哪就笑，说要回厂里，脚上趿拉着拖鞋")
    assert (found.category, found.priority) == ("missing_person", "P2")


def test_negated_phrases_do_not_count_but_still_ahead_does() -> None:
    assert "unconscious" not in kinds("他没有昏迷，能说话")
    assert "self_harm" in kinds("他站在楼顶，说还没想好要不要跳楼")


def test_a_hit_sets_a_floor_and_forbids_answers_that_send_no_one() -> None:
    result = classify("物业电话打不通，地下车库进水了，我老公下去挪车半小时了还没上来")
    assert result.priority == "P1"
    assert result.category not in ("non_police", "consultation")
    assert any(c.effect.startswith("life_risk:") and c.span for c in result.cues)
    assert {r["kind"] for r in result.life_risk} >= {"trapped"}


def test_the_net_is_data_and_bad_data_is_refused() -> None:
    net = load_net()
    assert {"trapped", "unconscious", "self_harm", "weapon"} <= set(net.kind_codes)
    with pytest.raises(ArtifactError):
        build_net({"concepts": {"a": ["x"]}, "danger": [
            {"kind": "k", "level": "P1", "category": "assistance", "situations": [["b"]]}]})
    with pytest.raises(ArtifactError):
        build_net({"concepts": {}, "danger": [{"kind": "k", "level": "P9",
                                               "category": "assistance"}]})
    with pytest.raises(ArtifactError):  # an ``unless`` naming a concept that is not there
        build_net({"concepts": {"a": ["x"]}, "danger": [
            {"kind": "k", "level": "P1", "category": "assistance", "unless": ["@b"]}]})


def test_the_kept_blind_batch_is_never_in_the_corpus() -> None:
    import json
    from importlib import resources

    from triage.train import load_corpus

    corpus = {e.text for e in load_corpus()}
    for name in ("blind_k1.jsonl", "blind_b9.jsonl", "blind_b11.jsonl", "blind_b13.jsonl"):
        kept = resources.files("triage.data").joinpath(name).read_text(encoding="utf-8")
        texts = {json.loads(line)["text"] for line in kept.splitlines() if line.strip()}
        assert texts and not texts & corpus, name


def test_jumping_in_to_save_someone_is_a_rescue_not_a_suicide() -> None:
    found = kinds("有个小孩掉河里了，一个男的跳下去救，两个人都没上来")
    assert "water_ice" in found and "self_harm" not in found


def test_a_brazier_lit_for_warmth_with_symptoms_is_fumes_not_intent() -> None:
    found = kinds("暖气不热，老人在屋里点了炭火盆取暖，门窗关着，现在都头疼想吐")
    assert "gas" in found and "self_harm" not in found


def test_someone_staying_beside_a_wanderer_means_not_alone() -> None:
    found = kinds("路边发现一个八十岁左右的老人独自坐着，问不清家在哪，我在旁边陪着他")
    assert "child_alone" not in found and "dependent_alone" not in found


def test_people_on_a_swept_vehicle_roof_with_the_water_rising_are_trapped() -> None:
    found = kinds("河槽里水一下子就下来咧，一辆面包车叫冲得歪在河当中，车顶上圪蹴着两个人，水还往上涨嘞")
    assert found.get("trapped") == "P1"


def test_unresponsive_in_call_taker_shorthand_is_unconscious() -> None:
    assert kinds("一男性工人扎钢筋时倒地，呼之不应，皮肤发烫").get("unconscious") == "P1"


def test_two_stroke_signs_together_are_a_stroke() -> None:
    assert kinds("我爸吃着饭突然说话不清楚了，半边脸歪了，筷子也拿不住").get("stroke") == "P1"


def test_a_slope_cracking_above_homes_is_a_danger_before_it_goes() -> None:
    found = kinds("连续几天下雨后村后山坡出现一道长裂缝，今天有碎石往下滚，坡下住着五六户人家")
    assert found.get("slope_failure") == "P2"


def test_someone_gone_swimming_and_unreachable_since_is_not_routine() -> None:
    found = kinds("我妹妹前天下午说跟朋友去黄河湿地那边野泳，从那以后微信不回电话关机")
    assert found.get("missing_near_water") == "P2"


def test_a_slip_of_speech_to_text_on_a_manure_pit_still_reads_the_pit() -> None:
    assert "confined_space" in kinds("小区化分池井口开着，一个工人下去半天没动静，另一个下去救也没上来")


def test_a_take_back_counts_even_when_the_caller_says_now() -> None:
    # 现在 is no live danger when what it says is that everyone is safe.
    text = "我刚才打过电话说河里有人掉水里了，现在那人自己扒着石头爬上来了，啥事没有，不用来了"
    assert kinds(text) == {}


def test_a_guard_word_is_no_danger() -> None:
    assert kinds("今天孩子学校搞防溺水演练，孩子们做得可认真了，点个赞") == {}


def test_a_question_about_a_danger_over_and_done_sets_no_floor() -> None:
    text = "上月曾有工人被短暂关在冷库内，后被同事发现放出，企业一直未维修，咨询应向哪个部门举报"
    assert kinds(text) == {}


def test_someone_got_out_but_still_barely_breathing_stays_in_danger() -> None:
    text = "邻居发现老两口在炕上叫不醒，屋里一股煤烟味，已经抬出来了，还有微弱呼吸"
    assert kinds(text).get("gas") == "P1"


def test_a_run_on_transcript_of_someone_shouting_in_an_overturned_car_is_trapped() -> None:
    text = "有个小轿车番沟里了四轮朝天人还在里边喊呢门打不开有油味儿你们快点来"
    assert kinds(text).get("trapped") == "P1"


def test_a_driver_who_will_not_stop_and_locks_the_door_is_an_abduction() -> None:
    text = "我上了一辆黑车，司机不往我家那边开，一直往郊区走，我让他停车他不停，还把门锁了"
    assert kinds(text).get("abduction") == "P1"


def test_saved_up_pills_with_notes_left_for_mother_is_self_harm() -> None:
    text = "请问人去世了以后户口怎么注销？我想提前写下来留给我妈。药我已经攒够了，就这几天的事。"
    assert kinds(text).get("self_harm") == "P1"


def test_a_drunk_gone_out_at_twenty_below_is_in_danger_of_his_life() -> None:
    text = "同屋工友晚上喝了不少酒，十二点多说出去解手，到现在一个多小时没回来，外面零下二十多度"
    assert kinds(text).get("lost_outdoors") == "P1"


def test_a_passenger_taken_off_the_route_into_the_suburbs_is_an_abduction() -> None:
    text = "我在网约车上，司机一直说下流话，刚才没按导航走，拐到沙河往南的郊区路上了，问他也不回答"
    assert kinds(text).get("abduction") == "P1"


def test_a_dream_a_cat_or_fireworks_take_the_alarm_back() -> None:
    assert kinds("有人进我家了，我听见客厅有人走路……啊，是猫碰掉了东西，我刚才做噩梦吓醒了") == {}
    assert kinds("外面噼里啪啦响，跟放枪似的……哦，是楼下停了一排婚车在放炮") == {}


def test_petrol_and_a_threat_to_light_it_is_a_danger_to_life() -> None:
    text = "来电人称拆迁补偿未到位，现携带一桶汽油在街道办门口，称今天不给说法就点火"
    assert kinds(text).get("ignite_threat") == "P1"


def test_a_herders_plight_is_not_blanked_with_his_runaway_sheep() -> None:
    text = "我是放羊的，沙尘暴刮起来找不见路了，羊也跑散了，手机就剩百分之八的电，天快黑了，冷得不行"
    assert kinds(text).get("lost_outdoors") == "P1"


def test_wanting_to_take_two_steps_forward_on_a_roof_is_self_harm() -> None:
    text = "被骗了三万，工作也没了，现在在楼顶吹风，就是有点想往前走两步"
    assert kinds(text).get("self_harm") == "P1"


def test_an_old_woman_missing_after_dark_in_a_sandstorm_is_in_danger() -> None:
    text = "其母亲（76岁）走亲戚途中下车后失联近五小时，不会用手机，现天已黑且风沙大"
    assert kinds(text).get("lost_outdoors") == "P1"


def test_a_beaten_woman_asking_about_a_protection_order_while_he_threatens_is_not_routine() -> None:
    text = "老公当着全家人面扇我，又拿烟头烫我胳膊。现在我带孩子住朋友家，他天天发消息说要来找我算账，我能申请人身安全保护令吗？"
    assert kinds(text).get("abuser_threatens") == "P2"
