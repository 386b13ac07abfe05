"""Weak-signal location of forum posts: recency weights, clusters, honest radius, the order
of trust between stated place, activity and IP region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.forum import whereabouts as wa

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
ZJG = (31.8755, 120.5560)    # 张家港
BAOTOU = (40.6573, 109.8401)  # 昆区


def trace(lat: float, lon: float, minutes: float) -> wa.Trace:
    return wa.Trace(lat, lon, NOW - timedelta(minutes=minutes))


def test_weight_halves_every_half_life_and_drops_stale_points() -> None:
    assert wa.weight(0) == 1.0
    assert wa.weight(wa.HALF_LIFE_S) == pytest.approx(0.5)
    assert wa.weight(-60) == 1.0
    assert wa.weight(wa.MAX_AGE_S + 1) == 0.0


def test_recent_cluster_beats_an_older_one_far_away() -> None:
    points = [trace(*ZJG, 20), trace(ZJG[0] + 0.003, ZJG[1], 90),
              trace(*BAOTOU, 60 * 30), trace(BAOTOU[0], BAOTOU[1] + 0.002, 60 * 31)]
    fix = wa.estimate(points, NOW)
    assert fix is not None and fix.points == 2
    assert abs(fix.lat - ZJG[0]) < 0.01 and abs(fix.lon - ZJG[1]) < 0.01
    assert fix.newest_age_s == 1200
    # Not the mean of the two towns, which would lie in a field in between.
    assert fix.lat < 35


def test_radius_grows_with_spread_and_with_age() -> None:
    tight = wa.estimate([trace(*ZJG, 0), trace(*ZJG, 1)], NOW)
    old = wa.estimate([trace(*ZJG, 600), trace(*ZJG, 601)], NOW)
    spread = wa.estimate([trace(*ZJG, 0), trace(ZJG[0] + 0.03, ZJG[1], 0)], NOW)
    assert tight is not None and old is not None and spread is not None
    assert tight.radius_m == wa.MIN_RADIUS_M
    assert old.radius_m == pytest.approx(wa.MIN_RADIUS_M + 600 * 60 * wa.DRIFT_M_PER_S)
    assert spread.radius_m > 2000
    far = wa.estimate([trace(*ZJG, 60 * 70)], NOW)
    assert far is not None and far.radius_m == wa.MAX_RADIUS_M


def test_nothing_usable_gives_nothing() -> None:
    assert wa.estimate([], NOW) is None
    assert wa.estimate([trace(*ZJG, 60 * 80)], NOW) is None
    assert wa.traces([{"lat": "x", "lon": 1, "at": "now"}, {"lon": 1}, {"lat": 95, "lon": 1,
                      "at": "2026-11-26T10:00:00Z"}]) == []


def test_traces_convert_crs_and_parse_times() -> None:
    (t,) = wa.traces([{"lat": 31.8735, "lon": 120.5605, "crs": "gcj02",
                       "at": "2026-11-26T18:00:00+08:00"}])
    assert t.at == NOW and abs(t.lat - 31.8755) < 0.005 and t.lon < 120.5605


def activity(*points: tuple[float, float, float]) -> list[dict[str, object]]:
    return [{"lat": a, "lon": b, "at": (NOW - timedelta(minutes=m)).isoformat()}
            for a, b, m in points]


def test_the_forum_story_places_the_author_in_the_other_city() -> None:
    forum = {"post_id": "p", "posted_at": NOW.isoformat(), "region_hint": "内蒙古包头市",
             "activity": activity((*ZJG, 20), (*BAOTOU, 60 * 48))}
    loc = wa.locate_post("心理抑郁,看不到希望", None, forum)
    assert loc["source"] == "activity" and loc["in_jurisdiction"] is False
    # NBS hierarchy: 张家港市 is a county-level city of 苏州市.
    assert loc["city"] == "苏州市" and loc["county"] == "张家港市" and loc["province"] == "江苏省"
    assert [s["signal"] for s in loc["signals"]] == ["stated", "activity", "region_hint"]


def test_a_specific_stated_place_wins_over_activity() -> None:
    forum = {"post_id": "p", "posted_at": NOW.isoformat(), "activity": activity((*ZJG, 5))}
    loc = wa.locate_post("昆区少先路22号街坊3栋楼下有人吵架", None, forum)
    assert loc["source"] in ("text", "address") and loc["in_jurisdiction"] is True


def test_activity_beats_a_coarse_stated_region_with_a_warning() -> None:
    forum = {"post_id": "p", "posted_at": NOW.isoformat(), "activity": activity((*ZJG, 5))}
    loc = wa.locate_post("我是包头市的，现在很难受", None, forum)
    assert loc["source"] == "activity" and loc["county"] == "张家港市"
    assert any("another region" in w for w in loc["warnings"])


def test_ip_region_is_the_last_resort() -> None:
    loc = wa.locate_post("心理抑郁,看不到希望", None, {"post_id": "p", "region_hint": "江苏省苏州市"})
    assert loc["source"] == "region_hint" and loc["in_jurisdiction"] is False
    assert loc["confidence"] <= 0.3
    none = wa.locate_post("心理抑郁,看不到希望", None, {"post_id": "p"})
    assert none["lat"] is None and none["signals"][0]["signal"] == "stated"


def test_reference_time_defaults_to_the_newest_activity_point() -> None:
    forum = {"post_id": "p", "activity": activity((*ZJG, 60 * 24 * 30))}
    loc = wa.locate_post("心理抑郁", None, forum)  # a month old, but the newest we have
    assert loc["source"] == "activity"
