#!/usr/bin/env bash
# Download into .whl/, as wheels for a GPU machine without network (Python 3.12, x86-64 Linux), what
# bench/gpu_bench.py imports that a PyTorch GPU image lacks. Such an image has torch, transformers,
# huggingface-hub, accelerate, numpy, pillow, aiohttp and prometheus-client; it lacks diffusers and the
# settings' pydantic stack. Versions are the ones installed in .venv, which the CPU runs checked.
# The device command in bench/gpu_bench.py's docstring installs them with --no-index --no-deps.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  diffusers
  pydantic
  pydantic-core
  pydantic-settings
  python-dotenv
  annotated-types
  typing-inspection
  # Such images have typing-extensions, but pydantic-core needs >= 4.16 and their version is not
  # known; a newer typing-extensions only adds names.
  typing-extensions
)

# One version of each: two wheels of one package stop the whole install there.
rm -rf .whl
for name in "${packages[@]}"; do
  version=$(.venv/bin/python -c 'import importlib.metadata, sys; print(importlib.metadata.version(sys.argv[1]))' "$name")
  python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl "$name==$version"
done
ls -1 .whl
du -sh .whl
