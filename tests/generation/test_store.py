from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import update

import migrations
from generation.errors import JobNotFound
from generation.models import ImageAction, ImageVerdict, Job, JobStatus
from generation.params import GenerationParams, JobKind
from generation.store import Claim, ImageRecord, JobStore, NewJob, Renewal, job_cost
from moderation.database import make_engine, make_session_factory, utcnow


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


async def test_history_and_deletion(store: JobStore) -> None:
    first = await store.create(new_job())
    second = await store.create(new_job())
    other = await store.create(new_job(user=9))
    assert [j.id for j in await store.history(42)] == [second.id, first.id]
    blocked = await store.create_blocked(new_job(), "blocked by rule")
    assert blocked.status is JobStatus.BLOCKED and blocked.error == "blocked by rule"
    assert [job.id for job in await store.unfinished()] == [first.id, second.id, other.id]
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


async def test_an_erased_jobs_id_is_never_given_to_another_job(store: JobStore) -> None:
    """Its buttons in Discord and its image folder name the id: a new job under it would be found by
    them, and a run of the erased job still finishing would record its images into the new one."""
    await store.create(new_job(user=1))
    erased = await store.create(new_job(user=2))
    await store.delete_user_jobs(2)
    assert (await store.create(new_job(user=3))).id > erased.id


def a_claim(seconds: float = 30) -> Claim:
    return Claim(timedelta(seconds=seconds))


async def test_erasures_after_a_mark_are_found_by_scope(store: JobStore) -> None:
    before = await store.erasure_mark()
    await store.record_erasure(42, guild_id=7)
    await store.record_erasure(43)
    assert await store.erased_since(before, 42, 7) == {7}
    assert await store.erased_since(before, 42, 8) == set()  # purged in another guild
    assert await store.erased_since(before, 42, None) == set()  # a direct message is not in guild 7
    assert await store.erased_since(before, 43, None) == {None}  # /forget-me covers everywhere
    assert await store.erased_since(await store.erasure_mark(), 42, 7) == set()  # asked for afterwards


async def test_erasure_marks_only_grow_after_old_notes_go(store: JobStore) -> None:
    """A request remembers the newest erasure when it begins: an id handed out again once the old
    notes were deleted (SQLite reuses the largest rowid without AUTOINCREMENT) hid a later erasure."""
    await store.record_erasure(42)
    mark = await store.erasure_mark()
    assert await store.forget_erasures(utcnow() + timedelta(seconds=1)) == 1
    assert await store.forget_erasures(utcnow()) == 0
    await store.record_erasure(42)
    assert await store.erased_since(mark, 42, 7) == {None}


async def test_renewing_names_the_jobs_deleted_or_erased_since(store: JobStore) -> None:
    mine = a_claim()
    kept, deleted, erased = [await store.create(new_job(user), mine) for user in (1, 2, 3)]
    await store.mark_deleted(deleted.id)
    await store.delete_user_jobs(3)
    many = [kept.id, deleted.id, erased.id, *range(10_000, 11_200)]  # more ids than one query takes
    renewal = await store.renew(mine, many)
    assert renewal.deleted == {deleted.id, erased.id, *range(10_000, 11_200)}
    assert renewal.held == {kept.id} and renewal.lost == set()
    assert await store.renew(mine, []) == Renewal(held=set(), deleted=set(), lost=set())


async def test_a_claim_keeps_other_processes_off_until_released_or_lapsed(store: JobStore) -> None:
    first, second = a_claim(), a_claim()
    assert first.holder != second.holder
    held = await store.create(new_job(channel_id=5), first)
    running = await store.create(new_job(channel_id=5), first)
    await store.mark_running([running.id])
    everywhere = lambda _guild: True  # noqa: E731

    assert await store.take_over(second, everywhere) == []
    assert await store.held_elsewhere(second, everywhere) == 2
    assert await store.held_elsewhere(first, everywhere) == 0
    # Renewing does not steal a live claim: the job is "lost" to the process asking.
    assert (await store.renew(second, [held.id])).lost == {held.id}

    assert await store.release(first) == 2
    taken = await store.take_over(second, everywhere)
    assert [job.id for job in taken] == [held.id, running.id]
    assert all(job.status is JobStatus.QUEUED and job.started_at is None for job in taken)
    assert all(job.claimed_by == second.holder for job in taken)
    assert await store.take_over(first, everywhere) == []
    assert (await store.renew(first, [held.id])).lost == {held.id}


@pytest.mark.postgres
async def test_claims_lapse_by_the_databases_clock_not_the_hosts(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processes on hosts whose clocks disagree by far more than a claim lasts."""
    await asyncio.to_thread(migrations.upgrade, postgres_url)
    engine = make_engine(postgres_url)
    try:
        store = JobStore(make_session_factory(engine))
        live, dead, ahead = a_claim(), a_claim(-1), a_claim()
        held = await store.create(new_job(channel_id=5), live)
        abandoned = await store.create(new_job(channel_id=5), dead)
        everywhere = lambda _guild: True  # noqa: E731

        monkeypatch.setattr("generation.store.utcnow", lambda: utcnow() + timedelta(hours=1))
        assert await store.held_elsewhere(ahead, everywhere) == 1
        assert [job.id for job in await store.take_over(ahead, everywhere)] == [abandoned.id]
        assert (await store.renew(ahead, [held.id])).lost == {held.id}
    finally:
        await engine.dispose()


async def test_a_lapsed_claim_is_taken_over_but_only_by_one_process(store: JobStore) -> None:
    dead, first, second = a_claim(-1), a_claim(), a_claim()  # `dead` lapsed as soon as it was made
    jobs = [await store.create(new_job(channel_id=5), dead) for _ in range(3)]
    taken = await asyncio.gather(*(store.take_over(claim, lambda _guild: True) for claim in (first, second)))
    ids = sorted(job.id for batch in taken for job in batch)
    assert ids == [job.id for job in jobs]  # each job taken once, by one of the two


async def test_taking_over_keeps_to_the_guilds_asked_for_and_leaves_cli_jobs(store: JobStore) -> None:
    here = await store.create(new_job(guild_id=7, channel_id=5))
    await store.create(new_job(guild_id=8, channel_id=5))
    await store.create(new_job(guild_id=7))  # made by `imagine-bot generate`: nowhere to post it
    done = await store.create(new_job(guild_id=7, channel_id=5))
    await store.finish(done.id, JobStatus.DONE)
    taken = await store.take_over(a_claim(), lambda guild: guild == 7)
    assert [job.id for job in taken] == [here.id]


async def test_a_process_renews_its_own_lapsed_claim_unless_another_took_it(store: JobStore) -> None:
    """The store was away for longer than the claim lasts: what nobody took meanwhile stays."""
    lapsed, other = a_claim(-1), a_claim()
    kept = await store.create(new_job(guild_id=7, channel_id=5), lapsed)
    taken = await store.create(new_job(guild_id=8, channel_id=5), lapsed)
    assert [job.id for job in await store.take_over(other, lambda guild: guild == 8)] == [taken.id]
    renewal = await store.renew(a_claim_like(lapsed), [kept.id, taken.id])
    assert (renewal.held, renewal.lost) == ({kept.id}, {taken.id})
    assert (await store.get(kept.id)).claimed_until > utcnow()


async def test_renewing_never_takes_back_a_job_another_process_finished(store: JobStore) -> None:
    """The taker finished it, and its claim on a finished job is never renewed, so it lapses."""
    lapsed, taker = a_claim(-1), a_claim(-1)
    job = await store.create(new_job(channel_id=5), lapsed)
    assert [taken.id for taken in await store.take_over(taker, lambda _guild: True)] == [job.id]
    await store.finish(job.id, JobStatus.DONE)
    renewal = await store.renew(a_claim_like(lapsed), [job.id])
    assert renewal.lost == {job.id} and renewal.held == set()
    assert (await store.get(job.id)).claimed_by == taker.holder


async def test_jobs_made_outside_discord_are_not_counted_as_waiting_elsewhere(store: JobStore) -> None:
    cli_process = a_claim()
    await store.create(new_job(), cli_process)  # `imagine-bot generate`: no channel, no interaction
    assert await store.held_elsewhere(a_claim(), lambda _guild: True) == 0


async def test_unposted_results_go_with_a_closing_process_to_the_next_one(store: JobStore) -> None:
    closing, staying = a_claim(), a_claim()
    unposted = await store.create(new_job(channel_id=5), closing)
    posted = await store.create(new_job(channel_id=5), closing)
    for job in (unposted, posted):
        await store.finish(job.id, JobStatus.DONE)
    await store.mark_posted(posted.id, 555)
    everywhere = lambda _guild: True  # noqa: E731
    assert await store.take_over_unposted(staying, everywhere) == []  # still the closing one's to post
    assert await store.release(closing) == 1
    assert [job.id for job in await store.take_over_unposted(staying, everywhere)] == [unposted.id]
    assert await store.take_over_unposted(a_claim(), everywhere) == []  # taken once
    # At start, a process takes its guilds' unposted results whoever holds them (a dead process).
    restarted = await store.take_over_unposted(a_claim(), everywhere, from_anyone=True)
    assert [job.id for job in restarted] == [unposted.id]


async def test_a_result_being_posted_stays_with_its_process_and_a_dead_ones_is_taken(store: JobStore) -> None:
    posting, dead, other = a_claim(-1), a_claim(-1), a_claim()
    kept = await store.create(new_job(channel_id=5), posting)
    orphaned = await store.create(new_job(channel_id=5), dead)
    for job in (kept, orphaned):
        await store.finish(job.id, JobStatus.DONE)
    await store.keep_results(a_claim_like(posting), [kept.id, orphaned.id])  # only its own
    taken = await store.take_over_unposted(other, lambda _guild: True)
    assert [job.id for job in taken] == [orphaned.id]


async def test_looking_without_extending_tells_the_same_and_writes_nothing(store: JobStore) -> None:
    mine, other = a_claim(), a_claim()
    kept, deleted, taken = [await store.create(new_job(channel_id=5), mine) for _ in range(3)]
    await store.mark_deleted(deleted.id)
    async with store._sessions() as session, session.begin():  # another process holds it now
        await session.execute(update(Job).where(Job.id == taken.id).values(claimed_by=other.holder))
    before = (await store.get(kept.id)).claimed_until
    looked = await store.renew(mine, [kept.id, deleted.id, taken.id], extend=False)
    assert looked == Renewal(held={kept.id}, deleted={deleted.id}, lost={taken.id})
    assert (await store.get(kept.id)).claimed_until == before
    assert await store.renew(mine, [kept.id, deleted.id, taken.id]) == looked


def a_claim_like(claim: Claim) -> Claim:
    """The same process's claim, renewed for 30 s from now."""
    return Claim(timedelta(seconds=30), holder=claim.holder)


async def test_a_refused_prompt_is_never_stored_as_queued_even_for_a_moment(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A queued row, however briefly, could be taken over by another process and run."""

    async def second_step(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the refused job was stored queued, then finished")

    monkeypatch.setattr(store, "finish", second_step)
    blocked = await store.create_blocked(new_job(channel_id=5), "a phone number")
    assert blocked.status is JobStatus.BLOCKED and blocked.finished_at is not None
    assert blocked.error == "a phone number"
    assert await store.take_over(a_claim(), lambda _guild: True) == []


async def test_finished_jobs_with_images_are_found_by_age_and_their_images_forgotten(store: JobStore) -> None:
    old, recent, failed, _queued = [await store.create(new_job()) for _ in range(4)]
    image = ImageRecord(0, 1, "/images/0.png", ImageVerdict.SAFE, ImageAction.POST)
    for job in (old, recent):
        await store.finish(job.id, JobStatus.DONE, images=[image])
    await store.finish(failed.id, JobStatus.FAILED, error="out of memory")
    async with store._sessions() as session, session.begin():  # finished long ago
        await session.execute(
            update(Job).where(Job.id == old.id).values(finished_at=utcnow() - timedelta(days=40))
        )
    cutoff = utcnow() - timedelta(days=30)
    assert await store.with_images_finished_before(cutoff) == [old.id]
    await store.forget_images([old.id])
    assert [image.path for image in (await store.get(old.id)).images] == [None]
    assert await store.with_images_finished_before(cutoff) == []
    assert [image.path for image in (await store.get(recent.id)).images] == ["/images/0.png"]


async def test_refused_prompts_records_go_at_the_retention_age(store: JobStore) -> None:
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


async def test_a_members_waiting_jobs_are_those_of_one_server_or_of_direct_messages(store: JobStore) -> None:
    here = await store.create(new_job(guild_id=7, channel_id=5))
    elsewhere = await store.create(new_job(guild_id=8, channel_id=6))
    in_dms = await store.create(new_job(guild_id=None, channel_id=9))
    done = await store.create(new_job(guild_id=7, channel_id=5))
    await store.finish(done.id, JobStatus.DONE)
    assert [job.id for job in await store.waiting_of(42, 7)] == [here.id]
    assert [job.id for job in await store.waiting_of(42, 8)] == [elsewhere.id]
    assert [job.id for job in await store.waiting_of(42, None)] == [in_dms.id]
