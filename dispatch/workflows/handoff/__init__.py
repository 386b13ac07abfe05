"""Hand-offs as they run: the reactor (core: ``dispatch.handoff``; store:
``dispatch.adapters.handoff_store``; webhook jobs: ``dispatch.adapters.handoff_delivery``;
routes: ``dispatch.api.handoffs``)."""
