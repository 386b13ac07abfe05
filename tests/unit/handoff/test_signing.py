"""Shared-secret signatures: accepted when right, refused for every way of being wrong."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dispatch.handoff.signing import TOLERANCE_S, check, sign

NOW = 1_800_000_000


def test_a_right_signature_passes() -> None:
    sig = sign("k", NOW, "HX-1", b'{"a":1}')
    assert sig.startswith("sha256=") and check("k", str(NOW), "HX-1", b'{"a":1}', sig, NOW) is None


def test_every_kind_of_wrong_is_refused() -> None:
    body = b"{}"
    sig = sign("k", NOW, "HX-1", body)
    assert "not signed" in (check("k", None, "HX-1", body, sig, NOW) or "")
    assert "not signed" in (check("k", str(NOW), "HX-1", body, None, NOW) or "")
    assert "Unix seconds" in (check("k", "yesterday", "HX-1", body, sig, NOW) or "")
    assert "from now" in (check("k", str(NOW), "HX-1", body, sig, NOW + TOLERANCE_S + 1) or "")
    assert check("other", str(NOW), "HX-1", body, sig, NOW) == "the signature does not match"
    assert check("k", str(NOW), "HX-2", body, sig, NOW) == "the signature does not match"
    assert check("k", str(NOW), "HX-1", b'{"x":1}', sig, NOW) == "the signature does not match"


@given(st.binary(max_size=200), st.text(min_size=1, max_size=20))
def test_only_the_exact_body_verifies(body: bytes, key: str) -> None:
    sig = sign(key, NOW, "HT-9", body)
    assert check(key, str(NOW), "HT-9", body, sig, NOW) is None
    assert check(key, str(NOW), "HT-9", body + b" ", sig, NOW) is not None
