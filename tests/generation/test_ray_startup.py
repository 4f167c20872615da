"""Starting and stopping the Ray Serve backend: each test brings up a local cluster of its own."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest

from generation.errors import BackendError, ModelUnavailable
from generation.settings import GenerationSettings, ModelSpec

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "imagine-generation"


def settings_for(source: str, **overrides: object) -> GenerationSettings:
    return GenerationSettings(
        models={"demo": ModelSpec(source=source, width=64, height=64, steps=4)},
        default_model="demo",
        device="cpu",
        backend="ray",
        ray_replicas=1,
        ray_gpus_per_replica=0,
        ray_cpus_per_replica=0.5,
        **overrides,  # type: ignore[arg-type]
    )


async def test_a_default_model_the_replicas_cannot_load_is_named_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Serve only says its deployment failed; the operator hears which model would not load, and why."""
    from generation.backends.ray import RayBackend

    # Serve gives up after one replica's try instead of three (the cluster, started here, inherits it):
    # what is said is the same, each try costs a replica process importing torch.
    monkeypatch.setenv("RAY_SERVE_MAX_PER_REPLICA_RETRY_COUNT", "1")

    missing = tmp_path / "no-such-model"
    backend = RayBackend(settings_for(str(missing)))
    try:
        with pytest.raises(
            ModelUnavailable, match=r"on a Ray replica: could not load model 'demo'"
        ) as caught:
            await backend.start()
    finally:
        await backend.close()
    assert caught.value.model == "demo"
    assert str(missing) in str(caught.value)


def test_a_deployment_that_failed_for_another_reason_says_its_last_line() -> None:
    from generation.backends.ray import _deploy_failure

    failure = _deploy_failure(
        ["The deployment failed to start.\nTraceback...\nRuntimeError: no GPU\n"], "demo"
    )
    assert isinstance(failure, BackendError)
    assert (
        str(failure) == "the Ray Serve application 'imagine-generation' did not start: RuntimeError: no GPU"
    )


# Another driver's cluster on this machine: the operator's, which the bot joins or must leave alone.
CLUSTER_OWNER = """
import json, sys, tempfile
import ray
from ray import serve

ray.init(address="local", include_dashboard=False, _node_ip_address="127.0.0.1",
         _temp_dir=tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
print(ray.get_runtime_context().gcs_address, flush=True)
for line in sys.stdin:
    apps = serve.status().applications if line.strip() == "apps" else {}
    print(json.dumps({name: str(app.status) for name, app in apps.items()}), flush=True)
ray.shutdown()
"""

# The bot's SIGTERM handling (bot/runner.py) around a client that starts the backend and waits.
BOT = """
import asyncio, sys
from bot.runner import _serve
from generation.backends.ray import RayBackend
from generation.settings import GenerationSettings

class Client:
    def __init__(self) -> None:
        self.backend = RayBackend(GenerationSettings.model_validate_json(sys.argv[1]))
    async def __aenter__(self) -> "Client":
        return self
    async def __aexit__(self, *exc: object) -> None:
        await self.backend.close()
    async def start(self, token: str) -> None:
        await self.backend.start()
        import ray
        print(ray.get_runtime_context().gcs_address, flush=True)
        await asyncio.Event().wait()

asyncio.run(_serve(Client(), "token"))
"""


async def _ask(owner: asyncio.subprocess.Process, line: str) -> str:
    assert owner.stdin is not None and owner.stdout is not None
    owner.stdin.write(line.encode() + b"\n")
    await owner.stdin.drain()
    return (await asyncio.wait_for(owner.stdout.readline(), 60)).decode().strip()


async def _run_bot_until_sigterm(settings: GenerationSettings, env: dict[str, str]) -> tuple[str, str]:
    """Start the bot's backend in a process of its own, SIGTERM it once started: the address of the
    cluster it joined, and its stderr."""
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        BOT,
        settings.model_dump_json(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert bot.stdout is not None and bot.stderr is not None
        joined = (await asyncio.wait_for(bot.stdout.readline(), 120)).decode().strip()
        if not joined:
            raise AssertionError((await bot.stderr.read()).decode())
        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), 60)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == 0, stderr.decode()
    return joined, stderr.decode()


async def test_sigterm_leaves_an_external_cluster_quietly_and_running(demo_model: Path) -> None:
    """Stopped with SIGTERM, a bot joined to a cluster prints no crash report and leaves the cluster and
    its application running (other bot processes use it); with no address it starts a cluster of its
    own rather than join (and then shut down) one it finds, here through RAY_ADDRESS."""
    # Token authentication, as Ray sets up a cluster of its own; the bot has the token it made.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAY_AUTH_MODE": "token"}
    owner = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLUSTER_OWNER,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert owner.stdout is not None
        address = (await asyncio.wait_for(owner.stdout.readline(), 120)).decode().strip()

        # The two bots are independent (each SIGTERMed once it has started): they run at the same time.
        # 1. Joined at its address: quiet, and the application it deployed stays.
        # 2. No address, a cluster named in RAY_ADDRESS: the bot's own cluster, the other untouched.
        bots = await asyncio.gather(
            _run_bot_until_sigterm(settings_for(str(demo_model), ray_address=address), env),
            _run_bot_until_sigterm(settings_for(str(demo_model)), {**env, "RAY_ADDRESS": address}),
            return_exceptions=True,
        )
        for bot in bots:
            if isinstance(bot, BaseException):
                raise bot
        (joined, stderr), (own, own_stderr) = bots  # type: ignore[misc]
        assert joined == address
        assert "SIGTERM received" not in stderr and "Traceback" not in stderr, stderr
        assert own != address
        assert "SIGTERM received" not in own_stderr and "Traceback" not in own_stderr, own_stderr
        # Both have left: the application the first deployed on the other cluster runs on.
        assert json.loads(await _ask(owner, "apps")) == {APP_NAME: "ApplicationStatus.RUNNING"}
    finally:
        assert owner.stdin is not None
        owner.stdin.close()
        try:
            await asyncio.wait_for(owner.wait(), 60)
        except TimeoutError:
            owner.kill()
            await owner.wait()
