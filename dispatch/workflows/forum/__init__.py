"""The police–citizen forum as it runs: the reactor (core: ``dispatch.forum``; store:
``dispatch.adapters.forum_store``; routes: ``dispatch.api.forum``)."""
