"""Entry point: ``python -m geo {build,locate,eval}`` (see :mod:`geo.cli`)."""

from geo.cli import main

raise SystemExit(main())
