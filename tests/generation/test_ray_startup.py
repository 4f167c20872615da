"""Starting and stopping the Ray Serve backend: each test brings up a local cluster of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from generation.errors import BackendError, ModelUnavailable
from generation.settings import GenerationSettings, ModelSpec

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


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


async def test_a_default_model_the_replicas_cannot_load_is_named_at_start(tmp_path: Path) -> None:
    """Serve only says its deployment failed; the operator hears which model would not load, and why."""
    from generation.backends.ray import RayBackend

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
