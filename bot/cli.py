"""`imagine-bot` command line: run the bot, migrate, make the demo model, generate, screen prompts."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.startup_errors import (
    EXIT_OPERATOR_ERROR,
    OperatorError,
    operator_errors,
    prepare_database,
    prepare_generation,
    read_service_settings,
    read_settings,
)
from generation.errors import (
    BackendError,
    GenerationError,
    InvalidImage,
    InvalidParameters,
    ModelUnavailable,
)
from generation.params import (
    GenerationParams,
    JobKind,
    Limits,
    Sampler,
    check_params,
    parse_aspect_ratio,
    seed_series,
    size_for_aspect,
)
from moderation.errors import (
    ClassifierUnavailable,
    InvalidPolicy,
    LicenseNotAccepted,
    ModerationError,
    SemanticUnavailable,
)

if TYPE_CHECKING:
    from PIL import Image

    from bot.app import Settings
    from moderation.settings import ModerationSettings

# The operator running the CLI acts as this user id in the store (Discord ids are never 0).
CLI_USER_ID = 0
# What a shell reports for a command stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
# `generate`: the license terms were shown but not accepted (--accept-license), the request was
# refused (screening, parameters), or the job ran and failed.
EXIT_TERMS_NOT_ACCEPTED = 3
EXIT_REFUSED = 4
EXIT_JOB_FAILED = 5
# `generate --image` without --strength.
DEFAULT_STRENGTH = 0.6

# The epilogs of `generate --help` and `screen --help`: what a script calling them can tell apart.
GENERATE_EXIT_STATUS = (
    "Exit status: 0 the images were written; 1 a safety classifier or the model could not be loaded; "
    f"{EXIT_OPERATOR_ERROR} a mistake in the command line or a setting, or an --out that cannot take "
    f"the images; {EXIT_TERMS_NOT_ACCEPTED} the license terms were shown but not accepted (run again "
    f"with --accept-license); {EXIT_REFUSED} the request was refused (screening, a server limit); "
    f"{EXIT_JOB_FAILED} the job ran and failed; {EXIT_INTERRUPTED} interrupted (Ctrl-C)."
)
SCREEN_EXIT_STATUS = (
    "Exit status: 0 every prompt was allowed; 1 some were blocked; "
    f"{EXIT_OPERATOR_ERROR} screening cannot run or was not done on every line (a setting, the "
    "policy file, the prompts file, the semantic model, or a line that starts with { and is not a JSON "
    "object of a prompt: its record says why)."
)

# The options of `generate` that set each generation parameter, where one does (`prompt` and `size`
# have none: the prompt is an argument, the size two options).
_OPTION_OF_FIELD = {
    "aspect": "--ar",
    "count": "--n",
    "n": "--n",
    "image": "--image",
    "negative": "--negative",
    "guidance": "--guidance",
    "steps": "--steps",
    "width": "--width",
    "height": "--height",
    "seed": "--seed",
    "sampler": "--sampler",
    "strength": "--strength",
}

# The service words failures and image problems for the Discord member whose job it is; at the terminal
# the operator reads them, and the log lines just above (the service logs each failure) say why.
_MEMBER_WORDING = (
    (" and the bot must be restarted; its operator can see why in the log", "; the log above says why"),
    ("; the bot's operator can see why in the log", "; the log above says why"),
    ("; upload it again, or save it again first", "; copy it again whole, or save it again first"),
    ("; upload it again", "; copy it again whole"),
)

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imagine-bot", description="Stable Diffusion for a Discord server.", parents=[_global_options()]
    )
    commands = parser.add_subparsers(dest="command")
    # The same options after the command name: `imagine-bot run -v` as well as `imagine-bot -v run`.
    # SUPPRESS there, or the command's unset default would overwrite what was given before it.
    in_command = [_global_options(default=argparse.SUPPRESS)]

    def command(
        name: str, summary: str, description: str | None = None, epilog: str | None = None
    ) -> argparse.ArgumentParser:
        """A subcommand whose own --help starts with the line the command list shows for it."""
        return commands.add_parser(
            name,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}." + (f" {description}" if description else ""),
            epilog=epilog,
            parents=in_command,
        )

    command(
        "run",
        "run the Discord bot (the default)",
        "Settings come from the environment and from .env in the current folder.",
    )
    command("migrate", "migrate the database to the newest revision", "The bot also migrates when it starts.")
    copy = command(
        "copy-database",
        "copy another database of the bot's into DATABASE_URL's (moving from SQLite to PostgreSQL)",
        "Jobs, images' records, policies, bans, acceptances and the audit log keep their numbers, so the "
        "image folder and the buttons of posted results go on working; DATABASE_URL's database must hold "
        "none of the bot's data yet. Stop the bot first.",
    )
    copy.add_argument(
        "source", help="the database to copy from, as a URL (like sqlite+aiosqlite:///data/imagine.db)"
    )

    demo = command(
        "make-demo-model",
        "write a tiny random-weight SD 1.x pipeline (offline)",
        "It draws noise, not pictures: it is for tests and for trying `generate` without a download.",
    )
    demo.add_argument("folder", type=Path, help="a new or empty folder to write the model into")

    generate = command(
        "generate",
        "run one job through the bot's generation service",
        "The images are copied into --out and their paths printed; a file already there is never "
        "written over (a name taken gets -2, -3 ... before .png).",
        GENERATE_EXIT_STATUS,
    )
    generate.add_argument("prompt", help="what to draw (flags inside it are not read: give them as options)")
    generate.add_argument(
        "--model",
        help="registry name, Hugging Face id, local folder, or .safetensors or .ckpt checkpoint file "
        "(default: GENERATION_DEFAULT_MODEL)",
    )
    generate.add_argument("--negative", default="", help="negative prompt: what to keep out (default: none)")
    generate.add_argument("--image", type=Path, help="init image for img2img; its shape sets the size")
    generate.add_argument(
        "--strength",
        type=float,
        help="img2img strength, 0.05-1, only with --image: how far from the image to go "
        f"(default: {DEFAULT_STRENGTH})",
    )
    generate.add_argument("--n", type=int, default=1, help="number of images, 1-4 (default: %(default)s)")
    generate.add_argument(
        "--seed", type=int, help="seed of the first image; the others follow it (default: random)"
    )
    generate.add_argument("--steps", type=int, help="denoising steps (default: the model's)")
    generate.add_argument("--guidance", type=float, help="guidance scale (CFG), 0-30 (default: the model's)")
    generate.add_argument("--sampler", help="Euler a, Euler, DPM++ 2M or DDIM (default: the model's)")
    generate.add_argument(
        "--width", type=int, help="image width in pixels, a multiple of 8 (default: the model's)"
    )
    generate.add_argument(
        "--height", type=int, help="image height in pixels, a multiple of 8 (default: the model's)"
    )
    generate.add_argument(
        "--ar", help="aspect ratio such as 16:9, at the model's pixel count (instead of --width and --height)"
    )
    generate.add_argument(
        "--out",
        type=Path,
        default=Path("out"),
        help="folder the images are copied into; made when missing (default: %(default)s)",
    )
    generate.add_argument(
        "--accept-license", action="store_true", help="accept the model license's use restrictions"
    )

    screen = command(
        "screen",
        "screen prompts as the bot would, one JSON verdict a line (exit 1 if any was blocked)",
        'Each line is a prompt, or a JSON object {"prompt": ..., "negative_prompt": ..., '
        '"image": true} ("image": it edits an attached picture); inline flags (--no text) are read as '
        "/imagine reads them.",
        SCREEN_EXIT_STATUS,
    )
    screen.add_argument("file", nargs="?", type=Path, help="prompts, one a line (default: standard input)")
    screen.add_argument("--policy", type=Path, help="a guild policy as JSON, to try before applying it")
    screen.add_argument(
        "--semantic",
        action="store_true",
        help="also run the semantic screener (the bot does with MODERATION_SEMANTIC=true)",
    )
    return parser


def _global_options(default: object = False) -> argparse.ArgumentParser:
    """The options every command takes, before or after its name (`default`: their value when unset)."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("-v", "--verbose", action="store_true", default=default, help="debug logging")
    return options


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Third-party progress bars and chatter would bury the bot's own lines.
    for noisy in ("diffusers", "transformers", "httpx", "discord.gateway"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not args.verbose:
        # Alembic logs its plugins on import and each step it takes; `migrations` says in one line
        # when it migrates, and -v shows Alembic's detail again.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    command = args.command or "run"
    try:
        if command == "run":
            _run()
        elif command == "migrate":
            _migrate()
        elif command == "copy-database":
            _copy_database(args.source)
        elif command == "make-demo-model":
            from generation.demo_model import make_demo_model

            _check_demo_folder(args.folder)
            try:
                path = make_demo_model(args.folder)
            except OSError as exc:
                raise OperatorError(
                    f"error: make-demo-model: cannot write in {args.folder}: {exc.strerror or exc}"
                ) from None
            print(f"tiny random-weight model written to {path}")
        elif command == "generate":
            sys.exit(_generate(args))
        elif command == "screen":
            sys.exit(_screen(args))
    except KeyboardInterrupt:
        # Ctrl-C ends quietly, with the status a shell expects. In `generate`, asyncio.run has already
        # cancelled the command, so its `finally` closed what it opened.
        raise SystemExit(EXIT_INTERRUPTED) from None
    except OperatorError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        raise SystemExit(EXIT_OPERATOR_ERROR) from None
    except (ClassifierUnavailable, SemanticUnavailable) as exc:
        raise SystemExit(f"refusing to start: {exc}") from None
    except (ModelUnavailable, BackendError) as exc:
        raise SystemExit(f"cannot start: {exc}") from None


def _run() -> None:
    from bot.settings import BotSettings, token_help

    # The token first: without it nothing else (least of all a model) is worth loading. Missing, it is
    # a setting's mistake like a malformed one: status 2.
    bot_settings = read_settings(BotSettings)
    if bot_settings.token is None:
        raise OperatorError(token_help())
    # Then every setting and the database, checked in a second rather than after the model loads.
    settings = read_service_settings()
    prepare_database(settings.database)
    prepare_generation(settings.generation)

    from bot.runner import run_bot

    with operator_errors(settings, contacts_discord=True):
        run_bot(bot_settings, settings)


def _migrate() -> None:
    import migrations
    from moderation.database import DatabaseSettings

    database = read_settings(DatabaseSettings)
    prepare_database(database)
    try:
        migrations.upgrade(database.url)
    except migrations.DatabaseProblem as exc:
        raise OperatorError(str(exc)) from None
    print(f"database at {migrations.describe(migrations.check_url(database.url))} is at the newest revision")


def _copy_database(source: str) -> None:
    import migrations
    from migrations.copy import copy_database
    from moderation.database import DatabaseSettings

    database = read_settings(DatabaseSettings)
    prepare_database(database)
    try:
        report = asyncio.run(copy_database(source, database.url))
    except migrations.DatabaseProblem as exc:
        raise OperatorError(str(exc)) from None
    copied = ", ".join(f"{rows} {table}" for table, rows in report.rows.items() if rows) or "nothing"
    where = migrations.describe(migrations.check_url(database.url))
    print(f"copied into the database at {where}: {copied}")
    # The copy took the source's name, which the image folder records (see migrations.copy).
    print("the image folder goes on with this database; the old one, started on it again, stops at start")


def _generate(args: argparse.Namespace) -> int:
    settings = read_service_settings()
    # Load only the model asked for, when it is needed; a terminal shows no previews.
    settings.generation.warmup = False
    settings.generation.preview_interval_s = 0
    model_name, spec = settings.generation.spec(args.model)
    # Everything the command line can get wrong is refused here, before a model loads for nothing.
    init = _read_init_image(args.image)
    kind = JobKind.IMG2IMG if init is not None else JobKind.TXT2IMG
    try:
        params = _cli_params(
            args,
            model_name,
            spec.width,
            spec.height,
            spec.steps,
            spec.guidance,
            spec.sampler,
            spec.pixel_budget,
        )
        # The bounds no server policy can raise; the service checks again against the policy in force.
        check_params(params, kind, Limits())
    except InvalidParameters as exc:
        print(f"error: {_parameter_problem(exc)}", file=sys.stderr)
        return EXIT_OPERATOR_ERROR
    _check_out_folder(args.out)
    prepare_database(settings.database)
    prepare_generation(settings.generation, model=(model_name, spec))
    return asyncio.run(_run_job(args, settings, params, kind, init))


async def _run_job(
    args: argparse.Namespace,
    settings: Settings,
    params: GenerationParams,
    kind: JobKind,
    init: Image.Image | None,
) -> int:
    from bot.app import build_services
    from generation.service import JobRequest

    with operator_errors(settings):
        services = await build_services(settings, model=args.model)
    try:
        service = services.generation
        license_ = service.license_for(params.model)
        # The CLI runs its own job only; queued jobs in a shared store are the bot's to resume.
        with operator_errors(settings):
            await service.start(owns_guild=lambda _guild: False)
        # Only once the start that can fail (the image folder another database's) has passed: a
        # failed start leaves the database without rows, which copy-database requires of it.
        if args.accept_license:
            await services.licenses.accept(CLI_USER_ID, license_)
        request = JobRequest(user_id=CLI_USER_ID, params=params, kind=kind, init_image=init)
        try:
            submitted = await service.submit(request)
        except LicenseNotAccepted as exc:
            print(exc.license.terms_text(), file=sys.stderr)
            print("\nRun again with --accept-license to accept these terms.", file=sys.stderr)
            return EXIT_TERMS_NOT_ACCEPTED
        except InvalidParameters as exc:
            print(f"refused: {_parameter_problem(exc)}", file=sys.stderr)
            return EXIT_REFUSED
        except (ModerationError, GenerationError) as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        job = await service.wait(submitted.job.id)
        if job.status.value != "done":
            print(f"job {job.id} {job.status.value}: {_for_the_operator(job.error or '')}", file=sys.stderr)
            return EXIT_JOB_FAILED
        try:
            args.out.mkdir(parents=True, exist_ok=True)
            for image in job.images:
                if image.path is None:
                    print(f"image {image.index + 1} withheld: {image.reason}", file=sys.stderr)
                    continue
                stem = f"job{job.id}-{image.index}-seed{image.seed}"
                print(_copy_to_new_file(Path(image.path), args.out, stem))
        except OSError as exc:
            # Checked before the job, --out can still fail now: a folder the check could not judge
            # (/proc), one removed meanwhile, a full disk. The job's images stay in the image folder.
            kept = next((Path(image.path).parent for image in job.images if image.path), None)
            where = f" (job {job.id}'s images are kept in {kept})" if kept else ""
            print(
                f"error: --out {args.out}: cannot write the images there: {exc.strerror or exc}{where}",
                file=sys.stderr,
            )
            return EXIT_OPERATOR_ERROR
        return 0
    finally:
        await services.close()


def _cli_params(
    args: argparse.Namespace,
    model: str,
    width: int,
    height: int,
    steps: int,
    guidance: float,
    sampler: Sampler,
    pixel_budget: int,
) -> GenerationParams:
    # Refused, as /imagine refuses them, rather than one of two options silently winning or one ignored.
    given_size = args.width is not None or args.height is not None
    if args.image is not None and (args.ar or given_size):
        raise InvalidParameters(
            "aspect", "with --image the image's shape is used; drop --ar, --width and --height"
        )
    if args.ar and given_size:
        raise InvalidParameters("aspect", "give either --ar or --width and --height, not both")
    if args.strength is not None and args.image is None:
        raise InvalidParameters(
            "strength", "--strength only applies with --image (img2img); give an image or drop --strength"
        )
    if args.ar:
        width, height = size_for_aspect(*parse_aspect_ratio(args.ar), pixel_budget)
    if not 1 <= args.n <= 4:
        raise InvalidParameters("n", "--n must be between 1 and 4")
    seeds = seed_series(args.seed, args.n)
    return GenerationParams(
        prompt=args.prompt,
        model=model,
        negative_prompt=args.negative,
        # `is None`, not `or`: an explicit 0 must reach the checks and be refused, not become a default.
        width=width if args.width is None else args.width,
        height=height if args.height is None else args.height,
        steps=steps if args.steps is None else args.steps,
        guidance=guidance if args.guidance is None else args.guidance,
        sampler=Sampler.parse(args.sampler) if args.sampler else sampler,
        strength=DEFAULT_STRENGTH if args.strength is None else args.strength,
        seeds=seeds,
    )


def _parameter_problem(exc: InvalidParameters) -> str:
    """What is wrong with a parameter, naming the option that sets it once: the service's reasons
    start with the parameter's name for /imagine ("width 100000 must be ..."), which a prefix of the
    field's name would repeat."""
    option = _OPTION_OF_FIELD.get(exc.field)
    reason = exc.reason
    if option is None:
        named = re.search(rf"\b{re.escape(exc.field)}", reason) is not None
        return reason if named else f"{exc.field}: {reason}"
    if option in reason:
        return reason
    if option == f"--{exc.field}" and reason.startswith(f"{exc.field} "):
        return f"{option}{reason.removeprefix(exc.field)}"
    return f"{option}: {reason}"


def _for_the_operator(text: str) -> str:
    """A message written for a Discord member, worded for the operator at the terminal."""
    for member_words, operator_words in _MEMBER_WORDING:
        text = text.replace(member_words, operator_words)
    return text


def _copy_to_new_file(source: Path, folder: Path, stem: str) -> Path:
    """Copy `source` into `folder` as `stem`.png, or as `stem`-2.png, -3 ... when that name is taken;
    the path written.

    A file there is never written over: a new database numbers its jobs from 1 again, so an earlier
    run's image can have the very name. Each name is taken by creating the file exclusively (O_EXCL),
    not by looking first, so two runs into one folder at once never both take it, and a link of that
    name is not followed.
    """
    with source.open("rb") as original:
        target, taken = folder / f"{stem}.png", 1
        while True:
            try:
                copy = target.open("xb")
                break
            except FileExistsError:
                taken += 1
                target = folder / f"{stem}-{taken}.png"
        try:
            with copy:
                shutil.copyfileobj(original, copy)
        except BaseException:
            # The name is ours alone since the create: no half image is left under it.
            target.unlink(missing_ok=True)
            raise
    return target


def _read_init_image(path: Path | None) -> Image.Image | None:
    """The --image file, decoded as the service would, or OperatorError saying why it cannot be used."""
    if path is None:
        return None
    from generation.imagefiles import decode_image

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OperatorError(f"error: --image {path}: {exc.strerror or exc}") from None
    try:
        return decode_image(data)
    except InvalidImage as exc:
        raise OperatorError(f"error: --image {path}: {_for_the_operator(exc.reason)}") from None


def _check_out_folder(out: Path) -> None:
    """Refuse an --out the images could not be copied into (it is created when missing)."""
    if out.exists() and not out.is_dir():
        raise OperatorError(f"error: --out {out} is a file; give a folder for the images")
    # The folder is created at the end; the nearest part of its path that exists must let it be.
    existing = next(folder for folder in (out.absolute(), *out.absolute().parents) if folder.exists())
    if not existing.is_dir():
        raise OperatorError(f"error: --out {out}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OperatorError(f"error: --out {out}: no permission to write in {existing}")


def _check_demo_folder(folder: Path) -> None:
    """Refuse a folder that holds anything, even an empty or hidden folder: the model is written only
    into a new or empty folder (README), so that it never mixes with, or writes over, what is there."""
    if folder.exists() and not folder.is_dir():
        raise OperatorError(f"error: make-demo-model: {folder} is a file; give a new or empty folder")
    try:
        held = sorted(entry.name for entry in folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:
        raise OperatorError(f"error: make-demo-model: cannot read {folder}: {exc.strerror or exc}") from None
    if held:
        shown = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
        raise OperatorError(
            f"error: make-demo-model: {folder} is not empty (it holds {shown}); give a new or empty "
            "folder (to make the demo model again, delete the old one first)"
        )


def _screen(args: argparse.Namespace) -> int:
    from bot.startup_errors import read_settings
    from moderation.screen_cli import load_policy_file, run_screen
    from moderation.screening import PromptScreener
    from moderation.semantic import SemanticScreener
    from moderation.settings import ModerationSettings

    # The bot's own moderation settings: the verdicts are the ones its members would get.
    settings = read_settings(ModerationSettings)
    try:
        policy = load_policy_file(args.policy) if args.policy else None
        # Standard input is read, not closed.
        prompts: contextlib.AbstractContextManager[TextIO] = (
            args.file.open(encoding="utf-8") if args.file else contextlib.nullcontext(sys.stdin)
        )
    except InvalidPolicy as exc:
        # A file that cannot be read as a policy says so with its name; a setting in it is named too.
        where = "--policy: " if exc.key == "policy" else f"--policy {args.policy}: {exc.key}: "
        print(f"error: {where}{exc.reason}", file=sys.stderr)
        return EXIT_OPERATOR_ERROR
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_OPERATOR_ERROR
    source = args.file or "standard input"
    with prompts as lines:
        semantic = None
        if args.semantic or settings.semantic:
            try:
                semantic = SemanticScreener.load(settings)
            except SemanticUnavailable as exc:
                print(f"error: {_semantic_problem(exc, settings, asked=args.semantic)}", file=sys.stderr)
                return EXIT_OPERATOR_ERROR
        try:
            tally = run_screen(
                lines,
                sys.stdout,
                policy=policy,
                screener=PromptScreener(semantic=semantic),
                read_flags=_prompt_and_negative,
            )
        except UnicodeDecodeError:
            # Read line by line: the verdicts of the lines before it are out already.
            print(f"error: cannot read {source}: not UTF-8 text", file=sys.stderr)
            return EXIT_OPERATOR_ERROR
    if tally.malformed:
        # Not "blocked" (1): a script gating a policy change must not take an unscreened line for one.
        lines_were = "line was" if tally.malformed == 1 else "lines were"
        print(
            f"error: {tally.malformed} {lines_were} not screened in {source}: a line starting with {{ "
            'must be a JSON object with "prompt" (each one\'s "error" record says why)',
            file=sys.stderr,
        )
        return EXIT_OPERATOR_ERROR
    # Exit 1 when anything was blocked (a count could pass 255 and wrap around).
    return min(tally.blocked, 1)


def _semantic_problem(exc: SemanticUnavailable, settings: ModerationSettings, *, asked: bool) -> str:
    """Why the semantic screener cannot run, naming the setting that points at its model (or, with
    none, what asked for it), without the bot's "refusing to start": `screen` starts no bot."""
    folder = settings.semantic_model_path
    if folder and str(Path(folder)) in str(exc):  # not a missing package: the folder it names
        return (
            f"MODERATION_SEMANTIC_MODEL_PATH: {exc}; point it at a sentence-transformers model folder "
            "(one holding config.json), or unset it to use the 'semantic' extra's model"
        )
    return f"{'--semantic' if asked else 'MODERATION_SEMANTIC'}: {exc}"


def _prompt_and_negative(text: str) -> tuple[str, str | None]:
    """A line's prompt and `--no` as `/imagine` reads them. A line the bot would refuse for its flags
    is screened whole, so that its words are judged all the same."""
    from bot.errors import FlagError
    from bot.flags import parse_flags

    try:
        flags = parse_flags(text)
    except (FlagError, InvalidParameters):
        return text, None
    return flags.prompt, flags.negative


if __name__ == "__main__":
    main()
