"""Outbound webhooks through RQ: the hand-off packet to the agency, and a 12345 case's
outcome back to 12345.

Jobs run on the ``webhooks`` queue with ``JSONSerializer`` (``python -m dispatch
rq-worker --queues webhooks``, a worker no simulation ever occupies), take only ids and
are idempotent: a job that finds its work done returns. A failed call raises
:class:`DeliveryError`, so RQ retries it with exponential backoff (``WEBHOOK_RETRIES``
times, first after ``WEBHOOK_BACKOFF_S``, doubling). The last failure records
``delivery_failed`` (the command centre's alarm: it phones) *and* raises, so the job
ends in RQ's failed-job registry, where ``rq info``, rq-dashboard and ``rq requeue`` see
it; a requeued job sends the packet again (like the console's 重试).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import redis
from rq import Queue, Retry, get_current_job
from rq.serializers import JSONSerializer

from dispatch.adapters.handoff_store import HandoffRecords
from dispatch.adapters.redis_conn import connect
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import Clock, SystemClock
from dispatch.domain.closing import DISPOSITIONS
from dispatch.domain.errors import Conflict
from dispatch.domain.events import Event, EventType
from dispatch.handoff import handoff as core
from dispatch.handoff import packet as packets
from dispatch.handoff import signing
from dispatch.handoff.agencies import Agency, Registry, parse_registry
from dispatch.handoff.errors import DeliveryError, HandoffClosed, RegistryError
from dispatch.rq_queues import WEBHOOKS, named
from dispatch.settings import Settings
from dispatch.settings import load as load_settings

log = logging.getLogger("dispatch.handoff")

QUEUE = WEBHOOKS
TIMEOUT_S = 10.0


def load_registry(path: Path | None, env: Mapping[str, str] | None = None) -> Registry:
    """Read the agency registry (the built-in file unless ``path``), URLs and secrets from env.

    Raises:
        RegistryError: the file is missing or malformed.
    """
    try:
        if path is None:
            text = resources.files("dispatch.handoff").joinpath("data/agencies.json").read_text(
                encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError) as exc:
        raise RegistryError(f"cannot read the agency registry: {exc}") from exc
    return parse_registry(data, os.environ if env is None else env)


@cache
def registry_for(path: Path | None) -> Registry:
    """The registry of this process (read once)."""
    return load_registry(path)


def raw_client(client: redis.Redis) -> redis.Redis:
    """A bytes client on the same server as ``client`` (RQ needs undecoded replies)."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "decode_responses": False}
    return redis.Redis(connection_pool=redis.ConnectionPool(
        connection_class=pool.connection_class, **kwargs))


class Outbox:
    """Enqueues webhook jobs on the namespace's ``webhooks`` RQ queue."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.queue = Queue(named(QUEUE, settings.namespace), connection=raw_client(client),
                           serializer=JSONSerializer)
        self.settings = settings

    def _retry(self) -> Retry | None:
        n = self.settings.webhook_retries
        base = self.settings.targets.get("WEBHOOK_BACKOFF_S", 2.0)
        return Retry(max=n, interval=[base * 2 ** i for i in range(n)]) if n else None

    def send_handoff(self, namespace: str, handoff_id: str, attempt: int = 0) -> None:
        """Queue the delivery of a hand-off's packet (one job per hand-off and retry:
        ``attempt`` counts the command centre's 重试, so a retry is a job of its own)."""
        suffix = f"-r{attempt}" if attempt else ""
        self.queue.enqueue("dispatch.adapters.handoff_delivery.deliver", namespace, handoff_id,
                           job_id=f"handoff-{namespace}-{handoff_id}{suffix}", retry=self._retry(),
                           job_timeout=int(TIMEOUT_S * 3), result_ttl=86400,
                           failure_ttl=7 * 86400)

    def return_outcome(self, namespace: str, incident_id: str) -> None:
        """Queue the return of a 12345 case's outcome (one job per incident)."""
        self.queue.enqueue("dispatch.adapters.handoff_delivery.return_outcome", namespace, incident_id,
                           job_id=f"return12345-{namespace}-{incident_id}", retry=self._retry(),
                           job_timeout=int(TIMEOUT_S * 3), result_ttl=86400,
                           failure_ttl=7 * 86400)


@dataclass(frozen=True)
class _Context:
    store: RedisStore
    records: HandoffRecords
    registry: Registry
    clock: Clock
    settings: Settings


@cache
def _context(namespace: str) -> _Context:
    cfg = load_settings()
    client = connect(cfg)
    store = RedisStore.from_settings(client, cfg, namespace)
    return _Context(store, HandoffRecords(store), registry_for(cfg.agencies_path),
                    SystemClock(), cfg)


def _attempt(retries: int) -> tuple[int, bool]:
    """This run's attempt number and whether it is the last one RQ will make."""
    job = get_current_job()
    if job is None:
        return 1, True
    left = job.retries_left or 0
    return retries - left + 1, left == 0


def _give_up() -> None:
    """No retry can help (the last attempt, no webhook, the agency gone): let this
    failure be RQ's last, so the job goes to the failed-job registry."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0


def post_json(agency: Agency, sender: Agency, subject_id: str, body: Mapping[str, Any]) -> int:
    """POST ``body`` to the agency's webhook, signed with its shared secret if it has one.

    Returns:
        The HTTP status.

    Raises:
        DeliveryError: no webhook is configured, the call failed, or it was not 2xx.
    """
    if not agency.webhook_url:
        raise DeliveryError(f"no webhook configured for {agency.id}")
    raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
    ts = int(time.time())
    headers = {"Content-Type": "application/json", "X-Dispatch-Agency": sender.id,
               "X-Dispatch-Handoff": subject_id, "X-Dispatch-Timestamp": str(ts)}
    if agency.secret:
        headers["X-Dispatch-Signature"] = signing.sign(agency.secret, ts, subject_id, raw)
    try:
        response = httpx.post(agency.webhook_url, content=raw, headers=headers,
                              timeout=TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise DeliveryError(f"{agency.id}: {type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"{agency.id} answered HTTP {response.status_code}")
    return response.status_code


def deliver(namespace: str, handoff_id: str) -> str:
    """RQ job: send a hand-off's packet to its agency.

    Returns:
        ``sent``, ``done`` (nothing left to do) or ``unknown``.

    Raises:
        DeliveryError: this attempt failed; RQ retries it, or after the last attempt
            (``delivery_failed`` recorded, the command centre alerted) keeps the job in
            its failed-job registry.
    """
    ctx = _context(namespace)
    h = ctx.records.get(handoff_id)
    if h is None:
        return "unknown"
    if h.sent_at is not None:
        return "done"
    if h.status is core.HandoffStatus.failed:
        # Only a job that already failed for good finds this: an operator requeued it
        # (`rq requeue`, rq-dashboard). Send again, as the console's 重试 does.
        try:
            h = ctx.records.update(handoff_id, lambda x, inc: core.retry_delivery(
                x, inc, "rq", "rq requeue", ctx.clock.now()))
        except HandoffClosed:
            return "done"
    if h.status is not core.HandoffStatus.pending:
        return "done"
    attempt, last = _attempt(ctx.settings.webhook_retries)
    agency = ctx.registry.get(h.agency)
    try:
        if agency is None:
            raise DeliveryError(f"agency {h.agency} is no longer registered")
        status = post_json(agency, ctx.registry.sender, h.id, h.packet or {})
    except DeliveryError as exc:
        undeliverable = agency is None or not agency.webhook_url
        log.warning("hand-off %s delivery attempt %d failed: %s", handoff_id, attempt, exc)
        if last or undeliverable:
            error = str(exc)
            ctx.records.update(handoff_id, lambda x, inc: core.delivery_failed(
                x, ctx.clock.now(), inc.received_at, attempt, error))
            _give_up()
        raise  # into RQ: a retry, or (the last) the failed-job registry
    ctx.records.update(handoff_id, lambda x, inc: core.delivered(
        x, ctx.clock.now(), inc.received_at, attempt, status))
    return "sent"


def return_outcome(namespace: str, incident_id: str) -> str:
    """RQ job: tell 12345 how a case it handed over ended (once).

    Returns:
        ``returned`` or ``done``.

    Raises:
        DeliveryError: this attempt failed; RQ retries it, or after the last attempt
            (``outcome_return_failed`` recorded) keeps it in its failed-job registry.
    """
    ctx = _context(namespace)
    records = ctx.records
    if records.marked(incident_id, "returned"):
        return "done"
    incident = ctx.store.load(incident_id)
    hotline = ctx.registry.hotline()
    attempt, last = _attempt(ctx.settings.webhook_retries)
    note = f"110 警情 {incident.id} 已{'办结' if incident.status.value == 'closed' else '撤销'}"
    closed_as = DISPOSITIONS.get(incident.disposition or "")
    label = None
    if closed_as is not None:  # 结案 with a disposition of the registry: say which
        label = closed_as.label
        note += f"：{closed_as.label}" + (f"（答复：{incident.answer}）" if incident.answer else "")
    disposition = packets.disposition_code(incident)
    try:
        if hotline is None:
            raise DeliveryError("no 12345 hotline in the agency registry")
        body = packets.outcome_packet(incident, ctx.registry.sender, hotline, ctx.clock.now(),
                                      note, label)
        status = post_json(hotline, ctx.registry.sender, incident.id, body)
    except DeliveryError as exc:
        if last or hotline is None or not hotline.webhook_url:
            _note(ctx, incident_id, "outcome_return_failed", {
                "error": str(exc)[:500], "escalated_to": "command", "level": 1,
                "reason": "the outcome could not be sent to 12345: phone it"}, mark=False)
            _give_up()
        raise  # into RQ: a retry, or the failed-job registry (`rq requeue` sends again)
    _note(ctx, incident_id, "outcome_returned", {
        "agency": hotline.id, "agency_name": hotline.name, "http_status": status,
        "case_number": incident.extra.get("case_number"), "disposition": disposition,
        "attempts": attempt}, mark=True)
    return "returned"


def _note(ctx: _Context, incident_id: str, stage: str, data: Mapping[str, Any],
          mark: bool) -> None:
    for _ in range(8):
        incident = ctx.store.load(incident_id)
        if ctx.records.marked(incident_id, "returned"):
            return
        now = ctx.clock.now()
        event = Event(EventType.HANDOFF, incident_id, now, data={
            "stage": stage, "kind": "from_12345",
            "elapsed_s": round((now - incident.received_at).total_seconds(), 3), **data})
        ops = [("SET", ctx.records.mark_key(incident_id, "returned"), "1")] if mark else []
        try:
            ctx.store.commit(incident, [event], extra_ops=ops)
            return
        except Conflict:
            continue
    raise Conflict(f"incident {incident_id} is changing too fast")
