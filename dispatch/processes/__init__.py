"""The service's runtime processes: the pipeline ``worker``, the deadline ``scheduler``,
the workflow ``reactors`` runner and the ``supervisor`` that starts and restarts them
(``python -m dispatch run``). Each is a thin loop around the application services
(``dispatch.pipeline``, ``dispatch.services``) and the workflows."""
