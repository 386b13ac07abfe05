"""The synthesis rules: from a report and its history to findings (pure, no I/O).

Each rule cites where its threshold comes from; an agency changes the thresholds through
:class:`Policy` (settings), never the code. Rules only ever *raise* a priority: a
frequent caller is still answered (FreCaNN: a frequent caller may be in real need).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from dispatch.domain.events import iso
from dispatch.missing import AUTO_LINK, CANDIDATE_FLOOR, match_sighting
from dispatch.missing.matching import sphere_distance_m
from dispatch.missing.person import describe_person
from dispatch.synthesis.model import (
    OFFICER_SAFETY_KINDS,
    Finding,
    History,
    Kind,
    PastIncident,
    Subject,
    Synthesis,
)
from dispatch.synthesis.plates import PlateRead, read_plates

DV_FLAG = "domestic_violence"
EVIDENCE_LIMIT = 10  # newest first; the counts cover everything
MISSING_CANDIDATES = 5  # cases shown, best first (what the reactor notes on the incident)


@dataclass(frozen=True, slots=True)
class Policy:
    """The agency's thresholds (defaults documented in docs/synthesis.md)."""

    caller_days: int = 365  # retention of the caller index and how far caller history looks
    repeat_calls: int = 2  # this report is at least the 2nd from the number …
    repeat_days: int = 30  # … within this many days: 重复报警
    # FreCaNN (UK Frequent Caller National Network) definition of a frequent caller:
    # 5 or more calls in a month, or 12 or more in three months (this report included).
    frequent_month: int = 5
    frequent_quarter: int = 12
    place_radius_m: float = 100.0
    place_days: tuple[int, int] = (30, 90)
    hotspot_count: int = 5  # earlier incidents within place_radius_m in 30 days: 警情高发点
    dv_address_radius_m: float = 30.0  # "the same address": within a building's footprint
    dv_days: int = 365  # SafeLives: MARAC "potential escalation" counts callouts in 12 months
    series_radius_m: float = 500.0  # one community (社区) in a Chinese city
    series_days: int = 7
    series_min: int = 3  # this report and at least two earlier ones
    series_categories: frozenset[str] = frozenset({"property_crime", "violent_crime", "fraud",
                                                  "public_order"})

    @property
    def lookup_radius_m(self) -> float:
        """How far the adapter must look around the point for place rules."""
        return max(self.place_radius_m, self.series_radius_m, self.dv_address_radius_m)

    @property
    def lookup_days(self) -> int:
        """How far back the adapter must look around the point (never past retention)."""
        return min(max(max(self.place_days), self.dv_days, self.series_days), self.caller_days)


def synthesize(subject: Subject, history: History, policy: Policy) -> Synthesis:
    """Every finding for the report, and the priority they raise it to.

    Args:
        subject: the new report (after triage and geo).
        history: what the adapter looked up (see :class:`History`); entries outside the
            windows are ignored here, so a generous lookup is harmless.
        policy: the thresholds.

    Returns:
        The findings (caller history, DV risk, place history, premise notes, watch list,
        missing-person register, series) and, when a rule raises the priority, the new priority and the reason.
    """
    caller = _earlier(subject, history.caller, policy.caller_days)
    caller_dv = _earlier(subject, history.caller_dv, policy.caller_days)
    nearby = [p for p in _earlier(subject, {p.id: p for p in history.nearby}.values(),
                                  policy.lookup_days)
              if p.status != "merged"]  # a merged duplicate is its parent's incident
    plates = tuple(read_plates(subject.text))
    found = [f for f in (caller_history(subject, caller, policy, history.caller_counts),
                         dv_risk(subject, [*caller, *caller_dv], nearby, policy),
                         place_history(subject, nearby, policy),
                         premise_notes(subject, history),
                         watch_list(subject, history, plates),
                         missing_person(subject, history),
                         series(subject, nearby, policy)) if f is not None]
    raised = [f.adjustment for f in found if f.adjustment]
    priority = min((str(a["priority"]["to"]) for a in raised), default=None)
    reason = "; ".join(str(a["reason"]) for a in raised) or None
    marks = sorted({m for f in found if not f.private for m in f.detail.get("marks", ())}
                   | ({"priority_raised"} if priority else set()))
    return Synthesis(tuple(found), plates, priority, reason, tuple(marks))


def _earlier(subject: Subject, items: Iterable[PastIncident], days: int) -> list[PastIncident]:
    since = subject.at - timedelta(days=days)
    return sorted((p for p in items if p.id != subject.incident_id and since <= p.at <= subject.at),
                  key=lambda p: p.at, reverse=True)


def _within(subject: Subject, items: Sequence[PastIncident], days: int) -> list[PastIncident]:
    since = subject.at - timedelta(days=days)
    return [p for p in items if p.at >= since]


def caller_history(subject: Subject, earlier: Sequence[PastIncident],
                   policy: Policy, counts: Mapping[int, int] | None = None) -> Finding | None:
    """Earlier reports from the same number: counts, categories, outcomes, marks.

    ``counts`` (days → earlier reports) are exact when the index gave only the newest
    reports; categories are then those of the newest reports (``detail.categories_of``).
    """
    if subject.caller_key is None or not earlier:
        return None
    counts = counts or {}

    def count(days: int) -> int:
        return counts.get(days, len(_within(subject, earlier, days)))

    month, quarter = count(30) + 1, count(90) + 1
    marks = []
    if count(policy.repeat_days) + 1 >= policy.repeat_calls:
        marks.append("repeat_caller")
    if month >= policy.frequent_month or quarter >= policy.frequent_quarter:
        marks.append("frequent_caller")
    return Finding(Kind.CALLER_HISTORY, f"caller index ({policy.caller_days} d, keyed hash)",
                   tuple(p.evidence() for p in earlier[:EVIDENCE_LIMIT]), detail={
                       "count": count(policy.caller_days), "days": policy.caller_days,
                       "calls_30_days": month, "calls_90_days": quarter,
                       "by_category": dict(Counter(p.category or "unknown" for p in earlier)),
                       "categories_of": len(earlier), "last_at": iso(earlier[0].at),
                       "marks": marks}, private=True)


def dv_risk(subject: Subject, caller: Sequence[PastIncident], nearby: Sequence[PastIncident],
            policy: Policy) -> Finding | None:
    """Repeat domestic violence raises a DV report's priority.

    Rule (factors of the DASH 2009 checklist and Campbell's Danger Assessment that the
    history can answer; docs/synthesis.md):

    * earlier DV reports from the same caller or within ``dv_address_radius_m`` in
      ``dv_days`` → at least P2 ("previous abuse"; DASH Q "abuse happening more often");
    * any of: two or more earlier (with this one, three callouts in 12 months: the
      SafeLives MARAC "potential escalation" criterion), an earlier one with a weapon
      (DASH Q23, DA item 4) or an injury (DA "increased in severity") → P1.
    """
    if DV_FLAG not in subject.flags:
        return None
    since = subject.at - timedelta(days=policy.dv_days)
    via: dict[str, tuple[PastIncident, str]] = {}
    for p in caller:
        if DV_FLAG in p.flags and p.at >= since and subject.caller_key is not None:
            via[p.id] = (p, "caller")
    for p in nearby:
        close = p.distance_m is not None and p.distance_m <= policy.dv_address_radius_m
        if close and DV_FLAG in p.flags and p.at >= since and p.id not in via:
            via[p.id] = (p, "address")
    if not via:
        return None
    earlier = sorted(via.values(), key=lambda pv: pv[0].at, reverse=True)
    factors = ["previous_dv"]
    if len(earlier) >= 2:
        factors.append("three_callouts_12_months")
    if any("weapon" in p.flags for p, _ in earlier):
        factors.append("weapon_before")
    if any("injury" in p.flags for p, _ in earlier):
        factors.append("injury_before")
    if earlier[0][0].at >= subject.at - timedelta(days=30):
        factors.append("more_often")
    target = "P1" if set(factors) & {"three_callouts_12_months", "weapon_before",
                                      "injury_before"} else "P2"
    current = subject.priority or "P4"
    adjustment = None
    if target < current:  # P1 < P2 < P3 < P4
        adjustment = {"priority": {"from": current, "to": target}, "rule": "dv_history",
                      "factors": factors,
                      "reason": f"repeat domestic violence ({', '.join(factors)}): "
                                f"{current} → {target}"}
    evidence = tuple({**p.evidence(), "via": how} for p, how in earlier[:EVIDENCE_LIMIT])
    return Finding(Kind.DV_RISK, "caller index and place index (DASH / Danger Assessment)",
                   evidence, detail={"count": len(earlier), "factors": factors,
                                     "days": policy.dv_days, "marks": ["dv_history"]},
                   adjustment=adjustment, private=any(how == "caller" for _, how in earlier))


def place_history(subject: Subject, nearby: Sequence[PastIncident],
                  policy: Policy) -> Finding | None:
    """Incidents within ``place_radius_m``, by category, over 30 and 90 days."""
    close = [p for p in nearby if p.distance_m is not None
             and p.distance_m <= policy.place_radius_m]
    short, long = policy.place_days
    recent = _within(subject, close, long)
    if not recent:
        return None
    month = _within(subject, recent, short)
    marks = ["hotspot"] if len(month) >= policy.hotspot_count else []
    return Finding(Kind.PLACE_HISTORY, f"place index ({policy.place_radius_m:g} m)",
                   tuple(p.evidence() for p in recent[:EVIDENCE_LIMIT]), detail={
                       "radius_m": policy.place_radius_m,
                       f"count_{short}_days": len(month), f"count_{long}_days": len(recent),
                       f"by_category_{short}_days": dict(Counter(p.category or "unknown"
                                                                 for p in month)),
                       f"by_category_{long}_days": dict(Counter(p.category or "unknown"
                                                                for p in recent)),
                       "last_at": iso(recent[0].at), "marks": marks})


def premise_notes(subject: Subject, history: History) -> Finding | None:
    """The live notes whose circle contains the report's point."""
    hits = sorted((n for n in history.notes if n.is_live(subject.at) and n.distance_m is not None
                   and n.distance_m <= n.radius_m), key=lambda n: n.distance_m or 0.0)
    if not hits:
        return None
    marks = ["premise_note"]
    if any(n.kind in OFFICER_SAFETY_KINDS for n in hits):
        marks.append("officer_safety")
    return Finding(Kind.PREMISE_NOTE, "premise notes (警情地址标注)",
                   tuple({**n.to_dict(), "note_id": n.id} for n in hits),
                   detail={"count": len(hits), "kinds": sorted({n.kind for n in hits}),
                           "marks": marks})


def watch_list(subject: Subject, history: History,
               plates: Sequence[PlateRead]) -> Finding | None:
    """Plates read from the text that are on a watch list (partial plates never match)."""
    hits = []
    for read in plates:
        entry = history.watch.get(read.plate)
        if not read.partial and entry is not None and entry.is_live(subject.at):
            hits.append({**entry.to_dict(), "text": read.text})
    if not hits:
        return None
    return Finding(Kind.WATCH_LIST, "watch list (布控/被盗抢车辆)", tuple(hits),
                   detail={"count": len(hits), "lists": sorted({h["list"] for h in hits}),
                           "marks": ["watch_hit"]})


def missing_person(subject: Subject, history: History) -> Finding | None:
    """The open missing-person cases the person in the report may be (寻人比对).

    The same matcher as the missing-person workflow (``dispatch.missing.match_sighting``
    over the register's ``AnchorIndex``): candidates at or above ``CANDIDATE_FLOOR`` are
    shown; when the best scores at least ``AUTO_LINK`` the finding says so and carries the
    mark ``missing_hit`` (the command feed's summary shows it). Linking stays with the
    missing-person reactor, which runs the same match on the committed incident.
    """
    sighting, register = subject.sighting, history.cases
    if sighting is None or register is None or not len(register):
        return None
    matches = match_sighting(sighting, register.index, None, k=MISSING_CANDIDATES)
    if not matches.cases:
        return None
    evidence = []
    for cand in matches.cases:
        anchor = register.anchors.get(cand.id)
        item: dict[str, Any] = {"case_id": cand.id, "score": round(cand.score, 3),
                                "auto_link": cand.score >= AUTO_LINK,
                                "reasons": list(cand.reasons)}
        if anchor is not None:
            item["description"] = describe_person(anchor.person)
            item["last_seen_at"] = iso(anchor.at)
            if anchor.lat is not None and anchor.lon is not None \
                    and sighting.lat is not None and sighting.lon is not None:
                item["distance_m"] = round(sphere_distance_m(anchor.lat, anchor.lon,
                                                             sighting.lat, sighting.lon), 1)
        evidence.append(item)
    best = matches.cases[0]
    hit = best.score >= AUTO_LINK
    return Finding(Kind.MISSING_PERSON, "missing-person register (open cases, sighting matcher)",
                   tuple(evidence), detail={
                       "count": len(matches.cases), "best_case_id": best.id,
                       "best_score": round(best.score, 3), "auto_link": hit,
                       "ambiguous": matches.is_ambiguous, "threshold": AUTO_LINK,
                       "floor": CANDIDATE_FLOOR, "open_cases": len(register),
                       "marks": ["missing_hit"] if hit else []})


def series(subject: Subject, nearby: Sequence[PastIncident], policy: Policy) -> Finding | None:
    """Same category within ``series_radius_m`` and ``series_days``: a series (系列案)."""
    if subject.category not in policy.series_categories:
        return None
    members = [p for p in _within(subject, nearby, policy.series_days)
               if p.category == subject.category and p.distance_m is not None
               and p.distance_m <= policy.series_radius_m]
    if len(members) + 1 < policy.series_min:
        return None
    first = min(members, key=lambda p: (p.at, p.id))
    return Finding(Kind.SERIES, f"place index ({subject.category}, {policy.series_radius_m:g} m, "
                                f"{policy.series_days} d)",
                   tuple(p.evidence() for p in members[:EVIDENCE_LIMIT]), detail={
                       "series_id": f"S-{first.id}", "category": subject.category,
                       "count": len(members) + 1, "radius_m": policy.series_radius_m,
                       "days": policy.series_days, "first_at": iso(first.at),
                       "marks": ["series"]})


def with_outcomes(synthesis: Synthesis, records: Mapping[str, PastIncident]) -> Synthesis:
    """The synthesis with each cited incident's current status, disposition and priority
    (the index entries the rules ran on carry category, time and flags only)."""

    def fill(e: Mapping[str, Any]) -> Mapping[str, Any]:
        known = records.get(str(e.get("incident_id")))
        if known is None:
            return e
        return {**e, "status": known.status, "disposition": known.disposition,
                "priority": known.priority}

    findings = tuple(replace(f, evidence=tuple(fill(e) for e in f.evidence))
                     for f in synthesis.findings)
    return replace(synthesis, findings=findings)


def with_series(synthesis: Synthesis, links: Mapping[str, str | None]) -> Synthesis:
    """The synthesis with its series finding under the series its members already belong
    to: ``links`` maps the cited members to the series each was linked to (None: none).
    The earliest linked member decides, so a series keeps its id while it moves on in
    time (its first members leave the window) and while new members join; without any
    link the rule's id stands (``S-`` and the earliest member)."""

    def joined(f: Finding) -> Finding:
        if f.kind is not Kind.SERIES:
            return f
        oldest_first = sorted(f.evidence, key=lambda e: (str(e["at"]), str(e["incident_id"])))
        found = next((links[str(e["incident_id"])] for e in oldest_first
                      if links.get(str(e["incident_id"]))), None)
        if not found or found == f.detail.get("series_id"):
            return f
        return replace(f, detail={**f.detail, "series_id": found})

    return replace(synthesis, findings=tuple(joined(f) for f in synthesis.findings))
