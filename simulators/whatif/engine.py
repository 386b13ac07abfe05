"""The virtual-time what-if engine: the real dispatch core under a ``VirtualClock``.

A discrete-event loop over a heap of ``(time, seq, kind, payload)``. Every decision is
the service's own code: ``dispatch.stages.classify``/``locate`` (triage and geo),
``decisions.process_report``/``acknowledge``/``escalate``/``merge``, ``incident.create``/
``apply`` and their effects, ``duplicates.rank``/``should_merge``, ``units.recommend``/
``move`` and the missing-person core. What the service's processes do around the core is not
redone here: a received report goes through ``dispatch.pipeline.plan_report`` and
``commit_plan`` and a due deadline through ``fire_deadline`` — the worker's and the
scheduler's own services — over ``dispatch.adapters.memory_store.MemoryStore``, the
in-memory adapter of the store port. An armed deadline is a timer on the heap; a timer
whose deadline was closed or re-armed since is skipped.

* The synthesis stage (接警即合成) is ``SynthesisReader.synthesize`` — the worker's own
  lookup and rules — over ``simulators.whatif.synthesis_index.MemoryIndex``, an index kept by running
  each commit's ``SynthesisIndex.ops`` in memory; a run may start with a prelude of earlier
  reports and premise notes (``simulators.streams.recurrence``).
* People and vehicles are agents (``simulators.whatif.agents``): call-takers before intake,
  officers who acknowledge after a sampled delay, the command centre, units that travel
  at district speeds, stay on scene and become free again, forum moderators.

No result is cached: every report is triaged and located afresh.
"""

from __future__ import annotations

import heapq
import json
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import geo
from dispatch import pipeline, stages
from dispatch.adapters.memory_store import MemoryStore
from dispatch.adapters.redis_keys import Keys
from dispatch.clock import VirtualClock
from dispatch.domain import corrections, decisions, merging
from dispatch.domain.events import Event, EventType, parse_iso
from dispatch.domain.incident import (
    COMMAND_FEED,
    Incident,
    Status,
    apply,
    create,
)
from dispatch.forum.targets import ForumTargets
from geo import suggest as suggestions
from simulators.streams.recurrence import Prelude
from simulators.whatif.agents import DeskPool, Fleet, lognormal
from simulators.whatif.call_taker import CallTaker, click_near
from simulators.whatif.command_desk import gazetteer_fix, is_unplaced, known_precinct
from simulators.whatif.knobs import SimConfig
from simulators.whatif.missing_flow import MissingFlow
from simulators.whatif.nearby import OpenIndex
from simulators.whatif.records import Record, note_synthesis
from simulators.whatif.synthesis_index import MemoryIndex

DRAIN_S = 6 * 3600.0  # after the window, let open work finish for at most this long
_RANK = {"P1": 0, "P2": 1, "P3": 2, "P4": 3}
Progress = Callable[[float], None]


class Engine:
    """Runs one configuration over one report stream.

    Args:
        config: the what-if knobs.
        start: the start of the window (timezone-aware); time 0.
        seed: seeds the agents' random draws (the stream has its own seed).
        classify: the triage stage (default: the service's).
        locate: the geo stage (default: the service's).
        prelude: earlier reports and premise notes the synthesis index holds at time 0
            (None: it starts empty, as a new deployment does).
    """

    def __init__(self, config: SimConfig, start: datetime, seed: int,
                 classify: Callable[..., Mapping[str, Any]] = stages.classify,
                 locate: Callable[..., Mapping[str, Any]] = stages.locate,
                 prelude: Prelude | None = None) -> None:
        self.config = config
        self.start = start
        self.clock = VirtualClock(start)
        self.rng = random.Random(f"agents-{seed}")
        self.classify = classify
        self.locate = locate
        self.heap: list[tuple[float, int, str, Any]] = []
        self.seq = 0
        self.t = 0.0
        self.store = MemoryStore(on_event=self._observe, on_armed=self._armed,
                                 on_feed=self._feed, on_commit=self._indexed)
        self.incidents = self.store.incidents
        self.records: dict[str, Record] = {}
        self.deadlines = self.store.deadlines
        self.open_index = OpenIndex(self.incidents.__getitem__)
        self.waiting: list[tuple[int, float, int, str]] = []
        self.calls = DeskPool(config.call_takers)
        self.call_taker = CallTaker(config, self.rng, classify)
        # The command centre's duty officers: the most urgent unplaced incident first.
        self.command_queue: list[tuple[int, float, int, str]] = []
        self.command_free = config.command_officers
        self.moderators = DeskPool(config.forum_moderators)
        self.forum_targets = ForumTargets()
        self.fleet = Fleet(((p.id, p.name, p.seat[0], p.seat[1]) for p in geo.precincts()),
                           config.units_per_precinct, config.travel_model(), start)
        self.missing = MissingFlow(self._schedule_at, config.search_centre_delay_s)
        self.dropped_deadlines = 0
        # incident -> (answers given during the call, the console's preview triage)
        self.answers: dict[str, tuple[dict[str, Any], Mapping[str, Any]]] = {}
        self.feed_messages: dict[str, int] = {}
        self.end_t = 0.0
        # The synthesis index (kept even by nothing but commits) and the notes loaded.
        self.synthesis = MemoryIndex.create(Keys("sim"), f"sim-caller-key-{seed}",
                                            self.clock.now) if config.synthesis else None
        if self.synthesis is not None:  # as the worker: reports meet the open cases
            self.synthesis.attach_cases(lambda: self.missing.generation, self.missing.open_cases)
        self.notes_loaded = 0
        self.prelude_reports = 0
        self.stages = pipeline.Stages(classify=self._triage, locate=self.locate,
                                      neighbours=self._neighbours,
                                      ack_timeouts=config.ack_timeouts,
                                      synthesis=self.synthesis)
        if self.synthesis is not None and prelude is not None:
            self._load_prelude(prelude)

    def _load_prelude(self, prelude: Prelude) -> None:
        """Put the prelude into the index as the service's commits would have: each
        earlier report folded from its events (received, triaged, located, assigned,
        acknowledged, resolved), each note saved as ``SynthesisStore.save_note`` does."""
        assert self.synthesis is not None
        keys = self.synthesis.keys
        for past in prelude.history:
            body: dict[str, Any] = {"channel": "call", "text": "",
                                    "caller": {"phone": past.phone} if past.phone else None}
            state, _ = create(Event(EventType.REPORT_RECEIVED, past.id, past.at, data=body))
            location = dict(suggestions.fix(past.lat, past.lon, 20.0).to_dict())
            triage = {"category": past.category, "priority": past.priority,
                      "flags": list(past.flags), "confidence": 1.0, "extracted": {}}
            for event in decisions.process_report(state, triage, location, past.at, {}):
                state, _ = apply(state, event)
            for event in decisions.acknowledge(state, state.precinct or COMMAND_FEED,
                                               "precinct:prelude", past.at):
                state, _ = apply(state, event)
            state, _ = apply(state, Event(EventType.STATUS_CHANGED, past.id, past.at,
                                          actor="desk:prelude",
                                          data={"status": Status.RESOLVED.value}))
            self.synthesis.commit(state, None)
            self.prelude_reports += 1
        for note in prelude.notes:
            self.synthesis.run([["HSET", keys.notes, note.id, json.dumps(
                note.to_dict(), ensure_ascii=False)], ["GEOADD", keys.notes_geo, note.lon,
                                                       note.lat, note.id]])
            self.notes_loaded += 1

    # -- the loop ---------------------------------------------------------------------------

    def at(self, t: float) -> datetime:
        """The wall time of simulation second ``t``."""
        return self.start + timedelta(seconds=t)

    def _push(self, t: float, kind: str, payload: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, kind, payload))

    def _schedule_at(self, due: datetime, kind: str, payload: Any) -> None:
        self._push(max(self.t, (due - self.start).total_seconds()), kind, payload)

    def run(self, lines: Iterable[Mapping[str, Any]], hours: float,
            progress: Progress | None = None) -> Engine:
        """Feed the stream and run until the work is done (or the drain limit).

        Args:
            lines: stream lines (``generate`` output): body, ``at`` and ``truth``.
            hours: the window's length; reports after it are ignored.
            progress: called with the share of the window simulated, now and then.
        """
        end = hours * 3600.0
        for line in lines:
            t = (parse_iso(line["at"]) - self.start).total_seconds()
            if 0 <= t <= end:
                self._push(t, "call", line)
        limit, step = end + DRAIN_S, max(1.0, end / 50)
        next_report = step
        handlers = self._handlers()
        while self.heap and self.heap[0][0] <= limit:
            t, _, kind, payload = heapq.heappop(self.heap)
            self.t = t
            self.clock.set(self.at(t))
            handlers[kind](payload)
            if progress and t >= next_report:
                progress(min(1.0, t / end if end else 1.0))
                next_report += step
        self.end_t = max(end, self.t)
        if progress:
            progress(1.0)
        return self

    def _handlers(self) -> dict[str, Callable[[Any], None]]:
        return {"call": self._call, "intake": self._intake, "process": self._process,
                "deadline": self._deadline, "ack": self._ack, "on_scene": self._on_scene,
                "clear": self._clear, "desk_done": self._desk_done,
                "missing": self._missing_deadline, "missing_meet": self._missing_meet,
                "command_act": self._command_act, "command_callback": self._command_callback,
                "merge_confirm": self._merge_confirm, "details": self._details}

    # -- committing events (the adapters' job in the service) -------------------------------

    def _commit(self, incident: Incident | None, events: list[Event]) -> Incident:
        return self.store.append(incident, events)

    def _armed(self, key: str, due: datetime) -> None:
        """A deadline armed in the store: a timer on the heap (a stale one is skipped)."""
        self._push(max((due - self.start).total_seconds(), self.t), "deadline", (key, due))

    def _feed(self, effect: Any) -> None:
        self.feed_messages[effect.feed] = self.feed_messages.get(effect.feed, 0) + 1

    def _indexed(self, incident: Incident, before: Incident | None, events: Any) -> None:
        if self.synthesis is not None:  # the same commit keeps the index (one transaction)
            self.synthesis.commit(incident, before, events)

    def _observe(self, incident: Incident, event: Event) -> None:
        """Record timestamps and let the agents react to what the feeds show."""
        rec, t, kind = self.records[incident.id], self.t, event.type
        if kind is EventType.TRIAGED:
            rec.triaged_t, rec.category, rec.priority = t, incident.category, incident.priority
        elif kind is EventType.RETRIAGED:
            rec.priority = incident.priority
        elif kind is EventType.LOCATED:
            loc = incident.location or {}
            rec.lat, rec.lon, rec.district = loc.get("lat"), loc.get("lon"), loc.get("district")
            rec.district_name = loc.get("district_name")
        elif kind is EventType.ASSIGNED:
            if incident.precinct != COMMAND_FEED and rec.unplaced_t is not None \
                    and rec.placed_t is None:
                rec.placed_t = t
            rec.assigned_t, rec.precinct = t, incident.precinct
            if incident.arrival_due_at is not None:
                rec.arrival_due_t = (incident.arrival_due_at - self.start).total_seconds()
            self._officer_reacts(incident)
            self.open_index.add(incident)
        elif kind is EventType.ESCALATED:
            rec.escalation = incident.escalation_level
            rec.escalations.append((t, incident.escalation_level))
            if incident.escalation_level == 1 and self.config.command_ack_s > 0:
                self._push(t + self.config.command_ack_s, "ack", (incident.id, COMMAND_FEED))
        elif kind is EventType.ACKNOWLEDGED:
            rec.acked_t = t
            self.missing.acknowledged(incident.id, self.clock.now())
            self._respond(incident)
        elif kind is EventType.MERGED:
            rec.merged_into = incident.merged_into

    # -- agents -----------------------------------------------------------------------------

    def _call(self, line: Mapping[str, Any]) -> None:
        """A report reaches the centre: calls queue for a call-taker, others go straight in."""
        if line["channel"] != "call":
            self._intake((line, self.t))
            return
        call = self.call_taker.take(line)
        answered, done = self.calls.serve(self.t, call.handling_s)
        line = {**call.line, "_answered_t": answered}
        early = self.call_taker.preliminary(call, answered, done)
        if early is None:
            self._push(done, "intake", (line, self.t))
            return
        at, facts = early
        # Sent at the first facts alone; the rest and the answers follow at the call's end.
        self._push(at, "intake", ({
            **line, "text": facts.first, "_preview": facts.triage, "_answers": {},
            "_rest": facts.rest, "_late_answers": line.get("_answers"), "_done_t": done},
            self.t))

    def _intake(self, payload: tuple[Mapping[str, Any], float]) -> None:
        line, call_t = payload
        incident_id = f"S{len(self.records) + 1:06d}"
        body = {k: v for k, v in line.items()
                if k not in ("at", "truth") and not k.startswith("_") and v is not None}
        self.records[incident_id] = Record(incident_id, line.get("source_id"), line["channel"],
                                           call_t, line.get("truth") or {}, received_t=self.t,
                                           answered_t=line.get("_answered_t"),
                                           questions_asked=int(line.get("_asked") or 0),
                                           placed_on_line=bool(line.get("_placed_on_line")))
        if line.get("_preview") is not None:
            self.answers[incident_id] = (dict(line.get("_answers") or {}), line["_preview"])
        if "_rest" in line:
            self.records[incident_id].preliminary = True
            self._push(float(line["_done_t"]), "details",
                       (incident_id, str(line["_rest"]), dict(line.get("_late_answers") or {})))
        self._commit(None, [Event(EventType.REPORT_RECEIVED, incident_id, self.clock.now(),
                                  actor="call_taker:sim", data=body)])
        self._push(self.t + self.config.pipeline_s, "process", incident_id)

    def _details(self, payload: tuple[str, str, dict[str, Any]]) -> None:
        """After a preliminary dispatch, the call's end: the rest of the account and the
        answers go on the incident (``decisions.add_details``, the console's 补充情况)."""
        incident_id, rest, answers = payload
        incident = self.incidents[incident_id]
        if not incident.is_open or not (rest.strip() or answers):
            return
        triage = self.classify(f"{incident.full_text}\n{rest}".strip(), "call", answers)
        now = self.clock.now()
        events = decisions.add_details(incident, rest.strip(), triage, "call_taker:sim", now,
                                       self.config.ack_timeouts) if rest.strip() else \
            decisions.answer(incident, answers, triage, "call_taker:sim", now,
                             self.config.ack_timeouts)
        self.store.commit(incident, events)

    def _process(self, incident_id: str) -> None:
        """The pipeline worker's step, the service's own: :func:`dispatch.pipeline.plan_report`
        then :func:`~dispatch.pipeline.commit_plan` on the in-memory store."""
        incident = self.incidents[incident_id]
        now = self.clock.now()
        plan = pipeline.plan_report(self.stages, self.store, incident, now)
        triage, location, synthesis = plan.triage, plan.location, plan.synthesis
        rec = self.records[incident_id]
        if synthesis is not None:
            note_synthesis(rec, synthesis, str(triage["priority"]))
        self.missing.on_report(incident_id, str(triage["category"]), tuple(triage["flags"]),
                               triage.get("extracted", {}), location, incident.text, now,
                               self.at(rec.call_t), rec.truth.get("scenario"))
        if rec.channel == "forum":
            self._forum_reply(rec, triage)
        pipeline.commit_plan(self.store, plan)
        if plan.parent is not None:
            self.missing.redirect(incident_id, plan.parent.id)
            rec.merged_by = "system"
        elif plan.candidates and rec.channel == "call" and (
                self.config.merge_confirm_probability > 0
                or self.config.merge_mistake_probability > 0):
            self._push(self.t + self.config.merge_confirm_s, "merge_confirm",
                       (incident_id, tuple(c.incident_id for c in plan.candidates[:5])))

    def _merge_confirm(self, payload: tuple[str, tuple[str, ...]]) -> None:
        """The call-taker merges (``merging.merge``) the suggested duplicate the caller
        confirms is the same event (the truth decides), or, rarely, one that is not."""
        incident_id, candidate_ids = payload
        child, rec = self.incidents[incident_id], self.records[incident_id]
        if child.status not in (Status.ASSIGNED, Status.ACKNOWLEDGED) or child.units:
            return  # a unit already set out for it: it is worked as it is
        event = rec.truth.get("event")
        same = [c for c in candidate_ids if self.records[c].truth.get("event") == event]
        if same:
            target, p = same[0], self.config.merge_confirm_probability
        else:
            target, p = candidate_ids[0], self.config.merge_mistake_probability
        parent = self.incidents[target]
        if not parent.is_open or self.rng.random() >= p:
            return
        child_events, parent_events = merging.merge(
            child, parent, self.clock.now(), "call_taker:sim",
            {"reason": "call-taker confirmed a suggested duplicate"}, self.config.ack_timeouts)
        self.store.commit_many([(child, child_events), (parent, parent_events)])
        self.missing.redirect(incident_id, parent.id)
        rec.merged_by = "call_taker"

    def _triage(self, incident: Incident) -> Mapping[str, Any]:
        """The triage stage as the console submits it: the live preview when nothing was
        answered during the call, else a triage with the answers."""
        given = self.answers.pop(incident.id, None)
        if given is None:
            return self.classify(incident.text, incident.channel)
        if not given[0]:
            return given[1]  # nothing was answered: the preview is the triage
        triage = self.classify(incident.text, incident.channel, given[0])
        self.records[incident.id].raised_by_answers = \
            _RANK.get(str(triage["priority"]), 9) < _RANK.get(str(given[1]["priority"]), 9)
        return triage

    def _neighbours(self, incident: Incident, lat: float, lon: float, radius_m: float) \
            -> tuple[list[Incident], dict[str, float]]:
        return self.open_index.near(incident, lat, lon, radius_m, incident.received_at), {}

    def _forum_reply(self, rec: Record, triage: Mapping[str, Any]) -> None:
        handling = lognormal(self.rng, self.config.forum_reply_median_s,
                             self.config.forum_reply_sigma)
        _, done = self.moderators.serve(self.t, handling)
        rec.forum_reply_t = done
        rec.forum_target_s = self.forum_targets.reply_s(triage.get("category"),
                                                        triage.get("priority"))

    def _officer_reacts(self, incident: Incident) -> None:
        """Whoever watches the feed the assignment went to acknowledges it, later."""
        feed = incident.precinct or COMMAND_FEED
        if feed == COMMAND_FEED:
            rec = self.records[incident.id]
            if is_unplaced(incident) and rec.unplaced_t is None \
                    and self.config.command_officers > 0:
                # A duty officer reads it, asks if need be, and places or sends it.
                rec.unplaced_t = self.t
                self.seq += 1
                heapq.heappush(self.command_queue, (_RANK.get(incident.priority or "P4", 3),
                                                    self.t, self.seq, incident.id))
                self._command_next()
            elif self.config.command_ack_s > 0:
                self._push(self.t + self.config.command_ack_s, "ack", (incident.id, feed))
            return
        if self.rng.random() >= self.config.officer_ack_probability:
            return
        median = self.config.officer_ack_median_s.get(incident.priority or "P4", 60.0)
        delay = lognormal(self.rng, median, self.config.officer_ack_sigma)
        self._push(self.t + delay, "ack", (incident.id, feed))

    def _command_next(self) -> None:
        """A free duty officer takes the most urgent waiting incident and reads it."""
        while self.command_free > 0 and self.command_queue:
            _, _, _, incident_id = heapq.heappop(self.command_queue)
            incident = self.incidents[incident_id]
            if incident.precinct != COMMAND_FEED or incident.status not in corrections.REASSIGNABLE:
                continue  # merged, or taken meanwhile (an escalation's 代签收)
            self.command_free -= 1
            if incident.status is Status.ASSIGNED:
                # Taking it up is signing for it (代签收): the ack clock stops while the
                # officer reads and, if need be, calls back; placing it starts a new one.
                self._commit(incident, decisions.acknowledge(incident, COMMAND_FEED,
                                                             "command:sim", self.clock.now()))
            think = lognormal(self.rng, self.config.command_think_median_s,
                              self.config.command_think_sigma)
            self._push(self.t + think, "command_act", incident_id)

    def _command_done(self, _: Any = None) -> None:
        self.command_free += 1
        self._command_next()

    def _command_act(self, incident_id: str) -> None:
        """The duty officer acts on an unplaced incident as the command console lets a
        person: the gazetteer's first suggestion for its address (定位修正, which routes
        it), else 转派 to the precinct most of its circle covers, else (a call that names
        no place) call the caller back and click the place on the map, else keep it."""
        incident = self.incidents[incident_id]
        rec = self.records[incident_id]
        if incident.precinct != COMMAND_FEED or incident.status not in corrections.REASSIGNABLE:
            self._command_done()
            return  # merged, escalated and taken, or placed meanwhile
        now = self.clock.now()
        fixed = gazetteer_fix(incident)
        if fixed is not None and fixed.get("precinct"):
            rec.command_action = "candidate"
            events = corrections.relocate(incident, fixed, "指挥中心选定地名库候选",
                                          "command:sim", "sim", now, self.config.ack_timeouts)
        else:
            shares = (incident.location or {}).get("candidates") or []
            target = known_precinct(shares[0][0]) if shares else None
            if target is None:
                point = (rec.truth.get("location") or {}) if rec.channel == "call" else {}
                if point.get("lat") is not None and self.config.command_callback_median_s > 0:
                    # Nothing to pick: call the caller back, ask for a landmark, click it.
                    talk = lognormal(self.rng, self.config.command_callback_median_s,
                                     self.config.command_think_sigma)
                    self._push(self.t + talk, "command_callback", incident_id)  # still busy
                    return
                self._keep(incident)
                self._command_done()
                return
            rec.command_action = "reassign"
            events = corrections.reassign(incident, target.id, target.district,
                                          "指挥中心按定位候选转派", "command:sim", "sim", now,
                                          self.config.ack_timeouts)
        self._commit(incident, events)
        self._command_done()

    def _keep(self, incident: Incident) -> None:
        """No place to be had: the command centre keeps the matter (answers by phone,
        hands over) as it did before anyone could act on it."""
        self.records[incident.id].command_action = "kept"
        if incident.status is Status.ASSIGNED:
            self._commit(incident, decisions.acknowledge(incident, COMMAND_FEED, "command:sim",
                                                         self.clock.now()))
        else:
            self._push(self.t + self.config.desk_handling_min * 60, "desk_done", incident.id)

    def _command_callback(self, incident_id: str) -> None:
        """After calling the caller back: a click on the map where the caller says, within
        ``command_callback_error_m`` of the truth (a landmark, not a survey)."""
        incident = self.incidents[incident_id]
        rec = self.records[incident_id]
        self._command_done()  # off the phone, whatever comes of it
        if incident.precinct != COMMAND_FEED or incident.status not in corrections.REASSIGNABLE:
            return
        truth = rec.truth.get("location") or {}
        error = self.config.command_callback_error_m
        lat, lon = click_near(self.rng, truth["lat"], truth["lon"], error)
        fixed = dict(suggestions.fix(lat, lon, max(30.0, error), source="manual",
                                     matched=("map",)).to_dict())
        if not fixed.get("precinct"):
            self._keep(incident)
            return
        rec.command_action = "callback"
        self._commit(incident, corrections.relocate(
            incident, fixed, "回拨报警人后地图点选", "command:sim", "sim", self.clock.now(),
            self.config.ack_timeouts))

    def _ack(self, payload: tuple[str, str]) -> None:
        incident_id, feed = payload
        incident = self.incidents[incident_id]
        if incident.status is not Status.ASSIGNED:
            return
        actor = f"precinct:{feed}" if feed != COMMAND_FEED else "command:sim"
        self._commit(incident, decisions.acknowledge(incident, feed, actor, self.clock.now()))

    def _respond(self, incident: Incident) -> None:
        """After the ack: send a unit to P1–P3 in the city; answer the rest at the desk."""
        rec = self.records[incident.id]
        if incident.precinct == COMMAND_FEED and rec.unplaced_t is not None \
                and rec.command_action is None:
            return  # the duty officer signed for it to place it: the precinct will act
        loc = incident.location or {}
        attend = (incident.priority in ("P1", "P2", "P3") and incident.precinct != COMMAND_FEED
                  and loc.get("lat") is not None)
        if attend:
            self._dispatch(incident)
        else:
            self._push(self.t + self.config.desk_handling_min * 60, "desk_done", incident.id)

    def _dispatch(self, incident: Incident) -> bool:
        loc = incident.location or {}
        best = self.fleet.nearest(loc["lat"], loc["lon"], loc.get("district"))
        if best is None:
            self.seq += 1
            heapq.heappush(self.waiting, (_RANK.get(incident.priority or "P4", 3), self.t,
                                          self.seq, incident.id))
            return False
        now = self.clock.now()
        unit = best.unit
        self.fleet.dispatch(unit.id, incident.id, now, self.t)
        incident = self._commit(incident, [
            Event(EventType.UNIT_ASSIGNED, incident.id, now, actor=f"precinct:{incident.precinct}",
                  data={"unit_id": unit.id, "unit_precinct": unit.precinct,
                        "eta_s": round(best.eta_s)}),
            Event(EventType.STATUS_CHANGED, incident.id, now, actor=f"unit:{unit.id}",
                  data={"status": Status.EN_ROUTE.value})])
        rec = self.records[incident.id]
        rec.dispatched_t, rec.unit = self.t, unit.id
        self._push(self.t + best.eta_s, "on_scene", (incident.id, unit.id))
        return True

    def _on_scene(self, payload: tuple[str, str]) -> None:
        incident_id, unit_id = payload
        now = self.clock.now()
        self.fleet.arrive(unit_id, now)
        incident = self._commit(self.incidents[incident_id], [
            Event(EventType.STATUS_CHANGED, incident_id, now, actor=f"unit:{unit_id}",
                  data={"status": Status.ON_SCENE.value})])
        self.records[incident_id].on_scene_t = self.t
        self.missing.on_scene(incident_id, now)
        median = self.config.scene_median_min.get(incident.priority or "P3", 20.0) * 60
        self._push(self.t + lognormal(self.rng, median, self.config.scene_sigma), "clear",
                   (incident_id, unit_id))

    def _clear(self, payload: tuple[str, str]) -> None:
        incident_id, unit_id = payload
        now = self.clock.now()
        incident = self._commit(self.incidents[incident_id], [
            Event(EventType.STATUS_CHANGED, incident_id, now, actor=f"unit:{unit_id}",
                  data={"status": Status.RESOLVED.value})])
        self.records[incident_id].resolved_t = self.t
        loc = incident.location or {}
        self.fleet.clear(unit_id, loc["lat"], loc["lon"], now, self.t)
        while self.waiting:
            _, _, _, waiting_id = heapq.heappop(self.waiting)
            waiting = self.incidents[waiting_id]
            if waiting.status is Status.ACKNOWLEDGED:
                self._dispatch(waiting)
                break

    def _desk_done(self, incident_id: str) -> None:
        incident = self.incidents[incident_id]
        if incident.status is Status.ACKNOWLEDGED:
            self._commit(incident, [Event(EventType.STATUS_CHANGED, incident_id,
                                          self.clock.now(), actor="desk:sim",
                                          data={"status": Status.RESOLVED.value})])
            self.records[incident_id].resolved_t = self.t

    # -- deadlines (the scheduler's job in the service) -------------------------------------

    def _deadline(self, payload: tuple[str, datetime]) -> None:
        """The scheduler's step, the service's own: :func:`dispatch.pipeline.fire_deadline`."""
        key, due = payload
        if self.deadlines.get(key) != due:
            return  # closed or re-armed since: a stale heap entry
        if key.partition("|")[0] not in ("ack", "arrive"):
            del self.deadlines[key]
            self.dropped_deadlines += 1  # no handler in the live scheduler either
            return
        pipeline.fire_deadline(self.store, key, self.clock.now(), self.config.escalation_step_s)
        if self.deadlines.get(key) == due:
            del self.deadlines[key]  # fired and not re-armed by its events: it is done

    def _missing_deadline(self, key: str) -> None:
        due = self.missing.deadlines.get(key)
        if due is not None and due <= self.clock.now():
            self.missing.fire(key, due, self.clock.now())

    def _missing_meet(self, payload: tuple[str, str]) -> None:
        case_id, name = payload
        self.missing.meet(case_id, name, self.clock.now())


