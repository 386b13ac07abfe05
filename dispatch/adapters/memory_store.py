"""The in-memory incident store: :class:`dispatch.pipeline.IncidentStore` without Redis.

The same semantics as ``RedisStore`` for one process under one clock: a commit folds the
events into the incident and runs their effects in order (``OpenDeadline`` arms a
deadline, ``CloseDeadline`` disarms it, a feed effect is a message for a console), keeps
each incident's event list, and fails with ``Conflict`` when it was guarded by a deadline
that is no longer pending (the scheduler's "exactly one decision" rule) or by a version
that moved on. The what-if engine runs the service's own pipeline and deadline services
over it, under a virtual clock; its agents watch the commits through the hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.events import Event
from dispatch.domain.incident import CloseDeadline, Effect, Incident, OpenDeadline, apply, create

OnEvent = Callable[[Incident, Event], None]  # the state after one event, and the event
OnArmed = Callable[[str, datetime], None]  # a deadline armed (or moved) to a due time
OnFeed = Callable[[Effect], None]  # a message for a console feed
OnCommit = Callable[[Incident, "Incident | None", Sequence[Event]], None]


class MemoryStore:
    """Incidents, their events and the armed deadlines, in dictionaries.

    Args:
        on_event: called after each event is applied (the engine's agents react).
        on_armed: called when a deadline is armed or re-armed (the engine's timer heap).
        on_feed: called for each feed message an event produces.
        on_commit: called once per incident per commit, after its events (the synthesis
            index, kept "in the same transaction").
    """

    def __init__(self, *, on_event: OnEvent | None = None, on_armed: OnArmed | None = None,
                 on_feed: OnFeed | None = None, on_commit: OnCommit | None = None) -> None:
        self.incidents: dict[str, Incident] = {}
        self.timelines: dict[str, list[Event]] = {}
        self.deadlines: dict[str, datetime] = {}
        self.on_event, self.on_armed, self.on_feed = on_event, on_armed, on_feed
        self.on_commit = on_commit

    def append(self, before: Incident | None, events: Sequence[Event]) -> Incident:
        """Fold ``events`` into ``before`` (None: the first event creates the incident) and
        run their effects; no guard (the single-writer path)."""
        state = before
        for event in events:
            if state is None:
                state, effects = create(event)
            else:
                state, effects = apply(state, event)
            for effect in effects:
                if isinstance(effect, OpenDeadline):
                    self.deadlines[effect.key] = effect.due
                    if self.on_armed is not None:
                        self.on_armed(effect.key, effect.due)
                elif isinstance(effect, CloseDeadline):
                    self.deadlines.pop(effect.key, None)
                elif self.on_feed is not None:
                    self.on_feed(effect)
            self.incidents[state.id] = state
            self.timelines.setdefault(state.id, []).append(event)
            if self.on_event is not None:
                self.on_event(state, event)
        if state is None:
            raise ValueError("a commit needs at least one event")
        if self.on_commit is not None:
            self.on_commit(state, before, events)
        return state

    def load(self, incident_id: str) -> Incident:
        try:
            return self.incidents[incident_id]
        except KeyError:
            raise UnknownIncident(incident_id) from None

    def commit(self, before: Incident, events: Sequence[Event], *,
               require_deadline: str | None = None, drop_deadline: str | None = None,
               **_options: Any) -> Incident:
        """Append ``events`` if ``before`` is still the incident's state (and the deadline
        it requires is still pending); see ``RedisStore.commit``."""
        return self.commit_many([(before, events)], require_deadline=require_deadline,
                                drop_deadline=drop_deadline)[0]

    def commit_many(self, changes: Sequence[tuple[Incident, Sequence[Event]]], *,
                    require_deadline: str | None = None, drop_deadline: str | None = None,
                    **_options: Any) -> list[Incident]:
        """Like :meth:`commit` for several incidents at once (a merge)."""
        if require_deadline is not None and require_deadline not in self.deadlines:
            raise Conflict(f"deadline {require_deadline} is no longer pending")
        for before, _ in changes:
            current = self.incidents.get(before.id)
            if current is not None and current.version != before.version:
                raise Conflict(f"incident {before.id} changed concurrently")
        after = [self.append(before, events) for before, events in changes]
        if drop_deadline is not None:
            self.deadlines.pop(drop_deadline, None)
        return after

    def due_deadlines(self, now: datetime) -> list[str]:
        """Deadline keys whose time has come, earliest first."""
        return [k for k, due in sorted(self.deadlines.items(), key=lambda kv: (kv[1], kv[0]))
                if due <= now]

    def drop_deadline(self, key: str) -> None:
        self.deadlines.pop(key, None)

    def rearm_deadline(self, key: str, due: datetime) -> None:
        self.deadlines[key] = due
        if self.on_armed is not None:
            self.on_armed(key, due)
