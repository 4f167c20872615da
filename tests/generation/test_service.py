"""The generation service end to end on the tiny model: the way of one job, without Discord."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import io
import json
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import event, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.app import Services, build_services
from generation import service as service_module
from generation.engine import DiffusionEngine
from generation.errors import (
    AlreadyOnItsWay,
    BackendUnavailable,
    DeviceFailed,
    ImageFolderTaken,
    ImageRejected,
    ImagesNotStored,
    InvalidImage,
    InvalidParameters,
    NotAllowed,
    OutOfMemory,
    QueueFull,
    RequestErased,
    SourceUnavailable,
)
from generation.fairqueue import Position
from generation.imagefiles import STORE_MARKER, png_metadata
from generation.models import ImageVerdict, Job, JobStatus
from generation.params import GenerationParams, JobKind
from generation.service import LIMITS_CHANGED, STARTING_IMAGE_DELETED, JobRequest, Submitted
from generation.settings import PREVIEW_VAE_FOLDER, ModelSpec
from generation.store import Claim, JobStore, NewJob
from moderation.audit import AuditEntry
from moderation.classifiers import SafetyVerdict
from moderation.database import make_engine, make_session_factory, utcnow
from moderation.errors import LicenseNotAccepted, PromptBlocked, UserBanned
from moderation.licenses import CREATIVEML_OPENRAIL_M
from moderation.outcome import ImageAction
from moderation.screening import ALLOWED
from tests.generation.conftest import HeldClassifier, ScriptedClassifier, tiny_settings

USER = 1001
GUILD = 77


def request(
    prompt: str = "a red fox in the snow",
    *,
    seeds: tuple[int, ...] = (5,),
    user: int = USER,
    **overrides: object,
) -> JobRequest:
    params = GenerationParams(prompt=prompt, model="demo", width=64, height=64, steps=3, seeds=seeds)
    fields: dict[str, object] = {"user_id": user, "params": params, "guild_id": GUILD, "channel_id": 5}
    fields.update(overrides)
    return JobRequest(**fields)  # type: ignore[arg-type]


@dataclass
class RecordingObserver:
    queued: list[tuple[int, Position | None]] = field(default_factory=list)
    progress: list[tuple[int, int, int]] = field(default_factory=list)
    finished: list[Job] = field(default_factory=list)
    previews: list[tuple[int, int, int, bytes]] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    handed_over: list[int] = field(default_factory=list)

    async def job_queued(self, job: Job, position: Position | None, eta_s: float | None) -> None:
        self.queued.append((job.id, position))

    def job_progress(self, job_id: int, step: int, total: int) -> None:
        self.progress.append((job_id, step, total))

    async def job_preview(self, job_id: int, step: int, total: int, image: bytes) -> None:
        self.previews.append((job_id, step, total, image))

    async def job_finished(self, job: Job) -> None:
        self.finished.append(job)

    async def job_withdrawn(self, job_id: int) -> None:
        self.withdrawn.append(job_id)

    async def job_handed_over(self, job_id: int) -> None:
        self.handed_over.append(job_id)

    def delivering(self) -> list[int]:
        return []

    def channel_age_restricted(self, job: Job) -> bool | None:
        return None


async def accept(services: Services, user: int = USER) -> None:
    await services.licenses.accept(user, CREATIVEML_OPENRAIL_M)


async def test_a_job_is_stored_run_classified_and_saved_with_metadata(services: Services) -> None:
    observer = RecordingObserver()
    services.generation.observer = observer
    await accept(services)
    submitted = await services.generation.submit(request(seeds=(5, 6)))
    assert submitted.job.status is JobStatus.QUEUED  # stored before it was reported queued
    assert observer.queued[0][0] == submitted.job.id
    job = await services.generation.wait(submitted.job.id)
    assert job.status is JobStatus.DONE
    assert [(i.index, i.seed, i.verdict, i.action) for i in job.images] == [
        (0, 5, ImageVerdict.SAFE, ImageAction.POST),
        (1, 6, ImageVerdict.SAFE, ImageAction.POST),
    ]
    with Image.open(job.images[0].path or "") as png:
        assert png.size == (64, 64)
        meta = json.loads(png.text["imagine-bot"])
        assert (meta["seed"], meta["prompt"], meta["job"]) == (5, "a red fox in the snow", job.id)
        assert "AI-generated" in png.text["Disclaimer"]
        assert png.text["License"] == CREATIVEML_OPENRAIL_M.name
    assert observer.finished[-1].id == job.id
    assert {step for _, step, _ in observer.progress} == {1, 2, 3}


async def test_with_ray_every_replica_gets_a_batch_at_once(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    """GENERATION_GPU_SLOTS is this process's GPU; on Ray each replica runs a batch, so as many batches
    as replicas are sent at once (one at a time would leave all replicas but one idle)."""

    @dataclass
    class GatedReplicas:
        in_flight: int = 0
        most: int = 0
        all_busy: asyncio.Event = field(default_factory=asyncio.Event)

        async def start(self) -> None:
            return None

        async def run(self, request: Any, **_callbacks: Any) -> list[Image.Image]:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            if self.in_flight == 3:
                self.all_busy.set()
            # Fewer batches at once time out here, and the assertion below says so.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.all_busy.wait(), 5)
            self.in_flight -= 1
            return [Image.new("RGB", (64, 64)) for _ in request.items]

        def failure(self) -> str | None:
            return None

        async def close(self) -> None:
            return None

    replicas = GatedReplicas()
    settings = tiny_settings(
        demo_model, tmp_path, sqlite_url, backend="ray", ray_replicas=3, ray_gpus_per_replica=0
    )
    services = await build_services(settings, classifier=ScriptedClassifier(), backend=replicas)
    await services.generation.start()
    try:
        submitted = []
        for steps in (3, 4, 5):
            # Different steps: three batches, which no replica merges; three members of three guilds.
            await accept(services, USER + steps)
            asked = request(user=USER + steps, guild_id=GUILD + steps)
            asked = replace(asked, params=replace(asked.params, steps=steps))
            submitted.append(await services.generation.submit(asked))
        jobs = [await services.generation.wait(s.job.id) for s in submitted]
    finally:
        await services.close()
    assert [job.status for job in jobs] == [JobStatus.DONE] * 3
    assert replicas.most == 3


@dataclass
class ReplicasThatGoAway:
    """A cluster's replicas that are gone (every batch sent is lost) until `back` is set."""

    back: bool = False
    lost: int = 0

    async def start(self) -> None:
        return None

    async def run(self, request: Any, **_callbacks: Any) -> list[Image.Image]:
        if not self.back:
            self.lost += 1
            raise BackendUnavailable("no replica could run the batch after 4 tries: the head restarted")
        return [Image.new("RGB", (64, 64)) for _ in request.items]

    def failure(self) -> str | None:
        return None

    async def close(self) -> None:
        return None


async def test_a_job_lost_with_the_cluster_survives_the_outage_and_a_restart_and_then_runs(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    """Not 'the image generator failed': the job waits in the store, /healthz says 503 meanwhile, a bot
    restarted in the middle of it takes the job up again, and it runs once the cluster is back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = tiny_settings(
        demo_model, tmp_path, sqlite_url, backend="ray", ray_gpus_per_replica=0, metrics_port=port
    )
    health = f"http://127.0.0.1:{port}/healthz"
    gone = ReplicasThatGoAway()
    services = await build_services(settings, classifier=ScriptedClassifier(), backend=gone)
    await services.generation.start()
    try:
        await accept(services)
        job_id = (await services.generation.submit(request())).job.id
        while not services.generation.scheduler.backend_unavailable():  # noqa: ASYNC110 (polling the object under test)
            await asyncio.sleep(0.01)
        async with aiohttp.ClientSession() as session, session.get(health) as response:
            assert response.status == 503
        assert (await services.generation.store.get(job_id)).status is JobStatus.RUNNING
    finally:
        await services.close()

    back = ReplicasThatGoAway(back=True)
    services = await build_services(settings, classifier=ScriptedClassifier(), backend=back)
    await services.generation.start()
    try:
        job = await asyncio.wait_for(services.generation.wait(job_id), 30)
        async with aiohttp.ClientSession() as session, session.get(health) as response:
            assert response.status == 200
    finally:
        await services.close()
    assert job.status is JobStatus.DONE and job.error is None
    assert gone.lost >= 1


async def test_license_ban_and_blocked_prompt_stop_a_job_before_the_queue(services: Services) -> None:
    with pytest.raises(LicenseNotAccepted):
        await services.generation.submit(request())
    await accept(services)
    with pytest.raises(PromptBlocked) as blocked:
        await services.generation.submit(request("n.u.d.e sch00lgirl"))
    assert blocked.value.hard_floor
    history = await services.generation.store.history(USER)
    assert history[0].status is JobStatus.BLOCKED
    assert "n.u.d.e" not in (history[0].error or "")
    await services.bans.ban(GUILD, USER, reason="spam", expires_at=None, actor_id=1)
    with pytest.raises(UserBanned):
        await services.generation.submit(request())
    assert len(services.generation.scheduler.queue) == 0


async def test_unsafe_and_unclassifiable_images_are_withheld(
    services: Services, classifier: ScriptedClassifier
) -> None:
    await accept(services)
    classifier.flag = True
    flagged = await services.generation.wait((await services.generation.submit(request())).job.id)
    assert flagged.images[0].action is ImageAction.WITHHOLD and flagged.images[0].path is None
    assert flagged.images[0].labels == ["scripted_unsafe"]
    classifier.flag, classifier.fail = False, True
    failed = await services.generation.wait((await services.generation.submit(request())).job.id)
    assert failed.images[0].verdict is ImageVerdict.ERROR
    assert failed.images[0].action is ImageAction.WITHHOLD
    # Nothing is made from them, and the member is told why (not that there is "no image 1").
    for follow_up in (services.generation.upscale, services.generation.vary):
        with pytest.raises(SourceUnavailable, match="image 1 was withheld by the safety check"):
            await follow_up(flagged.id, 0, request())


async def test_spoiler_only_where_the_policy_allows_and_the_channel_is_age_restricted(
    services: Services, classifier: ScriptedClassifier
) -> None:
    await accept(services)
    await services.policies.set(GUILD, "nsfw_mode", "age_restricted", actor_id=1)
    classifier.flag = True
    spoiler = await services.generation.wait(
        (await services.generation.submit(request(channel_age_restricted=True))).job.id
    )
    withheld = await services.generation.wait((await services.generation.submit(request())).job.id)
    assert spoiler.images[0].action is ImageAction.SPOILER and spoiler.images[0].path is not None
    assert withheld.images[0].action is ImageAction.WITHHOLD
    actions = [entry.action.value for entry in await services.audit.recent(GUILD)]
    assert "image_spoilered" in actions and "image_withheld" in actions


async def test_img2img_checks_the_input_image_and_refuses_bad_files(
    services: Services, classifier: ScriptedClassifier
) -> None:
    await accept(services)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, format="PNG")
    upload = buffer.getvalue()
    job = await services.generation.wait(
        (await services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=upload))).job.id
    )
    assert job.status is JobStatus.DONE
    # The size follows the upload's aspect ratio within the pixel budget, on the grid, at least 64.
    assert (job.generation_params.width, job.generation_params.height) == (72, 64)
    with pytest.raises(InvalidImage):
        await services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=b"not an image"))
    classifier.flag = True
    with pytest.raises(ImageRejected):
        await services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=upload))


def png_upload(size: tuple[int, int] = (64, 64)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_what_is_made_from_an_upload_is_never_undressed_nor_shown_flagged(
    services: Services, classifier: ScriptedClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An uploaded picture may be a photo of a real person: its nude edits are refused, and flagged
    images made from it, or from its results, are withheld where spoilers are allowed."""
    await accept(services)
    await services.policies.set(GUILD, "nsfw_mode", "age_restricted", actor_id=1)
    service = services.generation
    here = {"channel_age_restricted": True}
    upload = {"kind": JobKind.IMG2IMG, "init_image": png_upload(), **here}

    # 1. The prompt: the same words are this server's to allow, except on an upload.
    with pytest.raises(PromptBlocked) as refused:
        await service.submit(request("make her naked", **upload))
    assert refused.value.rule_id == "floor.upload_sexual"
    nude = await service.wait((await service.submit(request("make her naked", **here))).job.id)
    assert nude.status is JobStatus.DONE and not nude.from_upload

    # 2. The images: the upload passes its check, the image made from it is flagged.
    classify = classifier.classify

    def flag_after_the_first(images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        verdicts = classify(images)
        classifier.flag = True
        return verdicts

    monkeypatch.setattr(classifier, "classify", flag_after_the_first)
    edited = await service.wait((await service.submit(request(**upload))).job.id)
    assert edited.from_upload and edited.images[0].action is ImageAction.WITHHOLD
    assert "uploaded picture" in (edited.images[0].reason or "")
    monkeypatch.setattr(classifier, "classify", classify)

    # 3. Its follow-ups are made from it too; a text-to-image job's are not (spoilered here).
    classifier.flag = False
    edited = await service.wait((await service.submit(request(**upload))).job.id)
    made = await service.wait((await service.submit(request(**here))).job.id)
    for source, withheld in ((edited, True), (made, False)):
        classifier.flag = False
        varied = await service.wait((await service.vary(source.id, 0, request(**here))).job.id)
        classifier.flag = True
        upscaled = await service.wait((await service.upscale(source.id, 0, request(**here))).job.id)
        again = await service.wait((await service.vary(varied.id, 0, request(**here))).job.id)
        rerun = await service.wait((await service.rerun(again.id, request(**here))).job.id)
        for job in (varied, upscaled, again, rerun):
            assert job.from_upload is withheld
        for job in (upscaled, again, rerun):
            assert job.images[0].action is (ImageAction.WITHHOLD if withheld else ImageAction.SPOILER)


async def test_uploads_and_source_images_are_decoded_and_resized_off_the_event_loop(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 40-megapixel upload takes most of a second to decode and resize; on the event loop that
    # held every member's interactions (Discord drops those not answered within three seconds).

    on_loop: list[str] = []

    def watched(name: str, work: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread():
                on_loop.append(name)
            return work(*args, **kwargs)

        return run

    monkeypatch.setattr(service_module, "decode_image", watched("decode", service_module.decode_image))
    monkeypatch.setattr(service_module, "fit_to_grid", watched("fit", service_module.fit_to_grid))
    monkeypatch.setattr(services.generation.files, "load", watched("load", services.generation.files.load))
    await accept(services)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, format="PNG")
    made = await services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=buffer.getvalue()))
    source = await services.generation.wait(made.job.id)
    for follow_up in (
        services.generation.rerun(source.id, request()),
        services.generation.upscale(source.id, 0, request()),
        services.generation.vary(source.id, 0, request()),
    ):
        await services.generation.wait((await follow_up).job.id)
    assert on_loop == []


async def test_an_upload_is_fitted_within_the_servers_pixel_limit(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    # A server limit below the model's own size refused every img2img job and told the member to
    # change `width`/`height`, which cannot be given with an image.
    settings = tiny_settings(demo_model, tmp_path, sqlite_url)
    settings.generation.models["demo"] = ModelSpec(source=str(demo_model), width=128, height=128, steps=3)
    services = await build_services(settings, classifier=ScriptedClassifier())
    await services.generation.start()
    try:
        await accept(services)
        await services.policies.set(GUILD, "max_pixels", str(96 * 96), actor_id=1)

        def upload(width: int, height: int) -> JobRequest:
            buffer = io.BytesIO()
            Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
            return request(kind=JobKind.IMG2IMG, init_image=buffer.getvalue())

        job = await services.generation.wait((await services.generation.submit(upload(300, 200))).job.id)
        assert job.status is JobStatus.DONE
        params = job.generation_params
        assert params.width * params.height <= 96 * 96 and params.width > params.height
        # A strip whose short side cannot shrink under 64 pixels: the image is what to change.
        with pytest.raises(InvalidParameters) as caught:
            await services.generation.submit(upload(1000, 100))
        assert caught.value.field == "image" and "crop" in caught.value.reason
    finally:
        await services.close()


async def test_with_compiled_graphs_an_upload_close_to_a_compiled_shape_takes_its_size(
    services: Services,
) -> None:
    # Each upload shape compiled a graph of its own mid-service, holding the GPU for every member.
    service = services.generation
    service.settings.compile = True  # as decided at start; the tiny model itself runs uncompiled here
    service.settings.compile_warmup_aspects = ("3:2",)
    [three_two] = [
        size for size in service.settings.compiled_sizes(service.settings.spec(None)[1]) if size[0] > size[1]
    ]
    await accept(services)

    def upload(width: int, height: int) -> JobRequest:
        buffer = io.BytesIO()
        Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
        return request(kind=JobKind.IMG2IMG, init_image=buffer.getvalue())

    photo = (await service.submit(upload(400, 300))).job.generation_params  # 4:3
    assert (photo.width, photo.height) == three_two
    wide = (await service.submit(upload(320, 180))).job.generation_params  # 16:9: its own size
    assert (wide.width, wide.height) not in service.settings.compiled_sizes(service.settings.spec(None)[1])
    assert wide.width > wide.height


async def test_rerun_upscale_and_vary_follow_a_finished_job(services: Services) -> None:
    await accept(services)
    source = await services.generation.wait((await services.generation.submit(request())).job.id)
    rerun = await services.generation.wait((await services.generation.rerun(source.id, request())).job.id)
    assert rerun.generation_params.prompt == source.generation_params.prompt
    assert rerun.images[0].seed != source.images[0].seed
    upscaled = await services.generation.wait(
        (await services.generation.upscale(source.id, 0, request())).job.id
    )
    assert upscaled.kind is JobKind.UPSCALE and upscaled.status is JobStatus.DONE
    with Image.open(upscaled.images[0].path or "") as png:
        assert png.size == (128, 128)
    varied = await services.generation.wait((await services.generation.vary(source.id, 0, request())).job.id)
    assert varied.kind is JobKind.VARIATION and varied.parent_job_id == source.id
    with pytest.raises(SourceUnavailable):
        await services.generation.upscale(source.id, 3, request())


async def test_old_images_are_removed_and_follow_ups_of_them_say_so(services: Services) -> None:
    await accept(services)
    service = services.generation
    job = await service.wait((await service.submit(request(seeds=(1, 2)))).job.id)
    paths = [Path(image.path or "") for image in job.images]
    assert all(path.is_file() for path in paths)
    assert await service.remove_old_images(utcnow() - timedelta(days=1)) == 0  # too recent
    assert await service.remove_old_images(utcnow() + timedelta(seconds=1)) == 1
    assert not any(path.exists() for path in paths)
    assert all(image.path is None for image in (await service.store.get(job.id)).images)
    with pytest.raises(SourceUnavailable, match="image 1 is no longer stored"):
        await service.upscale(job.id, 0, request())
    assert await service.remove_old_images(utcnow() + timedelta(seconds=1)) == 0


async def test_an_erasure_a_file_resists_erases_every_record_and_its_images_go_later(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/forget-me where a job's folder cannot be removed right then (or the bot is stopped half-way):
    the member's records go all the same, and the images of jobs no longer on record go later."""

    service = services.generation
    await accept(services)
    await accept(services, USER + 1)
    erased = await service.wait((await service.submit(request())).job.id)
    kept = await service.wait((await service.submit(request(user=USER + 1))).job.id)
    folders = [Path(job.images[0].path or "").parent for job in (erased, kept)]

    def resisting(job_id: int) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(service.files, "delete_job", resisting)
    jobs, _ = await services.erase_user(USER)
    assert [job.id for job in jobs] == [erased.id]
    assert not await services.licenses.has_accepted(USER, CREATIVEML_OPENRAIL_M)
    monkeypatch.undo()

    hour_ago = utcnow() - timedelta(hours=1)
    assert await service.remove_orphaned_images(hour_ago) == 0  # just written: maybe a job being stored
    for folder in folders:
        os.utime(folder, (hour_ago.timestamp() - 60,) * 2)
    assert await service.remove_orphaned_images(hour_ago) == 1
    assert [folder.exists() for folder in folders] == [False, True]  # the other member's stay


async def test_a_job_whose_images_cannot_be_removed_does_not_stop_retention_for_the_others(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One folder the bot may not empty (a file owned by another user) came first in every round,
    and no image of any later job was ever removed again."""

    service = services.generation
    await accept(services)
    stuck = await service.wait((await service.submit(request())).job.id)
    later = await service.wait((await service.submit(request(seeds=(6,)))).job.id)
    delete_job = service.files.delete_job

    def refusing(job_id: int) -> None:
        if job_id == stuck.id:
            raise PermissionError(errno.EACCES, "Permission denied")
        delete_job(job_id)

    monkeypatch.setattr(service.files, "delete_job", refusing)
    assert await service.remove_old_images(utcnow() + timedelta(seconds=1)) == 2
    assert not await asyncio.to_thread(Path(later.images[0].path or "").exists)
    assert all(image.path is None for image in (await service.store.get(later.id)).images)


async def test_follow_ups_say_what_changed_rather_than_which_option_to_change(services: Services) -> None:
    await accept(services)
    service = services.generation
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(buffer, format="PNG")
    img2img = await service.submit(request(kind=JobKind.IMG2IMG, init_image=buffer.getvalue()))
    source = await service.wait(img2img.job.id)
    # The server allows fewer steps now than the job was made with: no option of a click to change.
    await services.policies.set(GUILD, "max_steps", "2", actor_id=1)
    with pytest.raises(SourceUnavailable, match="past this server's limits now"):
        await service.rerun(source.id, request())
    await services.policies.reset(GUILD, actor_id=1)
    # Its stored starting image is gone (a disk cleaned by hand): said so, not "something went wrong".
    os.unlink(source.init_image_path or "")
    with pytest.raises(SourceUnavailable, match="no longer stored"):
        await service.rerun(source.id, request())
    os.unlink(source.images[0].path or "")
    with pytest.raises(SourceUnavailable, match="no longer stored"):
        await service.vary(source.id, 0, request())


async def test_a_second_click_on_the_same_upscale_makes_no_second_job(services: Services) -> None:
    await accept(services)
    await accept(services, USER + 5)
    service = services.generation
    source = await service.wait((await service.submit(request())).job.id)
    await service.scheduler.stop()  # the first upscale stays queued
    outcomes = await asyncio.gather(
        service.upscale(source.id, 0, request()),
        service.upscale(source.id, 0, request()),
        return_exceptions=True,
    )
    [first] = [outcome for outcome in outcomes if isinstance(outcome, Submitted)]
    [second] = [outcome for outcome in outcomes if isinstance(outcome, AlreadyOnItsWay)]
    assert second.job_id == first.job.id
    # Another member's click is their own job; and once the first is done, the same member may again.
    assert isinstance(await service.upscale(source.id, 0, request(user=USER + 5)), Submitted)
    service.scheduler.start()
    await service.wait(first.job.id)
    assert isinstance(await service.upscale(source.id, 0, request()), Submitted)


async def test_caps_hold_for_requests_arriving_together(services: Services) -> None:
    await accept(services)
    await services.policies.set(GUILD, "user_queue_cap", "2", actor_id=1)
    await services.generation.scheduler.stop()  # hold the queue still
    outcomes = await asyncio.gather(
        *(services.generation.submit(request()) for _ in range(6)), return_exceptions=True
    )
    assert sum(isinstance(outcome, Submitted) for outcome in outcomes) == 2
    assert all(isinstance(outcome, Submitted | QueueFull) for outcome in outcomes)


async def test_caps_cancel_and_delete(services: Services) -> None:
    await accept(services)
    await accept(services, user=2002)
    await services.policies.set(GUILD, "user_queue_cap", "2", actor_id=1)
    await services.generation.scheduler.stop()  # hold the queue still
    first = await services.generation.submit(request())
    await services.generation.submit(request())
    with pytest.raises(QueueFull) as full:
        await services.generation.submit(request())
    assert (full.value.scope, full.value.limit) == ("user", 2)
    with pytest.raises(NotAllowed):
        await services.generation.cancel(first.job.id, actor_id=2002)
    cancelled = await services.generation.cancel(first.job.id, actor_id=2002, moderator=True)
    assert cancelled.status is JobStatus.CANCELLED
    assert first.job.id not in services.generation.scheduler.queue
    with pytest.raises(NotAllowed):
        await services.generation.delete(first.job.id, actor_id=2002)
    deleted = await services.generation.delete(first.job.id, actor_id=USER)
    assert deleted.deleted_at is not None


async def test_jobs_waiting_when_a_term_or_their_member_is_banned_are_blocked_not_made(
    services: Services,
) -> None:
    service = services.generation
    await accept(services)
    await accept(services, user=USER + 1)
    await service.scheduler.stop()  # hold the queue still
    clown = (await service.submit(request("a sad clown"))).job
    fox = (await service.submit(request("a red fox", user=USER + 1))).job
    elsewhere = (await service.submit(request("a sad clown", guild_id=GUILD + 1))).job

    await services.policies.add_terms(GUILD, ["clown"], actor_id=1)
    assert await service.recheck_queued(GUILD) == [clown.id]
    blocked = await service.store.get(clown.id)
    assert blocked.status is JobStatus.BLOCKED and "clown" in (blocked.error or "")
    assert clown.id not in service.scheduler.queue
    assert [p.job_id for p in await services.audit.blocked_prompts(GUILD)] == [clown.id]
    assert {fox.id, elsewhere.id} <= {entry.job_id for entry in service.scheduler.queue}

    await services.bans.ban(GUILD, USER + 1, reason="spam", expires_at=None, actor_id=1)
    assert await service.recheck_queued(GUILD) == [fox.id]
    # Cancelled: its message in the channel does not tell everyone of the ban.
    assert (await service.store.get(fox.id)).status is JobStatus.CANCELLED
    assert [entry.job_id for entry in service.scheduler.queue] == [elsewhere.id]
    assert await service.recheck_queued(GUILD) == []


@pytest.mark.parametrize("stage", ["running", "being classified"])
async def test_a_ban_stops_the_members_jobs_under_way_and_queued_and_no_one_elses(
    services: Services, stage: str
) -> None:
    """Banned mid-generation, a member still got the images on their way: the job the GPU was making,
    or the one whose images were being classified, was posted."""
    held = HeldClassifier()
    service = services.generation
    service.gate.classifier = held
    other = USER + 1
    await accept(services)
    await accept(services, user=other)
    if stage == "running":
        held.release.set()
        under_way = (await service.submit(request(params=LONG))).job
        await _wait_until_running(services, under_way.id)
    else:
        under_way = (await service.submit(request())).job
        assert await asyncio.to_thread(held.classifying.wait, 30)
    queued = (await service.submit(request("a grey wolf"))).job  # after it: a member's jobs run in turn
    theirs = (await service.submit(request("a brown bear", user=other))).job
    elsewhere = (await service.submit(request("a barn owl", guild_id=GUILD + 1))).job

    await services.bans.ban(GUILD, USER, reason="spam", expires_at=None, actor_id=1)
    assert sorted(await service.stop_member(GUILD, USER)) == sorted([under_way.id, queued.id])
    held.release.set()
    for job_id in (under_way.id, queued.id):
        stopped = await service.wait(job_id)
        assert stopped.status is JobStatus.CANCELLED and stopped.images == [], job_id
        folder = service.files.root / f"{job_id // 1000:04d}" / str(job_id)
        assert not await asyncio.to_thread(folder.exists)
    assert (await service.wait(theirs.id)).status is JobStatus.DONE
    assert (await service.wait(elsewhere.id)).status is JobStatus.DONE  # the ban is of this server only
    assert await service.stop_member(GUILD, USER) == []


async def test_a_queued_job_refused_for_personal_data_when_rechecked_is_kept_redacted(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Screened again (a take-over by a bot whose detector is newer), a job refused for a phone number
    kept its prompt verbatim in `/history`, while a prompt refused when asked is kept redacted."""
    service = services.generation
    await accept(services)
    await service.scheduler.stop()  # hold the queue still
    check_prompt = service.gate.check_prompt
    monkeypatch.setattr(service.gate, "check_prompt", lambda *_args, **_kwargs: ALLOWED)
    job = (await service.submit(request("a poster saying call me at 415-362-0134"))).job
    monkeypatch.setattr(service.gate, "check_prompt", check_prompt)  # the newer detector
    assert await service.recheck_queued(GUILD) == [job.id]
    blocked = await service.store.get(job.id)
    assert blocked.status is JobStatus.BLOCKED
    assert "0134" not in blocked.generation_params.prompt
    assert blocked.generation_params.prompt.startswith("a poster saying call me at [")


async def test_a_queued_job_ended_elsewhere_meanwhile_leaves_no_review_copy_when_rechecked(
    services: Services,
) -> None:
    """The review copy was written before the job's end, in a transaction of its own: a job cancelled
    through another process meanwhile got a review entry for a block that never happened."""
    service = services.generation
    await accept(services)
    await service.scheduler.stop()  # hold the queue still
    clown = (await service.submit(request("a sad clown"))).job
    await service.store.finish(clown.id, JobStatus.CANCELLED, error="cancelled")  # another process
    await services.policies.add_terms(GUILD, ["clown"], actor_id=1)
    await service.recheck_queued(GUILD)
    assert (await service.store.get(clown.id)).status is JobStatus.CANCELLED
    assert await services.audit.blocked_prompts(GUILD) == []


async def test_bad_parameters_name_the_field(services: Services) -> None:
    await accept(services)
    with pytest.raises(InvalidParameters) as caught:
        await services.generation.submit(request(seeds=(1, 2, 3, 4, 5)))
    assert caught.value.field == "count"
    await services.policies.set(GUILD, "max_steps", "2", actor_id=1)
    with pytest.raises(InvalidParameters) as caught:
        await services.generation.submit(request())
    assert caught.value.field == "steps"


async def test_many_jobs_at_once_all_finish(services: Services) -> None:
    for user in range(10):
        await accept(services, user=3000 + user)
    submitted = await asyncio.gather(
        *(services.generation.submit(request(user=3000 + i, seeds=(i,))) for i in range(10))
    )
    jobs = await asyncio.gather(*(services.generation.wait(s.job.id) for s in submitted))
    assert all(job.status is JobStatus.DONE for job in jobs)


async def test_restart_resumes_only_the_jobs_of_the_guilds_this_process_owns(
    demo_model: object, tmp_path: object, sqlite_url: str
) -> None:
    settings = tiny_settings(Path(str(demo_model)), Path(str(tmp_path)), sqlite_url)
    services = await build_services(settings, classifier=ScriptedClassifier())
    params = request().params
    mine = await services.generation.store.create(
        NewJob(user_id=1, kind=JobKind.TXT2IMG, params=params, guild_id=1, channel_id=5)
    )
    other = await services.generation.store.create(
        NewJob(user_id=2, kind=JobKind.TXT2IMG, params=params, guild_id=2, channel_id=5)
    )
    await services.generation.start(owns_guild=lambda guild: guild == 1)
    assert (await services.generation.wait(mine.id)).status is JobStatus.DONE
    assert (await services.generation.store.get(other.id)).status is JobStatus.QUEUED
    assert other.id not in services.generation.scheduler.queue
    await services.close()


async def test_jobs_resumed_after_a_restart_are_screened_under_the_policy_as_it_is_now(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url), classifier=ScriptedClassifier()
    )
    try:
        store = services.generation.store
        clown = await store.create(
            NewJob(
                user_id=1,
                kind=JobKind.TXT2IMG,
                params=request("a sad clown").params,
                guild_id=GUILD,
                channel_id=5,
            )
        )
        fox = await store.create(
            NewJob(user_id=1, kind=JobKind.TXT2IMG, params=request().params, guild_id=GUILD, channel_id=5)
        )
        # Banned while no bot process held the jobs (or through another process).
        await services.policies.add_terms(GUILD, ["clown"], actor_id=2)
        await services.generation.start()
        assert (await services.generation.wait(fox.id)).status is JobStatus.DONE
        blocked = await store.get(clown.id)
        assert blocked.status is JobStatus.BLOCKED and "clown" in (blocked.error or "")
    finally:
        await services.close()


async def test_a_restart_leaves_jobs_made_outside_discord_alone(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    """`imagine-bot generate` and the bot share the default database; the CLI may still be running."""

    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url), classifier=ScriptedClassifier()
    )
    try:
        from_cli = await services.generation.store.create(
            NewJob(user_id=0, kind=JobKind.TXT2IMG, params=request().params)
        )
        await services.generation.start()
        assert from_cli.id not in services.generation.scheduler.queue
        assert (await services.generation.store.get(from_cli.id)).status is JobStatus.QUEUED
    finally:
        await services.close()


@pytest.fixture
async def services_with_previews(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> AsyncIterator[Services]:
    """Started services whose model has a preview decoder, previewing at every step."""

    settings = tiny_settings(demo_model, tmp_path, sqlite_url, preview_interval_s=0.0001)
    settings.generation.models["demo"] = ModelSpec(
        source=str(demo_model), width=64, height=64, steps=3, preview_vae=str(demo_model / PREVIEW_VAE_FOLDER)
    )
    services = await build_services(settings, classifier=classifier)
    await services.generation.start()
    yield services
    await services.close()


@pytest.mark.parametrize(("flag", "fail"), [(False, False), (True, False), (False, True)])
async def test_previews_are_classified_and_shown_only_when_plainly_safe(
    services_with_previews: Services, classifier: ScriptedClassifier, flag: bool, fail: bool
) -> None:
    services = services_with_previews
    observer = RecordingObserver()
    services.generation.observer = observer
    await accept(services)
    classifier.flag, classifier.fail = flag, fail
    params = GenerationParams(prompt="a red fox", model="demo", width=64, height=64, steps=8, seeds=(5, 6))
    job = await services.generation.wait((await services.generation.submit(request(params=params))).job.id)
    assert job.status is JobStatus.DONE
    registry = services.generation.metrics.registry

    def withheld() -> float:
        return registry.get_sample_value("imagine_previews_withheld_total") or 0.0

    for _ in range(200):  # previews are classified off the job's path; give them a moment
        if observer.previews or withheld():
            break
        await asyncio.sleep(0.05)
    if flag or fail:
        assert observer.previews == []
        assert withheld() >= 1
    else:
        assert observer.previews
        job_id, step, total, data = observer.previews[0]
        assert (job_id, total) == (job.id, 8) and 1 <= step < 8
        with Image.open(io.BytesIO(data)) as sheet:
            assert sheet.format == "JPEG" and sheet.size == (128, 64)  # two images side by side


async def test_deleting_a_queued_or_running_job_stops_it(services: Services) -> None:
    await accept(services)
    service = services.generation
    long = GenerationParams(prompt="a red fox", model="demo", width=64, height=64, steps=40, seeds=(1,))
    await accept(services, USER + 1)
    running = (await service.submit(request(params=long))).job
    # Other steps, so it cannot share the running job's batch: it waits for the one GPU slot.
    other = replace(long, steps=39)
    queued = (await service.submit(request(params=other, user=USER + 1, guild_id=GUILD + 1))).job
    for _ in range(400):
        if service.scheduler.is_running(running.id):
            break
        await asyncio.sleep(0.01)
    assert service.scheduler.is_running(running.id)

    gone = await service.delete(queued.id, USER + 1)
    assert gone.status is JobStatus.CANCELLED and gone.deleted_at is not None
    assert queued.id not in service.scheduler.queue
    await service.delete(running.id, USER)
    stopped = await service.wait(running.id)
    assert stopped.status is JobStatus.CANCELLED and stopped.images == []


async def test_an_upscale_stored_as_another_process_deletes_its_source_is_stopped(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another bot process's `delete` looks for the follow-ups stored; one committed a moment after
    that look (and after this process's own look at the source) would post the deleted picture."""
    await accept(services)
    service = services.generation
    source = await service.wait((await service.submit(request())).job.id)
    create = service.store.create

    async def deleted_elsewhere_meanwhile(*args: Any, **kwargs: Any) -> Job:
        await service.store.mark_deleted(source.id)  # what the other process's `delete` wrote first
        return await create(*args, **kwargs)

    monkeypatch.setattr(service.store, "create", deleted_elsewhere_meanwhile)
    upscale = (await service.upscale(source.id, 0, request())).job
    stopped = await service.wait(upscale.id)
    # Failed saying why while it waited; cancelled at its next step when the idle GPU had taken it.
    assert (stopped.status, stopped.error) in {
        (JobStatus.FAILED, STARTING_IMAGE_DELETED),
        (JobStatus.CANCELLED, "cancelled"),
    }
    assert stopped.images == []


async def test_a_failure_to_show_a_job_as_queued_does_not_fail_its_submission(services: Services) -> None:
    class BrokenQueuedEdit(RecordingObserver):
        async def job_queued(self, job: Job, position: Position | None, eta_s: float | None) -> None:
            raise ConnectionResetError("the connection to Discord dropped")

    observer = BrokenQueuedEdit()
    services.generation.observer = observer
    await accept(services)
    submitted = await services.generation.submit(request())
    # The member is not told to try again (that would make a second job): this one goes on.
    assert (await services.generation.wait(submitted.job.id)).status is JobStatus.DONE
    assert [job.id for job in observer.finished] == [submitted.job.id]


async def test_a_job_whose_starting_image_cannot_be_stored_is_not_left_queued(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    """The member is told it failed: no job of it may be taken over later and fail again in public."""

    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url, store_check_s=0.05, claim_ttl_s=0.2),
        classifier=classifier,
    )
    observer = RecordingObserver()
    services.generation.observer = observer
    files = services.generation.files
    save_init = files.save_init

    def disk_full(job_id: int, image: Image.Image) -> Path:
        save_init(job_id, image)  # written, then the disk fills up (or the folder turns read-only)
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        await services.generation.start()
        await accept(services)
        files.save_init = disk_full  # type: ignore[method-assign]
        with pytest.raises(ImagesNotStored):
            await services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(64, 64)))
        await asyncio.sleep(0.5)  # past the claim: a job left behind would be taken over by now
        assert await services.generation.store.unfinished() == []
        assert observer.queued == [] and observer.finished == []
        # No image is left (the folder's record of its database aside).
        left = await asyncio.to_thread(lambda: [p for p in files.root.rglob("*") if p.is_file()])
        assert [p.name for p in left] == [STORE_MARKER]
    finally:
        await services.close()


async def test_a_job_stored_just_before_the_database_goes_away_is_queued_and_runs(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once stored, a job is the member's: an error now would have them ask again for a second one."""

    monkeypatch.setattr(service_module, "RECORD_RETRY_DELAYS_S", (0.2, 0.2, 0.2, 0.2, 0.2))
    store = services.generation.store
    sessions = store._sessions
    away = False

    def session_or_outage() -> Any:
        if away:
            raise OperationalError("SELECT", {}, ConnectionRefusedError("the database went away"))
        session = sessions()
        inserted = []
        event.listen(session.sync_session, "after_flush", lambda s, _: inserted.extend(s.new))

        def after_commit(_session: Session) -> None:
            nonlocal away
            away = away or any(isinstance(row, Job) for row in inserted)

        event.listen(session.sync_session, "after_commit", after_commit)
        return session

    await accept(services)
    monkeypatch.setattr(store, "_sessions", session_or_outage)
    submitted = await services.generation.submit(request())
    assert away and submitted.job.id in services.generation.scheduler.held_job_ids()
    monkeypatch.setattr(store, "_sessions", sessions)  # back a moment later
    assert (await services.generation.wait(submitted.job.id)).status is JobStatus.DONE


async def test_a_finished_job_the_database_refuses_for_a_moment_is_recorded_later(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "RECORD_RETRY_DELAYS_S", (0.05, 0.05, 0.05))
    store = services.generation.store
    real_finish = store.finish
    refusals = 2

    async def failing_finish(*args: object, **kwargs: object) -> Job:
        nonlocal refusals
        if refusals:
            refusals -= 1
            raise OperationalError("UPDATE job", {}, ConnectionResetError("the server closed the connection"))
        return await real_finish(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "finish", failing_finish)
    await accept(services)
    first = await services.generation.submit(request())
    done = await services.generation.wait(first.job.id)
    assert done.status is JobStatus.DONE and refusals == 0
    assert done.images and done.images[0].path is not None
    # The next job was not held up meanwhile.
    second = await services.generation.submit(request(seeds=(6,)))
    assert (await services.generation.wait(second.job.id)).status is JobStatus.DONE


async def test_closing_stops_the_running_batch_and_leaves_its_job_for_the_next_start(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    settings = tiny_settings(demo_model, tmp_path, sqlite_url)
    first = await build_services(settings, classifier=classifier)
    await first.generation.start()
    observer = RecordingObserver()
    first.generation.observer = observer
    await accept(first)
    long = GenerationParams(prompt="a red fox", model="demo", width=64, height=64, steps=50, seeds=(1,))
    job = (await first.generation.submit(request(params=long))).job
    for _ in range(1000):
        if observer.progress:
            break
        await asyncio.sleep(0.01)
    await first.close()
    # It stopped at a step, not after all 50; nothing recorded it as finished or cancelled.
    assert max(step for _, step, _ in observer.progress) < 50
    assert observer.finished == []

    second = await build_services(settings, classifier=classifier)
    try:
        await second.generation.start()
        assert (await second.generation.wait(job.id)).status is JobStatus.DONE
    finally:
        await second.close()


async def test_a_bot_stopped_while_its_model_loads_leaves_the_jobs_it_found_for_the_next_start(
    demo_model: Path, tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM (docker stop, a systemd restart) while the model loads at start: the jobs a stopped
    process left were taken over once the load ended and run on the backend already closed, so they
    failed, and their members were told so, instead of waiting for the next start."""

    loading, release = threading.Event(), threading.Event()
    load = DiffusionEngine.from_settings

    def slow_load(*args: Any, **kwargs: Any) -> DiffusionEngine:
        loading.set()
        release.wait(30)
        return load(*args, **kwargs)

    monkeypatch.setattr(DiffusionEngine, "from_settings", slow_load)
    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url), classifier=ScriptedClassifier()
    )
    service = services.generation
    params = request().params
    left = await service.store.create(
        NewJob(user_id=USER, kind=JobKind.TXT2IMG, params=params, guild_id=GUILD, channel_id=5)
    )
    starting = asyncio.create_task(service.start())
    assert await asyncio.to_thread(loading.wait, 30)
    closing = asyncio.create_task(services.close())  # stopped while the model loads
    await asyncio.sleep(0.2)
    release.set()
    await asyncio.wait_for(asyncio.gather(starting, closing), 60)
    engine = make_engine(sqlite_url)
    try:
        job = await JobStore(make_session_factory(engine)).get(left.id)
    finally:
        await engine.dispose()
    assert job.status is JobStatus.QUEUED and job.claimed_by is None


async def test_jobs_erased_through_another_process_stop_here_too(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    """Two bot processes share the store: the member's /forget-me reaches the other one."""
    runner = await build_services(
        tiny_settings(demo_model, tmp_path / "runner", sqlite_url, store_check_s=0.05),
        classifier=classifier,
    )
    eraser = await build_services(
        tiny_settings(demo_model, tmp_path / "eraser", sqlite_url), classifier=classifier
    )
    try:
        await runner.generation.start()
        observer = RecordingObserver()
        service = runner.generation
        service.observer = observer
        await accept(runner)
        await accept(runner, USER + 1)
        long = GenerationParams(prompt="a red fox", model="demo", width=64, height=64, steps=50, seeds=(1,))
        running = (await service.submit(request(params=long))).job
        queued = (await service.submit(request(params=replace(long, steps=49)))).job
        kept = (await service.submit(request(params=replace(long, steps=3), user=USER + 1))).job
        for _ in range(400):
            if service.scheduler.is_running(running.id):
                break
            await asyncio.sleep(0.01)
        assert service.scheduler.is_running(running.id)

        erased, _ = await eraser.erase_user(USER)  # the other process knows nothing of these jobs
        assert {job.id for job in erased} == {running.id, queued.id}

        for _ in range(400):
            if set(observer.withdrawn) == {running.id, queued.id} and not service.scheduler.is_running(
                running.id
            ):
                break
            await asyncio.sleep(0.02)
        assert sorted(observer.withdrawn) == sorted([running.id, queued.id])
        assert queued.id not in service.scheduler.queue
        steps_run = max((step for job_id, step, _ in observer.progress if job_id == running.id), default=0)
        assert steps_run < 50  # stopped at its next step, not run to the end
        assert (await service.wait(kept.id)).status is JobStatus.DONE  # the other member's job goes on
    finally:
        await eraser.close()
        await runner.close()


async def _wait_until_running(services: Services, job_id: int) -> None:
    for _ in range(400):
        if services.generation.scheduler.is_running(job_id):
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"job {job_id} never started")


async def processes_looking_when_told(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier, *names: str
) -> list[Services]:
    """Bot processes sharing one store that look at it only when the test calls `check_store`."""
    return [
        await build_services(
            tiny_settings(demo_model, tmp_path / name, sqlite_url, store_check_s=1000, claim_ttl_s=3000),
            classifier=classifier,
        )
        for name in names
    ]


LONG = GenerationParams(prompt="a red fox", model="demo", width=64, height=64, steps=50, seeds=(1,))


async def test_a_second_process_leaves_a_live_ones_jobs_alone_and_takes_them_over_when_it_closes(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    """A rolling restart: the replacement starts while the old process still runs its jobs."""
    new = await build_services(
        tiny_settings(demo_model, tmp_path / "new", sqlite_url, store_check_s=0.05), classifier=classifier
    )
    old = await build_services(tiny_settings(demo_model, tmp_path / "old", sqlite_url), classifier=classifier)
    new_seen, old_seen = RecordingObserver(), RecordingObserver()
    new.generation.observer, old.generation.observer = new_seen, old_seen
    try:
        await new.generation.start()
        await old.generation.start()
        await accept(old)
        running = (await old.generation.submit(request(params=LONG))).job
        queued = (await old.generation.submit(request(params=replace(LONG, steps=4)))).job
        await _wait_until_running(old, running.id)

        await new.generation.check_store()  # as its watch does every 50 ms meanwhile
        assert new.generation.scheduler.held_job_ids() == []

        await old.close()  # stops its batch at the next step and lets both jobs go
        assert old_seen.finished == []
        assert (await new.generation.wait(running.id)).status is JobStatus.DONE
        assert (await new.generation.wait(queued.id)).status is JobStatus.DONE
        assert sorted(job.id for job in new_seen.finished) == sorted([running.id, queued.id])
    finally:
        await old.close()
        await new.close()


async def test_jobs_another_process_took_over_while_this_one_could_not_renew_its_claim_stop_here(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    # Neither watches the store on its own: the test says when each one looks.
    first, second = await processes_looking_when_told(
        demo_model, tmp_path, sqlite_url, classifier, "first", "second"
    )
    first_seen = RecordingObserver()
    first.generation.observer = first_seen
    try:
        await first.generation.start()
        await second.generation.start()
        await accept(first)
        running = (await first.generation.submit(request(params=LONG))).job
        queued = (await first.generation.submit(request(params=replace(LONG, steps=4)))).job
        await _wait_until_running(first, running.id)

        # The first process's renewals did not reach the store for longer than its claim lasts.
        engine = make_engine(sqlite_url)
        async with engine.begin() as connection:
            await connection.execute(update(Job).values(claimed_until=utcnow()))
        await engine.dispose()
        await second.generation.check_store()
        assert sorted(second.generation.scheduler.held_job_ids()) == sorted([running.id, queued.id])

        await first.generation.check_store()
        assert sorted(first_seen.handed_over) == sorted([running.id, queued.id])
        assert queued.id not in first.generation.scheduler.queue
        assert (await second.generation.wait(running.id)).status is JobStatus.DONE
        assert (await second.generation.wait(queued.id)).status is JobStatus.DONE
        await first.generation.scheduler.idle()
        assert first_seen.finished == []  # its stopped run was not recorded as cancelled
    finally:
        await first.close()
        await second.close()


async def test_a_result_a_closing_process_could_not_post_is_posted_by_the_one_that_stays(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    """A rolling restart while Discord fails: the old process's unposted result is not left until
    the new one's next restart."""
    staying = await build_services(
        tiny_settings(demo_model, tmp_path / "staying", sqlite_url, store_check_s=1000, claim_ttl_s=3000),
        classifier=classifier,
    )
    closing = await build_services(
        tiny_settings(demo_model, tmp_path / "closing", sqlite_url), classifier=classifier
    )
    staying_seen, closing_seen = RecordingObserver(), RecordingObserver()  # neither posts anything
    staying.generation.observer, closing.generation.observer = staying_seen, closing_seen
    try:
        await staying.generation.start()
        await closing.generation.start()
        await accept(closing)
        job = await closing.generation.wait((await closing.generation.submit(request())).job.id)
        assert [finished.id for finished in closing_seen.finished] == [job.id]
        await staying.generation.check_store()
        assert staying_seen.finished == []  # the closing process may still post it itself
        await closing.close()
        await staying.generation.check_store()
        assert [finished.id for finished in staying_seen.finished] == [job.id]
        await staying.generation.check_store()
        assert len(staying_seen.finished) == 1  # once
    finally:
        await closing.close()
        await staying.close()


async def test_a_result_a_dead_process_never_posted_is_posted_once_its_claim_lapses(
    services: Services,
) -> None:
    store = services.generation.store
    seen = RecordingObserver()
    services.generation.observer = seen
    dead = Claim(timedelta(seconds=-1))  # killed right after finishing the job, before posting it
    new = NewJob(user_id=USER, kind=JobKind.TXT2IMG, params=request().params, guild_id=GUILD, channel_id=5)
    job = await store.create(new, dead)
    await store.finish(job.id, JobStatus.DONE)
    await services.generation.check_store()
    assert [finished.id for finished in seen.finished] == [job.id]


async def test_a_job_another_live_process_runs_is_cancelled_from_here_and_stops_there(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    """A rolling restart: the member's Cancel reaches the new process while the old one runs the job."""
    runner, here = await processes_looking_when_told(
        demo_model, tmp_path, sqlite_url, classifier, "runner", "here"
    )
    runner_seen = RecordingObserver()
    runner.generation.observer = runner_seen
    try:
        await runner.generation.start()
        await here.generation.start()
        await accept(runner)
        running = (await runner.generation.submit(request(params=LONG))).job
        await _wait_until_running(runner, running.id)

        cancelled = await here.generation.cancel(running.id, USER)
        assert cancelled.status is JobStatus.CANCELLED
        await runner.generation.check_store()
        assert runner_seen.handed_over == [running.id]
        await runner.generation.scheduler.idle()
        assert runner_seen.finished == []
        steps_run = max((step for job_id, step, _ in runner_seen.progress if job_id == running.id), default=0)
        assert steps_run < LONG.steps
        assert (await here.generation.store.get(running.id)).status is JobStatus.CANCELLED
    finally:
        await runner.close()
        await here.close()


async def test_jobs_nobody_holds_are_cancelled_or_deleted_for_good(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> None:
    """Their process died (its claim has not lapsed yet) or just closed: taking them over later must
    not run them."""

    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url, store_check_s=1000, claim_ttl_s=3000),
        classifier=classifier,
    )
    seen = RecordingObserver()
    services.generation.observer = seen
    try:
        dead = Claim(timedelta(seconds=60))
        store = services.generation.store
        new = NewJob(
            user_id=USER, kind=JobKind.TXT2IMG, params=request().params, guild_id=GUILD, channel_id=5
        )
        to_cancel, to_delete = await store.create(new, dead), await store.create(new, dead)
        await services.generation.start()
        assert services.generation.scheduler.held_job_ids() == []  # the dead process's claim holds
        assert (await services.generation.cancel(to_cancel.id, USER)).status is JobStatus.CANCELLED
        await services.generation.delete(to_delete.id, USER)
        await store.release(dead)  # as if it had lapsed
        await services.generation.check_store()
        assert services.generation.scheduler.held_job_ids() == []
        assert seen.progress == []
        assert (await store.get(to_delete.id)).status is JobStatus.CANCELLED
        assert (await store.get(to_cancel.id)).status is JobStatus.CANCELLED
    finally:
        await services.close()


async def test_a_database_outage_is_logged_once_not_at_every_look(
    demo_model: Path,
    tmp_path: Path,
    sqlite_url: str,
    classifier: ScriptedClassifier,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url, store_check_s=0.01), classifier=classifier
    )
    store = services.generation.store
    take_over = store.take_over
    looks = 0

    async def away_for_a_while(*args: Any, **kwargs: Any) -> Any:
        nonlocal looks
        looks += 1
        if looks <= 20:
            raise OperationalError("SELECT ...", {}, ConnectionRefusedError("connection refused"))
        return await take_over(*args, **kwargs)

    try:
        await services.generation.start()
        monkeypatch.setattr(store, "take_over", away_for_a_while)
        for _ in range(1000):
            if "answers again" in caplog.text:
                break
            await asyncio.sleep(0.01)
        messages = [record.getMessage() for record in caplog.records if record.name == "generation.service"]
        assert sum("does not answer" in message for message in messages) == 1
        assert sum("answers again" in message for message in messages) == 1
        assert not any(record.exc_info for record in caplog.records)
    finally:
        await services.close()


async def test_the_previews_of_a_batch_are_classified_together(
    services_with_previews: Services, classifier: ScriptedClassifier
) -> None:
    services = services_with_previews
    observer = RecordingObserver()
    service = services.generation
    service.observer = observer
    users = [USER + offset for offset in range(4)]
    for user in users:
        await accept(services, user)
    # One job holds the GPU slot while three more, compatible with each other, queue behind it.
    first = GenerationParams(prompt="a fox", model="demo", width=64, height=64, steps=50, seeds=(1,))
    await service.submit(request(params=first))
    later = replace(first, steps=12)
    jobs = [
        (await service.submit(request(params=replace(later, seeds=(i,)), user=user, guild_id=GUILD + i))).job
        for i, user in enumerate(users[1:], start=1)
    ]
    for job in jobs:
        await service.wait(job.id)
    await asyncio.gather(*service._preview_tasks)
    assert 3 in classifier.sizes  # the three jobs' previews went to the classifier as one call
    assert {job.id for job in jobs} <= {job_id for job_id, *_ in observer.previews}


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_retention_removes_the_upload_of_an_img2img_job_whose_images_were_all_withheld(
    services: Services, classifier: ScriptedClassifier
) -> None:
    await accept(services)
    service = services.generation
    submitted = await service.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(64, 64)))
    classifier.flag = True  # the upload passed; the result is withheld, and no file of it is kept
    job = await service.wait(submitted.job.id)
    assert job.images[0].path is None and job.init_image_path is not None
    upload = Path(job.init_image_path)
    assert await asyncio.to_thread(upload.is_file)
    assert await service.remove_old_images(utcnow() + timedelta(seconds=1)) == 1
    assert not await asyncio.to_thread(upload.exists)
    assert (await service.store.get(job.id)).init_image_path is None
    # A rerun of it says its starting picture is gone (the member attached nothing).
    with pytest.raises(SourceUnavailable, match="starting image is no longer stored"):
        await service.rerun(job.id, request())


async def test_a_rerun_of_an_img2img_job_keeps_its_size(services: Services) -> None:
    """The upload was fitted to the model's grid once; sizing the fitted picture again drifts."""
    await accept(services)
    service = services.generation
    source = await service.wait(
        (await service.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(1920, 1080)))).job.id
    )
    rerun = await service.wait((await service.rerun(source.id, request())).job.id)
    again = await service.wait((await service.rerun(rerun.id, request())).job.id)
    sizes = {(job.generation_params.width, job.generation_params.height) for job in (source, rerun, again)}
    assert len(sizes) == 1, sizes


async def test_a_rerun_of_a_job_stored_with_a_negative_prompt_the_model_never_used_drops_it(
    services: Services,
) -> None:
    """Before a negative prompt was refused at guidance 1 or less, jobs were stored with one; the
    model ignored it, so their reruns leave it out rather than refuse."""
    await accept(services)
    service = services.generation
    params = GenerationParams(prompt="a fox", model="demo", width=64, height=64, steps=2, guidance=1.0)
    old = await service.wait((await service.submit(request(params=params))).job.id)
    stored = replace(params, seeds=old.generation_params.seeds, negative_prompt="text").to_json()
    async with service.store._sessions() as session, session.begin():
        await session.execute(update(Job).where(Job.id == old.id).values(params=stored))

    rerun = await service.wait((await service.rerun(old.id, request())).job.id)
    assert rerun.status is JobStatus.DONE
    assert rerun.generation_params.negative_prompt == "" and rerun.generation_params.guidance == 1.0


@pytest.mark.parametrize("scope", [None, GUILD])
async def test_copies_of_an_erased_members_upload_in_others_reruns_go_with_them(
    services: Services, scope: int | None
) -> None:
    """Another member's rerun of an img2img job stores a copy of its upload: after the uploader's
    /forget-me (or /mod purge), that member could go on rerunning from their picture."""
    other = USER + 1
    await accept(services)
    await accept(services, other)
    service = services.generation
    upload = await service.wait(
        (await service.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(96, 64)))).job.id
    )
    rerun = await service.wait((await service.rerun(upload.id, request(user=other))).job.id)
    again = await service.wait((await service.rerun(rerun.id, request(user=other))).job.id)
    own = await service.wait((await service.submit(request(user=other))).job.id)
    copies = [Path(job.init_image_path or "") for job in (rerun, again)]
    assert all(path.is_file() for path in copies)

    await services.erase_user(USER, guild_id=scope)
    for job in (rerun, again):
        kept = await service.store.get(job.id)
        assert kept.init_image_path is None
        assert kept.status is JobStatus.DONE and kept.images  # their results stay theirs
        with pytest.raises(SourceUnavailable):
            await service.rerun(job.id, request(user=other))
    assert not any(path.exists() for path in copies)
    assert (await service.store.get(own.id)).status is JobStatus.DONE


async def test_copies_of_an_erased_members_results_in_others_upscales_and_variations_go_with_them(
    services: Services,
) -> None:
    """Another member's upscale or variation of a result starts from a copy of it, and so does
    a rerun of that; an upscale of their own result starts from theirs, and stays."""
    other, third = USER + 1, USER + 2
    for user in (USER, other, third):
        await accept(services, user)
    service = services.generation
    source = await service.wait((await service.submit(request())).job.id)
    upscale = await service.wait((await service.upscale(source.id, 0, request(user=other))).job.id)
    variation = await service.wait((await service.vary(source.id, 0, request(user=other))).job.id)
    rerun = await service.wait((await service.rerun(variation.id, request(user=third))).job.id)
    of_theirs = await service.wait((await service.vary(variation.id, 0, request(user=third))).job.id)
    copies = [Path(job.init_image_path or "") for job in (upscale, variation, rerun)]
    kept = Path(of_theirs.init_image_path or "")
    assert all(path.is_file() for path in [*copies, kept])

    await services.erase_user(USER)
    for job in (upscale, variation, rerun):
        stored = await service.store.get(job.id)
        assert stored.init_image_path is None
        assert stored.status is JobStatus.DONE and stored.images  # their results stay theirs
    assert not any(path.exists() for path in copies)
    assert (await service.store.get(of_theirs.id)).init_image_path == str(kept)
    assert await asyncio.to_thread(kept.is_file)
    # What they made is still theirs to build on; only a rerun needs the starting image.
    await service.wait((await service.vary(variation.id, 0, request(user=other))).job.id)
    with pytest.raises(SourceUnavailable, match="starting image is no longer stored"):
        await service.rerun(variation.id, request(user=other))


async def test_another_members_variation_of_an_erased_picture_waiting_in_the_queue_stops(
    services: Services,
) -> None:
    """It ran from the copy the queue held in memory, and posted a picture made from the erased one."""
    other = USER + 1
    for user in (USER, other):
        await accept(services, user)
    service = services.generation
    source = await service.wait((await service.submit(request())).job.id)
    await service.scheduler.stop()  # hold the queue still
    variation = (await service.vary(source.id, 0, request(user=other))).job
    await services.erase_user(USER)
    stopped = await service.store.get(variation.id)
    assert stopped.status is JobStatus.FAILED and stopped.images == []
    assert stopped.error is not None and "erased at its owner's request" in stopped.error
    assert variation.id not in service.scheduler.queue


async def test_a_job_cancelled_while_its_images_are_saved_ends_cancelled_and_keeps_nothing(
    services: Services,
) -> None:
    """The member was told it stops; it ended done, and was posted."""
    service = services.generation
    saving, release = threading.Event(), threading.Event()
    save_output = service.files.save_output

    def slow_save(*args: Any, **kwargs: Any) -> Path:
        saving.set()
        assert release.wait(30)
        return save_output(*args, **kwargs)

    service.files.save_output = slow_save  # type: ignore[method-assign]
    await accept(services)
    job_id = (await service.submit(request())).job.id
    assert await asyncio.to_thread(saving.wait, 30)
    await service.cancel(job_id, USER)
    release.set()
    job = await service.wait(job_id)
    assert job.status is JobStatus.CANCELLED and job.images == []
    folder = service.files.root / f"{job_id // 1000:04d}" / str(job_id)
    assert not [p for p in await asyncio.to_thread(lambda: list(folder.rglob("*.png")))]


async def test_a_job_cancelled_while_its_images_are_classified_ends_cancelled_and_saves_nothing(
    services: Services,
) -> None:
    held = HeldClassifier()
    classifying, release = held.classifying, held.release
    services.generation.gate.classifier = held
    observer = RecordingObserver()
    services.generation.observer = observer
    await accept(services)
    service = services.generation
    job_id = (await service.submit(request())).job.id
    assert await asyncio.to_thread(classifying.wait, 30)  # generated; its images are being classified
    cancelling = await service.cancel(job_id, USER)
    assert not cancelling.status.finished  # "cancelling", and it does end cancelled
    release.set()
    job = await service.wait(job_id)
    assert job.status is JobStatus.CANCELLED and job.images == []
    folder = service.files.root / f"{job_id // 1000:04d}" / str(job_id)
    assert not await asyncio.to_thread(folder.exists)
    assert [finished.id for finished in observer.finished] == [job_id]


async def test_a_member_erased_while_their_images_are_classified_is_not_audited_afterwards(
    services: Services,
) -> None:
    """/forget-me (or /mod purge) while a job's images are judged: the entry saying they were
    withheld would name the member after their erasure, in the log and in the log channel."""
    held = HeldClassifier(flag=True)
    classifying, release = held.classifying, held.release
    services.generation.gate.classifier = held
    services.generation.observer = RecordingObserver()
    announced: list[AuditEntry] = []
    services.audit.on_recorded = announced.append
    await accept(services)
    service = services.generation
    job_id = (await service.submit(request(seeds=(1, 2)))).job.id
    assert await asyncio.to_thread(classifying.wait, 30)  # generated; its images are being judged
    erased, _ = await services.erase_user(USER)
    assert [job.id for job in erased] == [job_id]
    release.set()
    await asyncio.wait_for(service.scheduler.idle(), 30)  # its outcome was recorded, or dropped
    assert [entry.target_user_id for entry in await services.audit.recent(GUILD, 50)] == []
    assert announced == []
    assert await asyncio.to_thread(lambda: list(service.files.root.rglob("*.png"))) == []


async def test_a_job_made_after_an_erasure_never_gets_the_erased_jobs_images(services: Services) -> None:
    """/forget-me while a member's newest job's images are judged, and another member's job made right
    then: it must not be taken for the erased one, whose outcome would be recorded into it."""
    held = HeldClassifier()
    services.generation.gate.classifier = held
    services.generation.observer = RecordingObserver()
    other = USER + 1
    await accept(services)
    await accept(services, other)
    service = services.generation
    erased_id = (await service.submit(request("a lighthouse"))).job.id
    assert await asyncio.to_thread(held.classifying.wait, 30)  # generated; its images are being judged
    await services.erase_user(USER)
    job_id = (await service.submit(request("a red fox", user=other))).job.id
    held.release.set()
    job = await asyncio.wait_for(service.wait(job_id), 30)
    assert job_id != erased_id
    assert job.status is JobStatus.DONE and job.user_id == other
    with Image.open(job.images[0].path or "") as png:
        assert json.loads(png.text["imagine-bot"])["prompt"] == "a red fox"


async def test_a_job_whose_images_cannot_be_stored_fails_saying_so(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full or read-only image folder is not a database that comes back in a moment: the job fails
    at once, rather than being retried for minutes and left running."""

    files = services.generation.files
    save_output = files.save_output

    def full_after_one(job_id: int, index: int, *args: Any) -> Path:
        if index > 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return save_output(job_id, index, *args)

    monkeypatch.setattr(files, "save_output", full_after_one)
    await accept(services)
    job = await services.generation.wait((await services.generation.submit(request(seeds=(1, 2)))).job.id)
    assert job.status is JobStatus.FAILED
    # The first image, saved before the disk filled up, is not left behind without a record.
    assert await asyncio.to_thread(lambda: list(files.root.rglob("*.png"))) == []
    assert job.error == "the bot could not store the images"  # the disk's own words go to the log


async def test_a_job_whose_image_folder_turns_read_only_part_way_fails_saying_so(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk remounted read-only after an I/O error (errors=remount-ro) refuses to remove the image
    saved before it too: that must not turn into retries for minutes, as if the database were away,
    with the job left running and its member told nothing."""

    files = services.generation.files
    save_output = files.save_output

    def read_only_after_one(job_id: int, index: int, *args: Any) -> Path:
        if index > 0:
            raise OSError(errno.EROFS, "Read-only file system")
        return save_output(job_id, index, *args)

    def read_only(*_args: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(files, "save_output", read_only_after_one)
    monkeypatch.setattr(files, "delete_files", read_only)
    await accept(services)
    job_id = (await services.generation.submit(request(seeds=(1, 2)))).job.id
    job = await asyncio.wait_for(services.generation.wait(job_id), 30)
    assert job.status is JobStatus.FAILED
    assert job.error == "the bot could not store the images"


async def test_an_upload_that_cannot_be_stored_fails_its_job_at_once(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job stayed queued in the store, with nothing queued to run it, until the next start failed it;
    its member was told only that something went wrong. Now it is not stored, and they are told why."""

    def full(*args: Any) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(services.generation.files, "save_init", full)
    await accept(services)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(buffer, format="PNG")
    with pytest.raises(ImagesNotStored, match="could not store the attached image; please try again later"):
        await services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=buffer.getvalue()))
    assert await services.generation.store.history(USER) == []  # not made, as its member was told
    assert len(services.generation.scheduler.queue) == 0


@pytest.mark.parametrize(
    ("raised", "recorded"),
    [
        (
            RuntimeError('Expected all tensors on the same device, cuda:0 and cpu; File "/opt/venv/x.py"'),
            "the image generator failed",
        ),
        (
            DeviceFailed("CUDA error: an illegal memory access"),
            "the GPU failed and the bot must be restarted",
        ),
        (
            OutOfMemory("the device ran out of memory for this job"),
            "the device ran out of memory for this job",
        ),
    ],
)
async def test_a_failed_job_records_what_its_member_may_read_not_the_internals(
    services: Services, monkeypatch: pytest.MonkeyPatch, raised: Exception, recorded: str
) -> None:
    async def failing(*_args: object, **_kwargs: object) -> list[Image.Image]:
        raise raised

    monkeypatch.setattr(services.generation.backend, "run", failing)
    await accept(services)
    job = await services.generation.wait((await services.generation.submit(request())).job.id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.startswith(recorded)
    assert "cuda:0" not in job.error and "/opt/venv" not in job.error


async def test_a_follow_up_of_a_job_whose_model_left_the_registry_is_refused(services: Services) -> None:
    """A name outside the registry would be fetched from the Hub as a model id, on any member's click."""
    await accept(services)
    service = services.generation
    source = await service.wait((await service.submit(request())).job.id)
    models = service.settings.models
    service.settings.models = {"demo-v2": models["demo"]}
    try:
        with pytest.raises(SourceUnavailable, match="model 'demo' is no longer offered here"):
            await service.rerun(source.id, request())
        with pytest.raises(SourceUnavailable, match="model 'demo' is no longer offered here"):
            await service.vary(source.id, 0, request())
    finally:
        service.settings.models = models


@dataclass
class SlowClassifier(ScriptedClassifier):
    """Classifies as the scripted one does, after `delay_s` (a slow CPU, a large batch)."""

    delay_s: float = 0.0
    started: threading.Event = field(default_factory=threading.Event)

    def classify(self, images: Sequence[Image.Image]) -> list[SafetyVerdict]:
        self.started.set()
        time.sleep(self.delay_s)
        return super().classify(images)


async def test_a_job_whose_images_are_being_classified_is_not_taken_over_and_run_again(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    """Run, but not yet finished in the store: its process still holds it, however long that takes."""
    classifier = SlowClassifier(delay_s=2.0)  # longer than the claim lasts
    services = await build_services(
        tiny_settings(demo_model, tmp_path, sqlite_url, store_check_s=0.2, claim_ttl_s=0.75),
        classifier=classifier,
    )
    seen = RecordingObserver()
    services.generation.observer = seen
    try:
        await services.generation.start()
        await accept(services)
        job = await services.generation.wait((await services.generation.submit(request())).job.id)
        await asyncio.sleep(1)  # a few more looks at the store
        assert [job_id for job_id, _ in seen.queued] == [job.id]  # queued once: not taken over
        assert classifier.calls == 1 and job.status is JobStatus.DONE
    finally:
        await services.close()


async def test_a_job_cancelled_through_another_process_while_its_images_are_saved_leaves_no_files(
    demo_model: Path, tmp_path: Path, sqlite_url: str
) -> None:
    running_here = SlowClassifier(delay_s=1.0)
    processes = [
        await build_services(
            tiny_settings(demo_model, tmp_path, sqlite_url, store_check_s=1000, claim_ttl_s=3000),
            classifier=classifier,
        )
        for classifier in (running_here, SlowClassifier())
    ]
    runner, other = processes
    observers = [RecordingObserver(), RecordingObserver()]
    runner.generation.observer, other.generation.observer = observers
    try:
        for services in processes:
            await services.generation.start()
        await accept(runner)
        job = (await runner.generation.submit(request())).job
        assert await asyncio.to_thread(running_here.started.wait, 30)  # run; its images are classified
        await other.generation.cancel(job.id, USER)
        await asyncio.wait_for(runner.generation.scheduler.idle(), 30)  # its outcome is recorded
        assert (await runner.generation.store.get(job.id)).status is JobStatus.CANCELLED
        assert await asyncio.to_thread(lambda: list((tmp_path / "images").rglob("*.png"))) == []
        # The process that wrote the outcome shows it; the other says nothing more.
        assert [len(observer.finished) for observer in observers] == [0, 1]
    finally:
        for services in processes:
            await services.close()


def _held_prompt_screening(services: Services, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """Hold every prompt check until released; returns (screening started, release)."""
    screening, release = threading.Event(), threading.Event()
    gate = services.generation.gate
    check_prompt = gate.check_prompt

    def held(*args: Any, **kwargs: Any) -> Any:
        screening.set()
        release.wait(10)
        return check_prompt(*args, **kwargs)

    monkeypatch.setattr(gate, "check_prompt", held)
    return screening, release


@pytest.fixture
async def other_process(
    demo_model: Path, tmp_path: Path, sqlite_url: str, classifier: ScriptedClassifier
) -> AsyncIterator[Services]:
    """A second bot process sharing the store (it runs nothing: it only takes commands)."""
    other = await build_services(
        tiny_settings(demo_model, tmp_path / "other", sqlite_url), classifier=classifier
    )
    yield other
    await other.close()


@pytest.fixture(params=["here", "elsewhere"])
def eraser(request: pytest.FixtureRequest, services: Services) -> Services:
    """Where a member's erasure is typed: this bot process, or another one sharing the store."""
    if request.param == "here":
        return services
    other: Services = request.getfixturevalue("other_process")
    return other


@pytest.mark.parametrize("prompt", ["a red fox in the snow", "n.u.d.e sch00lgirl"])
@pytest.mark.parametrize("scope", [None, GUILD])
async def test_a_request_being_screened_when_its_member_is_erased_is_not_stored_afterwards(
    services: Services, eraser: Services, monkeypatch: pytest.MonkeyPatch, prompt: str, scope: int | None
) -> None:
    """/forget-me (or /mod purge) while an /imagine was being screened: the job, or the blocked prompt
    with its text, was stored after the erasure, as if the member had never asked. The erasure
    reaches the bot process of the server it was typed in: here, or another one sharing the store."""

    await accept(services)
    service = services.generation
    screening, release = _held_prompt_screening(services, monkeypatch)
    submitting = asyncio.create_task(service.submit(request(prompt)))
    assert await asyncio.to_thread(screening.wait, 30)
    await eraser.erase_user(USER, guild_id=scope)
    release.set()
    with pytest.raises(RequestErased):
        await submitting
    assert await service.store.history(USER) == []
    assert await services.audit.blocked_prompts(GUILD) == []
    # Stored by another process's request, then erased as an erasure erases: audit entries stay,
    # naming no one. Here, nothing was stored.
    named = [entry.target_user_id for entry in await services.audit.recent(GUILD)]
    assert named == [] if eraser is services else USER not in named
    assert len(service.scheduler.queue) == 0


async def test_an_upload_being_classified_when_another_process_erases_its_member_is_not_audited(
    services: Services, other_process: Services
) -> None:
    held = HeldClassifier(flag=True)
    services.generation.gate.classifier = held
    await accept(services)
    submitting = asyncio.create_task(
        services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(96, 64)))
    )
    assert await asyncio.to_thread(held.classifying.wait, 30)
    await other_process.erase_user(USER)
    held.release.set()
    with pytest.raises(RequestErased):
        await submitting
    # What it stored is erased as an erasure erases: audit entries stay, naming no one.
    assert USER not in [entry.target_user_id for entry in await services.audit.recent(GUILD)]


async def test_requests_after_an_erasure_in_another_process_or_server_go_on(
    services: Services, other_process: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await accept(services)
    await other_process.erase_user(USER)  # before the request: it is not erased by it
    await accept(services)
    service = services.generation
    screening, release = _held_prompt_screening(services, monkeypatch)
    submitting = asyncio.create_task(service.submit(request()))
    assert await asyncio.to_thread(screening.wait, 30)
    await other_process.erase_user(USER, guild_id=GUILD + 1)  # another server's purge
    await other_process.erase_user(USER + 1)  # another member
    release.set()
    job = await service.wait((await submitting).job.id)
    assert job.status is JobStatus.DONE


async def test_a_request_of_a_member_purged_in_another_server_goes_on(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await accept(services)
    service = services.generation
    screening, release = _held_prompt_screening(services, monkeypatch)
    submitting = asyncio.create_task(service.submit(request()))
    assert await asyncio.to_thread(screening.wait, 30)
    await services.erase_user(USER, guild_id=GUILD + 1)
    release.set()
    job = await service.wait((await submitting).job.id)
    assert job.status is JobStatus.DONE


async def test_an_upload_being_classified_when_its_member_is_erased_is_not_audited_afterwards(
    services: Services,
) -> None:
    """The refused upload's audit entry named the member after their erasure."""

    held = HeldClassifier(flag=True)
    classifying, release = held.classifying, held.release
    services.generation.gate.classifier = held
    await accept(services)
    submitting = asyncio.create_task(
        services.generation.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(96, 64)))
    )
    assert await asyncio.to_thread(classifying.wait, 30)
    await services.erase_user(USER)
    release.set()
    with pytest.raises(RequestErased):
        await submitting
    assert [entry.target_user_id for entry in await services.audit.recent(GUILD)] == []
    assert await services.generation.store.history(USER) == []


async def test_a_blocked_prompt_the_database_drops_half_way_is_refused_saying_why(
    services: Services,
) -> None:
    """The blocked job was stored, then the prompt kept for review failed: the member was told
    something went wrong, and `/history` showed a block that `/mod blocked` did not."""

    def drop_at_the_review(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO BLOCKED_PROMPT"):
            raise OperationalError(statement, {}, ConnectionResetError("the database went away"))

    await accept(services)
    engine = services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", drop_at_the_review)
    try:
        with pytest.raises(PromptBlocked):
            await services.generation.submit(request("n.u.d.e sch00lgirl"))
    finally:
        event.remove(engine, "before_cursor_execute", drop_at_the_review)
    # Recorded with its prompt for review or not at all.
    history = await services.generation.store.history(USER)
    reviewed = await services.audit.blocked_prompts(GUILD)
    assert [job.id for job in history] == [prompt.job_id for prompt in reviewed]
    # With the database back, both are recorded together.
    with pytest.raises(PromptBlocked):
        await services.generation.submit(request("n.u.d.e sch00lgirl"))
    history = await services.generation.store.history(USER)
    reviewed = await services.audit.blocked_prompts(GUILD)
    assert len(history) == 1 and [job.id for job in history] == [prompt.job_id for prompt in reviewed]


async def test_images_of_a_run_cut_short_go_when_its_job_ends_without_them(services: Services) -> None:
    """A process saved a job's images and stopped before recording them; after the restart the job
    failed (or was cancelled): its PNGs stayed on disk with no record naming them, and retention,
    which goes by the records, never removed them."""

    service = services.generation
    params = GenerationParams(prompt="a kite", model="retired", width=64, height=64, steps=3, seeds=(5,))
    left = await service.store.create(NewJob(user_id=USER, kind=JobKind.TXT2IMG, params=params, channel_id=5))
    image = Image.new("RGB", (64, 64), (10, 20, 30))
    info = png_metadata(params, seed=5, kind=JobKind.TXT2IMG, job_id=left.id, license_name="demo")
    saved = await asyncio.to_thread(service.files.save_output, left.id, 0, image, info)
    half = saved.with_name(".1.0123.tmp")
    await asyncio.to_thread(half.write_bytes, b"\x89PNG")  # cut off while being written
    await service.check_store()  # taken over; its model is no longer offered
    job = await service.wait(left.id)
    assert job.status is JobStatus.FAILED and job.images == []
    assert not await asyncio.to_thread(saved.parent.exists)


async def test_a_job_ending_keeps_its_starting_image_and_the_images_it_records(
    services: Services,
) -> None:
    await accept(services)
    service = services.generation
    job = await service.wait(
        (await service.submit(request(kind=JobKind.IMG2IMG, init_image=png_bytes(96, 64)))).job.id
    )
    assert job.status is JobStatus.DONE and job.init_image_path and job.images[0].path
    assert await asyncio.to_thread(Path(job.init_image_path).exists)
    assert await asyncio.to_thread(Path(job.images[0].path).exists)


async def test_jobs_erased_before_they_finish_are_counted_as_cancelled(services: Services) -> None:
    """A deleted job counts as cancelled in imagine_jobs_total; an erased one was not counted at all,
    so the finished jobs no longer added up to the jobs queued."""
    held = HeldClassifier()
    classifying, release = held.classifying, held.release
    service = services.generation
    service.gate.classifier = held
    await accept(services)
    await service.submit(request())
    assert await asyncio.to_thread(classifying.wait, 30)  # run; its images are being classified
    await service.submit(request("a blue fox"))  # queued behind it
    await services.erase_user(USER)
    release.set()
    await asyncio.wait_for(service.scheduler.idle(), 30)
    registry = service.metrics.registry
    assert registry.get_sample_value("imagine_jobs_total", {"status": "cancelled"}) == 2
    assert registry.get_sample_value("imagine_jobs_total", {"status": "done"}) is None


async def test_jobs_waiting_over_a_limit_lowered_meanwhile_stop_saying_so(services: Services) -> None:
    """A moderator lowering max_steps because the GPU cannot keep up expects the queue to follow."""
    service = services.generation
    await accept(services)
    await service.scheduler.stop()  # hold the queue still
    base = request().params
    heavy = (await service.submit(request(params=replace(base, steps=8)))).job
    light = (await service.submit(request(params=replace(base, steps=2)))).job

    await services.policies.set(GUILD, "max_steps", "4", actor_id=1)
    assert await service.recheck_queued(GUILD) == [heavy.id]
    stopped = await service.store.get(heavy.id)
    assert stopped.status is JobStatus.FAILED
    assert (stopped.error or "").startswith(LIMITS_CHANGED) and "4" in (stopped.error or "")
    assert [entry.job_id for entry in service.scheduler.queue] == [light.id]


async def test_another_databases_image_folder_is_refused_as_the_services_are_built(
    demo_model: Path, tmp_path: Path, classifier: ScriptedClassifier
) -> None:
    """It was found once the bot had registered its commands with Discord and was loading the model."""
    first = await build_services(
        tiny_settings(demo_model, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'first.db'}"),
        classifier=classifier,
    )
    await first.close()  # built: the folder is the first database's now
    with pytest.raises(ImageFolderTaken):
        await build_services(
            tiny_settings(demo_model, tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'second.db'}"),
            classifier=classifier,
        )
