"""``python -m dispatch``: run the service or one of its processes."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

import redis


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def _client(url: str | None, port: int) -> redis.Redis:
    return redis.Redis.from_url(url or f"redis://127.0.0.1:{port}/0", decode_responses=True,
                                health_check_interval=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dispatch",
                                     description="110 dispatch and alert-triage service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start Redis (embedded unless REDIS_URL), API, workers, scheduler")
    sub.add_parser("worker", help="run one pipeline worker (triage, geo, assignment)")
    sub.add_parser("scheduler", help="run the deadline scheduler (escalations)")
    sub.add_parser("rq-worker", help="run an RQ worker for webhook and simulation jobs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    from dispatch import settings as settings_mod

    cfg = settings_mod.load()
    if args.command == "run":
        return _run(cfg)
    from dispatch.adapters.redis_keys import Keys
    from dispatch.adapters.redis_store import RedisStore
    from dispatch.clock import SystemClock

    client = _client(cfg.redis_url, cfg.redis_port)
    store = RedisStore(client, Keys(cfg.namespace))
    stop = _stop_on_signals()
    if args.command == "worker":
        from dispatch import stages
        from dispatch.worker import PipelineWorker

        PipelineWorker(store, stages.classify, stages.locate, SystemClock(),
                       cfg.ack_timeouts).run(stop)
    elif args.command == "scheduler":
        from dispatch.scheduler import DeadlineScheduler

        DeadlineScheduler(store, SystemClock(), cfg.escalation_step_s).run(stop)
    elif args.command == "rq-worker":
        from rq import Queue, Worker
        from rq.serializers import JSONSerializer

        raw = redis.Redis.from_url(cfg.redis_url or f"redis://127.0.0.1:{cfg.redis_port}/0")
        queue = Queue("dispatch", connection=raw, serializer=JSONSerializer)
        Worker([queue], connection=raw, serializer=JSONSerializer).work(with_scheduler=True)
    return 0


def _run(cfg: object) -> int:
    from dispatch.settings import Settings
    from dispatch.supervisor import Supervisor

    assert isinstance(cfg, Settings)
    sup = Supervisor(cfg)
    try:
        url = sup.start()
    except BaseException:
        sup.stop()
        raise
    base = f"http://{cfg.host}:{cfg.port}"
    print(f"""
110 dispatch service is up
  Redis       {url}{'  (embedded, AOF in var/redis/)' if cfg.redis_url is None else ''}
  API docs    {base}/docs
  Health      {base}/healthz      Metrics {base}/metrics
  Consoles    ws://{cfg.host}:{cfg.port}/v1/consoles/<precinct-id>/ws   (command feed: /v1/consoles/command/ws)
Press Ctrl-C to stop everything.
""", flush=True)
    return sup.watch()


if __name__ == "__main__":
    sys.exit(main())
