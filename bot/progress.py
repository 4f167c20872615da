"""At most one progress edit per job per interval: Discord rate-limits message edits, and people
cannot read faster than that anyway."""

from __future__ import annotations

import time
from collections.abc import Callable


class ProgressThrottle:
    """Decides, per job, whether a progress report is worth a message edit now."""

    def __init__(self, interval_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._last: dict[int, float] = {}
        self._last_step: dict[int, int] = {}

    def should_edit(self, job_id: int, step: int, total: int) -> bool:
        """True when this report should be shown; records it as shown."""
        now = self._clock()
        if self._last_step.get(job_id) == step:
            return False
        last = self._last.get(job_id)
        # The last step is left to the result itself, which follows within moments.
        if step >= total or (last is not None and now - last < self.interval_s):
            return False
        self._last[job_id] = now
        self._last_step[job_id] = step
        return True

    def record(self, job_id: int, step: int) -> None:
        """Count an edit made by other means (a preview) against the interval."""
        self._last[job_id] = self._clock()
        self._last_step[job_id] = step

    def forget(self, job_id: int) -> None:
        """Drop a finished job's state."""
        self._last.pop(job_id, None)
        self._last_step.pop(job_id, None)

    def __len__(self) -> int:
        return len(self._last)
