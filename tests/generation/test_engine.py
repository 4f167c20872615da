from __future__ import annotations

import copy
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from diffusers import StableDiffusionPipeline, UNet2DConditionModel
from PIL import Image

from generation import engine as engine_module
from generation.acceleration import Acceleration, bucket_for, compile_buckets
from generation.backends.inprocess import InProcessBackend
from generation.engine import BatchItem, BatchKey, BatchRequest, DiffusionEngine, fit_to_grid
from generation.errors import DeviceFailed, JobCancelled, ModelUnavailable
from generation.params import CFG_OFF_AT, Sampler
from generation.settings import PREVIEW_VAE_FOLDER, GenerationSettings, ModelSpec
from tests.conftest import CACHED_HUB_ID, CACHED_PREVIEW_HUB_ID
from tests.generation.ldm_checkpoint import write_ldm_checkpoint


@pytest.fixture(scope="module")
def engine(demo_model: Path) -> DiffusionEngine:
    return DiffusionEngine.load("demo", str(demo_model), device="cpu")


def key(*, sampler: Sampler = Sampler.DPMPP_2M, img2img: bool = False, steps: int = 4) -> BatchKey:
    return BatchKey("demo", img2img, 64, 64, steps, 7.5, sampler, 0.6 if img2img else 1.0)


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_loads_through_from_pretrained_on_cpu_in_fp32(engine: DiffusionEngine) -> None:
    assert engine.device.type == "cpu"
    assert str(engine.dtype) == "torch.float32"


def test_half_precision_weights_stay_half_precision_through_every_kind_of_call(demo_model: Path) -> None:
    """Each call's pipeline view shares the loaded modules: building one must not cast them (fp16 on
    a GPU turned into fp32 at the first image, twice the memory and half the speed). bfloat16 stands
    for fp16 here, as the CPU runs it."""
    half = DiffusionEngine.load("demo", str(demo_model), device="cpu", dtype="bfloat16")
    red = Image.new("RGB", (64, 64), (200, 30, 30))
    for request in (
        BatchRequest(key(steps=2), (BatchItem("a fox", "", 1),)),
        BatchRequest(key(sampler=Sampler.EULER_A, steps=2), (BatchItem("a fox", "", 1),)),
        BatchRequest(key(img2img=True, steps=2), (BatchItem("a fox", "", 1, red),)),
    ):
        (image,) = half.run(request)
        assert image.size == (64, 64)
    modules = half._base.components
    assert {name: modules[name].dtype for name in ("unet", "vae", "text_encoder")} == dict.fromkeys(
        ("unet", "vae", "text_encoder"), torch.bfloat16
    )


def gpu_fault(*_args: object, **_kwargs: object) -> None:
    raise torch.AcceleratorError(
        "CUDA error: an illegal memory access was encountered\n"
        "CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace..."
    )


def test_a_gpu_fault_is_a_device_failure_named_in_one_line(
    demo_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faulty = DiffusionEngine.load("demo", str(demo_model), device="cpu")
    monkeypatch.setattr(faulty._base.unet, "forward", gpu_fault)
    with pytest.raises(DeviceFailed) as failed:
        faulty.run(BatchRequest(key(), (BatchItem("a boat", "", 1),)))
    assert str(failed.value) == "the GPU failed: CUDA error: an illegal memory access was encountered"


async def test_after_a_gpu_fault_the_in_process_backend_says_it_cannot_serve(
    demo_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CUDA context an illegal access broke stays broken: /healthz must say so (see bot/app.py)."""

    settings = GenerationSettings(
        models={"demo": ModelSpec(source=str(demo_model), width=64, height=64)},
        default_model="demo",
        device="cpu",
        image_dir=tmp_path,
    )
    backend = InProcessBackend(settings)
    try:
        await backend.start()
        assert backend.failure() is None
        monkeypatch.setattr((await backend.engine("demo"))._base.unet, "forward", gpu_fault)
        with pytest.raises(DeviceFailed):
            await backend.run(
                BatchRequest(key(), (BatchItem("a boat", "", 1),)),
                on_step=lambda _step, _total: None,
                should_stop=lambda: False,
            )
        assert backend.failure() == "the GPU failed: CUDA error: an illegal memory access was encountered"
    finally:
        await backend.close()


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="could not load model"):
        DiffusionEngine.load("nope", str(tmp_path / "missing"), device="cpu")


def test_a_one_file_checkpoint_draws_what_its_diffusers_folder_draws(
    demo_model: Path, engine: DiffusionEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The way community models are shared: one .safetensors in the original layout, with the configs
    of its architecture from a folder (or Hub id) named in the registry."""

    folder_pipeline = StableDiffusionPipeline.from_pretrained(demo_model, safety_checker=None)
    checkpoint = write_ldm_checkpoint(folder_pipeline, tmp_path / "Demo-Model.safetensors")
    spec = ModelSpec(source=str(checkpoint), config=str(demo_model), width=64, height=64, steps=4)
    settings = GenerationSettings(models={"demo": spec}, default_model="demo", device="cpu")
    single = DiffusionEngine.from_settings("demo", settings)
    request = BatchRequest(key(), (BatchItem("a red fox", "", 5), BatchItem("a cat", "blurry", 6)))
    for ours, theirs in zip(single.run(request), engine.run(request), strict=True):
        assert np.array_equal(pixels(ours), pixels(theirs))
    # Its safety checker comes from the same place as its configs.
    assert spec.components == str(demo_model)
    # Without a `config`, the configs come from the Hub; where it cannot be reached, the answer says so.
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_OFFLINE", True)
    with pytest.raises(ModelUnavailable, match="names a `config`"):
        DiffusionEngine.load("demo", str(checkpoint), device="cpu")


def test_an_sdxl_model_is_refused_at_load_rather_than_failing_every_job(
    demo_model: Path, tmp_path: Path
) -> None:
    xl = tmp_path / "xl"
    shutil.copytree(demo_model, xl)
    # The demo UNet with SDXL's micro-conditioning (text and time embeddings added to the timestep's).
    config = UNet2DConditionModel.load_config(demo_model / "unet")
    UNet2DConditionModel.from_config(
        {
            **config,
            "addition_embed_type": "text_time",
            "addition_time_embed_dim": 8,
            "projection_class_embeddings_input_dim": config["cross_attention_dim"] + 6 * 8,
        }
    ).save_pretrained(xl / "unet")
    with pytest.raises(ModelUnavailable, match="is a Stable Diffusion XL model"):
        DiffusionEngine.load("xl", str(xl), device="cpu")


def test_a_missing_or_broken_checkpoint_file_says_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="no such file"):
        DiffusionEngine.load("nope", str(tmp_path / "missing.safetensors"), device="cpu")
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a checkpoint" * 64)
    with pytest.raises(ModelUnavailable, match=r"could not load model 'nope'.*Unable to load weights"):
        DiffusionEngine.load("nope", str(broken), device="cpu")
    # A training checkpoint pickles more than weights: it is not unpickled, and the answer says why.
    pickled = tmp_path / "trained.ckpt"
    torch.save({"state_dict": {}, "callbacks": Path("x")}, pickled)
    with pytest.raises(ModelUnavailable, match=r"convert it to \.safetensors"):
        DiffusionEngine.load("nope", str(pickled), device="cpu")
    shouting = tmp_path / "MODEL.SAFETENSORS"
    shouting.write_bytes(b"")
    with pytest.raises(ModelUnavailable, match=r"lower-case '\.safetensors' suffix"):
        DiffusionEngine.load("nope", str(shouting), device="cpu")


@pytest.mark.parametrize("sampler", list(Sampler))
def test_same_seed_same_pixels_and_batch_equals_alone(engine: DiffusionEngine, sampler: Sampler) -> None:
    batch = engine.run(
        BatchRequest(key(sampler=sampler), (BatchItem("a red fox", "", 5), BatchItem("a cat", "blurry", 6)))
    )
    alone = engine.run(BatchRequest(key(sampler=sampler), (BatchItem("a cat", "blurry", 6),)))
    again = engine.run(BatchRequest(key(sampler=sampler), (BatchItem("a cat", "blurry", 6),)))
    assert [image.size for image in batch] == [(64, 64), (64, 64)]
    assert np.array_equal(pixels(alone[0]), pixels(again[0]))
    # Batched matmuls may round differently in the last bit; a pixel value or two at most.
    assert np.abs(pixels(batch[1]) - pixels(alone[0])).max() <= 2
    assert not np.array_equal(pixels(batch[0]), pixels(batch[1]))


def test_guidance_at_or_below_one_is_off_and_ignores_the_negative_prompt(engine: DiffusionEngine) -> None:
    """Why check_params refuses a negative prompt there: the pipeline would drop it without a word."""

    def draw(guidance: float, negative: str) -> np.ndarray:
        request_key = BatchKey("demo", False, 64, 64, 3, guidance, Sampler.DPMPP_2M, 1.0)
        return pixels(engine.run(BatchRequest(request_key, (BatchItem("a cat", negative, 3),)))[0])

    assert np.array_equal(draw(0.0, ""), draw(CFG_OFF_AT, ""))
    assert np.array_equal(draw(CFG_OFF_AT, ""), draw(CFG_OFF_AT, "a dog"))
    assert not np.array_equal(draw(7.5, ""), draw(7.5, "a dog"))


def test_a_prompt_past_clips_tokens_is_cut_without_its_words_in_the_logs(engine: DiffusionEngine) -> None:
    class Recorder(logging.Handler):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    # diffusers logs under its own root logger, which does not propagate to the root one.
    recorder = Recorder()
    diffusers_logger = logging.getLogger("diffusers")
    diffusers_logger.addHandler(recorder)
    long_prompt = " ".join(f"secretword{index}" for index in range(120))
    try:
        for img2img in (False, True):
            request_key = BatchKey("demo", img2img, 64, 64, 2, 7.5, Sampler.DPMPP_2M, 0.6 if img2img else 1.0)
            init = Image.new("RGB", (64, 64), (90, 40, 10)) if img2img else None
            images = engine.run(BatchRequest(request_key, (BatchItem(long_prompt, "", 1, init),)))
            assert len(images) == 1
    finally:
        diffusers_logger.removeHandler(recorder)
    assert not [message for message in recorder.messages if "secretword" in message]


def test_img2img_uses_each_init_image(engine: DiffusionEngine) -> None:
    red = Image.new("RGB", (64, 64), (255, 0, 0))
    blue = Image.new("RGB", (64, 64), (0, 0, 255))
    out = engine.run(
        BatchRequest(key(img2img=True, steps=6), (BatchItem("x", "", 1, red), BatchItem("x", "", 1, blue)))
    )
    assert len(out) == 2
    # Same seed and prompt: only the init image differs, and it shows through at strength 0.6.
    assert not np.array_equal(pixels(out[0]), pixels(out[1]))


def test_progress_and_cooperative_cancel(engine: DiffusionEngine) -> None:
    steps: list[tuple[int, int]] = []
    engine.run(
        BatchRequest(key(steps=3), (BatchItem("x", "", 1),)), on_step=lambda s, t: steps.append((s, t))
    )
    assert steps == [(1, 3), (2, 3), (3, 3)]
    with pytest.raises(JobCancelled):
        engine.run(BatchRequest(key(steps=3), (BatchItem("x", "", 1),)), should_stop=lambda: True)


def test_fit_to_grid_covers_and_crops() -> None:
    image = Image.new("RGB", (300, 100))
    fitted = fit_to_grid(image, 64, 64)
    assert fitted.size == (64, 64)


def test_padding_to_a_bucket_and_fused_qkv_keep_the_pixels(demo_model: Path) -> None:
    plain = DiffusionEngine.load("demo", str(demo_model), device="cpu")
    settings = GenerationSettings(
        models={"demo": ModelSpec(source=str(demo_model), width=64, height=64, steps=4)},
        default_model="demo",
        device="cpu",
        batch_buckets=(1, 4, 8),
        fuse_qkv=True,
    )
    fast = DiffusionEngine.from_settings("demo", settings)
    assert fast.buckets == ()  # no padding without compiled graphs: it would only waste work
    assert "fused QKV" in fast.speedups
    fast.buckets = (1, 4, 8)  # as with compile on
    items = (BatchItem("a red fox", "", 1), BatchItem("a cat", "", 2), BatchItem("a dog", "ugly", 3))
    padded = fast.run(BatchRequest(key(), items))  # three items run as a bucket of four
    reference = plain.run(BatchRequest(key(), items))
    assert len(padded) == 3
    for ours, theirs in zip(padded, reference, strict=True):
        assert np.abs(pixels(ours) - pixels(theirs)).max() <= 2


def test_bucket_for() -> None:
    assert [bucket_for(n, (1, 2, 4, 8)) for n in (1, 2, 3, 5, 8, 9)] == [1, 2, 4, 8, 8, 9]
    assert bucket_for(3, ()) == 3


def test_no_batch_is_padded_past_the_largest_the_scheduler_makes() -> None:
    assert compile_buckets((1, 4, 16), 8) == (1, 4, 8)
    assert compile_buckets((16, 1, 2, 4, 8), 8) == (1, 2, 4, 8)
    assert compile_buckets((1, 2), 8) == (1, 2, 8)
    assert compile_buckets((1, 2, 4), 1) == (1,)
    assert compile_buckets((), 8) == ()


def test_vae_tiling_tiles_upscales_but_no_aspect_ratio_of_the_model_size(demo_model: Path) -> None:
    settings = GenerationSettings(
        models={"demo": ModelSpec(source=str(demo_model), width=64, height=64, steps=3)},
        default_model="demo",
        device="cpu",
        vae_tiling=True,
        fuse_qkv=False,
    )
    tiled = DiffusionEngine.from_settings("demo", settings)
    plain = DiffusionEngine.load("demo", str(demo_model), device="cpu")
    assert "tiled VAE decode and encode above 8192 pixels" in tiled.speedups

    vae = tiled._base.vae
    calls: list[tuple[int, ...]] = []
    encodes: list[tuple[int, ...]] = []
    original = vae.tiled_decode
    vae.tiled_decode = lambda z, *a, **kw: calls.append(tuple(z.shape)) or original(z, *a, **kw)
    original_encode = vae._tiled_encode
    vae._tiled_encode = lambda x: encodes.append(tuple(x.shape)) or original_encode(x)
    # The model's own pixel count in a wide shape (4:1, wider than the VAE's tile): decoded whole.
    for width, height in ((64, 64), (128, 32)):
        wide = BatchRequest(
            BatchKey("demo", False, width, height, 2, 7.5, Sampler.DPMPP_2M, 1.0),
            (BatchItem("a fox", "", 3),),
        )
        assert np.array_equal(pixels(tiled.run(wide)[0]), pixels(plain.run(wide)[0]))
    assert calls == []
    # A 2x upscale (four times the pixels) is decoded in tiles.
    large = BatchKey("demo", False, 128, 128, 2, 7.5, Sampler.DPMPP_2M, 1.0)
    (image,) = tiled.run(BatchRequest(large, (BatchItem("a red fox", "", 3),)))
    assert image.size == (128, 128)
    assert calls, "an upscale should decode in tiles"
    assert encodes == []

    # An upscale's refinement pass (img2img at twice the size) encodes in tiles too; the model's own
    # size does not, and gives the plain engine's pixels.
    source = Image.new("RGB", (64, 64), (200, 80, 40))
    own = BatchRequest(
        BatchKey("demo", True, 64, 64, 4, 7.5, Sampler.DPMPP_2M, 0.5), (BatchItem("a fox", "", 3, source),)
    )
    assert np.array_equal(pixels(tiled.run(own)[0]), pixels(plain.run(own)[0]))
    assert encodes == []
    upscale = BatchKey("demo", True, 128, 128, 4, 7.5, Sampler.DPMPP_2M, 0.5)
    (refined,) = tiled.run(BatchRequest(upscale, (BatchItem("a fox", "", 3, source.resize((128, 128))),)))
    assert refined.size == (128, 128)
    assert encodes == [(1, 3, 128, 128)]


@pytest.mark.timeout(600)  # inductor compiles the UNet and the VAE decoder on two CPU cores
def test_compiled_engine_matches_plain_never_recompiles_in_service_and_reuses_its_disk_cache(
    demo_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch.compile on the CPU (inductor): the same pixels as eager, every sampler and img2img served
    by the graphs warm-up compiled, a lone image padded into the bucket of two, and a restart that
    finds its kernels on disk.

    One bucket is compiled here, where each bucket's and each size's graphs cost minutes of CPU; the
    warm-up runs every bucket (tested below, uncompiled) and every warmed-up size (`compiled_sizes`,
    tested in test_service) the same way.
    """
    import torch._inductor.config
    from torch._dynamo.utils import counters

    monkeypatch.delenv("TORCHINDUCTOR_CACHE_DIR", raising=False)
    # Scalar C++ kernels: a third less inductor work than SIMD ones on these CPUs (the GPU's kernels are
    # Triton's anyway). What is checked is which graphs are compiled, when, and where they are kept.
    monkeypatch.setattr(torch._inductor.config.cpp, "simdlen", 0)
    cache = tmp_path / "compile-cache"
    settings = GenerationSettings(
        models={"demo": ModelSpec(source=str(demo_model), width=64, height=64, steps=3)},
        default_model="demo",
        device="cpu",
        compile=True,
        batch_buckets=(2,),
        max_batch=2,
        compile_cache_dir=cache,
    )
    plain = DiffusionEngine.load("demo", str(demo_model), device="cpu")
    try:
        fast = DiffusionEngine.from_settings("demo", settings)  # warm-up compiles the bucket of two
        assert "torch.compile (default)" in fast.speedups
        monkeypatch.setattr(torch._dynamo.config, "error_on_recompile", True)
        red = Image.new("RGB", (64, 64), (200, 30, 30))
        requests = [
            BatchRequest(key(sampler=sampler), (BatchItem("a red fox", "", 5), BatchItem("a cat", "", 6)))
            for sampler in Sampler
        ]
        requests.append(BatchRequest(key(sampler=Sampler.EULER_A), (BatchItem("a cat", "", 6),)))
        requests.append(BatchRequest(key(img2img=True, steps=5), (BatchItem("a cat", "", 7, red),)))
        for request in requests:
            for ours, theirs in zip(fast.run(request), plain.run(request), strict=True):
                assert np.abs(pixels(ours) - pixels(theirs)).max() <= 2
        assert any(cache.rglob("*")), "compiled kernels should be kept on disk"

        # A restart: compiled state in memory is gone, the FX graphs come back from the disk cache.
        torch._dynamo.reset()
        counters.clear()
        monkeypatch.setattr(torch._dynamo.config, "error_on_recompile", False)
        DiffusionEngine.from_settings("demo", settings)
        assert counters["inductor"]["fxgraph_cache_hit"] > 0
        assert counters["inductor"]["fxgraph_cache_miss"] == 0
    finally:
        torch._dynamo.reset()


def test_warm_up_runs_every_bucket_once_at_each_compiled_size_saying_how_far_it_is(
    demo_model: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What makes compiling happen at start, not in service: one batch of each bucket per size."""
    settings = GenerationSettings(
        models={"demo": ModelSpec(source=str(demo_model), width=64, height=64, steps=3)},
        default_model="demo",
        device="cpu",
        batch_buckets=(1, 2, 4),
        max_batch=4,
        compile_warmup_aspects=("2:1",),
    )
    ran: list[tuple[int, int, int]] = []
    original = DiffusionEngine.run

    def run(self: DiffusionEngine, request: BatchRequest, **kwargs: object) -> list[Image.Image]:
        ran.append((len(request.items), request.key.width, request.key.height))
        return original(self, request, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DiffusionEngine, "run", run)
    # Compiling itself is the test above's: here the engine is set up for it, but runs eagerly.
    monkeypatch.setattr(settings, "compile", True)
    optimize = engine_module.optimize_pipeline
    monkeypatch.setattr(
        engine_module,
        "optimize_pipeline",
        lambda *args, **kwargs: optimize(*args, **kwargs | {"compile_graphs": False}),
    )
    with caplog.at_level(logging.INFO, logger="generation.acceleration"):
        DiffusionEngine.from_settings("demo", settings)
    sizes = settings.compiled_sizes(settings.models["demo"])
    assert len(sizes) == 2
    assert ran == [(bucket, width, height) for width, height in sizes for bucket in (1, 2, 4)]
    progress = [r.getMessage() for r in caplog.records if r.name == "generation.acceleration"]
    assert [line.split(" ready")[0] for line in progress] == [
        f"warm-up {i}/3: batch bucket {bucket} at {width}x{height}"
        for width, height in sizes
        for i, bucket in enumerate((1, 2, 4), start=1)
    ]


def test_previews_from_the_tiny_autoencoder_at_the_interval_never_at_the_last_step(
    demo_model: Path,
) -> None:
    # A local folder outside the registry brings its own preview decoder along.
    settings = GenerationSettings(device="cpu", preview_interval_s=0.0001, batch_buckets=(1, 4))
    name, spec = settings.spec(str(demo_model))
    assert spec.preview_vae == str(demo_model / PREVIEW_VAE_FOLDER)
    engine = DiffusionEngine.from_settings(name, settings)
    assert engine.preview_decoder is not None

    seen: list[tuple[int, int, list[tuple[int, int]]]] = []
    items = (BatchItem("a red fox", "", 1), BatchItem("a cat", "", 2), BatchItem("a dog", "", 3))
    results = engine.run(
        BatchRequest(key(steps=4), items),  # padded to a bucket of four
        on_preview=lambda step, total, images: seen.append((step, total, [i.size for i in images])),
    )
    assert len(results) == 3
    assert [(step, total) for step, total, _ in seen] == [(1, 4), (2, 4), (3, 4)]
    assert all(sizes == [(64, 64)] * 3 for _, _, sizes in seen)

    # Without the callback, or with a long interval, the decoder is never asked.
    slow: list[int] = []
    engine.preview_interval_s = 3600
    engine.run(BatchRequest(key(steps=4), items[:1]), on_preview=lambda step, _t, _i: slow.append(step))
    assert slow == []

    # A decoder that breaks costs the previews, never the batch.
    class Broken:
        def decode(self, _latents: object) -> object:
            raise RuntimeError("CUDA error: an illegal memory access was encountered")

    engine.preview_decoder, engine.preview_interval_s = Broken(), 0.0001
    shown: list[int] = []
    out = engine.run(
        BatchRequest(key(steps=4), items[:2]), on_preview=lambda step, _t, _i: shown.append(step)
    )
    assert len(out) == 2 and shown == []


def test_a_preview_decoder_that_does_not_load_leaves_the_model_serving(
    demo_model: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = GenerationSettings(
        models={
            "demo": ModelSpec(
                source=str(demo_model), width=64, height=64, preview_vae=str(tmp_path / "missing")
            )
        },
        default_model="demo",
        device="cpu",
    )
    engine = DiffusionEngine.from_settings("demo", settings)
    assert engine.preview_decoder is None
    assert "no progress previews" in caplog.text
    seen: list[int] = []
    out = engine.run(
        BatchRequest(key(steps=3), (BatchItem("x", "", 1),)), on_preview=lambda s, _t, _i: seen.append(s)
    )
    assert len(out) == 1 and seen == []


def test_a_preview_decoder_from_the_hugging_face_cache_loads_with_the_hub_out_of_reach(
    hub_cache: Path, unreachable_hub: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = GenerationSettings(
        models={
            "tiny": ModelSpec(source=CACHED_HUB_ID, width=64, height=64, preview_vae=CACHED_PREVIEW_HUB_ID)
        },
        default_model="tiny",
        device="cpu",
        preview_interval_s=0.0001,
    )
    engine = DiffusionEngine.from_settings("tiny", settings)
    assert engine.preview_decoder is not None
    # One not in the cache costs the previews, said at once rather than after half a minute of retries.
    engine.preview_decoder = None
    engine.load_preview_decoder("madebyollin/taesd")
    assert engine.preview_decoder is None
    assert (
        f"no progress previews, preview decoder 'madebyollin/taesd' did not load: madebyollin/taesd is not "
        f"in the Hugging Face cache ({hub_cache}) and the Hub cannot be reached at {unreachable_hub}"
    ) in caplog.text
    assert "Retrying" not in caplog.text


def test_small_buckets_run_on_the_cuda_graph_unet_and_large_ones_on_the_other(demo_model: Path) -> None:
    """The dispatch between the two compiled UNets (CUDA graphs themselves need a GPU)."""

    engine = DiffusionEngine.load("demo", str(demo_model), device="cpu")
    engine.buckets = (1, 2, 4)
    calls: list[str] = []
    graph_unet = engine._base.unet
    graph_unet.register_forward_pre_hook(lambda _module, _args: calls.append("graph") or None)
    # A copy of the UNet with its own hook stands for the plain compiled one.
    plain_unet = copy.deepcopy(graph_unet)
    plain_unet._forward_pre_hooks.clear()
    plain_unet.register_forward_pre_hook(lambda _module, _args: calls.append("plain") or None)
    engine._base.unet = plain_unet
    engine.acceleration = Acceleration(graph_unet=graph_unet, graph_max_batch=2)

    engine.run(BatchRequest(key(steps=2), (BatchItem("a", "", 1), BatchItem("b", "", 2))))
    assert set(calls) == {"graph"}
    calls.clear()
    engine.run(BatchRequest(key(steps=2), (BatchItem("a", "", 1),) * 3))  # a bucket of 4
    assert set(calls) == {"plain"}
