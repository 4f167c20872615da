"""The composition root: builds settings, database, models and services, and tears them down."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from generation.backends import Backend
from generation.engine import pick_device
from generation.imagefiles import ImageFiles
from generation.metrics import Metrics, MetricsServer
from generation.models import Job
from generation.service import GenerationService
from generation.settings import GenerationSettings
from generation.store import JobStore
from moderation.audit import AuditLog
from moderation.bans import BanStore
from moderation.classifiers import SafetyClassifier, load_safety_classifiers
from moderation.database import DatabaseSettings, make_engine, make_session_factory
from moderation.gate import SafetyGate
from moderation.licenses import LicenseStore
from moderation.policy import PolicyStore
from moderation.screening import PromptScreener
from moderation.settings import ModerationSettings

log = logging.getLogger(__name__)


@dataclass
class Settings:
    """Every package's settings, read once at start."""

    generation: GenerationSettings = field(default_factory=GenerationSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    generation: GenerationService
    policies: PolicyStore
    licenses: LicenseStore
    bans: BanStore
    audit: AuditLog
    metrics: Metrics
    metrics_server: MetricsServer | None = None

    async def erase_user(self, user_id: int, *, guild_id: int | None = None) -> tuple[list[Job], int]:
        """Delete a user's jobs with their image files and their records, everywhere or in one guild.

        Returns the jobs deleted (as they were) and how many other records were deleted or redacted.
        """
        return await self.generation.erase_user(user_id, guild_id=guild_id)

    async def close(self) -> None:
        if self.metrics_server is not None:
            await self.metrics_server.close()
        await self.generation.close()
        await self.engine.dispose()


def make_backend(settings: GenerationSettings) -> Backend:
    if settings.backend == "ray":
        from generation.backends.ray import RayBackend

        return RayBackend(settings)
    from generation.backends.inprocess import InProcessBackend

    return InProcessBackend(settings)


def load_classifier(settings: Settings, model: str | None = None) -> SafetyClassifier:
    """The mandatory image classifiers; raises ClassifierUnavailable when none loads."""
    _, spec = settings.generation.spec(model)
    # The CLIP checker ships inside SD 1.x repositories (their safety_checker folder).
    return load_safety_classifiers(
        settings.moderation,
        model_path=spec.components,
        device=str(pick_device(settings.generation.device)),
    )


async def build_services(
    settings: Settings,
    *,
    classifier: SafetyClassifier | None = None,
    backend: Backend | None = None,
    model: str | None = None,
) -> Services:
    """Load the classifiers (nothing starts without them), migrate the database, then wire the stores
    and the generation service together."""
    # 1. The safety classifier first: without it nothing may start, so fail before anything else.
    if classifier is None:
        classifier = await asyncio.to_thread(load_classifier, settings, model)
    semantic = None
    if settings.moderation.semantic:
        from moderation.semantic import SemanticScreener

        semantic = await asyncio.to_thread(SemanticScreener.load, settings.moderation)
    gate = SafetyGate(PromptScreener(semantic=semantic), classifier)

    # 2. The database, migrated to the newest revision.
    settings.database.ensure_sqlite_folder()
    await asyncio.to_thread(migrations.upgrade, settings.database.url)
    engine = make_engine(settings.database.url, echo=settings.database.echo)
    sessions = make_session_factory(engine)
    audit = AuditLog(sessions)
    policies = PolicyStore(sessions, audit)
    licenses = LicenseStore(sessions)
    bans = BanStore(sessions, audit)

    # 3. Generation.
    metrics = Metrics()
    service = GenerationService(
        settings=settings.generation,
        store=JobStore(sessions),
        files=ImageFiles(settings.generation.image_dir),
        backend=backend or make_backend(settings.generation),
        gate=gate,
        policies=policies,
        licenses=licenses,
        bans=bans,
        audit=audit,
        metrics=metrics,
    )
    services = Services(
        settings=settings,
        engine=engine,
        generation=service,
        policies=policies,
        licenses=licenses,
        bans=bans,
        audit=audit,
        metrics=metrics,
    )

    # Another database's image folder, a metrics port in use: nothing built so far stays open.
    try:
        await service.claim_image_folder()
        # 4. /metrics and /healthz, when a port is set.
        if settings.generation.metrics_port:
            services.metrics_server = await _serve_metrics(service, metrics, settings)
    except BaseException:
        await services.close()
        raise
    return services


async def _serve_metrics(service: GenerationService, metrics: Metrics, settings: Settings) -> MetricsServer:
    async def healthy() -> bool:
        scheduler = service.scheduler
        return (
            scheduler.healthy() and not scheduler.backend_unavailable() and service.backend.failure() is None
        )

    server = MetricsServer(
        metrics, healthy, host=settings.generation.metrics_host, port=settings.generation.metrics_port
    )
    await server.start()
    return server
