"""Where batches run: in this process (default) or on Ray Serve replicas."""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from generation.engine import BatchRequest, PreviewCallback, StepCallback, StopCheck


class Backend(Protocol):
    """Runs one batched pipeline call; the scheduler owns fairness, slots and retries."""

    async def start(self) -> None:
        """Load what is needed before the first batch (models, connections); raise if impossible."""

    async def run(
        self,
        request: BatchRequest,
        *,
        on_step: StepCallback,
        should_stop: StopCheck,
        on_preview: PreviewCallback | None = None,
    ) -> list[Image.Image]:
        """Run `request`; the callbacks may be called from any thread.

        `on_preview` is a wish, not a promise: a backend without a preview decoder never calls it.
        """

    def failure(self) -> str | None:
        """Why the backend can run no more batches until the bot restarts (its GPU failed), or None."""

    async def close(self) -> None:
        """Release threads, models and connections."""
