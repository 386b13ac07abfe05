"""What the service is made of: its HTTP routers, event reactors and deadline kinds.

One list per extension point, so a capability plugs in with one line here and nothing is
looked up by string at run time.
"""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    """Every HTTP router of the API process, in the order they are mounted."""
    from dispatch.api import incidents

    found = [incidents.router]
    try:
        from dispatch.api import consoles
    except ImportError:  # the console pages are optional in a headless deployment
        return found
    return [*found, consoles.router]
