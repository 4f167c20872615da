"""At most one progress edit per job per interval: Discord rate-limits message edits, and people
cannot read faster than that anyway. When Discord says to wait (a 429), nothing more is asked of it
until then: for that job, or for every job when the limit is the bot's global one."""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class ProgressThrottle:
    """Decides, per job, whether a progress report is worth a message edit now."""

    def __init__(self, interval_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._last: dict[int, float] = {}
        self._last_step: dict[int, int] = {}
        # Until when Discord asked us to wait: per job, and for every job.
        self._held_until: dict[int, float] = {}
        self._all_held_until = -math.inf

    def should_edit(self, job_id: int, step: int, total: int) -> bool:
        """True when this report should be shown; records it as shown."""
        now = self._clock()
        if self.held(job_id) or self._last_step.get(job_id) == step:
            return False
        last = self._last.get(job_id)
        # The last step is left to the result itself, which follows within moments.
        if step >= total or (last is not None and now - last < self.interval_s):
            return False
        self._last[job_id] = now
        self._last_step[job_id] = step
        return True

    def hold(self, job_id: int | None, seconds: float) -> None:
        """No edits of this job (of every job, when None) for `seconds`: Discord asked us to wait."""
        now = self._clock()
        until = now + seconds
        if job_id is None:
            self._all_held_until = max(self._all_held_until, until)
            return
        # An edit refused after its job ended leaves a hold nobody forgets: past ones are dropped here.
        self._held_until = {held: end for held, end in self._held_until.items() if end > now}
        self._held_until[job_id] = max(self._held_until.get(job_id, -math.inf), until)

    def held(self, job_id: int) -> bool:
        """Whether Discord asked us to wait before editing this job's message again."""
        now = self._clock()
        return now < self._all_held_until or now < self._held_until.get(job_id, -math.inf)

    def record(self, job_id: int, step: int) -> None:
        """Count an edit made by other means (a preview) against the interval."""
        self._last[job_id] = self._clock()
        self._last_step[job_id] = step

    def forget(self, job_id: int) -> None:
        """Drop a finished job's state."""
        self._last.pop(job_id, None)
        self._last_step.pop(job_id, None)
        self._held_until.pop(job_id, None)

    def __len__(self) -> int:
        return len(self._last.keys() | self._held_until.keys())
