from __future__ import annotations

import random

import numpy as np

from dispatch.missing.area import AreaProfile
from dispatch.missing.clothing import COLOURS, ITEMS, ClothingItem
from dispatch.missing.index import AnchorIndex, naive_best
from dispatch.missing.matching import AUTO_LINK, Anchor, CandidateKind, Observation, score
from dispatch.missing.person import AgeRange, Condition, Gender, HeightRange, Person
from tests.unit.missing.builders import KUNDULUN, SUMMER, minutes, old_man

COLOUR_LIST, ITEM_LIST = sorted(COLOURS), sorted(ITEMS)


def random_person(rng: random.Random) -> Person:
    lo = rng.randint(0, 100)
    return Person(
        gender=rng.choice(list(Gender)),
        age=None if rng.random() < 0.2 else AgeRange(lo, min(120, lo + rng.choice([0, 5, 15]))),
        height=None if rng.random() < 0.5 else HeightRange(150 + rng.randint(0, 30), 185),
        clothing=tuple(
            ClothingItem(rng.choice([None, *COLOUR_LIST[:6]]), rng.choice([None, *ITEM_LIST[:6]]))
            for _ in range(rng.randint(0, 2))
        ),
        features=tuple(rng.sample(["拄拐杖", "戴眼镜", "左脸有痣", "光头"], rng.randint(0, 2))),
        conditions=frozenset(rng.sample(list(Condition), rng.randint(0, 1))),
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
            )
        )
    return out


def observations(rng: random.Random, n: int) -> list[Observation]:
    return [
        Observation(
            random_person(rng),
            SUMMER + minutes(rng.uniform(-60, 120)),
            KUNDULUN[0] + rng.uniform(-0.1, 0.1),
            KUNDULUN[1] + rng.uniform(-0.1, 0.1),
        )
        for _ in range(n)
    ]


def test_upper_bound_is_never_below_the_full_score() -> None:
    rng = random.Random(7)
    anchors = random_anchors(rng, 400)
    index = AnchorIndex(anchors)
    for obs in observations(rng, 25):
        bounds = index.upper_bounds(obs)
        actual = np.array([score(a, obs).score for a in anchors])
        assert np.all(bounds + 1e-6 >= actual)


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
