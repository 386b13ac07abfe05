"""Missing persons as they run: the reactor, the use cases the API and the reactor share
(``service``) and the case views (core: ``dispatch.missing``; store:
``dispatch.adapters.missing_store``; routes: ``dispatch.api.missing``)."""
