"""Hand-offs to other agencies: cross-jurisdiction (跨区域联动) and to the 12345 hotline.

Pure core: :mod:`agencies` (who covers a location), :mod:`handoff` (the record and its
steps), :mod:`packet` (the EIDO-modelled JSON), :mod:`signing` (shared-secret signatures).
Adapters: :mod:`records` (Redis), :mod:`delivery` (the RQ jobs that call the agencies'
webhooks), :mod:`reactor` (the consumer group and the deadline handlers),
``dispatch.api.handoffs`` (HTTP). See docs/handoff.md.
"""
