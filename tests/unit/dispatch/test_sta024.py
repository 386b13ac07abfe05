"""STA-024 negotiation, the qualFilter and the notification clock (no I/O)."""

from __future__ import annotations

import pytest

from dispatch import sta024


def sub(**fields: object) -> sta024.Subscription:
    return sta024.negotiate({"requestId": "r1", "requestType": "EIDO",
                             "requestSubType": "new", **fields}, "s1", 100.0, None)


def refused(fields: dict[str, object], known: bool | None = None) -> int:
    with pytest.raises(sta024.Refused) as caught:
        sta024.negotiate({"requestId": "r1", "requestType": "EIDO", **fields}, "s1", 0.0, known)
    return int(caught.value.answer["subscribeResponse"]["statusCode"])


def test_defaults_and_caps_are_negotiated() -> None:
    s = sub()
    assert s.expires_at == 100.0 + sta024.DEFAULT_EXPIRES_S and s.min_rate is None
    assert sta024.accepted(s, 100.0)["subscribeResponse"] == {
        "requestId": "r1", "statusCode": 200, "statusText": "OK", "subscriptionId": "s1",
        "maxRate": 0, "expires": sta024.DEFAULT_EXPIRES_S}
    assert sub(expires=10**9).expires_at == 100.0 + sta024.MAX_EXPIRES_S
    assert sub(minRate=1).min_rate == sta024.MIN_MIN_RATE_S


@pytest.mark.parametrize(("fields", "code"), [
    ({"requestSubType": "new", "requestId": ""}, 400),
    ({"requestSubType": "resource"}, 406),
    ({"requestSubType": "new", "requestType": "XML"}, 406),
    ({"requestSubType": "new", "requestAccepts": "application/xml"}, 406),
    ({"requestSubType": "single"}, 400),
    ({"requestSubType": "single", "incidentId": "X", "qualFilter": "priority=P1"}, 400),
    ({"requestSubType": "new", "incidentId": "X"}, 400),
    ({"requestSubType": "new", "qualFilter": "priority=P1;priority=P2"}, 400),
    ({"requestSubType": "new", "maxRate": -1}, 400),
    ({"requestSubType": "new", "maxRate": 60, "minRate": 10}, 400),
    ({"requestSubType": "new", "subscriptionId": "old"}, 400),
])
def test_malformed_or_unsupported_requests_are_refused(fields: dict[str, object],
                                                       code: int) -> None:
    assert refused(fields) == code


def test_an_unknown_incident_is_404() -> None:
    assert refused({"requestSubType": "single", "incidentId": "X"}, known=False) == 404


def test_new_notifies_each_matching_incident_once_and_max_rate_holds_back() -> None:
    s = sub(qualFilter="priority=P1,P2;channel=call", maxRate=10)
    s.offer("incident.assigned", "a", {"priority": "P1", "channel": "call"})
    s.offer("incident.assigned", "a", {"priority": "P1", "channel": "call"})
    s.offer("incident.assigned", "b", {"priority": "P4", "channel": "call"})
    s.offer("incident.triaged", "c", {"priority": "P1", "channel": "call"})
    assert s.due(100.0) == ["a"]
    s.offer("incident.assigned", "d", {"priority": "P2", "channel": "call"})
    assert s.due(105.0) == []  # maxRate: 10 s between notifications
    assert s.due(110.0) == ["d"]


def test_single_follows_its_incident_and_min_rate_repeats_the_state() -> None:
    s = sta024.negotiate({"requestId": "r", "requestType": "EIDO", "requestSubType": "single",
                          "incidentId": "a", "minRate": 30}, "s", 0.0, True)
    s.offer("incident.status_changed", "b", {})
    assert s.due(1.0) == []
    s.offer("incident.status_changed", "a", {})
    assert s.due(2.0) == ["a"]
    assert s.due(20.0) == []
    assert s.due(32.0) == ["a"]  # nothing for 30 s: the state anyway


def test_the_filter_language() -> None:
    assert sta024.parse_filter("priority=P1,P2; category=fraud") == {
        "priority": frozenset({"P1", "P2"}), "category": frozenset({"fraud"})}
    for bad in ("", "priority", "colour=red", "priority=P1 OR P2"):
        with pytest.raises(ValueError):
            sta024.parse_filter(bad)
