"""Shared-secret signatures between the centre and an external agency (HMAC-SHA256).

Both directions use the same scheme, modelled on common webhook signatures:

* ``X-Agency-Id`` (inbound) / ``X-Dispatch-Agency`` (outbound): who signs;
* ``X-Agency-Timestamp`` / ``X-Dispatch-Timestamp``: Unix seconds;
* ``X-Agency-Signature`` / ``X-Dispatch-Signature``: ``sha256=`` + hex
  HMAC-SHA256(secret, ``"{timestamp}.{handoff_id}.{body}"``).

A signature older or newer than :data:`TOLERANCE_S` is refused, so a captured request
cannot be replayed later, and the hand-off id in the signed text stops a signature for
one hand-off being reused on another.
"""

from __future__ import annotations

import hashlib
import hmac

TOLERANCE_S = 300


def sign(secret: str, timestamp: int, handoff_id: str, body: bytes) -> str:
    """The signature header value for ``body`` about ``handoff_id`` at ``timestamp``."""
    message = f"{timestamp}.{handoff_id}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check(secret: str, timestamp: str | None, handoff_id: str, body: bytes,
          signature: str | None, now_s: float) -> str | None:
    """Why a signature is not acceptable, or None when it is.

    Args:
        secret: the agency's shared secret.
        timestamp: the timestamp header as received.
        handoff_id: the hand-off the request is about (from the URL).
        body: the raw request body.
        signature: the signature header as received.
        now_s: the current Unix time.
    """
    if not timestamp or not signature:
        return "the request is not signed (X-Agency-Timestamp and X-Agency-Signature)"
    try:
        ts = int(timestamp)
    except ValueError:
        return "X-Agency-Timestamp must be Unix seconds"
    if abs(now_s - ts) > TOLERANCE_S:
        return f"the signature timestamp is more than {TOLERANCE_S} s from now"
    expected = sign(secret, ts, handoff_id, body)
    if not hmac.compare_digest(expected, signature.strip()):
        return "the signature does not match"
    return None
