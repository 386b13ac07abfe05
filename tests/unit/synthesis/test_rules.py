"""The synthesis rules, one finding kind at a time (pure: no Redis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from dispatch.synthesis.model import History, Kind, PastIncident, PremiseNote, Subject, WatchEntry
from dispatch.synthesis.rules import Policy, synthesize, with_series

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
POLICY = Policy()


def subject(**kw: object) -> Subject:
    base = Subject(incident_id="20261120-NEW00000", at=NOW, category="dispute", priority="P3",
                   flags=(), lat=40.65, lon=109.82, caller_key="k" * 32, text="有人吵架")
    return replace(base, **kw)  # type: ignore[arg-type]


_n = iter(range(10_000))


def past(days: float, category: str = "dispute", flags: tuple[str, ...] = (),
         distance_m: float | None = None, status: str = "closed",
         disposition: str | None = "mediated") -> PastIncident:
    return PastIncident(id=f"2026-{next(_n):05d}", at=NOW - timedelta(days=days),
                        category=category, priority="P3", flags=flags, status=status,
                        disposition=disposition, distance_m=distance_m)


def kinds(history: History, **kw: object) -> dict[Kind, object]:
    return {f.kind: f for f in synthesize(subject(**kw), history, POLICY).findings}


def test_no_history_no_findings() -> None:
    result = synthesize(subject(), History(), POLICY)
    assert result.findings == () and result.priority is None and result.marks == ()


def test_caller_history_counts_categories_outcomes_and_marks_a_repeat_caller() -> None:
    calls = (past(2, "dispute"), past(40, "property_crime", disposition="report_taken"),
             past(400))  # beyond 365 days: not history any more
    result = synthesize(subject(), History(caller=calls), POLICY)
    [finding] = result.findings
    assert finding.kind is Kind.CALLER_HISTORY and finding.private
    assert finding.detail["count"] == 2
    assert finding.detail["by_category"] == {"dispute": 1, "property_crime": 1}
    assert finding.detail["last_at"] == finding.evidence[0]["at"]
    assert finding.evidence[0]["disposition"] == "mediated"
    assert finding.detail["marks"] == ["repeat_caller"]
    assert [e["incident_id"] for e in finding.evidence] == [calls[0].id, calls[1].id]
    assert result.marks == ()  # caller marks stay in the private finding


def test_frequent_caller_follows_frecann_five_a_month() -> None:
    calls = tuple(past(d) for d in (1, 5, 9, 20))  # with this one: five in a month
    finding = kinds(History(caller=calls))[Kind.CALLER_HISTORY]
    assert finding.detail["marks"] == ["repeat_caller", "frequent_caller"]  # type: ignore[attr-defined]
    three = kinds(History(caller=calls[:3]))[Kind.CALLER_HISTORY]
    assert "frequent_caller" not in three.detail["marks"]  # type: ignore[attr-defined]


def test_the_report_itself_and_no_caller_key_are_no_history() -> None:
    me = replace(past(0), id="20261120-NEW00000")
    assert kinds(History(caller=(me,))) == {}
    assert kinds(History(caller=(past(3),)), caller_key=None) == {}


def test_earlier_dv_from_the_caller_raises_a_dv_report_to_p2() -> None:
    history = History(caller=(past(60, flags=("domestic_violence",)),))
    result = synthesize(subject(flags=("domestic_violence",)), history, POLICY)
    dv = next(f for f in result.findings if f.kind is Kind.DV_RISK)
    assert dv.detail["factors"] == ["previous_dv"] and dv.private
    assert dv.adjustment and dv.adjustment["priority"] == {"from": "P3", "to": "P2"}
    assert result.priority == "P2" and "priority_raised" in result.marks
    assert "domestic violence" in (result.reason or "")


def test_three_callouts_or_a_weapon_or_an_injury_before_is_p1() -> None:
    dv = ("domestic_violence",)
    for history in (History(caller=(past(10, flags=dv), past(100, flags=dv))),
                    History(caller=(past(200, flags=(*dv, "weapon")),)),
                    History(nearby=(past(50, flags=(*dv, "injury"), distance_m=12),))):
        result = synthesize(subject(flags=dv), history, POLICY)
        assert result.priority == "P1", history


def test_dv_at_the_address_counts_only_within_the_address_radius_and_is_not_private() -> None:
    dv = ("domestic_violence",)
    far = History(nearby=(past(10, flags=dv, distance_m=80),))
    assert Kind.DV_RISK not in kinds(far, flags=dv)
    near = History(nearby=(past(10, flags=dv, distance_m=20),))
    finding = kinds(near, flags=dv)[Kind.DV_RISK]
    assert not finding.private  # type: ignore[attr-defined]
    assert finding.evidence[0]["via"] == "address"  # type: ignore[attr-defined]


def test_dv_history_never_lowers_and_needs_a_dv_report() -> None:
    history = History(caller=(past(10, flags=("domestic_violence",)),))
    assert synthesize(subject(priority="P1", flags=("domestic_violence",)), history,
                      POLICY).priority is None
    assert Kind.DV_RISK not in kinds(history)


def test_place_history_by_window_and_hotspot() -> None:
    nearby = tuple(past(d, distance_m=40) for d in (1, 2, 3, 4, 5)) + (
        past(60, "traffic", distance_m=90), past(20, distance_m=300), past(100, distance_m=10),
        past(3, distance_m=30, status="merged"))
    finding = kinds(History(nearby=nearby))[Kind.PLACE_HISTORY]
    d = finding.detail  # type: ignore[attr-defined]
    assert d["count_30_days"] == 5 and d["count_90_days"] == 6
    assert d["by_category_90_days"] == {"dispute": 5, "traffic": 1}
    assert d["marks"] == ["hotspot"] and finding.evidence[0]["distance_m"] == 40  # type: ignore[attr-defined]
    result = synthesize(subject(), History(nearby=nearby), POLICY)
    assert "hotspot" in result.marks


def test_premise_notes_within_their_radius_and_unexpired() -> None:
    def note(i: str, distance: float, radius: float, days_left: float, kind: str) -> PremiseNote:
        return PremiseNote(id=i, precinct="150203001", lat=40.65, lon=109.82, radius_m=radius,
                           kind=kind, text="三楼住户有严重精神障碍", created_at=NOW - timedelta(days=5),
                           expires_at=NOW + timedelta(days=days_left), created_by="precinct:x",
                           distance_m=distance)
    notes = (note("a", 20, 50, 10, "mental_illness"), note("b", 80, 50, 10, "dog"),
             note("c", 10, 50, -1, "firearm"), note("d", 5, 30, 1, "elderly_alone"))
    finding = kinds(History(notes=notes))[Kind.PREMISE_NOTE]
    assert [e["note_id"] for e in finding.evidence] == ["d", "a"]  # type: ignore[attr-defined]
    assert finding.detail["marks"] == ["premise_note", "officer_safety"]  # type: ignore[attr-defined]


def test_watch_list_hits_full_plates_only_and_not_expired_entries() -> None:
    entry = WatchEntry(plate="蒙B12345", list="stolen", reason="被盗", reference="案2026-1",
                       added_at=NOW - timedelta(days=3))
    old = WatchEntry(plate="蒙B54321", list="wanted", reason="布控", reference=None,
                     added_at=NOW - timedelta(days=30), expires_at=NOW - timedelta(days=1))
    history = History(watch={"蒙B12345": entry, "蒙B54321": old})
    result = synthesize(subject(text="看见蒙B·12345和蒙B54321，还有辆蒙A开头的"), history, POLICY)
    [finding] = result.findings
    assert finding.kind is Kind.WATCH_LIST and finding.evidence[0]["plate"] == "蒙B12345"
    assert finding.evidence[0]["text"] == "蒙B·12345"
    assert [p.plate for p in result.plates] == ["蒙B12345", "蒙B54321", "蒙A"]
    assert result.marks == ("watch_hit",)


def test_series_three_battery_thefts_in_one_community_in_a_week() -> None:
    theft = "property_crime"
    nearby = (past(2, theft, distance_m=300), past(5, theft, distance_m=450),
              past(9, theft, distance_m=100), past(1, "dispute", distance_m=50),
              past(3, theft, distance_m=700))
    finding = kinds(History(nearby=nearby), category=theft)[Kind.SERIES]
    d = finding.detail  # type: ignore[attr-defined]
    assert d["count"] == 3 and d["series_id"] == f"S-{nearby[1].id}"
    assert Kind.SERIES not in kinds(History(nearby=nearby[:1]), category=theft)
    assert Kind.SERIES not in kinds(History(nearby=nearby), category="traffic")


def test_a_series_keeps_the_id_its_earliest_linked_member_has() -> None:
    theft = "property_crime"
    nearby = (past(1, theft, distance_m=300), past(3, theft, distance_m=200),
              past(6, theft, distance_m=100))
    result = synthesize(subject(category=theft), History(nearby=nearby), POLICY)
    assert result.findings[-1].detail["series_id"] == f"S-{nearby[2].id}"  # no links yet
    # The members were linked before: the earliest linked one decides (its series began
    # with a member that has left the window since).
    links = {nearby[0].id: "S-newer", nearby[1].id: "S-older", nearby[2].id: None}
    joined = with_series(result, links)
    assert joined.findings[-1].detail["series_id"] == "S-older"
    assert joined.findings[:-1] == result.findings[:-1]
    assert with_series(result, {}) == result


def test_a_preview_without_a_place_has_only_caller_and_text_findings() -> None:
    result = synthesize(subject(incident_id=None, lat=None, lon=None),
                        History(caller=(past(1),)), POLICY)
    assert [f.kind for f in result.findings] == [Kind.CALLER_HISTORY]
    assert result.to_dict()["findings"][0]["kind"] == "caller_history"


def test_exact_counts_from_the_index_win_over_the_newest_reports_given() -> None:
    newest = (past(1), past(2))
    finding = kinds(History(caller=newest, caller_counts={30: 40, 90: 90, 365: 300}))[
        Kind.CALLER_HISTORY]
    d = finding.detail  # type: ignore[attr-defined]
    assert d["count"] == 300 and d["calls_30_days"] == 41 and d["categories_of"] == 2
    assert d["marks"] == ["repeat_caller", "frequent_caller"]


def test_older_dv_reports_of_a_busy_caller_still_count() -> None:
    dv = ("domestic_violence",)
    history = History(caller=(past(1),), caller_dv=(past(200, flags=dv), past(300, flags=dv)))
    result = synthesize(subject(flags=dv), history, POLICY)
    assert result.priority == "P1"  # three callouts in 12 months


def test_outcomes_are_filled_in_from_the_records() -> None:
    from dispatch.synthesis.rules import with_outcomes

    bare = replace(past(3), status=None, disposition=None, priority=None)
    result = synthesize(subject(), History(caller=(bare,)), POLICY)
    assert result.findings[0].evidence[0]["status"] is None
    filled = with_outcomes(result, {bare.id: past(3, disposition="arrest")} | {
        bare.id: replace(bare, status="closed", disposition="arrest", priority="P2")})
    e = filled.findings[0].evidence[0]
    assert (e["status"], e["disposition"], e["priority"]) == ("closed", "arrest", "P2")
    assert result.evidence_ids() == {bare.id}
