"""Where batches run: in this process (default) or on Ray Serve replicas."""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from generation.engine import BatchRequest, StepCallback, StopCheck


class Backend(Protocol):
    """Runs one batched pipeline call; the scheduler owns fairness, slots and retries."""

    async def start(self) -> None:
        """Load what is needed before the first batch (models, connections); raise if impossible."""

    async def run(
        self, request: BatchRequest, *, on_step: StepCallback, should_stop: StopCheck
    ) -> list[Image.Image]:
        """Run `request`; `on_step` and `should_stop` may be called from any thread."""

    async def close(self) -> None:
        """Release threads, models and connections."""
