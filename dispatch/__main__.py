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
    sub.add_parser("reactors", help="run the event-driven workflows (missing persons, forum, hand-offs)")
    sub.add_parser("rq-worker", help="run an RQ worker for webhook and simulation jobs")
    tok = sub.add_parser("token", help="print a signed token for a role")
    tok.add_argument("--role", required=True,
                     choices=["call_taker", "precinct", "command", "analyst", "admin"])
    tok.add_argument("--precinct", help="the precinct id (precinct role only)")
    tok.add_argument("--name", help="who the token is for (recorded as the actor)")
    tok.add_argument("--ttl-h", type=float, default=12.0, help="hours until it expires")
    args = parser.parse_args(argv)
    if args.command == "token":
        return _token(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from dispatch import logmask

    logmask.install()
    from dispatch import settings as settings_mod

    cfg = settings_mod.load()
    if args.command == "run":
        return _run(cfg)
    from dispatch.adapters.redis_keys import Keys
    from dispatch.adapters.redis_store import RedisStore
    from dispatch.clock import SystemClock

    client = _client(cfg.redis_url, cfg.redis_port)
    from dispatch.adapters.synthesis_store import SynthesisIndex

    keys = Keys(cfg.namespace)
    store = RedisStore(client, keys, SynthesisIndex.from_settings(keys, cfg))
    stop = _stop_on_signals()
    if args.command == "worker":
        from dispatch import stages
        from dispatch.worker import PipelineWorker

        stages.warm_up()
        PipelineWorker(store, stages.classify, stages.locate, SystemClock(),
                       cfg.ack_timeouts, synthesize=cfg.synthesis_enabled).run(stop)
    elif args.command == "scheduler":
        from dispatch.scheduler import DeadlineScheduler

        from dispatch import registry

        clock = SystemClock()
        DeadlineScheduler(store, clock, cfg.escalation_step_s,
                          handlers=registry.deadline_handlers(store, clock, cfg)).run(stop)
    elif args.command == "reactors":
        from dispatch import reactors, registry

        clock = SystemClock()
        reactors.run_all(store, registry.reactors(store, clock, cfg), stop)
    elif args.command == "rq-worker":
        from rq import Queue, Worker
        from rq.serializers import JSONSerializer

        raw = redis.Redis.from_url(cfg.redis_url or f"redis://127.0.0.1:{cfg.redis_port}/0")
        queue = Queue("dispatch", connection=raw, serializer=JSONSerializer)
        Worker([queue], connection=raw, serializer=JSONSerializer).work(with_scheduler=True)
    return 0


def _print_demo_tokens(cfg: object, base: str) -> None:
    from datetime import timedelta

    import geo
    from dispatch import auth
    from dispatch.settings import Settings

    assert isinstance(cfg, Settings)
    first = geo.precincts()[0]
    secret = cfg.secret.value
    ttl = timedelta(hours=12)
    tokens = {
        "call_taker": auth.issue(secret, auth.Role.call_taker, name="demo-call-taker", ttl=ttl),
        "precinct": auth.issue(secret, auth.Role.precinct, precinct=first.id, ttl=ttl),
        "command": auth.issue(secret, auth.Role.command, name="demo-command", ttl=ttl),
        "analyst": auth.issue(secret, auth.Role.analyst, name="demo-analyst", ttl=ttl),
        "admin": auth.issue(secret, auth.Role.admin, name="demo-admin", ttl=ttl),
    }
    print("Demo tokens (12 h; make more with `python -m dispatch token --role ...`):")
    for role, token in tokens.items():
        extra = f" (precinct {first.id} {first.name})" if role == "precinct" else ""
        print(f"  {role:<10} {token}{extra}")
    print(f"""Consoles:
  call-taker  {base}/console/intake?token={tokens['call_taker']}
  precinct    {base}/console/precinct?token={tokens['precinct']}
  command     {base}/console/command?token={tokens['command']}
  forum       {base}/console/forum?token={tokens['command']}
  analyst     {base}/console/analyst?token={tokens['analyst']}
""", flush=True)


def _token(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from dispatch import auth, settings as settings_mod

    if args.ttl_h <= 0:
        print("--ttl-h must be positive", file=sys.stderr)
        return 2
    if args.precinct is not None:
        import geo

        if args.precinct not in {p.id for p in geo.precincts()}:
            print(f"unknown precinct {args.precinct!r} (see GET /v1/precincts)", file=sys.stderr)
            return 2
    try:
        secret = settings_mod.existing_secret()
    except settings_mod.ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        token = auth.issue(secret.value, auth.Role(args.role),
                           name=args.name, precinct=args.precinct,
                           ttl=timedelta(hours=args.ttl_h))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(token)
    return 0


def _run(cfg: object) -> int:
    from dispatch.settings import Settings
    from dispatch.supervisor import Supervisor

    assert isinstance(cfg, Settings)
    sup = Supervisor(cfg)
    sup.install_signals()  # Ctrl-C during start-up or the banner stops everything cleanly
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
    _print_demo_tokens(cfg, base)
    return sup.watch()


if __name__ == "__main__":
    sys.exit(main())
