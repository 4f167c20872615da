"""Per-guild content policy: typed settings with defaults, parsed from a moderator's text, stored as JSON."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from functools import lru_cache
from typing import Any, Literal, get_args

import re2
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.audit import AuditAction, AuditLog, rowcount
from moderation.database import utcnow
from moderation.errors import InvalidPolicy
from moderation.models import GuildPolicyRow
from moderation.normalize import analyze

log = logging.getLogger(__name__)

MAX_BANNED_TERMS = 200
MAX_TERM_CHARS = 100
MAX_TERM_WORDS = 5
MAX_BANNED_PATTERNS = 50
MAX_PATTERN_CHARS = 200
# re2 refuses patterns whose compiled program would need more memory than this.
_PATTERN_MAX_MEM = 1 << 20


class NsfwMode(StrEnum):
    """How a guild treats images the safety classifier flags."""

    OFF = "off"
    """Flagged images are withheld everywhere, and explicit prompts are refused."""
    AGE_RESTRICTED = "age_restricted"
    """Flagged images are posted behind a spoiler in age-restricted channels, withheld elsewhere."""


def compile_pattern(pattern: str) -> Any:
    """Compile a moderator's pattern with re2 (linear time, so no pattern can hang the bot)."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = _PATTERN_MAX_MEM
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        message = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {message}") from exc


@lru_cache(maxsize=1024)
def compiled_patterns(patterns: tuple[str, ...]) -> tuple[Any, ...]:
    """The compiled forms of a policy's patterns, cached across screenings."""
    return tuple(compile_pattern(p) for p in patterns)


# A server's steps limit until its moderators change it (the model's own limit is MAX_STEPS).
DEFAULT_MAX_STEPS = 50


class GuildPolicy(BaseModel):
    """A guild's content policy. Unknown keys are refused; every field has a safe default."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    nsfw_mode: NsfwMode = NsfwMode.OFF
    # Their numbers are bounded by the validators below, once repeats are merged.
    banned_terms: list[str] = Field(default_factory=list)
    banned_patterns: list[str] = Field(default_factory=list)
    max_steps: int = Field(default=DEFAULT_MAX_STEPS, ge=1, le=150)
    max_pixels: int = Field(default=1024 * 1024, ge=64 * 64, le=2048 * 2048)
    max_count: int = Field(default=4, ge=1, le=4)
    user_concurrency: int = Field(default=2, ge=1, le=10)
    user_queue_cap: int = Field(default=5, ge=1, le=100)
    guild_queue_cap: int = Field(default=50, ge=1, le=1000)
    # Empty: generation is allowed in every channel.
    allowed_channel_ids: list[int] = Field(default_factory=list, max_length=100)
    moderator_role_id: int | None = Field(default=None, gt=0)
    log_channel_id: int | None = Field(default=None, gt=0)

    @field_validator("banned_terms")
    @classmethod
    def _valid_terms(cls, terms: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for term in terms:
            if not term.strip():
                raise ValueError("a banned term cannot be empty")
            if len(term) > MAX_TERM_CHARS:
                raise ValueError(f"banned term {term[:20]!r}... is longer than {MAX_TERM_CHARS} characters")
            views = analyze(term)
            words = views.sequences[0]
            # Terms in scripts the word views drop ("猫", "кошка") are matched in their own script.
            native = views.has_unfolded_letters()
            if not words and not native and emoji_term(term) is None:
                raise ValueError(f"banned term {term!r} has no letters, digits or emoji to match")
            if len(words) > MAX_TERM_WORDS:
                raise ValueError(f"banned term {_shown(term)} has more than {MAX_TERM_WORDS} words")
            seen.setdefault(term_key(term), term.strip())
        if len(seen) > MAX_BANNED_TERMS:
            raise ValueError(f"at most {MAX_BANNED_TERMS} banned terms; this would make {len(seen)}")
        return list(seen.values())

    @field_validator("banned_patterns")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if not pattern:
                raise ValueError("a banned pattern cannot be empty")
            if len(pattern) > MAX_PATTERN_CHARS:
                raise ValueError(
                    f"banned pattern {pattern[:20]!r}... is longer than {MAX_PATTERN_CHARS} characters"
                )
            compile_pattern(pattern)
        unique = list(dict.fromkeys(patterns))
        if len(unique) > MAX_BANNED_PATTERNS:
            raise ValueError(f"at most {MAX_BANNED_PATTERNS} banned patterns; this would make {len(unique)}")
        return unique

    @field_validator("allowed_channel_ids")
    @classmethod
    def _positive_ids(cls, ids: list[int]) -> list[int]:
        if any(i <= 0 for i in ids):
            raise ValueError("channel ids are positive numbers")
        return list(dict.fromkeys(ids))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> GuildPolicy:
        """Validate a whole policy (a JSON file, an API body); errors become `InvalidPolicy`."""
        unknown = sorted(set(data) - set(cls.model_fields))
        if unknown:
            raise InvalidPolicy(
                unknown[0], f"unknown setting; known settings are: {', '.join(cls.model_fields)}"
            )
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise _invalid(exc) from None

    def with_setting(self, key: str, raw_value: str) -> GuildPolicy:
        """A copy with one setting parsed from text as a moderator types it ("on", "30", "<#123>, <#456>")."""
        name = setting_name(key)
        field = type(self).model_fields.get(name)
        if field is None:
            raise InvalidPolicy(
                key, f"unknown setting; known settings are: {', '.join(type(self).model_fields)}"
            )
        value = _parse_value(name, field.annotation, raw_value)
        return self.with_values(**{name: value})

    def with_values(self, **values: Any) -> GuildPolicy:
        """A validated copy with `values` replaced; errors become `InvalidPolicy`."""
        try:
            return type(self).model_validate({**self.model_dump(), **values})
        except ValidationError as exc:
            raise _invalid(exc) from None


def check_new_items(items: Sequence[str], kind: TermKind) -> None:
    """Refuse terms and patterns a moderator adds that would not do what they look like; checked when
    added only, so that a list stored by an earlier version still loads whole.

    A term is matched as words: "\\bcat\\b" was banned as "bcat b", "c++" and "C#" as "c", which
    blocks "vitamin c". A pattern that matches the empty text ("^", ".*", "x*") blocks every prompt.
    """
    for item in items:
        if kind == "pattern":
            try:
                compiled = compile_pattern(item)
            except ValueError:
                continue  # refused, with re2's reason, as the policy is validated
            if compiled.search("") is not None:
                raise InvalidPolicy(
                    "banned_patterns",
                    f"{_shown(item)} matches every prompt (it matches even an empty one); make it require "
                    "some text",
                )
            continue
        if signs := sorted(set(_REGEX_SIGNS.findall(item))):
            raise InvalidPolicy(
                "banned_terms",
                f"{_shown(item)} has signs a term does not match ({' '.join(signs)}): add it with kind: "
                "pattern to match it as a regular expression, or give the words alone",
            )
        views = analyze(item)
        if not views.has_unfolded_letters() and len("".join(views.sequences[0])) == 1:
            raise InvalidPolicy(
                "banned_terms",
                f"{_shown(item)} is a single letter or digit once normalised, which would block a great "
                "many prompts",
            )


def setting_name(key: str) -> str:
    """The field a moderator means by `key` ("Max Steps", "max-steps" and "max_steps" are one setting)."""
    return key.strip().lower().replace("-", "_").replace(" ", "_")


def _invalid(exc: ValidationError) -> InvalidPolicy:
    error = exc.errors()[0]
    key = str(error["loc"][0]) if error["loc"] else "policy"
    message = str(error["msg"]).removeprefix("Value error, ")
    return InvalidPolicy(key, message)


_EMPTY = frozenset({"", "none", "null", "clear", "-"})
# Signs of a regular expression, which a banned term (matched as words) cannot hold.
_REGEX_SIGNS = re.compile(r"[\\^$*+?{}\[\]()|]")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+")
_MENTION = re.compile(r"<(?:#|@&|@!?)(\d+)>")
_MAX_SNOWFLAKE = (1 << 64) - 1


_SHOWN_CHARS = 60


def _shown(text: str) -> str:
    """A value quoted in an error, cut to a length a message can hold (a repr of 1,000 invisible
    characters is 6,000 characters long)."""
    quoted = repr(text)
    return quoted if len(quoted) <= _SHOWN_CHARS else quoted[: _SHOWN_CHARS - 2] + "…'"


def _parse_id(key: str, raw: str) -> int:
    text = raw.strip()
    mention = _MENTION.fullmatch(text)
    if mention:
        text = mention.group(1)
    # isdecimal, not isdigit: "²" is a digit that int() refuses. Discord ids are unsigned 64-bit numbers.
    if not text.isdecimal() or not 0 < int(text) <= _MAX_SNOWFLAKE:
        raise InvalidPolicy(key, f"{_shown(raw.strip())} is not an id or a mention")
    return int(text)


def _parse_value(key: str, annotation: Any, raw: str) -> Any:
    text = raw.strip()
    if annotation is NsfwMode:
        choice = text.lower().replace("-", "_").replace(" ", "_")
        if choice not in {m.value for m in NsfwMode}:
            raise InvalidPolicy(key, f"must be one of: {', '.join(m.value for m in NsfwMode)}")
        return NsfwMode(choice)
    if annotation is int:
        # "1,000" is a thousand; "2,5" and "1,2,3" are no number (they were read as 25 and 123).
        if "," in text and not _THOUSANDS.fullmatch(text):
            raise InvalidPolicy(key, f"{_shown(text)} is not a whole number")
        try:
            return int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise InvalidPolicy(key, f"{_shown(text)} is not a whole number") from None
    if annotation == int | None:
        return None if text.lower() in _EMPTY else _parse_id(key, text)
    if annotation == list[int]:
        if text.lower() in _EMPTY:
            return []
        return [_parse_id(key, part) for part in re.split(r"[\s,]+", text) if part]
    if annotation == list[str]:
        if text.lower() in _EMPTY:
            return []
        # Patterns may contain commas ("a{1,3}"), so they are given one a line; terms by comma too.
        separator = r"\n" if key == "banned_patterns" else r"[\n,]"
        return [part.strip() for part in re.split(separator, raw) if part.strip()]
    raise InvalidPolicy(key, "this setting cannot be changed from text")


# Settings earlier versions stored and this one drops without a word: `dms_allowed` never did anything
# (direct messages belong to no server; DISCORD_DMS_ALLOWED decides them).
_RETIRED_KEYS = frozenset({"dms_allowed"})


def _from_stored(data: Mapping[str, Any], guild_id: int) -> GuildPolicy:
    """Load a stored policy; a key this version no longer knows or accepts is dropped, not fatal."""
    known = {k: v for k, v in data.items() if k in GuildPolicy.model_fields}
    unknown = set(data) - set(known) - _RETIRED_KEYS
    if unknown:
        log.warning("guild %d: ignoring unknown stored policy keys %s", guild_id, sorted(unknown))
    while True:
        try:
            return GuildPolicy.model_validate(known)
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            if not bad:
                raise
            log.error(
                "guild %d: stored policy values for %s are invalid; using defaults for them", guild_id, bad
            )
            known = {k: v for k, v in known.items() if k not in bad}


def term_key(term: str) -> str:
    """What makes two banned terms the same: their normalised form ("cl0wn" and "Clown" are "clown"),
    or, for a term in a script the word views drop ("кошка"), the term without case; an emoji term's
    emoji."""
    views = analyze(term)
    if views.has_unfolded_letters():
        return views.native
    return views.canonical or emoji_term(term) or views.canonical


def emoji_term(term: str) -> str | None:
    """The emoji a banned term is made of, as prompts are compared ("🍆", "💦🍑": without skin tones and
    variation selectors, which the normaliser drops), or None for a term of words. Moderators ban the
    emoji members use for what they may not say."""
    emoji = "".join(analyze(term).base.split())
    return emoji if emoji and all(unicodedata.category(char) == "So" for char in emoji) else None


TermKind = Literal["term", "pattern"]
_CHANGE_ATTEMPTS = 5


class _LostRace(Exception):
    """Another change was written between our read and our write."""


class PolicyStore:
    """Reads and changes guild policies; every change is written with its audit entry in one transaction."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], audit: AuditLog | None = None
    ) -> None:
        self._sessions = session_factory
        self._audit = audit or AuditLog(session_factory)

    async def get(self, guild_id: int) -> GuildPolicy:
        """The guild's policy, or the defaults when none is stored."""
        async with self._sessions() as session:
            row = await session.get(GuildPolicyRow, guild_id)
            return _from_stored(row.policy, guild_id) if row else GuildPolicy()

    async def set(self, guild_id: int, key: str, raw_value: str, *, actor_id: int) -> GuildPolicy:
        """Change one setting from text; raises `InvalidPolicy` and changes nothing when it is refused."""
        return await self._change(
            guild_id,
            actor_id,
            lambda policy: policy.with_setting(key, raw_value),
            AuditAction.POLICY_SET,
            lambda _before, _after: {"key": key, "value": raw_value},
        )

    async def reset(self, guild_id: int, *, actor_id: int, keep: Sequence[str] = ()) -> GuildPolicy:
        """Return the guild to the default policy, but for the settings named in `keep`. The policy it
        replaces is kept in the audit entry, where a reset by mistake can be undone from."""
        return await self._change(
            guild_id,
            actor_id,
            lambda policy: GuildPolicy(**{name: getattr(policy, name) for name in keep}),
            AuditAction.POLICY_RESET,
            lambda before, _after: {"before": before.model_dump(mode="json")},
        )

    async def add_terms(
        self, guild_id: int, terms: Sequence[str], *, actor_id: int, kind: TermKind = "term"
    ) -> GuildPolicy:
        """Add banned terms or patterns; each is validated, a pattern with re2."""
        field = _term_field(kind)

        check_new_items(terms, kind)

        def change(policy: GuildPolicy) -> GuildPolicy:
            return policy.with_values(**{field: [*getattr(policy, field), *terms]})

        action = AuditAction.TERMS_ADDED if kind == "term" else AuditAction.PATTERNS_ADDED
        return await self._change(guild_id, actor_id, change, action, _changed_items(kind, adding=True))

    async def remove_terms(
        self, guild_id: int, terms: Sequence[str], *, actor_id: int, kind: TermKind = "term"
    ) -> GuildPolicy:
        """Remove banned terms (compared as the list compares them, see `term_key`: "clown" removes
        "CLOWN" and "cl0wn") or patterns (compared exactly); those of them not in the list are passed
        over, unless none is."""
        field = _term_field(kind)

        def same(a: str, b: str) -> bool:
            # Adding "clown" with "cl0wn" listed says it is banned already: removing it must find it.
            return a == b if kind == "pattern" else term_key(a) == term_key(b)

        def change(policy: GuildPolicy) -> GuildPolicy:
            current: list[str] = getattr(policy, field)
            if not any(same(t, c) for t in terms for c in current):
                raise InvalidPolicy(field, f"not in the list: {', '.join(terms)}")
            return policy.with_values(**{field: [c for c in current if not any(same(t, c) for t in terms)]})

        action = AuditAction.TERMS_REMOVED if kind == "term" else AuditAction.PATTERNS_REMOVED
        return await self._change(guild_id, actor_id, change, action, _changed_items(kind, adding=False))

    async def _change(
        self,
        guild_id: int,
        actor_id: int,
        change: Callable[[GuildPolicy], GuildPolicy],
        action: AuditAction,
        detail: Callable[[GuildPolicy, GuildPolicy], dict[str, Any] | None],
    ) -> GuildPolicy:
        """Apply `change` and record it with the detail made from the policy before and after; a
        detail of None means nothing changed, and nothing is written or recorded."""
        # Read, change, and write only if nobody wrote in between. Optimistic, so it works the same on
        # SQLite (no row locks) and PostgreSQL; a lost race re-reads and applies the change again.
        for attempt in range(_CHANGE_ATTEMPTS):
            try:
                async with self._sessions() as session, session.begin():
                    row = await session.get(GuildPolicyRow, guild_id)
                    current = _from_stored(row.policy, guild_id) if row else GuildPolicy()
                    policy = change(current)
                    entry = detail(current, policy)
                    if entry is None:
                        return policy
                    values = {
                        "policy": policy.model_dump(mode="json"),
                        "updated_at": utcnow(),
                        "updated_by": actor_id,
                    }
                    if row is None:
                        session.add(GuildPolicyRow(guild_id=guild_id, version=1, **values))
                    else:
                        written = await session.execute(
                            update(GuildPolicyRow)
                            .where(GuildPolicyRow.guild_id == guild_id, GuildPolicyRow.version == row.version)
                            .values(version=row.version + 1, **values)
                            .execution_options(synchronize_session=False)
                        )
                        if rowcount(written) != 1:
                            raise _LostRace
                    self._audit.stage(
                        session, guild_id=guild_id, actor_id=actor_id, action=action, detail=entry
                    )
                log.info("guild %d: policy %s by %d", guild_id, action.value, actor_id)
                return policy
            except (IntegrityError, _LostRace):
                log.debug("guild %d: policy change raced another (attempt %d)", guild_id, attempt + 1)
        raise RuntimeError(f"guild {guild_id}: the policy changed concurrently {_CHANGE_ATTEMPTS} times")


def changed_terms(before: GuildPolicy, after: GuildPolicy, kind: TermKind, *, adding: bool) -> list[str]:
    """The terms or patterns that went in (or out) between two policies, as listed, not as typed:
    "z3ppelin" with "zeppelin" banned adds nothing, and "CLOWN" removes "clown"."""
    field = _term_field(kind)
    old, new = getattr(before, field), getattr(after, field)
    return [item for item in new if item not in old] if adding else [item for item in old if item not in new]


def _changed_items(
    kind: TermKind, *, adding: bool
) -> Callable[[GuildPolicy, GuildPolicy], dict[str, Any] | None]:
    """The audit detail of a term change: the items that really changed; None when none did."""

    def detail(before: GuildPolicy, after: GuildPolicy) -> dict[str, Any] | None:
        items = changed_terms(before, after, kind, adding=adding)
        return {"kind": kind, "items": items} if items else None

    return detail


def _term_field(kind: TermKind) -> str:
    if kind not in get_args(TermKind):
        raise ValueError(f"kind must be 'term' or 'pattern', not {kind!r}")
    return "banned_terms" if kind == "term" else "banned_patterns"
