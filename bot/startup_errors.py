"""Configuration and environment mistakes, told to the operator in a line each instead of a traceback.

Only mistakes an operator makes and can fix (a setting out of range, a database URL without its async
driver, a database that cannot be reached, a token Discord refuses, a port in use) are turned into
lines. Anything else keeps its traceback: it is a bug to report, not a setting to change.
"""

from __future__ import annotations

import difflib
import errno
import json
import os
import re
import socket
import tempfile
import types
import typing
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union

from dotenv import dotenv_values
from pydantic import TypeAdapter, ValidationError
from pydantic_settings import BaseSettings, SettingsError

if TYPE_CHECKING:
    from bot.app import Settings
    from generation.settings import GenerationSettings, ModelSpec
    from moderation.database import DatabaseSettings

SettingsT = TypeVar("SettingsT", bound=BaseSettings)

# The exit status for an operator mistake, as argparse uses for a bad command line.
EXIT_OPERATOR_ERROR = 2

# Values echoed back are cut at this length, and never for fields that may hold a secret.
_MAX_ECHOED_VALUE = 60
_SECRET_FIELDS = ("token", "url", "password", "secret", "key")

LOGIN_FAILURE_HELP = (
    "Discord refused the token in DISCORD_TOKEN: reset it in the developer portal "
    "(https://discord.com/developers/applications, your application, Bot, Reset Token) "
    "and put the new one in .env as DISCORD_TOKEN=..."
)

# pydantic error types of settings that are read as JSON from the environment.
_JSON_TYPES = {"tuple_type", "list_type", "set_type", "dict_type"}

_FIELD_IN_SETTINGS_ERROR = re.compile(r'field "(?P<field>\w+)" from source "(?P<source>\w+)"')

# Every settings class reads this file in the working folder (their `env_file`).
ENV_FILE = Path(".env")

# How alike a name must be to a setting's to be taken for a misspelling of it (difflib's ratio).
_MISSPELT_CUTOFF = 0.8


class OperatorError(Exception):
    """A mistake the operator can fix; `lines` say what and how, one problem a line."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def read_settings(cls: type[SettingsT]) -> SettingsT:
    """Read one settings class from the environment and .env, or raise OperatorError naming each
    variable that is wrong (GENERATION_GPU_SLOTS, not the field gpu_slots)."""
    problems = unknown_variable_lines(cls, read_env_file(), os.environ)
    try:
        settings = cls()
    except ValidationError as exc:
        problems += validation_lines(exc, cls)
    except SettingsError as exc:
        problems.append(_settings_source_line(exc, cls))
    if problems:
        raise OperatorError(*problems)
    return settings


def read_service_settings() -> Settings:
    """Every package's settings (generation, moderation, database), reporting all their problems at once."""
    from bot.app import Settings
    from generation.settings import GenerationSettings
    from moderation.database import DatabaseSettings
    from moderation.settings import ModerationSettings

    problems: list[str] = []

    def read(cls: type[SettingsT]) -> SettingsT | None:
        try:
            return read_settings(cls)
        except OperatorError as exc:
            problems.extend(exc.lines)
            return None

    generation = read(GenerationSettings)
    moderation = read(ModerationSettings)
    database = read(DatabaseSettings)
    if generation is None or moderation is None or database is None:
        # A problem of .env itself comes from each class: tell it once.
        raise OperatorError(*dict.fromkeys(problems))
    return Settings(generation=generation, moderation=moderation, database=database)


def read_env_file() -> dict[str, str | None]:
    """The variables .env sets (none when there is no .env), or OperatorError for a .env that
    pydantic-settings would pass over without a word (a folder, a link to nothing) or stop on with a
    traceback (unreadable, not UTF-8)."""
    if ENV_FILE.is_fifo():
        # A pipe (from a secrets manager) gives its text once: it is the settings' to read.
        return {}
    if ENV_FILE.is_dir():
        raise OperatorError(
            ".env is a folder: settings go in a file named .env, one NAME=value a line "
            "(copy .env.example to start from)"
        )
    if ENV_FILE.is_symlink() and not ENV_FILE.exists():
        raise OperatorError(
            f".env links to {os.readlink(ENV_FILE)}, which does not exist: "
            "make the link point at your settings file, or replace it with the file"
        )
    if not ENV_FILE.exists():
        return {}
    try:
        # As pydantic-settings reads it.
        return dotenv_values(ENV_FILE, encoding="utf-8")
    except UnicodeDecodeError:
        raise OperatorError(".env is not UTF-8 text: save it again as UTF-8") from None
    except OSError as exc:
        raise OperatorError(
            f".env cannot be read: {exc.strerror}; let the user that runs the bot read it "
            "(chown that user .env && chmod 600 .env)"
        ) from None


def unknown_variable_lines(
    cls: type[BaseSettings], env_file: Mapping[str, str | None], environment: Mapping[str, str]
) -> list[str]:
    """A line for each variable meant for `cls` that no setting has, which pydantic-settings passes
    over without a word: a misspelt name (DISCROD_TOKEN), in .env or the environment, or in .env a
    name left without its prefix (MAX_BATCH) or under the prefix of `cls`.

    Other names are left alone: the environment, and a .env shared with other tools, hold theirs.
    """
    owners = {_variable(owner, field): owner for owner in _settings_classes() for field in owner.model_fields}
    # In .env a setting's name without its prefix is taken for it too ("TOKEN" for DISCORD_TOKEN); the
    # environment is full of short names that belong to other programs.
    unprefixed = {
        field.upper(): _variable(owner, field)
        for owner in _settings_classes()
        for field in owner.model_fields
    }
    lines = []
    for source, names, candidates in (
        (".env", env_file, {**unprefixed, **{name: name for name in owners}}),
        ("the environment", environment, {name: name for name in owners}),
    ):
        for name in names:
            if name.upper() in owners:
                continue
            alike = difflib.get_close_matches(name.upper(), candidates, n=1, cutoff=_MISSPELT_CUTOFF)
            if alike:
                meant = candidates[alike[0]]
                if owners[meant] is cls:
                    lines.append(f"{name} (in {source}): no setting has this name; did you mean {meant}?")
            elif source == ".env" and name.upper().startswith(_prefix(cls)):
                lines.append(f"{name} (in .env): no setting has this name; .env.example lists every one")
    return lines


def _settings_classes() -> list[type[BaseSettings]]:
    from bot.settings import BotSettings
    from generation.settings import GenerationSettings
    from moderation.database import DatabaseSettings
    from moderation.settings import ModerationSettings

    return [BotSettings, GenerationSettings, ModerationSettings, DatabaseSettings]


def _prefix(cls: type[BaseSettings]) -> str:
    return str(cls.model_config.get("env_prefix", "")).upper()


def _variable(cls: type[BaseSettings], field: str) -> str:
    """The variable a field is set with: GENERATION_GPU_SLOTS for gpu_slots."""
    return f"{_prefix(cls)}{field}".upper()


def validation_lines(exc: ValidationError, cls: type[BaseSettings]) -> list[str]:
    """One `ENV_NAME: message` line per validation error of the settings class `cls`."""
    prefix = _prefix(cls)
    lines = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        location = error["loc"]
        if not location:
            # A check across fields (its message names them): no single variable to point at.
            lines.append(f"{prefix}* settings: {message}")
            continue
        field = str(location[0])
        inner = ".".join(str(part) for part in location[1:])
        if inner:
            message = f"{inner}: {message}"
        value = error.get("input")
        if error["type"] in _JSON_TYPES and not inner:
            # A list given as plain text (DISCORD_SHARD_IDS=0,1), or as one JSON number or string.
            message = f"{message}; {_json_form(cls, field, value)}"
        elif (
            isinstance(value, str)
            and len(value) <= _MAX_ECHOED_VALUE
            and repr(value) not in message
            and not any(secret in field for secret in _SECRET_FIELDS)
        ):
            message = f"{message} (got {value!r})"
        lines.append(f"{prefix}{field}".upper() + f": {message}")
    return lines


def _settings_source_line(exc: SettingsError, cls: type[BaseSettings]) -> str:
    """pydantic-settings could not parse a value (JSON settings: models, lists) before validation."""
    prefix = _prefix(cls)
    found = _FIELD_IN_SETTINGS_ERROR.search(str(exc))
    if found is None:
        return f"{prefix}* settings: {exc}"
    name = f"{prefix}{found['field']}".upper()
    where = " (in .env)" if "DotEnv" in found["source"] else ""
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError):
        return f"{name}{where}: not valid JSON ({cause}); {_json_form(cls, found['field'], cause.doc)}"
    return f"{name}{where}: cannot be read ({cause or exc})"


def _json_form(cls: type[BaseSettings], field: str, value: object) -> str:
    """How a list or mapping setting is written: a list as the operator's own items in JSON
    (GENERATION_BATCH_BUCKETS=[1, 4, 16] for 1,4,16), a mapping as its default shows it."""
    info = cls.model_fields[field]
    name = _variable(cls, field)
    container = _without_none(info.annotation)
    if typing.get_origin(container) is dict:
        default = info.get_default(call_default_factory=True)
        example = TypeAdapter(container).dump_json(default, exclude_defaults=True).decode()
        return f"write a JSON object, like {name}={example}"
    item_type = _without_none(typing.get_args(container)[0])
    if typing.get_origin(item_type) is Annotated:
        item_type = typing.get_args(item_type)[0]
    text = value if isinstance(value, str) else json.dumps(value)
    items: list[object] = [
        int(item) if item_type is int and item.isdigit() else item
        for item in (part.strip().strip("\"'") for part in re.split(r"[,;\s]+", text.strip().strip("[]")))
        if item
    ]
    return f"write a JSON list: {name}={json.dumps(items)}"


def _without_none(annotation: Any) -> Any:
    """`X` of an optional `X | None`."""
    arguments = [argument for argument in typing.get_args(annotation) if argument is not type(None)]
    if typing.get_origin(annotation) in (Union, types.UnionType) and len(arguments) == 1:
        return arguments[0]
    return annotation


def prepare_database(database: DatabaseSettings) -> None:
    """Check DATABASE_URL, create a SQLite file's folder, and check the database can be reached and
    is at a revision this version knows, all before anything slow (a model) loads."""
    import migrations

    try:
        migrations.check_url(database.url)
    except migrations.DatabaseProblem as exc:
        raise OperatorError(str(exc)) from None
    try:
        database.ensure_sqlite_folder()
    except OSError as exc:
        reason = "it exists and is not a folder" if isinstance(exc, FileExistsError) else exc.strerror
        raise OperatorError(
            f"DATABASE_URL: cannot create the folder {exc.filename} for the SQLite database: {reason}"
        ) from None
    sqlite_file = database.sqlite_file
    # Opened for reading, SQLite would say nothing until the first job is stored.
    if sqlite_file is not None and not os.access(sqlite_file.parent, os.W_OK | os.X_OK):
        raise OperatorError(
            f"DATABASE_URL: this user may not write in {sqlite_file.parent}, where the SQLite database "
            "keeps its journal files beside it: let the user that runs the bot write there, or name "
            "another folder"
        )
    if sqlite_file is not None and sqlite_file.exists() and not os.access(sqlite_file, os.W_OK):
        raise OperatorError(
            f"DATABASE_URL: the SQLite database {sqlite_file} is read-only for this user: "
            "let the user that runs the bot write it"
        )
    try:
        migrations.check(database.url)
    except migrations.DatabaseProblem as exc:
        raise OperatorError(str(exc)) from None


def prepare_generation(generation: GenerationSettings, *, model: tuple[str, ModelSpec] | None = None) -> None:
    """Check what generation needs of this machine before anything slow loads: a folder that takes
    images and, generating here (Ray replicas load models on their own machines), the models' files
    and folders (the registry's, and `model` when a command names one outside it) and the device
    GENERATION_DEVICE names."""
    prepare_folder(generation.image_dir, "GENERATION_IMAGE_DIR", "store images")
    if generation.backend != "inprocess":
        return
    if generation.compile:
        # Compiled kernels are cached there; found unusable only after the model loaded, otherwise.
        prepare_folder(generation.compile_cache_dir, "GENERATION_COMPILE_CACHE_DIR", "cache compiled kernels")
    # The model loaded at start (the default, or the one a command names), whose parts give the safety
    # checker too, must be downloadable now; the others only when a job asks for them.
    loading, _ = model or generation.spec(None)
    problems = [
        f"GENERATION_MODELS: {name}.{field}: {problem}"
        for name, spec in generation.models.items()
        for field, problem in spec.path_problems(loads_now=name == loading).items()
    ]
    if model is not None and model[0] not in generation.models:
        registered = ", ".join(generation.models)
        problems += [
            f"--model: {model[0]!r} is not a model in GENERATION_MODELS ({registered}), and {problem}"
            for problem in model[1].path_problems(loads_now=True).values()
        ]
    if problems:
        raise OperatorError(
            *problems,
            "(a model is a diffusers folder, a .safetensors or .ckpt file, "
            "or a Hugging Face id like org/name)",
        )
    from generation.engine import missing_device

    if problem := missing_device(generation.device):
        raise OperatorError(f"GENERATION_DEVICE: {problem}")


def prepare_folder(folder: Path, setting: str, purpose: str) -> None:
    """Create the folder a setting names and check it takes files: what writes there (a job's images,
    compiled kernels) would find out only once it has made them."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
    except OSError as exc:
        reason = (
            "it is not a folder" if isinstance(exc, FileExistsError | NotADirectoryError) else exc.strerror
        )
        raise OperatorError(f"{setting}: cannot {purpose} in {folder}: {reason}") from None


@contextmanager
def operator_errors(settings: Settings, *, contacts_discord: bool = False) -> Iterator[None]:
    """Turn the known operator mistakes raised inside into OperatorError; let everything else through."""
    try:
        yield
    except Exception as exc:
        problem = explain(exc, settings, contacts_discord=contacts_discord)
        if problem is None:
            raise
        raise OperatorError(problem) from exc


def explain(exc: BaseException, settings: Settings, *, contacts_discord: bool = False) -> str | None:
    """What to tell the operator about `exc`, or None when it is not a known operator mistake."""
    import migrations

    if isinstance(exc, migrations.DatabaseProblem):
        return str(exc)
    from generation.errors import ImageFolderTaken

    if isinstance(exc, ImageFolderTaken):
        return (
            f"GENERATION_IMAGE_DIR: {exc.folder} holds the images of another database than DATABASE_URL's; "
            "its job numbers would overwrite them. Point GENERATION_IMAGE_DIR at a new folder, or "
            "DATABASE_URL at that folder's database (imagine-bot copy-database copies one database "
            "into another, so that the folder goes on with the copy: after a copy, the copy's)"
        )
    if contacts_discord:
        import aiohttp
        import discord

        if isinstance(exc, discord.LoginFailure):
            return LOGIN_FAILURE_HELP
        if isinstance(exc, aiohttp.ClientConnectorError):
            cause = exc.os_error if isinstance(exc.os_error, OSError) else None
            reason = migrations.os_error_reason(cause) if cause is not None else str(exc)
            return (
                f"cannot reach Discord at {exc.host}:{exc.port}: {reason} "
                "(check the network, a firewall or proxy, and DISCORD_API_BASE if it is set)"
            )
    if isinstance(exc, OSError) and settings.generation.metrics_port:
        # Nothing else in the process listens on a port: a bind error is the metrics server's.
        host, port = settings.generation.metrics_host, settings.generation.metrics_port
        if exc.errno == errno.EADDRINUSE:
            return (
                f"GENERATION_METRICS_PORT: port {port} on {host} is already in use; stop what holds it, "
                "pick another port, or set 0 to turn the metrics server off"
            )
        if exc.errno == errno.EADDRNOTAVAIL:
            return f"GENERATION_METRICS_HOST: {host} is not an address of this machine; use 127.0.0.1"
        if isinstance(exc, socket.gaierror):
            return f"GENERATION_METRICS_HOST: cannot resolve {host} ({exc.strerror}); use 127.0.0.1"
        if exc.errno == errno.EACCES:
            return (
                f"GENERATION_METRICS_PORT: port {port} needs privileges this process lacks; "
                "use one above 1023"
            )
    return None
