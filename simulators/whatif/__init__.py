"""Running what-ifs: the dispatch core under a virtual clock, with simulated people.

The pieces (each imports only those above it in this list; the first seven none of each
other)::

    knobs            SimConfig: the what-if knobs and their documented defaults
    agents           call-takers, moderators, the patrol fleet
    questions        the caller answers triage's key questions from the truth
    nearby           open incidents near a point (the store's ``open_near``)
    missing_flow     the missing-person workflow on ``dispatch.missing``
    synthesis_index  the synthesis index kept in memory (the service's commands)
    records          Record: one report's life in the run, as the KPIs read it
    engine           the discrete-event loop over dispatch.pipeline and the memory store
    measures         each KPI's rows (seconds, target, priority, precinct), distributions
    kpis             KPIs and plot samples of a finished run
    run              Run and simulate(): one configuration over one stream
    comparison       configurations over seeds: spread, differences beyond the noise
    labels           the report's Chinese words, targets and number formats
    plots            the report's matplotlib plots, in a CJK font
    tables           the report's HTML tables
    report           kpis.json and index.html for one or two runs (run_and_report)

The streams come from ``simulators.streams``; nothing here imports Redis, RQ, FastAPI
or websockets. That order and that ban are import-linter contracts (``pyproject.toml``).
"""
