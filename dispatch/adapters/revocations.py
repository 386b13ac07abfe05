"""Revoked tokens on Redis: one key per revoked token id, one hash of revoked subjects.

A token is revoked by its id (``jti``): the key lives as long as any token may live
(``TOKEN_MAX_LIFETIME_H``), after which the token has expired anyway. A subject is
revoked as of a moment: every token of that ``sub`` issued up to that second is refused,
and tokens issued later are accepted (a new shift's token after a lost device).
Both are audited on ``{ns}:audit`` in the same transaction.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from dispatch.adapters.redis_store import RedisStore
from dispatch.auth import Principal
from dispatch.domain.events import iso


def revoked(who: Principal, by_id: object, cutoff: object) -> bool:
    """The decision from the two reads: the token's own key, the subject's cut-off."""
    if by_id:
        return True
    if cutoff is None or who.issued_at is None:
        return False
    return who.issued_at.timestamp() <= float(cutoff)  # type: ignore[arg-type]


class Revocations:
    """Reads and writes revocations next to the incidents of a :class:`RedisStore`."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.keys = store.keys

    def is_revoked(self, who: Principal) -> bool:
        """Was this token revoked, by its id or with every token of its subject?"""
        pipe = self.store.r.pipeline(transaction=False)
        pipe.exists(self.keys.revoked_token(who.token_id or "-"))
        pipe.hget(self.keys.revoked_subjects, who.name)
        by_id, cutoff = pipe.execute()
        return revoked(who, by_id, cutoff)

    async def is_revoked_async(self, client: Any, who: Principal) -> bool:
        """The same question on an asyncio client (a connected console's periodic check)."""
        async with client.pipeline(transaction=False) as pipe:
            pipe.exists(self.keys.revoked_token(who.token_id or "-"))
            pipe.hget(self.keys.revoked_subjects, who.name)
            by_id, cutoff = await pipe.execute()
        return revoked(who, by_id, cutoff)

    def revoke_token(self, token_id: str, actor: str, now: datetime, lifetime: timedelta,
                     reason: str | None = None) -> None:
        """Refuse the token with this id from now on (until it would have expired)."""
        ttl = max(1, int(lifetime.total_seconds()) + 60)
        self.store.write([["SET", self.keys.revoked_token(token_id), iso(now), "EX", ttl],
                          self._audit(now, actor, f"token:{token_id}", reason)])

    def revoke_subject(self, subject: str, actor: str, now: datetime,
                       reason: str | None = None) -> None:
        """Refuse every token of ``subject`` issued up to this second."""
        self.store.write([["HSET", self.keys.revoked_subjects, subject, int(now.timestamp())],
                          self._audit(now, actor, f"subject:{subject}", reason)])

    def _audit(self, now: datetime, actor: str, subject: str,
               reason: str | None) -> list[object]:
        return ["XADD", self.keys.audit, "*", "at", iso(now), "actor", actor,
                "action", "token.revoked", "subject", subject,
                "data", json.dumps({"reason": reason}, ensure_ascii=False)]
