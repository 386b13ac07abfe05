"""The workflows around an incident, as they run: each one's reactor (its consumer group
over the events stream and its deadline handlers) and the use cases and views its routes
and reactor share.

The rule, the same for every workflow: its pure core is the package ``dispatch/<name>/``
(no I/O, the clock passed in); its Redis store is ``dispatch/adapters/<name>_store.py``;
what runs it is ``dispatch/workflows/<name>/`` (``reactor.py``, and ``service.py`` and
``views.py`` where it has them); its HTTP routes are ``dispatch/api/<name>.py``. Arrows
point one way: api → workflows → adapters → cores.
"""
