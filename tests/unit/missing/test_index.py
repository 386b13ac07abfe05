from __future__ import annotations

import random

import numpy as np

from dispatch.missing.area import AreaProfile
from dispatch.missing.clothing import COLOURS, ITEMS, ClothingItem, parse_clothing
from dispatch.missing.index import AnchorIndex, naive_best
from dispatch.missing.matching import AUTO_LINK, Anchor, CandidateKind, Observation, score
from dispatch.missing.person import AgeRange, Build, Condition, Gender, HeightRange, Person
from tests.unit.missing.builders import KUNDULUN, SUMMER, minutes, old_man

COLOUR_LIST, ITEM_LIST = sorted(COLOURS), sorted(ITEMS)


FEATURES = ["拄拐杖", "戴眼镜", "没戴眼镜", "左脸有痣", "光头", "长头发", "短发", "山西口音",
            "说一口本地话", "外地口音", "驼背", "腰板挺直", "说自己叫乐乐", "爱坐公交车", "骑自行车",
            "戴蓝色口罩", "背个黑色书包", "胖乎乎的", "很瘦", "聋哑，只会手语", "说话结巴",
            "坐轮椅", "一个人自言自语"]
TEXTS = ["枣红色羽绒服", "黑色棉袄", "深蓝色的棉衣", "灰帽子", "雷锋帽", "白色运动鞋", "黑裤子",
         "中山装外面套黑色棉大衣", "粉色书包", "紫围巾"]


def random_person(rng: random.Random) -> Person:
    lo = rng.randint(0, 100)
    clothing = [ClothingItem(rng.choice([None, *COLOUR_LIST]), rng.choice([None, *ITEM_LIST]))
                for _ in range(rng.randint(0, 2))]
    clothing += [parse_clothing(t) for t in rng.sample(TEXTS, rng.randint(0, 2))]
    return Person(
        gender=rng.choice(list(Gender)),
        age=None if rng.random() < 0.2 else AgeRange(lo, min(120, lo + rng.choice([0, 5, 15, 40]))),
        height=None if rng.random() < 0.5 else HeightRange(150 + rng.randint(0, 30), 185),
        build=rng.choice(list(Build)),
        clothing=tuple(clothing),
        features=tuple(rng.sample(FEATURES, rng.randint(0, 3))),
        conditions=frozenset(rng.sample(list(Condition), rng.randint(0, 2))),
    )


def random_anchors(rng: random.Random, n: int) -> list[Anchor]:
    out = []
    for i in range(n):
        has_point = rng.random() > 0.1
        out.append(
            Anchor(
                rng.choice(list(CandidateKind)),
                f"a-{i}",
                random_person(rng),
                KUNDULUN[0] + rng.uniform(-0.15, 0.15) if has_point else None,
                KUNDULUN[1] + rng.uniform(-0.2, 0.2) if has_point else None,
                SUMMER - minutes(rng.uniform(0, 600)),
                rng.choice(list(AreaProfile)),
                symmetric=rng.random() < 0.3,
                travel=frozenset(rng.sample(["bus", "coach", "car", "bike"], rng.randint(0, 1))),
                radius_m=rng.choice([0.0, 0.0, 500.0]),
            )
        )
    return out


def observations(rng: random.Random, n: int) -> list[Observation]:
    out = []
    for _ in range(n):
        at = SUMMER + minutes(rng.uniform(-60, 120))
        out.append(Observation(
            random_person(rng),
            at,
            KUNDULUN[0] + rng.uniform(-0.1, 0.1),
            KUNDULUN[1] + rng.uniform(-0.1, 0.1),
            since=at - minutes(rng.uniform(0, 90)) if rng.random() < 0.3 else None,
            radius_m=rng.choice([0.0, 30.0, 2_000.0, 20_000.0]),
            travel=frozenset(rng.sample(["bus", "coach", "car", "ebike"], rng.randint(0, 1))),
        ))
    return out


def test_the_vectorised_pass_gives_every_anchor_its_full_score() -> None:
    rng = random.Random(7)
    anchors = random_anchors(rng, 400)
    index = AnchorIndex(anchors)
    for obs in observations(rng, 40):
        bounds = index.upper_bounds(obs)
        actual = np.array([score(a, obs).score for a in anchors])
        assert np.allclose(bounds, actual, atol=1e-6)


def test_index_returns_exactly_the_naive_top_k() -> None:
    rng = random.Random(11)
    anchors = random_anchors(rng, 500)
    index = AnchorIndex(anchors)
    for obs in observations(rng, 15):
        for k, floor in ((10, 0.5), (3, 0.3)):
            fast = index.best(obs, k=k, floor=floor)
            slow = naive_best(anchors, obs, k=k, floor=floor)
            assert [(c.id, c.score) for c in fast] == [(c.id, c.score) for c in slow]


def test_index_finds_the_story_case_among_distractors() -> None:
    rng = random.Random(3)
    anchors = random_anchors(rng, 300)
    story = Anchor(CandidateKind.CASE, "story", old_man(), KUNDULUN[0], KUNDULUN[1], SUMMER)
    index = AnchorIndex([*anchors, story])
    obs = Observation(
        Person(
            gender=Gender.MALE, age=AgeRange(65, 85), clothing=(ClothingItem("grey", "jacket"),)
        ),
        SUMMER + minutes(40),
        KUNDULUN[0] + 0.008,
        KUNDULUN[1] + 0.008,
    )
    best = {c.id: c for c in index.best(obs)}
    assert best["story"].score >= AUTO_LINK
    # every candidate ranked above the story case agrees with the sighting on every
    # component it scored: random distractors can be equally good matches
    assert all(c.veto is None for c in best.values())
    assert AnchorIndex([]).best(obs) == []
    assert len(index) == 301
