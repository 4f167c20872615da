"""The moderation stores round-trip on SQLite and PostgreSQL, and every change leaves an audit entry."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.audit import AuditAction, AuditLog
from moderation.bans import BanStore
from moderation.database import utcnow
from moderation.errors import InvalidPolicy, LicenseNotAccepted, UserBanned
from moderation.licenses import CREATIVEML_OPENRAIL_M, LICENSES, LicenseStore
from moderation.models import BlockedPromptRow, GuildPolicyRow
from moderation.policy import GuildPolicy, NsfwMode, PolicyStore
from moderation.screening import PromptScreener

GUILD = 1_234_567_890_123_456_789  # Discord ids need 64 bits.
OTHER_GUILD = 42
MOD = 9_000_000_000_000_000_001
USER = 8_000_000_000_000_000_002

Sessions = async_sessionmaker[AsyncSession]


async def test_policy_defaults_then_round_trip(sessions: Sessions) -> None:
    store = PolicyStore(sessions)
    assert await store.get(GUILD) == GuildPolicy()

    after = await store.set(GUILD, "nsfw_mode", "age_restricted", actor_id=MOD)
    after = await store.set(GUILD, "allowed_channel_ids", "<#1>, <#2>", actor_id=MOD)
    assert after.nsfw_mode is NsfwMode.AGE_RESTRICTED

    loaded = await PolicyStore(sessions).get(GUILD)
    assert loaded == after
    assert loaded.allowed_channel_ids == [1, 2]
    assert await store.get(OTHER_GUILD) == GuildPolicy()


async def test_refused_setting_changes_nothing_and_writes_no_audit(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    store = PolicyStore(sessions, audit)
    await store.set(GUILD, "max_steps", "30", actor_id=MOD)
    with pytest.raises(InvalidPolicy) as caught:
        await store.set(GUILD, "max_steps", "9000", actor_id=MOD)
    assert caught.value.key == "max_steps"
    with pytest.raises(InvalidPolicy):
        await store.set(GUILD, "favourite_colour", "red", actor_id=MOD)
    assert (await store.get(GUILD)).max_steps == 30
    assert [e.action for e in await audit.recent(GUILD)] == [AuditAction.POLICY_SET]


async def test_terms_and_patterns_add_remove_with_audit(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    store = PolicyStore(sessions, audit)
    await store.add_terms(GUILD, ["clown", "spider"], actor_id=MOD)
    await store.add_terms(GUILD, [r"\bwasps?\b"], actor_id=MOD, kind="pattern")
    policy = await store.remove_terms(GUILD, ["CLOWN"], actor_id=MOD)
    assert policy.banned_terms == ["spider"]
    assert policy.banned_patterns == [r"\bwasps?\b"]

    with pytest.raises(InvalidPolicy, match="not in the list"):
        await store.remove_terms(GUILD, ["dragon"], actor_id=MOD)
    with pytest.raises(InvalidPolicy, match="not a valid regular expression"):
        await store.add_terms(GUILD, ["(a"], actor_id=MOD, kind="pattern")
    # Already banned, written otherwise: nothing changes, so nothing is recorded as added.
    assert (await store.add_terms(GUILD, ["SP1DER", "spider"], actor_id=MOD)).banned_terms == ["spider"]
    # An accent typed as a letter and a combining mark is the same term as the composed one.
    await store.add_terms(GUILD, ["café"], actor_id=MOD)
    assert (await store.remove_terms(GUILD, ["cafe\u0301"], actor_id=MOD)).banned_terms == ["spider"]
    # A term listed with spelling tricks is removed by its plain spelling, as adding that says it is in.
    await store.add_terms(GUILD, ["cl0wn"], actor_id=MOD)
    assert (await store.add_terms(GUILD, ["clown"], actor_id=MOD)).banned_terms == ["spider", "cl0wn"]
    assert (await store.remove_terms(GUILD, ["Clown"], actor_id=MOD)).banned_terms == ["spider"]
    assert (await audit.recent(GUILD))[0].detail == {"kind": "term", "items": ["cl0wn"]}

    entries = (await audit.recent(GUILD))[4:]  # before the café and the clown
    assert [e.action for e in entries] == [
        AuditAction.TERMS_REMOVED,
        AuditAction.PATTERNS_ADDED,
        AuditAction.TERMS_ADDED,
    ]
    assert entries[0].actor_id == MOD
    assert entries[0].detail == {"kind": "term", "items": ["clown"]}  # what was removed, as listed

    # The stored policy is what screening uses.
    screener = PromptScreener()
    assert screener.screen("a giant spider", "", policy).rule_id == "policy.banned_term"
    assert screener.screen("wasps on a picnic", "", policy).rule_id == "policy.banned_pattern"

    # One of several not listed: the others go all the same.
    await store.add_terms(GUILD, ["moth"], actor_id=MOD)
    assert (await store.remove_terms(GUILD, ["dragon", "moth"], actor_id=MOD)).banned_terms == ["spider"]


async def test_reset_returns_to_defaults(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    store = PolicyStore(sessions, audit)
    await store.set(GUILD, "max_steps", "30", actor_id=MOD)
    assert await store.reset(GUILD, actor_id=MOD) == GuildPolicy()
    assert await store.get(GUILD) == GuildPolicy()
    assert (await audit.recent(GUILD, limit=1))[0].action is AuditAction.POLICY_RESET


async def test_concurrent_first_changes_both_land(sessions: Sessions) -> None:
    store = PolicyStore(sessions)
    await asyncio.gather(
        store.add_terms(GUILD, ["alpha"], actor_id=MOD),
        store.set(GUILD, "max_steps", "20", actor_id=MOD),
    )
    await asyncio.gather(*(store.add_terms(GUILD, [f"term{i}"], actor_id=MOD) for i in range(4)))
    policy = await store.get(GUILD)
    # Every change is applied to the latest stored policy: none is lost to a race.
    assert policy.max_steps == 20
    assert sorted(policy.banned_terms) == ["alpha", "term0", "term1", "term2", "term3"]


async def stored_as(sessions: Sessions, policy: dict[str, object]) -> PolicyStore:
    """A store whose row for GUILD holds `policy` as written by some version of the bot."""
    store = PolicyStore(sessions)
    await store.set(GUILD, "max_steps", "20", actor_id=MOD)
    async with sessions() as session, session.begin():
        await session.execute(
            update(GuildPolicyRow).where(GuildPolicyRow.guild_id == GUILD).values(policy=policy)
        )
    return store


async def test_stored_policy_with_unknown_or_invalid_keys_still_loads(sessions: Sessions) -> None:
    store = await stored_as(sessions, {"max_steps": 20, "max_count": 99, "retired_setting": True})
    policy = await store.get(GUILD)
    assert policy.max_steps == 20
    assert policy.max_count == GuildPolicy().max_count


async def test_the_retired_dms_setting_is_dropped_without_a_warning(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    """Earlier versions stored `dms_allowed`, which no server could use: it goes quietly."""
    store = await stored_as(sessions, {"max_steps": 20, "dms_allowed": True})
    assert await store.get(GUILD) == GuildPolicy(max_steps=20)
    assert "ignoring" not in caplog.text


async def test_bans_expire_and_check_raises(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    bans = BanStore(sessions, audit)
    assert await bans.active_ban(GUILD, USER) is None
    await bans.check(GUILD, USER)

    expires = utcnow() + timedelta(hours=1)
    ban = await bans.ban(GUILD, USER, reason="spam", expires_at=expires, actor_id=MOD)
    assert ban.expires_at == expires
    active = await bans.active_ban(GUILD, USER)
    assert active is not None
    assert active.reason == "spam"
    assert active.expires_at is not None and active.expires_at.tzinfo is not None
    assert active.expires_at == expires
    with pytest.raises(UserBanned) as caught:
        await bans.check(GUILD, USER)
    assert caught.value.reason == "spam"
    assert caught.value.expires_at == expires
    # Bans are per guild.
    await bans.check(OTHER_GUILD, USER)

    # An expired ban is inactive.
    assert not replace(active, expires_at=utcnow() - timedelta(seconds=1)).is_active(utcnow())
    assert await bans.active_bans(GUILD) == [active]

    assert await bans.unban(GUILD, USER, actor_id=MOD)
    assert not await bans.unban(GUILD, USER, actor_id=MOD)
    assert await bans.active_ban(GUILD, USER) is None
    actions = [e.action for e in await audit.recent(GUILD)]
    assert actions == [AuditAction.USER_UNBANNED, AuditAction.USER_BANNED]


async def test_expired_ban_in_the_database_does_not_block(sessions: Sessions) -> None:
    bans = BanStore(sessions)
    await bans.ban(GUILD, USER, reason="cool down", expires_at=utcnow() + timedelta(minutes=5), actor_id=MOD)
    from moderation.models import UserBanRow

    async with sessions() as session, session.begin():
        await session.execute(update(UserBanRow).values(expires_at=utcnow() - timedelta(minutes=1)))
    assert await bans.active_ban(GUILD, USER) is None
    assert await bans.active_bans(GUILD) == []
    await bans.check(GUILD, USER)


async def test_permanent_ban_and_rebanning_replaces(sessions: Sessions) -> None:
    bans = BanStore(sessions)
    await bans.ban(GUILD, USER, reason="first", expires_at=utcnow() + timedelta(days=1), actor_id=MOD)
    await bans.ban(GUILD, USER, reason="", expires_at=None, actor_id=MOD)
    ban = await bans.active_ban(GUILD, USER)
    assert ban is not None
    assert ban.expires_at is None
    assert ban.reason == ""


async def test_ban_refuses_naive_or_past_expiry(sessions: Sessions) -> None:
    bans = BanStore(sessions)
    with pytest.raises(ValueError, match="timezone-aware"):
        await bans.ban(GUILD, USER, reason="x", expires_at=utcnow().replace(tzinfo=None), actor_id=MOD)
    with pytest.raises(ValueError, match="past"):
        await bans.ban(GUILD, USER, reason="x", expires_at=utcnow() - timedelta(hours=1), actor_id=MOD)


async def test_license_acceptance_is_per_version(sessions: Sessions) -> None:
    store = LicenseStore(sessions)
    assert not await store.has_accepted(USER, CREATIVEML_OPENRAIL_M)
    with pytest.raises(LicenseNotAccepted) as caught:
        await store.require(USER, CREATIVEML_OPENRAIL_M)
    assert caught.value.license is CREATIVEML_OPENRAIL_M

    await store.accept(USER, CREATIVEML_OPENRAIL_M)
    await store.accept(USER, CREATIVEML_OPENRAIL_M)  # a double click is harmless
    assert await store.has_accepted(USER, CREATIVEML_OPENRAIL_M)
    await store.require(USER, CREATIVEML_OPENRAIL_M)

    # A new version of the license asks again.
    newer = replace(CREATIVEML_OPENRAIL_M, version="1.1")
    assert not await store.has_accepted(USER, newer)
    with pytest.raises(LicenseNotAccepted):
        await store.require(USER, newer)


async def record_blocked(
    audit: AuditLog,
    sessions: Sessions,
    guild_id: int,
    prompt: str,
    negative: str = "",
    *,
    job_id: int | None = None,
) -> None:
    """A prompt screening refused, kept for review as the job store keeps it: staged in a transaction,
    announced once it has committed."""
    verdict = PromptScreener().screen(prompt)
    async with sessions() as session, session.begin():
        row = audit.stage_blocked_prompt(session, guild_id, USER, prompt, negative, verdict, job_id=job_id)
    audit.announce(row)


async def test_blocked_prompts_are_kept_for_review_then_purged(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    await record_blocked(audit, sessions, GUILD, "Call 312-846-2291 tonight", "blurry", job_id=7)
    review = await audit.blocked_prompts(GUILD)
    assert len(review) == 1
    # Moderators see what was asked, not the personal data it was refused for; nor is that kept.
    assert review[0].prompt == "Call [phone number] tonight"
    assert review[0].negative_prompt == "blurry"
    async with sessions() as session:
        assert (await session.scalars(select(BlockedPromptRow.prompt))).all() == [
            "Call [phone number] tonight"
        ]
    assert review[0].rule_id == "floor.pii.phone"
    assert review[0].job_id == 7
    entry = (await audit.recent(GUILD))[0]
    assert entry.action is AuditAction.PROMPT_BLOCKED
    assert entry.rule_id == "floor.pii.phone"
    assert entry.target_user_id == USER
    # The audit entry says why, never what: the prompt stays in the purgeable table.
    assert "846" not in str(entry.detail)

    assert await audit.purge_expired(retention_days=30) == 0
    async with sessions() as session, session.begin():
        await session.execute(update(BlockedPromptRow).values(created_at=utcnow() - timedelta(days=31)))
    assert await audit.purge_expired(retention_days=30) == 1
    assert await audit.blocked_prompts(GUILD) == []

    with pytest.raises(ValueError):
        await record_blocked(audit, sessions, GUILD, "a castle")


async def test_blocked_prompts_kept_before_redaction_are_shown_redacted(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        session.add(
            BlockedPromptRow(
                guild_id=GUILD,
                user_id=USER,
                prompt="mail jane.doe@company.com",
                negative_prompt="",
                rule_id="floor.pii.email",
                category="privacy",
                reason="",
                job_id=None,
                created_at=utcnow(),
            )
        )
    assert [row.prompt for row in await AuditLog(sessions).blocked_prompts(GUILD)] == [
        "mail [e-mail address]"
    ]


async def test_delete_user_data(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    licenses = LicenseStore(sessions)
    bans = BanStore(sessions, audit)
    await licenses.accept(USER, CREATIVEML_OPENRAIL_M)
    await record_blocked(audit, sessions, GUILD, "nude child")
    await bans.ban(GUILD, USER, reason="floor", expires_at=None, actor_id=MOD)
    await audit.record(guild_id=GUILD, actor_id=USER, action=AuditAction.JOB_DELETED, detail="own job")

    count = await audit.delete_user_data(USER)
    assert count == 5  # acceptance, blocked prompt, two entries naming the target, one naming the actor
    assert not await licenses.has_accepted(USER, CREATIVEML_OPENRAIL_M)
    assert await audit.blocked_prompts(GUILD) == []
    entries = await audit.recent(GUILD)
    assert len(entries) == 3
    assert all(USER not in (e.actor_id, e.target_user_id) for e in entries)
    # The ban is the guild's record and stays.
    assert await bans.active_ban(GUILD, USER) is not None
    async with sessions() as session:
        assert (await session.scalars(select(BlockedPromptRow))).all() == []


async def test_delete_user_data_in_one_guild_leaves_other_guilds_and_acceptance(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    licenses = LicenseStore(sessions)
    await licenses.accept(USER, CREATIVEML_OPENRAIL_M)
    for guild in (GUILD, OTHER_GUILD):
        await record_blocked(audit, sessions, guild, "nude child")

    count = await audit.delete_user_data(USER, guild_id=GUILD)
    assert count == 2  # the blocked prompt and its audit entry in GUILD
    assert await audit.blocked_prompts(GUILD) == []
    assert len(await audit.blocked_prompts(OTHER_GUILD)) == 1
    assert [e.target_user_id for e in await audit.recent(OTHER_GUILD)] == [USER]
    assert await licenses.has_accepted(USER, CREATIVEML_OPENRAIL_M)


async def test_audit_record_and_recent_order(sessions: Sessions) -> None:
    audit = AuditLog(sessions)
    for i in range(3):
        await audit.record(guild_id=GUILD, actor_id=MOD, action=AuditAction.IMAGE_WITHHELD, detail={"i": i})
    await audit.record(guild_id=OTHER_GUILD, actor_id=MOD, action=AuditAction.IMAGE_SPOILERED)
    entries = await audit.recent(GUILD, limit=2)
    assert [e.detail for e in entries] == [{"i": 2}, {"i": 1}]
    assert all(e.created_at.tzinfo is not None for e in entries)
    assert (await audit.recent(OTHER_GUILD))[0].detail == ""


def test_license_text_carries_every_use_restriction() -> None:
    license_ = LICENSES["creativeml-openrail-m"]
    assert license_ is CREATIVEML_OPENRAIL_M
    assert license_.version == "1.0"
    assert license_.url == "https://huggingface.co/spaces/CompVis/stable-diffusion-license"
    # CreativeML Open RAIL-M's Attachment A lists eleven restrictions.
    assert len(license_.use_restrictions) == 11
    text = license_.terms_text()
    for restriction in license_.use_restrictions:
        assert restriction in text
    assert "exploiting, harming or attempting to exploit or harm minors" in text
    assert "must not use the outputs" in text
