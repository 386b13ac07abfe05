"""``python -m triage``: see :mod:`triage.cli`."""

from triage.cli import main

raise SystemExit(main())
