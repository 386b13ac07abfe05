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
``{ns}:hb:{role}``        zset        live processes of a role, scored by when their
                                     heartbeat runs out (dispatch.adapters.heartbeats)
``{ns}:syn:rec:{id}``    string      synthesis projection of an incident (expires)
``{ns}:syn:caller:{h}``  zset        a caller's incidents (``id|category|epoch|codes``)
``{ns}:syn:callerdv:{h}`` zset       the same, domestic-violence reports only
``{ns}:syn:geo:{b}``     geo zset    located incidents received in 30-day bucket b
``{ns}:syn:geo:{c}:{w}`` geo zset    category c, received in 7-day bucket w (series)
``{ns}:syn:notes``       hash        premise notes by id (JSON)
``{ns}:syn:notes:geo``   geo zset    premise notes' points
``{ns}:syn:watch``       hash        watch-list entries by canonical plate (JSON)
``{ns}:store:primary``   hash        the primary last seen (node, run id, since) and
                                     how many failovers and restarts were seen
``{ns}:store:changes``   list        the last 50 primary changes (JSON, newest first)
``{ns}:audit``           stream      reads of personal data, note and list changes, revocations
``{ns}:revoked:jti:{id}`` string     a revoked token (expires with the longest token life)
``{ns}:revoked:sub``     hash        subject → epoch second: its tokens issued until then are revoked
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

    @property
    def audit(self) -> str:
        return f"{self.ns}:audit"

    def revoked_token(self, token_id: str) -> str:
        return f"{self.ns}:revoked:jti:{token_id}"

    @property
    def revoked_subjects(self) -> str:
        return f"{self.ns}:revoked:sub"

    @property
    def notes(self) -> str:
        return f"{self.ns}:syn:notes"

    @property
    def notes_geo(self) -> str:
        return f"{self.ns}:syn:notes:geo"

    @property
    def watch(self) -> str:
        return f"{self.ns}:syn:watch"

    def record(self, incident_id: str) -> str:
        return f"{self.ns}:syn:rec:{incident_id}"

    def caller(self, caller_hash: str) -> str:
        return f"{self.ns}:syn:caller:{caller_hash}"

    def caller_dv(self, caller_hash: str) -> str:
        return f"{self.ns}:syn:callerdv:{caller_hash}"

    def place(self, bucket: int, category: str | None = None) -> str:
        return f"{self.ns}:syn:geo:{bucket}" if category is None \
            else f"{self.ns}:syn:geo:{category}:{bucket}"

    def series(self, series_id: str) -> str:
        """A series' members: incident id -> received time."""
        return f"{self.ns}:syn:series:{series_id}"

    def series_of(self, incident_id: str) -> str:
        """The series an incident was linked to (the first one that named it)."""
        return f"{self.ns}:syn:seriesof:{incident_id}"

    @property
    def series_active(self) -> str:
        """Every series as ``id|category`` -> its newest member's received time."""
        return f"{self.ns}:syn:series"

    @property
    def store_primary(self) -> str:
        return f"{self.ns}:store:primary"

    @property
    def store_changes(self) -> str:
        return f"{self.ns}:store:changes"

    def heartbeat_set(self, role: str) -> str:
        return f"{self.ns}:hb:{role}"
