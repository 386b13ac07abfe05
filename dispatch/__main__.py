"""``python -m dispatch``: run the service or one of its processes."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dispatch",
                                     description="110 dispatch and alert-triage service")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start Redis (embedded unless REDIS_URL), API, workers, "
                                     "scheduler")
    run.add_argument("--ha", action="store_true",
                     help="start a local primary, a replica and three Sentinels and follow "
                          "the primary through them (to try a failover on one machine)")
    sub.add_parser("worker", help="run one pipeline worker (triage, geo, assignment)")
    sub.add_parser("scheduler", help="run the deadline scheduler (escalations)")
    sub.add_parser("reactors", help="run the event-driven workflows (missing persons, forum, hand-offs)")
    rqw = sub.add_parser("rq-worker", help="run an RQ worker: webhooks (hand-offs) or simulations")
    rqw.add_argument("--queues", choices=["webhooks", "simulations"], default="webhooks",
                     help="which jobs: hand-off webhooks (default) or simulations; run one "
                          "worker of each so a simulation never delays a hand-off")
    tok = sub.add_parser("token", help="print a signed token for a role")
    tok.add_argument("--role", required=True,
                     choices=["call_taker", "precinct", "command", "analyst", "admin"])
    tok.add_argument("--precinct", help="the precinct id (precinct role only)")
    tok.add_argument("--name", help="who the token is for (recorded as the actor)")
    tok.add_argument("--ttl-h", type=float, default=12.0,
                     help="hours until it expires (at most TOKEN_MAX_LIFETIME_H, default 12)")
    tok.add_argument("--show-id", action="store_true",
                     help="also print the token's id (jti, for POST /v1/tokens/revoke) on stderr")
    sub.add_parser("access", help="print the access table (role × endpoint × precinct × "
                                  "field) as docs/api.md shows it")
    args = parser.parse_args(argv)
    if args.command == "token":
        return _token(args)
    if args.command == "access":
        from dispatch import access

        print(access.markdown(), end="")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from dispatch import logmask

    logmask.install()
    from dispatch import settings as settings_mod

    cfg = settings_mod.load()
    if args.command == "run":
        return _run(cfg, ha=args.ha)
    from dispatch.adapters.redis_conn import connect
    from dispatch.adapters.redis_store import RedisStore
    from dispatch.clock import SystemClock

    client = connect(cfg, health_check_interval=30)
    store = RedisStore.from_settings(client, cfg)
    stop = _stop_on_signals()
    if args.command == "worker":
        from dispatch import stages
        from dispatch.processes.worker import PipelineWorker

        stages.warm_up()
        PipelineWorker(store, stages.classify, stages.locate, SystemClock(),
                       cfg.ack_timeouts, synthesize=cfg.synthesis_enabled).run(stop)
    elif args.command == "scheduler":
        from dispatch import registry
        from dispatch.processes.scheduler import DeadlineScheduler

        clock = SystemClock()
        DeadlineScheduler(store, clock, cfg.escalation_step_s,
                          handlers=registry.deadline_handlers(store, clock, cfg)).run(stop)
    elif args.command == "reactors":
        from dispatch import registry
        from dispatch.processes import reactors

        clock = SystemClock()
        reactors.run_all(store, registry.reactors(store, clock, cfg), stop)
    elif args.command == "rq-worker":
        from rq import Queue, Worker
        from rq.serializers import JSONSerializer

        from dispatch.rq_queues import WORKER_QUEUES, named

        raw = connect(cfg, decode_responses=False)
        queues = [Queue(named(name, cfg.namespace), connection=raw, serializer=JSONSerializer)
                  for name in WORKER_QUEUES[args.queues]]
        # rq's Worker deregisters itself on SIGTERM (warm shutdown), so `rq info` does
        # not list it after a restart; the supervisor stops it before Redis.
        Worker(queues, connection=raw, serializer=JSONSerializer).work(with_scheduler=True)
    return 0


def _print_demo_tokens(cfg: object, base: str) -> None:
    from datetime import timedelta

    import geo
    from dispatch import auth
    from dispatch.settings import Settings

    assert isinstance(cfg, Settings)
    first = geo.precincts()[0]
    secret = cfg.secret.value
    ttl = min(timedelta(hours=12), cfg.token_max_lifetime)  # never longer than the API accepts
    tokens = {
        "call_taker": auth.issue(secret, auth.Role.call_taker, name="demo-call-taker", ttl=ttl),
        "precinct": auth.issue(secret, auth.Role.precinct, precinct=first.id, ttl=ttl),
        "command": auth.issue(secret, auth.Role.command, name="demo-command", ttl=ttl),
        "analyst": auth.issue(secret, auth.Role.analyst, name="demo-analyst", ttl=ttl),
        "admin": auth.issue(secret, auth.Role.admin, name="demo-admin", ttl=ttl),
    }
    print(f"Demo tokens ({ttl.total_seconds() / 3600:g} h; make more with "
          "`python -m dispatch token --role ...`):")
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

    from dispatch import auth
    from dispatch import settings as settings_mod

    if args.ttl_h <= 0:
        print("--ttl-h must be positive", file=sys.stderr)
        return 2
    try:
        longest = settings_mod.token_max_lifetime()
    except settings_mod.ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if timedelta(hours=args.ttl_h) > longest:
        print(f"--ttl-h {args.ttl_h:g} is longer than a shift: the service refuses tokens "
              f"that live over {longest.total_seconds() / 3600:g} h (TOKEN_MAX_LIFETIME_H)",
              file=sys.stderr)
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
    if args.show_id:
        print(f"jti={auth.token_id(token)}", file=sys.stderr)
    return 0


def _run(cfg: object, ha: bool = False) -> int:
    from dispatch.processes.supervisor import Supervisor
    from dispatch.settings import Settings

    assert isinstance(cfg, Settings)
    sup = Supervisor(cfg)
    sup.install_signals()  # Ctrl-C during start-up or the banner stops everything cleanly
    try:
        url = sup.start(ha=ha)
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
