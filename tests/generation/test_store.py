from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

import migrations
from generation.errors import JobNotFound
from generation.models import ImageAction, ImageVerdict, JobStatus
from generation.params import GenerationParams, JobKind
from generation.store import ImageRecord, JobStore, NewJob, job_cost
from moderation.database import make_engine, make_session_factory


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[JobStore]:
    await asyncio.to_thread(migrations.upgrade, database_url)
    engine = make_engine(database_url)
    yield JobStore(make_session_factory(engine))
    await engine.dispose()


def new_job(user: int = 42, **overrides: object) -> NewJob:
    params = GenerationParams(prompt="a red fox", model="demo", seeds=(1, 2), width=64, height=64, steps=4)
    fields: dict[str, object] = {"user_id": user, "kind": JobKind.TXT2IMG, "params": params, "guild_id": 7}
    fields.update(overrides)
    return NewJob(**fields)  # type: ignore[arg-type]


async def test_job_life_round_trips(store: JobStore) -> None:
    job = await store.create(new_job())
    assert job.status is JobStatus.QUEUED
    assert job.created_at.tzinfo is not None
    assert job.cost == job_cost(job.generation_params, JobKind.TXT2IMG) == 4 * 64 * 64 * 2
    assert job.generation_params.seeds == (1, 2)

    await store.mark_running([job.id])
    assert (await store.get(job.id)).status is JobStatus.RUNNING
    assert [j.id for j in await store.unfinished()] == [job.id]

    images = [
        ImageRecord(0, 1, "/tmp/0.png", ImageVerdict.SAFE, ImageAction.POST),
        ImageRecord(1, 2, None, ImageVerdict.UNSAFE, ImageAction.WITHHOLD, ("EXPOSED",), "withheld"),
    ]
    done = await store.finish(job.id, JobStatus.DONE, images=images)
    assert done.status is JobStatus.DONE and done.finished_at is not None
    assert [(i.index, i.seed, i.action, i.labels) for i in done.images] == [
        (0, 1, ImageAction.POST, []),
        (1, 2, ImageAction.WITHHOLD, ["EXPOSED"]),
    ]
    # A finished job is never reopened by a late outcome.
    again = await store.finish(job.id, JobStatus.FAILED, error="late")
    assert again.status is JobStatus.DONE
    assert await store.unfinished() == []


async def test_posting_is_claimed_once(store: JobStore) -> None:
    job = await store.create(new_job(channel_id=5))
    await store.finish(job.id, JobStatus.DONE)
    assert [j.id for j in await store.unposted()] == [job.id]
    assert await store.mark_posted(job.id, 555) is True
    assert await store.mark_posted(job.id, 556) is False
    assert (await store.get(job.id)).message_id == 555
    assert await store.unposted() == []


async def test_requeue_history_and_deletion(store: JobStore) -> None:
    first = await store.create(new_job())
    second = await store.create(new_job())
    other = await store.create(new_job(user=9))
    await store.mark_running([first.id])
    await store.requeue(first.id)
    assert (await store.get(first.id)).status is JobStatus.QUEUED
    assert [j.id for j in await store.history(42)] == [second.id, first.id]
    blocked = await store.create_blocked(new_job(), "blocked by rule")
    assert blocked.status is JobStatus.BLOCKED and blocked.error == "blocked by rule"
    assert (await store.count_by_status())[JobStatus.QUEUED] == 3
    deleted = await store.delete_user_jobs(42)
    assert {j.id for j in deleted} == {first.id, second.id, blocked.id}
    assert [j.id for j in await store.unfinished()] == [other.id]
    with pytest.raises(JobNotFound):
        await store.get(first.id)


async def test_deleting_a_users_jobs_in_one_guild_keeps_the_others(store: JobStore) -> None:
    here = await store.create(new_job(guild_id=7))
    elsewhere = await store.create(new_job(guild_id=8))
    deleted = await store.delete_user_jobs(42, guild_id=7)
    assert [job.id for job in deleted] == [here.id]
    assert (await store.get(elsewhere.id)).guild_id == 8


async def test_withdrawn_names_the_jobs_deleted_or_erased_since(store: JobStore) -> None:
    kept, deleted, erased = [await store.create(new_job(user)) for user in (1, 2, 3)]
    await store.mark_deleted(deleted.id)
    await store.delete_user_jobs(3)
    many = [kept.id, deleted.id, erased.id, *range(10_000, 11_200)]  # more ids than one query takes
    assert await store.withdrawn(many) == {deleted.id, erased.id, *range(10_000, 11_200)}
    assert await store.withdrawn([kept.id]) == set()
    assert await store.withdrawn([]) == set()


async def test_refused_prompts_records_go_at_the_retention_age(store: JobStore) -> None:
    from datetime import timedelta

    from moderation.database import utcnow

    blocked = await store.create_blocked(new_job(), "a phone number")
    done = await store.create(new_job())
    await store.finish(done.id, JobStatus.DONE)
    assert await store.purge_blocked(utcnow() - timedelta(days=1)) == 0  # too young yet
    assert await store.purge_blocked(utcnow() + timedelta(seconds=1)) == 1
    with pytest.raises(JobNotFound):
        await store.get(blocked.id)
    assert (await store.get(done.id)).status is JobStatus.DONE  # other jobs stay


async def test_jobs_made_outside_discord_are_never_waiting_to_be_posted(store: JobStore) -> None:
    from_cli = await store.create(new_job(guild_id=None))
    from_discord = await store.create(new_job(channel_id=5))
    for job in (from_cli, from_discord):
        await store.finish(job.id, JobStatus.DONE)
    assert [job.id for job in await store.unposted()] == [from_discord.id]


async def test_concurrent_writers_from_two_processes_claim_each_post_once(database_url: str) -> None:
    """Two engines stand for two bot processes sharing one store."""
    await asyncio.to_thread(migrations.upgrade, database_url)
    engines = [make_engine(database_url) for _ in range(2)]
    stores = [JobStore(make_session_factory(engine)) for engine in engines]
    try:
        created = await asyncio.gather(*(stores[i % 2].create(new_job(user=i)) for i in range(20)))
        assert len({job.id for job in created}) == 20
        await asyncio.gather(*(stores[i % 2].finish(job.id, JobStatus.DONE) for i, job in enumerate(created)))
        claims = await asyncio.gather(
            *(stores[attempt % 2].mark_posted(job.id, attempt) for job in created for attempt in range(4))
        )
        assert sum(claims) == 20  # every job claimed by exactly one of its four racing posters
        assert await stores[0].unposted() == []
    finally:
        for engine in engines:
            await engine.dispose()
