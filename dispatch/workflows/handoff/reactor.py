"""The hand-off workflow's adapters: a reactor on the command feed and the deadline handlers.

The reactor decides from each incident's first assignment (triage and location are known
by then):

* located outside the jurisdiction and a police matter → a ``cross_jurisdiction``
  hand-off to the agency the registry picks (none registered: a note for the command
  centre to arrange it by phone; placed by the IP region alone and not P1/P2: a ``held``
  note asking the command centre to confirm the location first);
* ``non_police`` inside the jurisdiction → a ``to_12345`` transfer, unless the priority
  is P1/P2 (never transferred automatically: a ``transfer_withheld`` note instead);
* a ``transfer_12345`` incident that closes → its outcome goes back to 12345.

Hand-off ids are derived from the incident, so a redelivered entry creates nothing new.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from rq.job import Job

from dispatch.adapters.handoff_delivery import Outbox
from dispatch.adapters.handoff_store import HandoffRecords
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import Clock
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident
from dispatch.handoff import handoff as core
from dispatch.handoff import packet as packets
from dispatch.handoff.agencies import Agency, Registry

log = logging.getLogger("dispatch.handoff")

NOT_POLICE_ACTION = frozenset({"non_police", "consultation"})
NEVER_AUTO_TRANSFER = frozenset({"P1", "P2"})
URGENT = frozenset({"P1", "P2"})  # handed over even on the IP region alone
RETURN_ON = frozenset({"closed", "cancelled"})


class HandoffReactor:
    """Creates hand-offs and 12345 transfers, and returns 12345 outcomes."""

    name = "handoff"
    types = frozenset({"incident.assigned", "incident.status_changed", "incident.answered_on_spot"})

    def __init__(self, store: RedisStore, clock: Clock, registry: Registry,
                 targets: core.Targets, outbox: Outbox) -> None:
        self.store = store
        self.records = HandoffRecords(store)
        self.clock = clock
        self.registry = registry
        registry.shapes  # noqa: B018 - build (and check) the polygons now, not on the first case
        self.targets = targets
        self.outbox = outbox

    def react(self, message: Mapping[str, Any]) -> None:
        """Handle one command-feed message (see :class:`dispatch.processes.reactors.Reactor`)."""
        kind = message.get("type")
        incident_id = str(message.get("incident_id") or "")
        summary = message.get("incident") or {}
        if kind == "incident.assigned" and summary.get("channel") != "transfer_12345" \
                and (summary.get("category") == "non_police"
                     or (summary.get("location") or {}).get("in_jurisdiction") is not True):
            self._on_assigned(incident_id)  # only these can need a hand-off
        elif summary.get("channel") == "transfer_12345" and (
                (kind == "incident.status_changed"
                 and (message.get("payload") or {}).get("status") in RETURN_ON)
                or kind == "incident.answered_on_spot") \
                and not self.records.marked(incident_id, "returned"):
            self.outbox.return_outcome(self.store.keys.ns, incident_id)

    def _on_assigned(self, incident_id: str) -> None:
        try:
            incident = self.store.load(incident_id)
        except UnknownIncident:
            return
        location = incident.location or {}
        if incident.category == "non_police" and location.get("in_jurisdiction") is not False:
            if incident.needs_review:
                self._note_once(incident_id, "withheld", EventType.NOTED, {
                    "stage": "transfer_withheld",
                    "reason": "triage is unsure (待人工研判): a person decides before any "
                              "transfer to 12345"})
                return
            if incident.priority in NEVER_AUTO_TRANSFER:
                self._note_once(incident_id, "withheld", EventType.NOTED, {
                    "stage": "transfer_withheld",
                    "reason": f"non-police matter at {incident.priority}: a {incident.priority} "
                              "report is never transferred to 12345 automatically"})
                return
            hotline = self.registry.hotline()
            if hotline is None:
                self._note_once(incident_id, "unrouted", EventType.HANDOFF, {
                    "stage": "unrouted", "kind": core.TO_12345, "escalated_to": "command",
                    "reason": "no 12345 hotline in the agency registry"})
                return
            self._create(incident_id, core.TO_12345, hotline,
                         "非警务事项，转12345政务服务便民热线办理")
        elif location.get("in_jurisdiction") is False and \
                incident.category not in NOT_POLICE_ACTION:
            if location.get("source") == "region_hint" and incident.priority not in URGENT:
                # An IP region alone is too weak to send a routine case to another city.
                self._note_once(incident_id, "held", EventType.HANDOFF, {
                    "stage": "held", "kind": core.CROSS, "escalated_to": "command",
                    "province": location.get("province"), "city": location.get("city"),
                    "reason": "only the IP region places it outside the city: confirm the "
                              "location with the reporter before handing it over"})
                return
            agency = self.registry.choose(location)
            if agency is None:
                self._note_once(incident_id, "unrouted", EventType.HANDOFF, {
                    "stage": "unrouted", "kind": core.CROSS, "escalated_to": "command",
                    "city": location.get("city"), "province": location.get("province"),
                    "reason": "no agency registered for this location: arrange by phone"})
                return
            where = location.get("city") or location.get("province") or "辖区外"
            self._create(incident_id, core.CROSS, agency,
                         f"位置在{where}，超出本市管辖，请贵单位接收处置")

    def _create(self, incident_id: str, kind: str, agency: Agency, reason: str) -> None:
        hid = core.handoff_id(incident_id, kind)
        for _ in range(8):
            existing = self.records.get(hid)
            if existing is not None:
                self._ensure_queued(existing)
                return
            incident = self.store.load(incident_id)
            now = self.clock.now()
            packet = packets.build(incident, hid, kind, self.registry.sender, agency, now,
                                   notes=[reason], agent=self._intake_actor(incident_id))
            change = core.create(incident, kind, agency.id, agency.name, self.targets, now,
                                 packet)
            try:
                self.records.commit(incident, change)
            except Conflict:
                continue
            log.info("hand-off %s to %s created", hid, agency.id)
            self.outbox.send_handoff(self.store.keys.ns, hid)
            return
        raise Conflict(f"could not create hand-off {hid}")

    def _intake_actor(self, incident_id: str) -> str | None:
        """Who took the report, from its ``report.received`` event."""
        first = self.store.r.xrange(self.store.keys.timeline(incident_id), count=1)
        if not first:
            return None
        fields = first[0][1] or {}
        data = json.loads(str(fields.get("data") or "{}"))
        actor = data.get("intake_actor")
        return actor if isinstance(actor, str) else None

    def _ensure_queued(self, h: core.Handoff) -> None:
        """Re-queue a pending delivery whose job was lost (a crash after the commit)."""
        if h.status is not core.HandoffStatus.pending or h.sent_at is not None:
            return
        job_id = f"handoff-{self.store.keys.ns}-{h.id}"
        if not Job.exists(job_id, connection=self.outbox.queue.connection):
            self.outbox.send_handoff(self.store.keys.ns, h.id)

    def _note_once(self, incident_id: str, what: str, kind: EventType,
                   data: Mapping[str, Any]) -> None:
        for _ in range(8):
            if self.records.marked(incident_id, what):
                return
            incident = self.store.load(incident_id)
            now = self.clock.now()
            event = Event(kind, incident_id, now, data={
                **data, "elapsed_s": round((now - incident.received_at).total_seconds(), 3)})
            try:
                self.store.commit(incident, [event], extra_ops=[
                    ("SET", self.records.mark_key(incident_id, what), "1")])
                return
            except Conflict:
                continue


class HandoffDeadlines:
    """Escalates missed hand-off targets (kinds ``handoff_ack`` and ``handoff_locate``)."""

    def __init__(self, store: RedisStore, clock: Clock) -> None:
        self.store = store
        self.records = HandoffRecords(store)
        self.clock = clock

    def ack(self, key: str, hid: str) -> None:
        """The acknowledgment target of ``hid`` fell due."""
        self._fire(key, hid, "ack")

    def locate(self, key: str, hid: str) -> None:
        """The 2-hour locate target of ``hid`` fell due."""
        self._fire(key, hid, "locate")

    def _fire(self, key: str, hid: str, kind: str) -> None:
        r = self.store.r
        for _ in range(5):
            if r.zscore(self.store.keys.deadlines, key) is None:
                return
            h = self.records.get(hid)
            if h is None:
                self.store.drop_deadline(key)
                return
            try:
                incident: Incident = self.store.load(h.incident_id)
            except UnknownIncident:
                self.store.drop_deadline(key)
                return
            h = self.records.load(hid)
            now = self.clock.now()
            change = core.overdue(h, kind, incident.received_at, now)
            if change is None:
                due = h.ack_due_at if kind == "ack" else h.locate_due_at
                open_ = h.acknowledged_at is None if kind == "ack" else h.outcome is None
                if due is not None and due > now and open_:
                    r.zadd(self.store.keys.deadlines, {key: due.timestamp()})
                else:
                    self.store.drop_deadline(key)
                return
            try:
                self.records.commit(incident, change, require_deadline=key)
                log.warning("hand-off %s missed its %s target", hid, kind)
                return
            except Conflict:
                continue
