"""Loading from the Hugging Face Hub: the local cache first, and a quick look whether the Hub answers
at all before a download that, with the Hub out of reach, would retry for half a minute.

Used by whatever loads weights named by a Hugging Face id: the safety checker (moderation), the model
and its preview decoder (generation).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

Loaded = TypeVar("Loaded")


def hub_out_of_reach() -> str | None:
    """Why the Hugging Face Hub cannot be reached from here, or None when it answers at all (what
    it says of an id is the download's to report)."""
    from huggingface_hub import constants, get_session

    # Asked as a download would ask, through the Hub's own client (its proxies and certificates),
    # and waiting as long as it waits for an answer.
    try:
        get_session().head(constants.ENDPOINT, timeout=constants.HF_HUB_ETAG_TIMEOUT)
    except Exception as exc:  # the HTTP library's own errors, which differ across huggingface_hub versions
        return str(exc) or type(exc).__name__
    return None


def load_cache_first(load: Callable[..., Loaded], source: str, **kwargs: Any) -> Loaded:
    """`load(source, **kwargs)`, a `from_pretrained`, reading a Hugging Face id from the local cache
    without asking the Hub when it is there; else downloading it, unless the Hub cannot be reached,
    which raises OSError (as a failed download does) at once, saying so.

    Asked first, the Hub is looked up for every file, optional ones included (a feature extractor's
    processor_config.json, which Stable Diffusion repositories do not have): out of reach, each lookup
    retries for seconds before the cached copy is used.
    """
    from huggingface_hub import constants

    if Path(source).expanduser().exists() or constants.HF_HUB_OFFLINE:
        return load(source, **kwargs)
    try:
        return load(source, local_files_only=True, **kwargs)
    except OSError:
        pass  # not in the cache, or not all of it
    if (reason := hub_out_of_reach()) is not None:
        raise OSError(
            f"{source} is not in the Hugging Face cache ({constants.HF_HUB_CACHE}) and the Hub cannot be "
            f"reached at {constants.ENDPOINT}: {reason}"
        )
    return load(source, **kwargs)
