"""Hand-offs to other agencies: cross-jurisdiction (跨区域联动) and to the 12345 hotline.

Pure core: :mod:`agencies` (who covers a location), :mod:`handoff` (the record and its
steps), :mod:`packet` (the EIDO-modelled JSON), :mod:`signing` (shared-secret signatures).
Around it (see ``dispatch.workflows``): ``dispatch.adapters.handoff_store`` (Redis),
``dispatch.adapters.handoff_delivery`` (the RQ jobs that call the agencies' webhooks),
``dispatch.workflows.handoff.reactor`` (the consumer group and the deadline handlers),
``dispatch.api.handoffs`` (HTTP). See docs/handoff.md.
"""
