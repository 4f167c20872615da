"""Acknowledging interactions so that a lost answer from Discord does not lose the member's request."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import InteractionResponseType, InteractionType

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]

# "Interaction has already been acknowledged."
ALREADY_ACKNOWLEDGED = 40060


async def defer(interaction: Interaction, *, ephemeral: bool = False, thinking: bool = False) -> None:
    """`interaction.response.defer`, going on when Discord took it but its answer was lost.

    A proxy in front of Discord may answer 502 after Discord has deferred the interaction;
    discord.py then tries again and is refused with 40060. The interaction is deferred all the same,
    and has only 3 seconds to be: so the request goes on, answered through the follow-up webhook.
    """
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=thinking)
    except discord.HTTPException as exc:
        if exc.code != ALREADY_ACKNOWLEDGED:
            raise
        log.info("interaction %s was deferred, but Discord's answer was lost; going on", interaction.id)
        # discord.py notes a deferral only when its answer arrives. Note it here, as the same
        # type discord.py would have sent, so later answers edit the placeholder or follow up
        # instead of trying a second callback.
        updates_message = (
            interaction.type in (InteractionType.component, InteractionType.modal_submit) and not thinking
        )
        interaction.response._response_type = (
            InteractionResponseType.deferred_message_update
            if updates_message
            else InteractionResponseType.deferred_channel_message
        )
