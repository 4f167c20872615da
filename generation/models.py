"""Tables of the job store: `job`, `job_image`, `erasure` and `store_identity`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from generation.params import GenerationParams, JobKind
from moderation.database import Base, StrEnumType, UserText, utcnow
from moderation.outcome import ImageAction

# Job ids are 32-bit integers in PostgreSQL: a larger number is never a job, and asking the
# database for one fails rather than finding nothing.
MAX_JOB_ID = 2**31 - 1


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self not in (JobStatus.QUEUED, JobStatus.RUNNING)


class ImageVerdict(StrEnum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    ERROR = "error"  # the classifier failed: the image is withheld


class Job(Base):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[JobKind] = mapped_column(StrEnumType(JobKind))
    parent_job_id: Mapped[int | None] = mapped_column(ForeignKey("job.id", ondelete="SET NULL"))
    parent_image_index: Mapped[int | None]
    # A registry name, or (from `imagine-bot generate --model`) a Hugging Face id or a local folder of
    # any length: TEXT, as PostgreSQL enforces a VARCHAR's length where SQLite never does.
    model: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    init_image_path: Mapped[str | None] = mapped_column(Text)
    # Whether the channel was age-restricted when the job was made: decides spoiler vs withhold, unless
    # the bot can tell the channel's flag when the images are judged (`JobObserver.channel_age_restricted`).
    channel_age_restricted: Mapped[bool] = mapped_column(default=False)
    # Made from a member's uploaded picture, or from an image that was (a rerun, variation or upscale of
    # such a job): it may show a real person, so a flagged image of it is withheld whatever the server
    # allows (see `decide_image_outcome`).
    from_upload: Mapped[bool] = mapped_column(default=False)
    status: Mapped[JobStatus] = mapped_column(StrEnumType(JobStatus), default=JobStatus.QUEUED)
    error: Mapped[str | None] = mapped_column(UserText)
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Where the result goes: the interaction (while its token lives) or else the channel.
    interaction_token: Mapped[str | None] = mapped_column(Text)
    interaction_expires_at: Mapped[datetime | None]
    # The interaction's own message (queued, progress, previews; the result while the token lives),
    # kept so that a process finishing the job after the token ran out can still clear it.
    reply_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # The result's message: the interaction's own, or a channel message once the token ran out.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    posted_at: Mapped[datetime | None]
    # Discord refused the result for good (the channel is gone, the bot may not post there, the guild
    # removed the bot): it is not tried again, and `/job` shows it to its owner.
    undeliverable_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    # The bot process that runs the job while it is queued or running, and until when its claim holds
    # unless renewed: several processes sharing the store never run one job twice, and the jobs of a
    # process that died are taken over once its claim lapses (see `JobStore.take_over`).
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]

    images: Mapped[list[JobImage]] = relationship(
        back_populates="job", order_by="JobImage.index", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        Index("ix_job_status", "status"),
        Index("ix_job_user_id_created_at", "user_id", "created_at"),
        Index("ix_job_guild_id_status", "guild_id", "status"),
        # A reaction names only its message: the job is found by it (see `JobStore.posted_as`).
        Index("ix_job_message_id", "message_id"),
        # Never an erased job's id again on SQLite (see migration 0009_job_ids_never_reused).
        {"sqlite_autoincrement": True},
    )

    @property
    def generation_params(self) -> GenerationParams:
        return GenerationParams.from_json(self.params)


class JobImage(Base):
    __tablename__ = "job_image"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("job.id", ondelete="CASCADE"))
    index: Mapped[int]
    seed: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[ImageVerdict] = mapped_column(StrEnumType(ImageVerdict))
    action: Mapped[ImageAction] = mapped_column(StrEnumType(ImageAction))
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(UserText)

    job: Mapped[Job] = relationship(back_populates="images")

    __table_args__ = (Index("uq_job_image_job_id_index", "job_id", "index", unique=True),)


class Erasure(Base):
    """A member's data erased (`/forget-me`, `/mod purge`): kept briefly so that every bot process
    sharing the store can tell a request it was still checking then from one asked for afterwards.

    Only who and when: a request is checked within seconds, and the markers go after a day (see
    `JobStore.forget_erasures`). Ids only ever grow (AUTOINCREMENT on SQLite too, where a deleted
    newest row would otherwise hand its id out again): a request remembers the newest id when it
    starts, and any erasure with a larger id came after it.
    """

    __tablename__ = "erasure"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    # The guild erased in (`/mod purge`), or None for everywhere (`/forget-me`).
    guild_id: Mapped[int | None] = mapped_column(BigInteger)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_erasure_user_id", "user_id"), {"sqlite_autoincrement": True})


class StoreIdentity(Base):
    """The one row naming this database: the image folder records it (see `ImageFiles.claim`), so a
    database started on another database's folder of images cannot take its job folders for its
    own, overwrite them with jobs of the same number, or remove them as left behind."""

    __tablename__ = "store_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
