"""Making report streams: what a day of 110 calls, forum posts and 12345 hand-overs says.

The pieces, from words up to a day (each imports only those above it in this list)::

    config       Config: volumes, mixes, profiles, shares (load_config)
    grammar      the template grammar and surface noise
    lexicon      shared vocabulary: people, clothing, vehicles, times, names
    situations/  what happened: Incident and its builders by category (draw)
    places       where: the Baotou gazetteer, out-of-area anchors, jitter
    addressing   how a report says where (Where: truth and what is told)
    arrivals     when: non-homogeneous Poisson arrivals by thinning
    registers    how it is told: transcript, record, post, hand-over
    line         one stream line: the POST body plus ``at`` and ``truth``
    recurrence   repeat callers, series, premise notes, the prelude
    scenarios/   named scenarios: stage, stories, the listing
    generator    generate(): the day's stream (background, duplicates, sightings, scenarios)

Nothing here talks to the service or runs the dispatch core; ``simulators.whatif`` runs
what-ifs over these streams and ``simulators.replay`` posts them to a live service. The
order above is an import-linter contract (``pyproject.toml``).
"""
