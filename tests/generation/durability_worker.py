"""A bot-like process for the crash test: submits jobs, or resumes them after a SIGKILL.

    python -m tests.generation.durability_worker submit|resume MODEL FOLDER DATABASE_URL JOBS

"Posting" writes the result to FOLDER/delivered/<job> (idempotent, like editing a Discord message) and
then claims it in the store; each successful claim is logged once to FOLDER/posted.log.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.app import build_services
from generation.fairqueue import Position
from generation.models import Job
from generation.params import GenerationParams
from generation.service import JobRequest
from moderation.licenses import CREATIVEML_OPENRAIL_M
from tests.generation.conftest import ScriptedClassifier, tiny_settings


class FilePoster:
    def __init__(self, folder: Path, services_store: object) -> None:
        self.folder = folder
        self.store = services_store
        (folder / "delivered").mkdir(exist_ok=True)

    async def job_queued(self, job: Job, position: Position | None, eta_s: float | None) -> None:
        pass

    def job_progress(self, job_id: int, step: int, total: int) -> None:
        pass

    async def job_preview(self, job_id: int, step: int, total: int, image: bytes) -> None:
        pass

    async def job_withdrawn(self, job_id: int) -> None:
        pass

    async def job_handed_over(self, job_id: int) -> None:
        pass

    def delivering(self) -> list[int]:
        return []

    def channel_age_restricted(self, job: Job) -> bool | None:
        return None

    async def job_finished(self, job: Job) -> None:
        (self.folder / "delivered" / str(job.id)).write_text(job.status.value)
        if await self.store.mark_posted(job.id, None):  # type: ignore[attr-defined]
            with (self.folder / "posted.log").open("a") as log:
                log.write(f"{job.id}\n")


async def main(mode: str, model: str, folder: str, url: str, jobs: int) -> None:
    base = Path(folder)
    # A killed process's claim on its jobs lapses within a second, so the restart takes them over.
    settings = tiny_settings(Path(model), base, url, max_batch=2, store_check_s=0.2, claim_ttl_s=1)
    services = await build_services(settings, classifier=ScriptedClassifier())
    service = services.generation
    service.observer = FilePoster(base, service.store)
    await service.start()
    if mode == "submit":
        for index in range(jobs):
            await services.licenses.accept(1 + index, CREATIVEML_OPENRAIL_M)
            params = GenerationParams(
                prompt=f"job {index}", model="demo", width=64, height=64, steps=25, seeds=(index,)
            )
            await service.submit(
                JobRequest(user_id=1 + index, params=params, guild_id=1 + index % 3, channel_id=10)
            )
        await asyncio.Event().wait()  # until killed
    else:
        while await service.store.unfinished() or await service.store.unposted():  # noqa: ASYNC110
            await asyncio.sleep(0.1)
    await services.close()


if __name__ == "__main__":
    mode, model, folder, url, jobs = sys.argv[1:6]
    asyncio.run(main(mode, model, folder, url, int(jobs)))
