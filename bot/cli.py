"""`imagine-bot` command line: run the bot, migrate, make the demo model, generate, screen prompts."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from generation.errors import BackendError, GenerationError, InvalidParameters, ModelUnavailable
from generation.params import (
    GenerationParams,
    JobKind,
    Sampler,
    new_seed,
    parse_aspect_ratio,
    size_for_aspect,
)
from moderation.errors import ClassifierUnavailable, LicenseNotAccepted, ModerationError

# The operator running the CLI acts as this user id in the store (Discord ids are never 0).
CLI_USER_ID = 0

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imagine-bot", description="Stable Diffusion for a Discord server.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command")

    commands.add_parser("run", help="run the Discord bot (the default)")
    commands.add_parser("migrate", help="migrate the database to the newest revision")

    demo = commands.add_parser("make-demo-model", help="write a tiny random-weight SD 1.x pipeline (offline)")
    demo.add_argument("folder", type=Path)

    generate = commands.add_parser("generate", help="run one job through the bot's generation service")
    generate.add_argument("prompt")
    generate.add_argument("--model", help="registry name, Hugging Face id or local folder")
    generate.add_argument("--negative", default="", help="negative prompt")
    generate.add_argument("--image", type=Path, help="init image for img2img")
    generate.add_argument("--strength", type=float, default=0.6, help="img2img strength (0.05-1)")
    generate.add_argument("--n", type=int, default=1, help="number of images (1-4)")
    generate.add_argument("--seed", type=int, help="seed of the first image; the others follow it")
    generate.add_argument("--steps", type=int)
    generate.add_argument("--guidance", type=float)
    generate.add_argument("--sampler", help="Euler a, Euler, DPM++ 2M or DDIM")
    generate.add_argument("--width", type=int)
    generate.add_argument("--height", type=int)
    generate.add_argument("--ar", help="aspect ratio such as 16:9 (instead of width and height)")
    generate.add_argument("--out", type=Path, default=Path("out"))
    generate.add_argument(
        "--accept-license", action="store_true", help="accept the model license's use restrictions"
    )

    screen = commands.add_parser("screen", help="screen prompts from standard input, one JSON verdict a line")
    screen.add_argument("--policy", type=Path, help="a guild policy as JSON, to try before applying it")
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Third-party progress bars and chatter would bury the bot's own lines.
    for noisy in ("diffusers", "transformers", "httpx", "discord.gateway"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    command = args.command or "run"
    try:
        if command == "run":
            from bot.runner import run_bot

            run_bot()
        elif command == "migrate":
            import migrations
            from moderation.database import DatabaseSettings

            database = DatabaseSettings()
            database.ensure_sqlite_folder()
            migrations.upgrade(database.url)
            print(f"database at {database.url.split('@')[-1]} is at the newest revision")
        elif command == "make-demo-model":
            from generation.demo_model import make_demo_model

            path = make_demo_model(args.folder)
            print(f"tiny random-weight model written to {path}")
        elif command == "generate":
            sys.exit(asyncio.run(_generate(args)))
        elif command == "screen":
            sys.exit(_screen(args))
    except ClassifierUnavailable as exc:
        raise SystemExit(f"refusing to start: {exc}") from None
    except (ModelUnavailable, BackendError) as exc:
        raise SystemExit(f"cannot start: {exc}") from None


async def _generate(args: argparse.Namespace) -> int:
    from bot.app import Settings, build_services
    from generation.service import JobRequest

    settings = Settings()
    # Load only the model asked for, when it is needed; a terminal shows no previews.
    settings.generation.warmup = False
    settings.generation.preview_interval_s = 0
    model_name, spec = settings.generation.spec(args.model)
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
    except InvalidParameters as exc:
        print(f"error: {exc.field}: {exc.reason}", file=sys.stderr)
        return 2
    services = await build_services(settings, model=args.model)
    try:
        service = services.generation
        license_ = service.license_for(model_name)
        if args.accept_license:
            await services.licenses.accept(CLI_USER_ID, license_)
        # The CLI runs its own job only; queued jobs in a shared store are the bot's to resume.
        await service.start(owns_guild=lambda _guild: False)
        init = args.image.read_bytes() if args.image else None
        request = JobRequest(
            user_id=CLI_USER_ID,
            params=params,
            kind=JobKind.IMG2IMG if init is not None else JobKind.TXT2IMG,
            init_image=init,
        )
        try:
            submitted = await service.submit(request)
        except LicenseNotAccepted as exc:
            print(exc.license.terms_text(), file=sys.stderr)
            print("\nRun again with --accept-license to accept these terms.", file=sys.stderr)
            return 3
        except (ModerationError, GenerationError) as exc:
            print(f"refused: {exc}", file=sys.stderr)
            return 4
        job = await service.wait(submitted.job.id)
        if job.status.value != "done":
            print(f"job {job.id} {job.status.value}: {job.error}", file=sys.stderr)
            return 5
        args.out.mkdir(parents=True, exist_ok=True)
        for image in job.images:
            if image.path is None:
                print(f"image {image.index + 1} withheld: {image.reason}", file=sys.stderr)
                continue
            target = args.out / f"job{job.id}-{image.index}-seed{image.seed}.png"
            shutil.copyfile(image.path, target)
            print(target)
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
    if args.ar:
        width, height = size_for_aspect(*parse_aspect_ratio(args.ar), pixel_budget)
    if not 1 <= args.n <= 4:
        raise InvalidParameters("n", "--n must be between 1 and 4")
    if args.seed is not None:
        seeds = tuple(args.seed + i for i in range(args.n))
    else:
        seeds = tuple(new_seed() for _ in range(args.n))
    return GenerationParams(
        prompt=args.prompt,
        model=model,
        negative_prompt=args.negative,
        width=args.width or width,
        height=args.height or height,
        steps=args.steps or steps,
        guidance=guidance if args.guidance is None else args.guidance,
        sampler=Sampler.parse(args.sampler) if args.sampler else sampler,
        strength=args.strength,
        seeds=seeds,
    )


def _screen(args: argparse.Namespace) -> int:
    from moderation.screen_cli import load_policy_file, run_screen
    from moderation.screening import PromptScreener

    try:
        policy = load_policy_file(args.policy) if args.policy else None
    except ModerationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    blocked = run_screen(sys.stdin, sys.stdout, policy=policy, screener=PromptScreener())
    # Exit 1 when anything was blocked (a count could pass 255 and wrap around).
    return min(blocked, 1)


if __name__ == "__main__":
    main()
