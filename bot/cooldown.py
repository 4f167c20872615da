"""Answers the bot may post in public only so often: one per member and channel while the last is up.

A reaction has no private reply, so a refusal is a channel message that mentions the member. Reacting
and un-reacting takes a moment; without a pause the bot would ping them for every one, and the
channel's rate limit would hold other members' results behind the stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class Cooldown:
    """Says whether something keyed by `key` may happen now: once per `seconds`."""

    def __init__(self, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[Hashable, float] = {}

    def ready(self, key: Hashable) -> bool:
        """True when `key` has not been let through in the last `seconds`; records it as let through."""
        now = self._clock()
        # Keys whose pause is over are dropped, so the map holds only the last `seconds` of them.
        self._last = {seen: at for seen, at in self._last.items() if now - at < self.seconds}
        if key in self._last:
            return False
        self._last[key] = now
        return True

    def __len__(self) -> int:
        return len(self._last)
