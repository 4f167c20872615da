"""The default backend: diffusers in worker threads of this process, one thread per GPU slot."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from generation.engine import BatchRequest, DiffusionEngine, PreviewCallback, StepCallback, StopCheck
from generation.errors import DeviceFailed, ModelUnavailable
from generation.settings import GenerationSettings

log = logging.getLogger(__name__)


class InProcessBackend:
    """Loads each model once and runs batches on it without blocking the event loop."""

    def __init__(self, settings: GenerationSettings) -> None:
        self._settings = settings
        self._engines: dict[str, DiffusionEngine] = {}
        self._loading: dict[str, asyncio.Future[DiffusionEngine]] = {}
        # One thread per slot: the scheduler never runs more batches at once than there are slots.
        self._executor = ThreadPoolExecutor(max_workers=settings.gpu_slots, thread_name_prefix="diffusion")
        self._device_failure: str | None = None

    async def start(self) -> None:
        if self._settings.warmup:
            await self.engine(self._settings.default_model)

    async def engine(self, name: str) -> DiffusionEngine:
        """The loaded engine for a model name or source, loading it once on first use."""
        if name in self._engines:
            return self._engines[name]
        if name not in self._loading:
            loop = asyncio.get_running_loop()
            self._loading[name] = asyncio.ensure_future(
                loop.run_in_executor(self._executor, DiffusionEngine.from_settings, name, self._settings)
            )
        try:
            engine = await asyncio.shield(self._loading[name])
        except ModelUnavailable:
            self._loading.pop(name, None)
            raise
        self._engines[name] = engine
        return engine

    async def run(
        self,
        request: BatchRequest,
        *,
        on_step: StepCallback,
        should_stop: StopCheck,
        on_preview: PreviewCallback | None = None,
    ) -> list[Image.Image]:
        engine = await self.engine(request.key.model)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                self._executor,
                lambda: engine.run(request, on_step=on_step, should_stop=should_stop, on_preview=on_preview),
            )
        except DeviceFailed as exc:
            if self._device_failure is None:
                log.critical("%s; no image can be made until the bot restarts (/healthz says 503)", exc)
            self._device_failure = str(exc)
            raise

    def failure(self) -> str | None:
        return self._device_failure

    async def close(self) -> None:
        # The running batch stops at its next step (the scheduler has stopped); wait for it off the
        # event loop, which still has connections to close.
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)
