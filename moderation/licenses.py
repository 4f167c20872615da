"""Model licenses, their use restrictions, and users' acceptance of them.

Stable Diffusion 1.x is released under the CreativeML Open RAIL-M license. Its paragraph 5 obliges
anyone who lets others use the model to bind them to the use restrictions of Attachment A, which is why
each user accepts the terms, per license version, before generating.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from moderation.database import utcnow
from moderation.errors import LicenseNotAccepted
from moderation.models import LicenseAcceptanceRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ModelLicense:
    """A model license: identity, version, where to read it, and its use restrictions."""

    id: str
    name: str
    version: str
    url: str
    use_restrictions: tuple[str, ...]

    def terms_text(self) -> str:
        """The terms a user accepts before generating, with every use restriction in full."""
        restrictions = "\n".join(f"{i}. {r}" for i, r in enumerate(self.use_restrictions, start=1))
        return (
            f"This bot generates images with a model licensed under the {self.name} "
            f"(version {self.version}), {self.url}.\n\n"
            "By accepting, you agree not to use the model, or the images it generates for you, in any of "
            "these ways (the license's use restrictions):\n\n"
            f"{restrictions}\n\n"
            "You are responsible for the images you generate and for how you use and share them. You must "
            "not use the outputs to break these restrictions, and if you share the outputs you may not "
            "allow others to use them in a way that breaks them. Images are AI-generated and are marked "
            "as such; do not present them as real photographs of real events or people. Moderators may "
            "block prompts and withhold images that would break these terms."
        )


CREATIVEML_OPENRAIL_M = ModelLicense(
    id="creativeml-openrail-m",
    name="CreativeML Open RAIL-M License",
    version="1.0",
    url="https://huggingface.co/spaces/CompVis/stable-diffusion-license",
    # Attachment A of the license, word for word. (The BigScience Open RAIL-M text it derives from has
    # thirteen items; CreativeML dropped the two on disclaiming machine generation and on impersonation.)
    use_restrictions=(
        "In any way that violates any applicable national, federal, state, local or international law or "
        "regulation;",
        "For the purpose of exploiting, harming or attempting to exploit or harm minors in any way;",
        "To generate or disseminate verifiably false information and/or content with the purpose of harming "
        "others;",
        "To generate or disseminate personal identifiable information that can be used to harm an "
        "individual;",
        "To defame, disparage or otherwise harass others;",
        "For fully automated decision making that adversely impacts an individual’s legal rights or "
        "otherwise creates or modifies a binding, enforceable obligation;",
        "For any use intended to or which has the effect of discriminating against or harming individuals or "
        "groups based on online or offline social behavior or known or predicted personal or personality "
        "characteristics;",
        "To exploit any of the vulnerabilities of a specific group of persons based on their age, social, "
        "physical or mental characteristics, in order to materially distort the behavior of a person "
        "pertaining to that group in a manner that causes or is likely to cause that person or another "
        "person physical or psychological harm;",
        "For any use intended to or which has the effect of discriminating against individuals or groups "
        "based on legally protected characteristics or categories;",
        "To provide medical advice and medical results interpretation;",
        "To generate or disseminate information for the purpose to be used for administration of justice, "
        "law enforcement, immigration or asylum processes, such as predicting an individual will commit "
        "fraud/crime commitment (e.g. by text profiling, drawing causal relationships between assertions "
        "made in documents, indiscriminate and arbitrarily-targeted use).",
    ),
)

LICENSES: dict[str, ModelLicense] = {CREATIVEML_OPENRAIL_M.id: CREATIVEML_OPENRAIL_M}


class LicenseStore:
    """Which users accepted which license versions; a new version asks everyone again."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    async def has_accepted(self, user_id: int, license: ModelLicense) -> bool:
        """Whether the user accepted the current version of `license`."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(LicenseAcceptanceRow.user_id).where(
                    LicenseAcceptanceRow.user_id == user_id,
                    LicenseAcceptanceRow.license_id == license.id,
                    LicenseAcceptanceRow.license_version == license.version,
                )
            )
            return row is not None

    async def accept(self, user_id: int, license: ModelLicense) -> None:
        """Record the user's acceptance of the current version; accepting twice is harmless."""
        try:
            async with self._sessions() as session, session.begin():
                key = (user_id, license.id, license.version)
                if await session.get(LicenseAcceptanceRow, key) is None:
                    session.add(
                        LicenseAcceptanceRow(
                            user_id=user_id,
                            license_id=license.id,
                            license_version=license.version,
                            accepted_at=utcnow(),
                        )
                    )
        except IntegrityError:
            # A double click raced itself; the other insert recorded the same acceptance.
            log.debug("license acceptance already recorded")
        log.info("user accepted license %s version %s", license.id, license.version)

    async def require(self, user_id: int, license: ModelLicense) -> None:
        """Raise `LicenseNotAccepted` unless the user accepted the current version."""
        if not await self.has_accepted(user_id, license):
            raise LicenseNotAccepted(license)
