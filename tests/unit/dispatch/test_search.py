"""The search box: what it reads as an id, a phone number or words, and what matches."""

from __future__ import annotations

from datetime import UTC, datetime

from dispatch.domain.incident import Incident
from dispatch.domain.search import Query, matches, parse_query

T0 = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def incident(**kw: object) -> Incident:
    base: dict[str, object] = {"id": "20261203-7K3QXF2A", "channel": "call",
                               "text": "有人在小区门口打架", "received_at": T0}
    return Incident(**{**base, **kw})  # type: ignore[arg-type]


def test_the_box_reads_ids_phones_and_words() -> None:
    assert parse_query(" 20261203-7k3q ") == Query(incident_id="20261203-7K3Q")
    assert parse_query("139 1234-8765") == Query(digits="13912348765", text="139 1234-8765")
    assert parse_query("8765") == Query(digits="8765", text="8765")
    assert parse_query("123") == Query(text="123")  # too few digits for a phone
    assert parse_query("幸福路12号") == Query(text="幸福路12号")


def test_what_matches() -> None:
    inc = incident(caller={"phone": "139-1234-8765"}, address="青山区幸福路12号",
                   location={"address": "包头市青山区"})
    assert matches(inc, parse_query("20261203-7K3Q"))
    assert not matches(inc, parse_query("20261203-XXXX"))
    assert matches(inc, parse_query("8765"))
    assert not matches(inc, parse_query("8765"), phones=False)
    assert matches(inc, parse_query("幸福路"))
    assert matches(inc, parse_query("包头市青山"))
    assert matches(inc, parse_query("打架"))
    assert not matches(inc, parse_query("抢劫"))
    assert matches(incident(), Query())  # nothing asked: the time window decides
    assert not matches(incident(), Query(digits="8765"))  # digits only, no phone
    assert not matches(incident(caller={"phone": None}), Query(digits="8765"))
