"""The online police–citizen forum (网络警民互动平台): reply and completion targets, weak-signal
location for posts, and the annual-report figures.

Pure core: :mod:`targets`, :mod:`post`, :mod:`stats`, :mod:`whereabouts` (no I/O, the clock
is passed in). Around it (see ``dispatch.workflows``): ``dispatch.adapters.forum_store``
(Redis), ``dispatch.workflows.forum.reactor`` (the consumer group and the deadline
handlers), ``dispatch.api.forum`` (HTTP and the moderator console).
"""
