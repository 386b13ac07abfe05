"""Reply and completion targets of forum posts, by triage (data, not code).

Defaults (each configurable, see README): self_harm or any P1 → first reply within
5 minutes (and the P1 incident is on the command feed already); P2 → 30 minutes; others
→ 2 hours; completion (办结) within 3 days of receipt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dispatch.settings import DEFAULT_WORKFLOW_TARGETS


@dataclass(frozen=True, slots=True)
class ForumTargets:
    """Seconds allowed for the first reply (by urgency) and for completion."""

    reply_p1_s: float = DEFAULT_WORKFLOW_TARGETS["FORUM_REPLY_P1_S"]
    reply_p2_s: float = DEFAULT_WORKFLOW_TARGETS["FORUM_REPLY_P2_S"]
    reply_other_s: float = DEFAULT_WORKFLOW_TARGETS["FORUM_REPLY_S"]
    complete_s: float = DEFAULT_WORKFLOW_TARGETS["FORUM_COMPLETE_S"]

    @classmethod
    def from_settings(cls, targets: Mapping[str, float]) -> ForumTargets:
        """Build from ``Settings.targets`` (the ``FORUM_*`` variables)."""
        d = DEFAULT_WORKFLOW_TARGETS
        return cls(reply_p1_s=targets.get("FORUM_REPLY_P1_S", d["FORUM_REPLY_P1_S"]),
                   reply_p2_s=targets.get("FORUM_REPLY_P2_S", d["FORUM_REPLY_P2_S"]),
                   reply_other_s=targets.get("FORUM_REPLY_S", d["FORUM_REPLY_S"]),
                   complete_s=targets.get("FORUM_COMPLETE_S", d["FORUM_COMPLETE_S"]))

    def reply_s(self, category: str | None, priority: str | None) -> float:
        """Seconds allowed for the first reply to a post of this triage.

        A self_harm post is treated as P1 whatever its priority: a person in crisis who
        writes to the police must hear back at once.
        """
        if category == "self_harm" or priority == "P1":
            return self.reply_p1_s
        if priority == "P2":
            return self.reply_p2_s
        return self.reply_other_s

    def urgency(self, category: str | None, priority: str | None) -> str:
        """The target class used: ``p1``, ``p2`` or ``other``."""
        if category == "self_harm" or priority == "P1":
            return "p1"
        return "p2" if priority == "P2" else "other"
