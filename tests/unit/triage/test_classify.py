"""The public interface: shapes, codes, JSON output and the bad inputs of issue 3."""

from __future__ import annotations

import json

import pytest

import triage
from triage import CATEGORIES, CHANNELS, FLAGS, PRIORITIES, Cue, Triage, classify


def _assert_valid(result: Triage, text: str) -> None:
    assert result.category in CATEGORIES
    assert result.priority in PRIORITIES
    assert list(result.flags) == sorted(set(result.flags))
    assert set(result.flags) <= set(FLAGS)
    assert 0.0 <= result.confidence <= 1.0
    for cue in result.cues:
        assert isinstance(cue, Cue)
        if cue.span is not None:
            start, end = cue.span
            assert 0 <= start < end <= len(text)
    json.dumps(result.to_dict(), ensure_ascii=False)


def test_public_names_are_exported() -> None:
    for name in (
        "classify",
        "Triage",
        "Cue",
        "TriageError",
        "CATEGORIES",
        "PRIORITIES",
        "FLAGS",
        "CHANNELS",
    ):
        assert hasattr(triage, name)
    assert CHANNELS == ("call", "forum", "transfer_12345")
    assert len(CATEGORIES) == 12 and PRIORITIES == ("P1", "P2", "P3", "P4")
    assert issubclass(triage.TriageError, ValueError)


def test_to_dict_is_json_ready_with_the_contract_keys() -> None:
    result = classify("有人拿刀在小区门口砍人，快来！", "call")
    data = result.to_dict()
    assert set(data) == {"category", "priority", "flags", "confidence", "cues", "extracted",
                         "needs_review", "candidates", "questions", "answered", "life_risk"}
    assert isinstance(data["flags"], list)
    cue = data["cues"][0]
    assert set(cue) == {"phrase", "span", "effect"}
    assert cue["span"] is None or (isinstance(cue["span"], list) and len(cue["span"]) == 2)
    assert set(data["extracted"]) == {
        "ages",
        "gender",
        "height_cm",
        "clothing",
        "features",
        "conditions",
        "phones",
        "money",
        "times",
        "places",
        "sighting",
        "surname",
        "accounted_for",
    }
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_a_text_cue_points_at_the_typed_words() -> None:
    text = "喂，我们楼下有人拿着菜刀砍人"
    result = classify(text)
    spans = [c for c in result.cues if c.span and c.effect == "flag:weapon"]
    assert spans
    start, end = spans[0].span  # type: ignore[misc]
    assert text[start:end] == spans[0].phrase


def test_a_word_spaced_transcript_is_read_as_running_text() -> None:
    # Speech-to-text that spaces out every word must carry its danger like running text,
    # and its cues still point at what was typed, spaces included.
    spaced = "喂 那个 铁路 桥 底下 水 特别 深 有个 小轿车 淹 到 车顶 了 里面 好像 还有 人 在 拍 窗户"
    joined = spaced.replace(" ", "")
    got, plain = classify(spaced), classify(joined)
    assert (got.category, got.priority) == (plain.category, plain.priority) == \
        ("fire_disaster", "P1")
    spans = [c.span for c in got.cues if c.span is not None]
    assert spans
    for (start, end), cue in zip(spans, [c for c in got.cues if c.span is not None]):
        assert spaced[start:end].replace(" ", "") == cue.phrase.replace(" ", "")


def test_a_pause_now_and_then_is_not_taken_for_a_spaced_transcript() -> None:
    from triage.normalize import despace
    assert despace("有人拿刀追人 就在菜市场这边，砍到胳膊了 好多血，人都在往外跑") is None
    assert despace("淹 到 车顶 了 里面 还有 人")[0] == "淹到车顶了里面还有人"


def test_knife_attack_now_is_violent_p1_with_weapon() -> None:
    result = classify("快来人，超市门口有个男的拿着刀在砍人，已经有人倒在地上了")
    assert (result.category, result.priority) == ("violent_crime", "P1")
    assert {"weapon", "in_progress"} <= set(result.flags)


def test_model_cue_is_always_reported() -> None:
    result = classify("小区停水两天了，物业也不管")
    assert any(c.effect.startswith("model:") for c in result.cues)
    assert result.category == "non_police" and result.priority == "P4"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t  ",
        "有人打架" * 1250,
        "😀😭🔥🔪🚓",
        "help!!! 有人 fighting 在 the mall 快来",
        "我們樓下著火了，好大的煙，快點來",
        "wo jia lou xia you ren na dao kan ren, kuai lai",
        "\x00\x01\x02\ufffd\udcff\x7f garbage \x1b[31m",
        "ＡＢＣ１２３　全角文字",
    ],
    ids=[
        "empty",
        "whitespace",
        "5000-chars",
        "emoji",
        "mixed-script",
        "traditional",
        "pinyin",
        "binary-garbage",
        "full-width",
    ],
)
def test_bad_input_gives_a_valid_result(text: str) -> None:
    _assert_valid(classify(text, "call"), text)


@pytest.mark.parametrize("text", ["", "   ", "😀😀", "？？！！…"])
def test_text_without_content_goes_to_a_person_with_zero_confidence(text: str) -> None:
    result = classify(text)
    assert (result.category, result.priority, result.confidence) == ("assistance", "P3", 0.0)
    assert result.cues[0].effect == "category:assistance"


def test_traditional_and_pinyin_still_carry_danger() -> None:
    assert classify("我朋友說他要跳樓，他現在在頂樓").category == "self_harm"
    assert classify("wo jia lou xia you ren na dao kan ren, kuai lai").priority == "P1"


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["list"]])
def test_non_string_text_raises_invalid_text(bad: object) -> None:
    with pytest.raises(triage.InvalidText):
        classify(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("channel", ["fax", "", "CALL", None])
def test_unknown_channel_raises_unknown_channel(channel: object) -> None:
    with pytest.raises(triage.UnknownChannel):
        classify("有人打架", channel)  # type: ignore[arg-type]


def test_errors_share_one_root() -> None:
    for exc in (
        triage.InvalidText,
        triage.UnknownChannel,
        triage.ArtifactError,
        triage.CorpusError,
    ):
        assert issubclass(exc, triage.TriageError)


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_is_accepted(channel: str) -> None:
    _assert_valid(classify("电动车电瓶被偷了", channel), "电动车电瓶被偷了")


def test_speech_to_text_slips_on_danger_words_are_read_as_meant() -> None:
    from triage.normalize import fold
    assert fold("有煤汽味，热水器是然气的，叫他不答因") == "有煤气味,热水器是燃气的,叫他不答应"
    assert fold("天然气灶") == "天然气灶"
    assert len(fold("安眠要攒够了")) == len("安眠要攒够了")


def test_a_call_takers_question_in_brackets_ends_at_the_bracket() -> None:
    # 【接警员：…】 inside a run-in transcript: the caller's words after it still count.
    text = "我在公寓……他在门外……【接警员：谁在门外？】……前男友……拿着刀……一直踹门"
    got = classify(text)
    assert (got.category, got.priority) == ("violent_crime", "P1")



def test_a_fire_only_feared_from_a_habit_is_not_a_fire_with_lives_at_risk() -> None:
    got = classify("邻居从家中私拉电线到楼道给电动车充电，每晚都充，多次劝说无效，担心起火，请求处理",
                   "transfer_12345")
    assert got.priority in ("P3", "P4")


def test_cries_from_a_television_are_taken_back_even_with_help_in_them() -> None:
    got = classify("我隔壁那家半夜一直有人喊救命，还砰砰的像开枪，我过去敲门，原来是在看电视剧，音响开得老大")
    assert got.priority in ("P3", "P4") and not got.life_risk


def test_a_fifteen_year_old_said_in_dialect_is_a_missing_child() -> None:
    got = classify("我家女子才十五，今黑夜下了晚自习就没回来，十点到现在快两点了，电话关机")
    assert (got.category, got.priority) == ("missing_person", "P1")
