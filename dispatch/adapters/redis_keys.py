"""Redis key layout, in one place.

=======================  ==========  ==============================================
key                      type        holds
=======================  ==========  ==============================================
``{ns}:reports``         stream      accepted reports, consumed by the pipeline group
``{ns}:reports:dead``    stream      reports that failed processing repeatedly
``{ns}:inc:{id}``        hash        ``state`` (JSON projection) and ``version``
``{ns}:tl:{id}``         stream      the incident's timeline (every event)
``{ns}:events``          stream      every event of every incident (reactors follow it)
``{ns}:feed:{feed}``     stream      a console feed: a precinct id or ``command``
``{ns}:idem:{source}``   string      incident id for an idempotency key
``{ns}:deadlines``       zset        deadline keys scored by due time (epoch seconds)
``{ns}:idx:…``           zset        incident ids by received time, per filter value
``{ns}:geo:open``        geo zset    open, located incidents (duplicate search)
``{ns}:metrics``         hash        counters and histogram buckets shared by processes
``{ns}:hb:{role}:{name}``string      liveness heartbeats (expire)
=======================  ==========  ==============================================
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Keys:
    """Builds every key from the namespace prefix."""

    ns: str = "d"

    @property
    def reports(self) -> str:
        return f"{self.ns}:reports"

    @property
    def dead(self) -> str:
        return f"{self.ns}:reports:dead"

    @property
    def deadlines(self) -> str:
        return f"{self.ns}:deadlines"

    @property
    def events(self) -> str:
        return f"{self.ns}:events"

    @property
    def geo_open(self) -> str:
        return f"{self.ns}:geo:open"

    @property
    def metrics(self) -> str:
        return f"{self.ns}:metrics"

    def incident(self, incident_id: str) -> str:
        return f"{self.ns}:inc:{incident_id}"

    def timeline(self, incident_id: str) -> str:
        return f"{self.ns}:tl:{incident_id}"

    def feed(self, feed: str) -> str:
        return f"{self.ns}:feed:{feed}"

    def idem(self, source_id: str) -> str:
        return f"{self.ns}:idem:{source_id}"

    def index(self, name: str, value: str | None = None) -> str:
        return f"{self.ns}:idx:{name}" if value is None else f"{self.ns}:idx:{name}:{value}"

    def heartbeat(self, role: str, name: str) -> str:
        return f"{self.ns}:hb:{role}:{name}"

    def heartbeats(self, role: str) -> str:
        return f"{self.ns}:hb:{role}:*"
